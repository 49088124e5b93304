#!/usr/bin/env bash
# The main job on the bundled sample data: what a county IT officer sees first.
set -euo pipefail
cd "$(dirname "$0")/.."
KCBX=out/bin/kcbx
AS_OF=${AS_OF:-2025-10-20}
POLICY=${POLICY:-guyuan-2021}

echo "== KCBX $($KCBX --version 2>/dev/null || true) — policy profiles =="
$KCBX policy list
echo
echo "== $POLICY: parameters and where each comes from =="
$KCBX policy show "$POLICY" | sed -n '1,20p'
echo
echo "== resident IDs of the sample roster, school age on $AS_OF =="
ids=$(tail -n +2 data/sample/roster.csv | cut -d, -f1 | head -12)
$KCBX id $ids --as-of "$AS_OF" || true
