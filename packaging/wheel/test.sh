#!/usr/bin/env bash
# The wheel as an analyst gets it (`make test-wheel`): auditwheel confirms its manylinux tag and
# that it needs nothing outside the policy; then, for the oldest and newest CPython here (abi3:
# one wheel for all), a fresh venv installs it with plain pip, with the Swift toolchain off PATH,
# no C compiler on PATH, CC unset and binary packages only, and runs packaging/wheel/smoke.py.
#   packaging/wheel/test.sh VERSION DIST
set -euo pipefail
VERSION=$1 DIST=$(cd "$2" && pwd)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PYTHON=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
passed=0 failed=0
check() {
  local name=$1; shift
  if "$@" > "$T/out" 2>&1; then passed=$((passed + 1)); echo "ok   $name"; sed 's/^/     /' "$T/out" | grep -E '^ *wheel smoke' || true
  else failed=$((failed + 1)); echo "FAIL $name"; sed 's/^/     /' "$T/out" | tail -20; fi
}
shopt -s nullglob
wheels=("$DIST"/kcbx-"$VERSION"-*.whl)
check "one wheel dist/kcbx-$VERSION-*.whl" test ${#wheels[@]} = 1
WHEEL=${wheels[0]:-none}
check "abi3 for CPython >= 3.9, manylinux: $(basename "$WHEEL")" \
  bash -c '[[ $(basename "$1") =~ ^kcbx-[^-]+-cp39-abi3-manylinux_[0-9]+_[0-9]+_x86_64(\.manylinux[_0-9a-z]+)*\.whl$ ]]' _ "$WHEEL"
check "auditwheel show: consistent with its manylinux tag" \
  bash -c 'out=$("$1" -m auditwheel show "$2") && echo "$out" && tag=$(basename "$2" | sed -E "s/.*-(manylinux_[0-9]+_[0-9]+_x86_64).*/\1/") && grep -q "$tag" <<<"$out"' _ "$PYTHON" "$WHEEL"
contents() {
  "$PYTHON" - "$WHEEL" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
assert "kcbx/libkcbx.so.0" in names, names
assert any(n.startswith("kcbx/_kcbx_cffi") and n.endswith(".abi3.so") for n in names), names
assert not any(n.endswith((".swift", ".c", ".h")) for n in names), names
PY
}
check "bundles libkcbx.so.0 beside the abi3 extension, no sources" contents

# A PATH with python alone: no /opt/swift, no gcc, cc or clang.
BIN=$T/bin; mkdir -p "$BIN"
for tool in sh bash env uname ldconfig; do p=$(command -v "$tool" || true); [ -n "$p" ] && ln -s "$p" "$BIN/$tool"; done
interpreters=()
# pyenv's shims name versions that may not run: keep only interpreters that do.
for v in 3.9 3.13; do
  for p in $(ls -d /root/.pyenv/versions/$v*/bin/python$v 2>/dev/null) $(command -v "python$v" || true); do
    "$p" -c 'import venv' 2>/dev/null && { interpreters+=("$p"); break; }
  done
done
interpreters+=("$("$PYTHON" -c 'import sys; print(sys.executable)')")
for py in "${interpreters[@]}"; do
  name=$("$py" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
  V=$T/venv-$name
  install_and_smoke() {
    "$py" -m venv "$V" || return 1
    env -u CC -u CXX -u LD_LIBRARY_PATH -u PYTHONPATH PATH="$V/bin:$BIN" bash -c '
      ! command -v gcc && ! command -v cc && ! command -v swift || { echo "a compiler is on PATH"; exit 1; }
      pip install -q --only-binary=:all: "$1" && cd "$2" && python "$3" "$4" "$5" "$2"' _ \
      "$WHEEL" "$V" "$ROOT/packaging/wheel/smoke.py" "$VERSION" "$ROOT/data/sample"
  }
  check "$name: fresh venv, plain pip, no toolchain or compiler: installs and runs the smoke test" install_and_smoke
done
echo "test-wheel: $passed passed, $failed failed"
[ "$failed" = 0 ]
