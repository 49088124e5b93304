#!/usr/bin/env bash
# One version from one place (Sources/KCBXCore/Support/KCBXVersion.swift): every reader agrees
# (`make test-version`; the wheel's and packages' own versions are checked by their tests).
#   packaging/test-version.sh VERSION CLI
set -uo pipefail
VERSION=$1 CLI=$2
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
passed=0 failed=0
same() {  # same WHAT VALUE
  if [ "$2" = "$VERSION" ]; then passed=$((passed + 1)); echo "ok   $1: $2"
  else failed=$((failed + 1)); echo "FAIL $1: '$2', expected '$VERSION'"; fi
}
source_version=$(sed -n 's/^public let kcbxVersion = "\(.*\)"/\1/p' Sources/KCBXCore/Support/KCBXVersion.swift)
same "KCBXVersion.swift" "$source_version"
[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] && same "semantic version x.y.z" "$VERSION" || same "semantic version x.y.z" "not x.y.z"
[ "$(grep -rl '^public let kcbxVersion' Sources | wc -l)" = 1 ] && same "written once in Sources" "$VERSION" || same "written once in Sources" "$(grep -rl 'let kcbxVersion' Sources | tr '\n' ' ')"
same "kcbx --version" "$("$CLI" --version 2>&1)"
same "libkcbx kcbx_version()" "$(python3 -c 'import ctypes, sys; l = ctypes.CDLL(sys.argv[1]); l.kcbx_version.restype = ctypes.c_char_p; print(l.kcbx_version().decode())' "$(readlink -f "${OUT:-out}/lib/libkcbx.so.0")")"
# setup.py up to its build steps: the imports, paths and library_version() the wheel's version comes from.
same "the wheel (bindings/python/setup.py)" "$(cd bindings/python && python3 -c 'ns = {"__file__": "setup.py"}; exec(open("setup.py").read().split("_library_ready")[0], ns); print(ns["library_version"]())')"
pc=$(sed -e 's|@PREFIX@|/usr|' -e 's|@LIBDIR@|${prefix}/lib|' -e "s|@VERSION@|$VERSION|" kcbx.pc.in | sed -n 's/^Version: //p')
same "kcbx.pc (from kcbx.pc.in as make install and make deb write it)" "$pc"
if [ -f CHANGELOG.md ]; then
  grep -Eq "^#+ .*\b${VERSION//./\\.}\b" CHANGELOG.md && same "CHANGELOG.md has an entry" "$VERSION" || same "CHANGELOG.md has an entry" "none"
fi
echo "test-version: $passed passed, $failed failed"
[ "$failed" = 0 ]
