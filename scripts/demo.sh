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
echo "== every child's status as of $AS_OF under $POLICY (seed 001 附件1) =="
$KCBX classify --roster $DATA/roster.csv --attendance $DATA/attendance.csv --calendar $DATA/calendar.json \
  --policy "$POLICY" --as-of "$AS_OF" --list suspected_dropout | sed -n '1,30p'
echo
echo "== the same county under dongchuan-2025: the three-line alert after 3 school days (004 二（三）2) =="
$KCBX classify --roster $DATA/roster.csv --attendance $DATA/attendance.csv --calendar $DATA/calendar.json \
  --policy dongchuan-2025 --as-of "$AS_OF" | sed -n '1,6p'
echo
echo "== 四查三比对 of the sample county (西吉县 640422) as of $AS_OF =="
$KCBX reconcile --household $DATA/household.csv --students $DATA/students.csv \
  --attending $DATA/attending.csv --poverty $DATA/poverty.csv --three-kinds $DATA/three_kinds.csv \
  --region 640422 --as-of "$AS_OF" --format csv > out/reconciliation.csv
$KCBX reconcile --household $DATA/household.csv --students $DATA/students.csv \
  --attending $DATA/attending.csv --poverty $DATA/poverty.csv --three-kinds $DATA/three_kinds.csv \
  --region 640422 --as-of "$AS_OF" | sed -n '1,40p'
echo "(all findings: out/reconciliation.csv)"
