#!/usr/bin/env bash
# C host tests of libkcbx.so, as a C program outside this repository would use it:
#  1. make lib, make install PREFIX=<temp dir> (header, library, SONAME links, kcbx.pc);
#  2. the installed header compiles as strict C99 and C++17;
#  3. the library: no Swift/Foundation/dispatch runtime among its dependencies, only kcbx_*
#     exported, SONAME libkcbx.so.0, no RUNPATH/RPATH into the Swift toolchain;
#  4. every Tests/c/test_*.c is built against the install with pkg-config and run under valgrind
#     (leaks of kind definite/indirect and memory errors fail) in a clean environment whose
#     LD_LIBRARY_PATH is only the install's lib dir, so no Swift toolchain library can be found;
#  5. the hostile-input catalogue (Tests/c/hostile/catalogue.py): every function × parameter ×
#     hostile value, each in its own process, refused with a message and no signal.
# Prints one final line "N passed, N failed" (the programs' checks plus this script's own) and
# exits non-zero when anything failed. Run from anywhere: bash Tests/c/run.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL run.sh: $*" >&2; }

# --- tools -------------------------------------------------------------------------------
need=()
command -v valgrind >/dev/null 2>&1 || need+=(valgrind)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if ((${#need[@]})); then
    sudo=""
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
    echo "run.sh: installing ${need[*]}" >&2
    if ! $sudo apt-get install -y "${need[@]}" >&2; then
        $sudo apt-get update >&2
        $sudo apt-get install -y "${need[@]}" >&2
    fi
fi
for tool in gcc g++ valgrind pkg-config ldd nm readelf strip; do
    command -v "$tool" >/dev/null 2>&1 || { echo "run.sh: $tool is required" >&2; exit 2; }
done

# --- build and install ---------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/kcbx-ctest.XXXXXX")"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

make -s lib >&2
make -s install PREFIX="$prefix" >&2

libdir="$prefix/lib"
lib="$(readlink -f "$libdir/libkcbx.so")"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
cflags="$(pkg-config --cflags kcbx)"
libs="$(pkg-config --libs kcbx)"
[ -f "$prefix/include/kcbx.h" ] && [ -L "$libdir/libkcbx.so.0" ] && [ -L "$libdir/libkcbx.so" ] \
    && pass || fail "install is missing kcbx.h or the libkcbx.so / libkcbx.so.0 links"
[ "$(pkg-config --modversion kcbx)" = "$(sed -n 's/^public let kcbxVersion = "\(.*\)"/\1/p' Sources/KCBXCore/Support/KCBXVersion.swift)" ] \
    && pass || fail "kcbx.pc version differs from kcbxVersion"

# --- the header compiles as strict C99 and C++17 ---------------------------------------------
printf '#include <kcbx.h>\nint main(void) { return kcbx_abi_version() == KCBX_ABI_VERSION ? 0 : 1; }\n' > "$work/header.c"
cp "$work/header.c" "$work/header.cpp"
# shellcheck disable=SC2086
gcc -std=c99 -Wall -Wextra -pedantic -Werror $cflags -c "$work/header.c" -o "$work/header_c.o" \
    && pass || fail "include/kcbx.h does not compile with gcc -std=c99 -Wall -Wextra -pedantic -Werror"
# shellcheck disable=SC2086
g++ -std=c++17 -Wall -Wextra -pedantic -Werror $cflags -c "$work/header.cpp" -o "$work/header_cpp.o" \
    && pass || fail "include/kcbx.h does not compile with g++ -std=c++17 -Wall -Wextra -pedantic -Werror"
# shellcheck disable=SC2086
g++ -std=c++17 -Wall -Wextra -pedantic -Werror "$work/header_cpp.o" -o "$work/header_cpp" $libs \
    && env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$libdir" "$work/header_cpp" \
    && pass || fail "a C++ program does not link and run against the install"

# --- the library -------------------------------------------------------------------------------
deps="$(env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$libdir" ldd "$lib")"
if grep -Eq 'libswift|libFoundation|libdispatch|libBlocksRuntime' <<<"$deps"; then
    fail "libkcbx.so depends on the Swift runtime:"$'\n'"$deps"
else pass; fi
if grep -q 'not found' <<<"$deps"; then fail "libkcbx.so has unresolved dependencies:"$'\n'"$deps"; else pass; fi

# Exported symbols: only kcbx_*. nm prints them with their version (kcbx_x@@KCBX_0, from
# kcbx.map), which is cut off here; some linkers also list the version node KCBX_0 itself as an
# absolute symbol, which is neither a function nor an object and so is allowed.
symbols="$(nm -D --defined-only "$lib" | sed 's/@.*$//')"
others="$(awk '!($3 ~ /^kcbx_/) && !($2 == "A" && $3 == "KCBX_0")' <<<"$symbols")"
if [ -n "$others" ]; then fail "libkcbx.so exports more than kcbx_*:"$'\n'"$(head -20 <<<"$others")"; else pass; fi
for fn in $(grep '^extern ' "$prefix/include/kcbx.h" | grep -oE 'kcbx_[a-z0-9_]+\(' | tr -d '(' | sort -u); do
    if awk -v f="$fn" '$3 == f && $2 == "T" { found = 1 } END { exit !found }' <<<"$symbols"; then pass
    else fail "kcbx.h declares $fn but libkcbx.so does not export it"; fi
done

dyn="$(readelf -d "$lib")"
if grep -q '(SONAME).*\[libkcbx\.so\.0\]' <<<"$dyn"; then pass; else fail "SONAME is not libkcbx.so.0:"$'\n'"$dyn"; fi
swift_usr="$(dirname "$(dirname "$(readlink -f "$(command -v swiftc 2>/dev/null || echo /nonexistent/bin/swiftc)")")")"
rpaths="$(grep -E '\((RUNPATH|RPATH)\)' <<<"$dyn" || true)"
if [ -n "$rpaths" ] && { grep -qi 'swift' <<<"$rpaths" || grep -qF "$swift_usr" <<<"$rpaths"; }; then
    fail "libkcbx.so has a RUNPATH/RPATH into the Swift toolchain: $rpaths"
else pass; fi

# --- the C test programs -------------------------------------------------------------------
# valgrind 3.19 (Debian 12) cannot read debug info that mixes DWARF 4 and 5 (the static Swift
# runtime and the clang-built C objects do), and gives up ("Possibly corrupted debuginfo file")
# before running anything. The Makefile links with --strip-debug; in case a build keeps debug
# info, the temporary install's copy is stripped of .debug_* sections here too (a no-op
# otherwise). Code, symbol table, dynamic symbols and SONAME are untouched (checked below), and
# valgrind still names functions in its reports from the symbol table.
strip --strip-debug "$lib"
if [ "$(nm -D --defined-only "$lib" | sed 's/@.*$//')" = "$symbols" ]; then pass
else fail "strip --strip-debug changed the dynamic symbols"; fi

shopt -s nullglob
programs=("$here"/test_*.c)
((${#programs[@]})) || { fail "no Tests/c/test_*.c found"; }
supp=()
[ -f "$here/valgrind.supp" ] && supp=(--suppressions="$here/valgrind.supp")

for src in "${programs[@]}"; do
    name="$(basename "$src" .c)"
    f=0
    exe="$work/$name"
    # shellcheck disable=SC2086
    if ! gcc -std=c99 -Wall -Wextra -pedantic -Werror -I"$here" "$src" -o "$exe" $cflags $libs -pthread; then
        fail "$name does not compile"
        continue
    fi
    set +e
    env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$libdir" TMPDIR="$work" \
        valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
        "${supp[@]}" --log-file="$work/$name.valgrind" "$exe" > "$work/$name.out" 2> "$work/$name.err"
    status=$?
    set -e
    cat "$work/$name.out"
    cat "$work/$name.err" >&2
    summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$work/$name.out" | tail -1 || true)"
    if [ -n "$summary" ]; then
        read -r p _ f _ <<<"$summary"
        passed=$((passed + p))
        failed=$((failed + f))
    else
        fail "$name printed no summary (crashed?)"
    fi
    if [ -s "$work/$name.valgrind" ]; then
        echo "--- valgrind: $name ---" >&2
        cat "$work/$name.valgrind" >&2
    fi
    if [ "$status" -eq 99 ]; then fail "$name: valgrind reported errors (see above)"
    elif [ "$status" -ne 0 ]; then
        # A non-zero exit with a clean summary is still a failure (e.g. killed by a signal).
        if [ -n "$summary" ] && [ "${f:-0}" -gt 0 ]; then :; else fail "$name exited with status $status"; fi
    else pass; fi
done

# --- the hostile-input catalogue ---------------------------------------------------------------
# Every function of the installed header × every parameter × hostile values, each call in its own
# process (not under valgrind); Tests/c/hostile/catalogue.py says what passes.
set +e
python3 "$here/hostile/catalogue.py" --prefix "$prefix" > "$work/hostile.out"
set -e
grep -v -E '^[0-9]+ passed, [0-9]+ failed$' "$work/hostile.out" || true
summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$work/hostile.out" | tail -1 || true)"
if [ -n "$summary" ]; then
    read -r p _ f _ <<<"$summary"
    passed=$((passed + p))
    failed=$((failed + f))
else
    fail "the hostile-input catalogue printed no summary"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
