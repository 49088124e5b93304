#!/usr/bin/env bash
# The Debian packages as a C system gets them (`make test-deb`):
#  1. apt resolves them: `apt-get install --simulate ./*.deb` (their Depends exist on this system);
#  2. dpkg installs them into an empty root (dpkg --root: a clean tree, nothing else installed);
#  3. a C host (packaging/host.c) builds with `pkg-config kcbx` against that root only and runs,
#     the library and the CLI resolved from the root, with the Swift toolchain off PATH;
#  4. every version agrees: package Version, kcbx.pc, kcbx_version(), `kcbx --version`.
#   packaging/deb/test.sh VERSION DIST
set -euo pipefail
# grep that reads its whole input: `grep -q` stops at the first match, and the writer of the pipe
# then dies of SIGPIPE, which pipefail reports as a failure (seen once in CI with ldd | tee).
has() { grep "$@" >/dev/null; }
VERSION=$1 DIST=$(cd "$2" && pwd)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
ARCH=$(dpkg --print-architecture)
DEBS=("$DIST/libkcbx0_${VERSION}-1_$ARCH.deb" "$DIST/libkcbx-dev_${VERSION}-1_$ARCH.deb" "$DIST/kcbx-tools_${VERSION}-1_$ARCH.deb")
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
passed=0 failed=0
check() {  # check NAME COMMAND...: one line per check
  local name=$1; shift
  if "$@" > "$T/out" 2>&1; then passed=$((passed + 1)); echo "ok   $name"
  else failed=$((failed + 1)); echo "FAIL $name"; sed 's/^/     /' "$T/out" | tail -15; fi
}
no_toolchain_path() { echo "$PATH" | tr ':' '\n' | grep -v '^/opt/swift' | paste -sd: -; }

check "the three packages exist" ls "${DEBS[@]}"
field() { dpkg-deb -f "$1" "$2"; }
versions() {
  for d in "${DEBS[@]}"; do [ "$(field "$d" Version)" = "$VERSION-1" ] || { echo "$d: $(field "$d" Version)"; return 1; }; done
}
check "package versions are $VERSION-1" versions
depends() {
  field "${DEBS[0]}" Depends | has 'libc6' && field "${DEBS[0]}" Depends | has 'libsqlite3-0' \
    && field "${DEBS[1]}" Depends | has -x "libkcbx0 (= $VERSION-1)" \
    && field "${DEBS[2]}" Depends | has 'libc6' || { for d in "${DEBS[@]}"; do echo "$d: $(field "$d" Depends)"; done; return 1; }
}
check "Depends from dpkg-shlibdeps (libc6, libsqlite3-0; -dev on the exact library)" depends
check "apt resolves them: apt-get install --simulate ./*.deb" \
  bash -c 'out=$(apt-get install --simulate "$@" 2>&1) || { echo "$out"; exit 1; }; for p in libkcbx0 libkcbx-dev kcbx-tools; do grep -q "^Inst $p " <<<"$out" || { echo "$out"; exit 1; }; done' _ "${DEBS[@]}"

# A clean root: an empty tree with its own dpkg database.
R=$T/root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/tmp"
touch "$R/var/lib/dpkg/status" "$R/var/lib/dpkg/available"
# libc6 and libsqlite3-0 are not in the empty root's database: --force-depends (step 1 checked them).
check "dpkg --root installs them into an empty root" \
  dpkg --root="$R" --log=/dev/null --force-depends --force-not-root --force-script-chrootless -i "${DEBS[@]}"
LIBDIR=$R/usr/lib/$MULTIARCH
layout() {
  [ -f "$LIBDIR/libkcbx.so.$VERSION" ] && [ "$(readlink "$LIBDIR/libkcbx.so.0")" = "libkcbx.so.$VERSION" ] \
    && [ "$(readlink "$LIBDIR/libkcbx.so")" = libkcbx.so.0 ] && [ -f "$R/usr/include/kcbx.h" ] \
    && [ -x "$R/usr/bin/kcbx" ] && [ -f "$LIBDIR/pkgconfig/kcbx.pc" ] \
    && dpkg --root="$R" -S "/usr/lib/$MULTIARCH/libkcbx.so.0" | has '^libkcbx0:' || { find "$R/usr" | sort; return 1; }
  [ "$(readelf -d "$LIBDIR/libkcbx.so.$VERSION" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')" = libkcbx.so.0 ]
}
check "layout: library + SONAME link, header, kcbx.pc, unversioned link, CLI" layout

export PKG_CONFIG_SYSROOT_DIR=$R PKG_CONFIG_LIBDIR=$LIBDIR/pkgconfig
unset PKG_CONFIG_PATH LD_LIBRARY_PATH
check "kcbx.pc says $VERSION" test "$(pkg-config --modversion kcbx)" = "$VERSION"
check "a C host builds with pkg-config kcbx against the root" \
  bash -c 'gcc -std=c99 -Wall -Wextra -Werror "$1" $(pkg-config --cflags --libs kcbx) -o "$2"' _ "$ROOT/packaging/host.c" "$T/host"
run_host() {
  local out
  rm -f "$T"/host.kcbx*
  out=$(env PATH="$(no_toolchain_path)" LD_LIBRARY_PATH="$LIBDIR" "$T/host" "$VERSION" "$T") || { echo "host: exit $?: $out"; return 1; }
  [ "$out" = "$VERSION" ] || { echo "host printed '$out'"; return 1; }
  env LD_LIBRARY_PATH="$LIBDIR" ldd "$T/host" | tee /dev/stderr | has "libkcbx.so.0 => $LIBDIR/libkcbx.so.0"
}
check "the host runs on the root's library (kcbx_version() = $VERSION, ledger opened)" run_host
nothing_from_toolchain() {
  ! readelf -d "$LIBDIR/libkcbx.so.$VERSION" "$R/usr/bin/kcbx" | grep -E 'R(UN)?PATH|libswift|libFoundation|libdispatch'
}
check "library and CLI need nothing from the Swift toolchain" nothing_from_toolchain
check "kcbx --version prints $VERSION" bash -c '[ "$(env PATH="$1" "$2" --version)" = "$3" ]' _ "$(no_toolchain_path)" "$R/usr/bin/kcbx" "$VERSION"
echo "test-deb: $passed passed, $failed failed"
[ "$failed" = 0 ]
