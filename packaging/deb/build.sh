#!/usr/bin/env bash
# Builds the three Debian packages from a built tree (`make deb` runs `make lib cli` first):
#   libkcbx0     the library (/usr/lib/<multiarch>/libkcbx.so.<version>) and its SONAME link
#   libkcbx-dev  include/kcbx.h, kcbx.pc and the unversioned libkcbx.so link
#   kcbx-tools   the command line, /usr/bin/kcbx
# Depends come from dpkg-shlibdeps; libkcbx0 carries a shlibs file and the ldconfig trigger,
# as debhelper would write them. Plain dpkg-deb: no debian/ source tree, no debhelper.
#   packaging/deb/build.sh VERSION LIBRARY CLI DIST
set -euo pipefail
VERSION=$1 LIBRARY=$2 CLI=$3 DIST=$4
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ARCH=$(dpkg --print-architecture)
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
DEBVERSION="$VERSION-1"
MAINTAINER="KCBX developers <kcbx@invalid>"
SONAME=libkcbx.so.0
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
mkdir -p "$DIST"
rm -f "$DIST"/libkcbx0_*.deb "$DIST"/libkcbx-dev_*.deb "$DIST"/kcbx-tools_*.deb

# Staging trees: usr/ as installed, DEBIAN/ for control files.
LIB=$WORK/libkcbx0 DEV=$WORK/libkcbx-dev TOOLS=$WORK/kcbx-tools
install -d "$LIB/usr/lib/$MULTIARCH" "$DEV/usr/include" "$DEV/usr/lib/$MULTIARCH/pkgconfig" "$TOOLS/usr/bin"
install -m 644 "$LIBRARY" "$LIB/usr/lib/$MULTIARCH/libkcbx.so.$VERSION"
ln -s "libkcbx.so.$VERSION" "$LIB/usr/lib/$MULTIARCH/$SONAME"
install -m 644 "$ROOT/include/kcbx.h" "$DEV/usr/include/kcbx.h"
ln -s "$SONAME" "$DEV/usr/lib/$MULTIARCH/libkcbx.so"
sed -e 's|@PREFIX@|/usr|' -e "s|@LIBDIR@|\${prefix}/lib/$MULTIARCH|" -e "s|@VERSION@|$VERSION|" \
  "$ROOT/kcbx.pc.in" > "$DEV/usr/lib/$MULTIARCH/pkgconfig/kcbx.pc"
install -m 755 "$CLI" "$TOOLS/usr/bin/kcbx"
for p in libkcbx0 libkcbx-dev kcbx-tools; do
  install -d "$WORK/$p/DEBIAN" "$WORK/$p/usr/share/doc/$p"
  install -m 644 "$ROOT/packaging/deb/copyright" "$WORK/$p/usr/share/doc/$p/copyright"
done
strip --strip-unneeded "$LIB/usr/lib/$MULTIARCH/libkcbx.so.$VERSION" "$TOOLS/usr/bin/kcbx"

# dpkg-shlibdeps reads debian/control from the current directory; it needs only the source stanza.
mkdir -p "$WORK/src/debian"
printf 'Source: kcbx\nMaintainer: %s\n\nPackage: libkcbx0\nArchitecture: any\n' "$MAINTAINER" > "$WORK/src/debian/control"
depends() { (cd "$WORK/src" && dpkg-shlibdeps -O -e"$1" 2>/dev/null) | sed -n 's/^shlibs:Depends=//p'; }
LIB_DEPENDS=$(depends "$LIB/usr/lib/$MULTIARCH/libkcbx.so.$VERSION")
TOOLS_DEPENDS=$(depends "$TOOLS/usr/bin/kcbx")

installed_size() { du -k -s --exclude=DEBIAN "$1" | cut -f1; }
control() {  # control DIR PACKAGE SECTION DEPENDS DESCRIPTION...
  local dir=$1 package=$2 section=$3 depends=$4; shift 4
  {
    echo "Package: $package"
    echo "Source: kcbx"
    echo "Version: $DEBVERSION"
    echo "Architecture: $ARCH"
    echo "Maintainer: $MAINTAINER"
    echo "Installed-Size: $(installed_size "$dir")"
    [ -n "$depends" ] && echo "Depends: $depends"
    [ "$package" = libkcbx0 ] && echo "Multi-Arch: same"
    echo "Section: $section"
    echo "Priority: optional"
    echo "Description: $1"
    shift
    for line in "$@"; do echo " $line"; done
  } > "$dir/DEBIAN/control"
}
control "$LIB" libkcbx0 libs "$LIB_DEPENDS" \
  "KCBX dropout control and schooling assurance (控辍保学) engine" \
  "Finds every school-age child out of school, classifies absences under a county's" \
  "policy profile, escalates cases and keeps a tamper-evident ledger. This package" \
  "holds the shared library (C ABI, include/kcbx.h)."
control "$DEV" libkcbx-dev libdevel "libkcbx0 (= $DEBVERSION)" \
  "KCBX engine: C header, pkg-config file and development link" \
  "Build a C or C++ host against libkcbx: pkg-config --cflags --libs kcbx."
control "$TOOLS" kcbx-tools utils "$TOOLS_DEPENDS" \
  "KCBX engine: the kcbx command line" \
  "The county IT officer's command line: import, sweep, due list, escalate, report," \
  "verify the ledger."
# What debhelper's dh_makeshlibs writes: others' dpkg-shlibdeps map libkcbx.so.0 to this package.
echo "libkcbx 0 libkcbx0 (>= $VERSION)" > "$LIB/DEBIAN/shlibs"
echo "activate-noawait ldconfig" > "$LIB/DEBIAN/triggers"
chmod 644 "$LIB/DEBIAN/shlibs" "$LIB/DEBIAN/triggers"

for p in libkcbx0 libkcbx-dev kcbx-tools; do
  dpkg-deb --root-owner-group -Zxz --build "$WORK/$p" "$DIST/${p}_${DEBVERSION}_${ARCH}.deb" >/dev/null
  echo "built $DIST/${p}_${DEBVERSION}_${ARCH}.deb"
done
