#!/usr/bin/env bash
# The main job on the bundled sample county (data/sample, made by `kcbx synth`, seed 2025):
# what a county IT officer sees first.
set -euo pipefail
cd "$(dirname "$0")/.."
KCBX=out/bin/kcbx
AS_OF=${AS_OF:-2025-10-20}
POLICY=${POLICY:-guyuan-2021}
DATA=data/sample

echo "== policy profiles =="
$KCBX policy list
echo
echo "== $POLICY: the rules in force, each with its source =="
$KCBX policy show "$POLICY" | sed -n '1,20p'
echo
echo "== 四查三比对 of the sample county (西吉县 640422) as of $AS_OF =="
$KCBX reconcile --household $DATA/household.csv --students $DATA/students.csv \
  --attending $DATA/attending.csv --poverty $DATA/poverty.csv --three-kinds $DATA/three_kinds.csv \
  --region 640422 --as-of "$AS_OF" --format csv > out/reconciliation.csv
$KCBX reconcile --household $DATA/household.csv --students $DATA/students.csv \
  --attending $DATA/attending.csv --poverty $DATA/poverty.csv --three-kinds $DATA/three_kinds.csv \
  --region 640422 --as-of "$AS_OF" | sed -n '1,40p'
echo "(all findings: out/reconciliation.csv)"
