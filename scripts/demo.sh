#!/usr/bin/env bash
# The main job on the bundled sample county (data/sample: 西吉县 640422, 2,000 children, made by
# `kcbx synth`, seed 2025): what a county IT officer sees first. Creates the county's ledger
# under a profile, imports the calendar, roster and attendance, sweeps to a date, and prints the
# county table (seed 001 附件1), the due list and the overdue escalations, a 限期复学通知书 for a
# dropout child, the cases and the 四查三比对 findings.
#   PROFILE=dongchuan-2025 AS_OF=2025-10-20 make demo
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-out}
KCBX=${KCBX:-$OUT/bin/kcbx}
AS_OF=${AS_OF:-2025-10-20}
PROFILE=${PROFILE:-${POLICY:-guyuan-2021}}
DATA=data/sample
WORK=$OUT/demo
LEDGER=$WORK/xiji.kcbx
ACTOR="county:640422:王老师:县教育局控辍保学信息员"
# Every ledger command names who acts (there is no default actor): here once, for all of them.
export KCBX_ACTOR="$ACTOR"
mkdir -p "$WORK"
rm -f "$LEDGER" "$LEDGER-wal" "$LEDGER-shm"
start=$(date +%s.%N)

echo "== $PROFILE: the rules in force, each with its source (kcbx policy show $PROFILE) =="
$KCBX policy show "$PROFILE" | sed -n '1,14p'
echo
echo "== the county ledger $LEDGER under $PROFILE, as $ACTOR =="
$KCBX import --ledger "$LEDGER" --policy "$PROFILE" --actor "$ACTOR" \
  --calendar $DATA/calendar.json --students $DATA/roster.csv --attendance $DATA/attendance.csv
echo
echo "== sweep as of $AS_OF: every child classified, cases opened =="
$KCBX sweep --ledger "$LEDGER" --as-of "$AS_OF"
echo
echo "== the due list as of $AS_OF: counts by state, the first 15 overdue (kcbx due; docs/escalation.md) =="
$KCBX due --ledger "$LEDGER" --as-of "$AS_OF" --state overdue --limit 15
echo
echo "== overdue obligations handed to the next level, both lines notified (kcbx escalate; first 15) =="
$KCBX escalate --ledger "$LEDGER" --as-of "$AS_OF" --limit 15
echo "-- again for the same date (idempotent):"
$KCBX escalate --ledger "$LEDGER" --as-of "$AS_OF"
echo
# A planted dropout child (data/sample/planted.csv): the township's 限期复学通知书 (seed 003 二（一）).
CHILD=$(tr -d '\r' < $DATA/planted.csv | awk -F, '$2 == "dropout" && !n++ { print $1 }')
echo "== 限期复学通知书 for planted dropout child $CHILD (kcbx notice --kind return_notice) =="
$KCBX notice --ledger "$LEDGER" --kind return_notice --student "$CHILD" --as-of "$AS_OF" --full-ids   # the notice names the child in full (recorded)
echo
echo "== reports owed in the week from $AS_OF (kcbx duties) =="
$KCBX duties --ledger "$LEDGER" --from "$AS_OF" --to "$(date -d "$AS_OF + 6 days" +%F)" | sed -n '1,12p'
echo
echo "== the county table from the ledger as of $AS_OF (seed 001 附件1; kcbx report) =="
$KCBX report --ledger "$LEDGER" --as-of "$AS_OF"
echo
echo "== open cases in the ledger (first 15; kcbx cases --ledger $LEDGER) =="
$KCBX cases --ledger "$LEDGER" --open-only | sed -n '1,17p'
echo
echo "== rates (kcbx report --kind rates) =="
$KCBX report --ledger "$LEDGER" --as-of "$AS_OF" --kind rates | sed -n '1,8p'
echo
echo "== 四查三比对 of 西吉县 (640422) as of $AS_OF =="
$KCBX reconcile --household $DATA/household.csv --students $DATA/students.csv \
  --attending $DATA/attending.csv --poverty $DATA/poverty.csv --three-kinds $DATA/three_kinds.csv \
  --region 640422 --as-of "$AS_OF" --format csv > "$WORK/reconciliation.csv"
$KCBX reconcile --household $DATA/household.csv --students $DATA/students.csv \
  --attending $DATA/attending.csv --poverty $DATA/poverty.csv --three-kinds $DATA/three_kinds.csv \
  --region 640422 --as-of "$AS_OF" --ledger "$LEDGER" | sed -n '1,30p'
echo "(all findings: $WORK/reconciliation.csv; out-of-school and not-attending children taken into the ledger)"
echo
echo "== the ledger's hash chain (kcbx verify) =="
$KCBX verify --ledger "$LEDGER"
echo
$KCBX export --ledger "$LEDGER" --table baiyin-attachment-4 --out "$WORK/baiyin-attachment-4.csv" --as-of "$AS_OF"
echo
echo "== who answers for the overdue work on dropouts this month: the 五长 list (kcbx report --kind accountability; first 12) =="
$KCBX report --ledger "$LEDGER" --kind accountability --as-of "$AS_OF" --out "$WORK/accountability.csv" | sed -n '1,14p'
echo "(all lines: $WORK/accountability.csv)"
echo
echo "== the county's bulletin for the month up to $AS_OF (通报, 001 二（二）; kcbx report --kind bulletin) =="
$KCBX report --ledger "$LEDGER" --kind bulletin --as-of "$AS_OF" --out "$WORK/bulletin.csv"
echo
echo "== the audit of the sample county with planted false entries (台账信息不实, 002 四（二）; kcbx synth --ledger, kcbx audit) =="
rm -rf "$WORK/audit"
planted_line=$($KCBX synth --out "$WORK/audit" --ledger "$WORK/audit/xiji-audit.kcbx" --ledger-policy "$PROFILE" | tail -1)
echo "$planted_line"
AUDIT_AS_OF=$(echo "$planted_line" | grep -o 'kcbx audit --as-of [0-9-]*' | awk '{print $4}')
$KCBX audit --ledger "$WORK/audit/xiji-audit.kcbx" --as-of "$AUDIT_AS_OF"
echo "(the answer key, every planted false entry above and nothing else: $WORK/audit/false_entries.csv)"
echo "main job done in $(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)") s; ledger: $LEDGER"
