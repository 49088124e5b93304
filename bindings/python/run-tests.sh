#!/usr/bin/env bash
# Builds and installs the kcbx Python package from this checkout (which runs `make lib`), then
# runs its tests against the installed copy, from outside the source tree and without
# LD_LIBRARY_PATH, so they prove the bundled libkcbx.so.0 is found through rpath $ORIGIN.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PYTHON=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
unset LD_LIBRARY_PATH PYTHONPATH

# numpy, pandas, openpyxl, pyarrow, polars and duckdb too: the zero-copy, DataFrame, Excel and
# Arrow tests must run, not skip.
if ! "$PYTHON" -c 'import pytest, cffi, openpyxl, numpy, pandas, pyarrow, polars, duckdb' 2>/dev/null; then
  "$PYTHON" -m pip install -q pytest cffi openpyxl numpy pandas pyarrow polars duckdb
fi

# Reinstall every time so that a rebuilt library and extension replace the installed ones.
(cd "$ROOT" && "$PYTHON" -m pip install -q --force-reinstall --no-deps ./bindings/python)

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
"$PYTHON" -m pytest -q -p no:cacheprovider "$HERE/tests" "$@"
