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
# Java for the Spark recipe's local-mode test (bindings/python/tests/test_spark.py).
command -v java >/dev/null || need_apt+=(openjdk-17-jre-headless)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "ensure-deps: installing ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
py_missing=()
python3 -c 'import cffi' 2>/dev/null || py_missing+=(cffi)
python3 -c 'import pytest' 2>/dev/null || py_missing+=(pytest)
python3 -c 'import setuptools' 2>/dev/null || py_missing+=(setuptools)
# The Spark recipe (examples/spark, docs/spark.md): PySpark with its Arrow exchange.
python3 -c 'import pyspark' 2>/dev/null || py_missing+=(pyspark)
python3 -c 'import pyarrow' 2>/dev/null || py_missing+=(pyarrow)
if [ ${#py_missing[@]} -gt 0 ]; then
  echo "ensure-deps: pip installing ${py_missing[*]}"
  python3 -m pip install -q "${py_missing[@]}"
fi
