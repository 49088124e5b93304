#!/usr/bin/env bash
# CLI tests: every kcbx subcommand on the sample county (data/sample) in a temporary folder,
# checking outputs against the sample's answer key (planted.csv) and the documented exit codes
# (docs/cli.md). Exits nonzero on the first failure.
#   KCBX=out/bin/kcbx bash Tests/cli/run.sh        (make cli builds it)
set -uo pipefail
cd "$(dirname "$0")/../.."
KCBX=${KCBX:-${OUT:-out}/bin/kcbx}
[ -x "$KCBX" ] || { echo "no kcbx binary at $KCBX (make cli, or set KCBX)"; exit 2; }
KCBX=$(readlink -f "$KCBX")
DATA=data/sample
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
L=$T/xiji.kcbx
ACTOR="county:640422:测试员:信息员"
passed=0
fail() { echo "FAIL: $*"; [ -f "$T/err" ] && sed 's/^/  stderr: /' "$T/err" | head -5; exit 1; }
ok() { passed=$((passed + 1)); }
# run EXPECTED_EXIT CMD...: stdout in $T/out, stderr in $T/err
run() {
  local want=$1; shift
  "$@" > "$T/out" 2> "$T/err"; local got=$?
  [ "$got" = "$want" ] || fail "exit $got (want $want): $*"
}
has() { grep -q -- "$2" "$T/$1" || fail "$1 lacks '$2'"; }
planted() { tr -d '\r' < $DATA/planted.csv | awk -F, -v p="$1" '$2 == p' | wc -l; }
events() { "$KCBX" verify --ledger "$1" --format csv | tail -1 | cut -d, -f2; }

# --- help: every subcommand listed, exit codes documented, each subcommand's help complete
run 0 "$KCBX" --help
for c in policy id synth import sweep cases history export report verify classify reconcile due escalate notice duties file-duty head keygen change-profile; do has out "$c"; done
has out "Exit codes"; ok
for c in "policy list" "policy show" "policy check" id synth import sweep cases history export report verify classify reconcile \
         due escalate notice duties; do
  run 0 "$KCBX" $c --help; has out "USAGE"; has out "OPTIONS\|ARGUMENTS"
done; ok
# the shared --as-of and --format options are option groups, one help section each (issue 12)
for c in due escalate report id; do run 0 "$KCBX" $c --help; has out "^DATE:"; has out "^OUTPUT:"; done
run 0 "$KCBX" export --help; has out "^DATE:"
for c in cases history verify classify reconcile duties; do run 0 "$KCBX" $c --help; has out "^OUTPUT:"; done; ok
# no command keeps its own --as-of or --format wording: classify, reconcile, notice and the
# supervision commands use the groups too (issue 12)
for c in classify reconcile notice audit spot-check zhongkao-check; do run 0 "$KCBX" $c --help; has out "^DATE:"; done
for c in audit spot-check zhongkao-check; do run 0 "$KCBX" $c --help; has out "^OUTPUT:"; done; ok

# --- synth: the defaults reproduce data/sample byte for byte (deterministic from the seed)
run 0 "$KCBX" synth --out "$T/sample"
for f in $DATA/*; do cmp -s "$f" "$T/sample/$(basename "$f")" || fail "synth output differs from $f"; done; ok
# a province: three counties, unique valid IDs, each county's own code; same seed, same bytes
run 0 "$KCBX" synth --out "$T/p1" --counties 3 --children 3000 --seed 7
run 0 "$KCBX" synth --out "$T/p2" --counties 3 --children 3000 --seed 7 --progress
has err "children written 3000 / 3000"
for f in "$T"/p1/*; do cmp -s "$f" "$T/p2/$(basename "$f")" || fail "same seed, different $(basename "$f")"; done
[ "$(tail -n +2 "$T/p1/planted.csv" | cut -d, -f1 | sort | uniq -d | wc -l)" = 0 ] || fail "duplicate resident IDs in the province"
[ "$(tail -n +2 "$T/p1/planted.csv" | wc -l)" = 3000 ] || fail "province does not have 3000 children"
for code in 640422 640402 640423; do
  [ "$(tail -n +2 "$T/p1/household.csv" | tr -d '\r' | grep -c ",$code$")" -gt 900 ] || fail "county $code has too few households"
done
run 0 "$KCBX" id $(tail -n +2 "$T/p1/household.csv" | cut -d, -f1 | awk 'NR % 50 == 1') --as-of 2025-10-20
run 0 "$KCBX" synth --out "$T/p3" --counties 3 --children 3000 --seed 8
cmp -s "$T/p1/planted.csv" "$T/p3/planted.csv" && fail "a different seed gave the same county"
run 1 "$KCBX" synth --out "$T/p4" --counties 1 --children 1000001 --no-attendance
has err "children: must be 1-1000000 per county"; ok

# --- import: a new ledger needs --policy and an actor; nothing is left behind on failure
run 1 "$KCBX" import --ledger "$L" --actor "$ACTOR" --students $DATA/roster.csv
has err "\-\-policy"; [ ! -e "$L" ] || fail "a failed import left a ledger file"
run 1 "$KCBX" import --ledger "$L" --policy guyuan-2021 --actor "county:64042:x" --students $DATA/roster.csv
has err "actor.unit_code"; [ ! -e "$L" ] || fail "a failed import left a ledger file"
run 0 "$KCBX" import --ledger "$L" --policy guyuan-2021 --actor "$ACTOR" \
  --calendar $DATA/calendar.json --students $DATA/roster.csv --attendance $DATA/attendance.csv --format csv
roster=$(( $(wc -l < $DATA/roster.csv) - 1 )); marks=$(( $(wc -l < $DATA/attendance.csv) - 1 ))
has out "$DATA/roster.csv,$roster,$roster,0,,0,0"; has out "$DATA/attendance.csv,$marks,,,$marks,0,0"; ok
# no default actor: without --actor and $KCBX_ACTOR every ledger command is a usage error (64) that
# says how to name one, and nothing is read, written or recorded in anyone's name
for c in "cases" "history --case 1" "export --table guyuan-attachment-2 --out $T/noactor.csv --full-ids" \
         "sweep --as-of 2025-10-20" "due --as-of 2025-10-20" "escalate --as-of 2025-10-20" "verify" "report --as-of 2025-10-20" \
         "import --students $DATA/roster.csv"; do
  run 64 env -u KCBX_ACTOR "$KCBX" $c --ledger "$L"; has err "\-\-actor LEVEL:UNIT:PERSON"; has err "KCBX_ACTOR"
done
run 64 env KCBX_ACTOR= "$KCBX" cases --ledger "$L"
[ ! -e "$T/noactor.csv" ] || fail "an export ran without an actor"; ok
export KCBX_ACTOR="$ACTOR"
# the same files again record nothing
before=$(events "$L")
run 0 "$KCBX" import --ledger "$L" --students $DATA/roster.csv --attendance $DATA/attendance.csv --format csv
has out "$DATA/roster.csv,$roster,0,0,,$roster,0"; [ "$(events "$L")" = "$before" ] || fail "re-import recorded events"; ok
# a bad row: every bad field named on stderr (file, row, field, rule), exit 1, nothing recorded
{ head -3 $DATA/roster.csv; sed -n 4p $DATA/roster.csv | sed 's/,enrolled,/,graduated_maybe,/'; sed -n 5p $DATA/roster.csv | sed 's/^\([0-9]\{17\}\)./\1Z/'; } > "$T/bad.csv"
run 1 "$KCBX" import --ledger "$L" --students "$T/bad.csv"
has err "bad.csv row 4 registration"; has err "bad.csv row 5 resident_id"; has err "the batch was not applied"
[ "$(events "$L")" = "$before" ] || fail "a bad batch recorded events"; ok
# marks before the calendar's days are refused by name
printf 'student,date,kind\n%s,2025-10-04,present\n' "$(sed -n 2p $DATA/roster.csv | cut -d, -f1 | tr -d '\357\273\277')" > "$T/weekend.csv"
run 1 "$KCBX" import --ledger "$L" --attendance "$T/weekend.csv"
has err "weekend.csv row 2"; [ "$(events "$L")" = "$before" ] || fail "a refused mark was recorded"; ok

# --- sweep: statuses match the planted answer key under guyuan-2021 (seed 001 附件1 填表说明1-2:
# 疑似辍学 after a week absent without leave, 辍学 a month after that)
run 0 "$KCBX" sweep --ledger "$L" --as-of 2025-10-20 --format json
susp=$(( $(planted suspected) + $(planted leave_in_streak) )); drop=$(planted dropout); oos=$(planted out_of_school)
has out "\"suspected_dropout\" : $susp\|\"suspected_dropout\": $susp"
has out "\"dropout\" : $drop\|\"dropout\": $drop"; has out "\"out_of_school\" : $oos\|\"out_of_school\": $oos"
run 0 "$KCBX" sweep --ledger "$L" --as-of 2025-10-20 --format csv
has out "cases opened,0,"; ok   # a second sweep for the date records nothing
run 1 "$KCBX" sweep --ledger "$L" --as-of 2025-13-01; has err "as-of"
run 1 "$KCBX" sweep --ledger "$L" --as-of 2099-01-01; has err "future"; ok

# --- cases, history, export
run 0 "$KCBX" cases --ledger "$L" --format csv
[ "$(( $(wc -l < "$T/out") - 1 ))" = $((susp + drop + oos)) ] || fail "cases: $(wc -l < "$T/out") lines"
has out "6404\*\*\*\*\*\*\*\*\*\*"   # masked IDs by default
run 0 "$KCBX" cases --ledger "$L" --kind dropout --format csv
[ "$(( $(wc -l < "$T/out") - 1 ))" = "$drop" ] || fail "cases --kind dropout"
run 1 "$KCBX" cases --ledger "$L" --status nonsense; has err "status"
run 3 "$KCBX" cases --ledger "$L" --actor "school:640422101:某老师" --full-ids; ok
run 0 "$KCBX" history --ledger "$L" --case 1
has out "case.opened"; has out "测试员"
run 2 "$KCBX" history --ledger "$L" --case 99999; ok
run 0 "$KCBX" export --ledger "$L" --table baiyin-attachment-4 --out "$T/b4.csv" --as-of 2025-10-20
[ "$(grep -c $'\r$' "$T/b4.csv")" = $((susp + drop + oos + 1)) ] || fail "baiyin-attachment-4 rows"
# the file policy: a symlink (or FIFO) at --out is refused and left alone, nothing recorded
echo keep > "$T/target"; ln -s "$T/target" "$T/link.csv"; mkfifo "$T/fifo.csv"; before=$(events "$L")
run 1 "$KCBX" export --ledger "$L" --table baiyin-attachment-4 --out "$T/link.csv" --full-ids; has err "symbolic link"
run 1 timeout 20 "$KCBX" export --ledger "$L" --table baiyin-attachment-4 --out "$T/fifo.csv"; has err "FIFO"
[ "$(cat "$T/target")" = keep ] && [ -L "$T/link.csv" ] || fail "export followed a symlink"
[ "$(events "$L")" = "$before" ] || fail "a refused destination recorded a full-ID export"
# the listings are masked for everyone by default; the history too
run 0 "$KCBX" history --ledger "$L" --case 1 --format json
grep -q '"student" : "6404\*\*\*\*\*\*\*\*\*\*\|"student": "6404\*\*\*\*\*\*\*\*\*\*' "$T/out" || fail "history not masked"
grep -Eq '[0-9]{17}[0-9X]"' "$T/out" && fail "a full ID in the history"
run 3 "$KCBX" history --ledger "$L" --case 1 --actor "school:640422101:某老师" --full-ids
run 3 "$KCBX" export --ledger "$L" --actor "school:640422101:某老师" --table guyuan-attachment-2 --out "$T/g2.csv" --full-ids
run 1 "$KCBX" export --ledger "$L" --table nonsense --out "$T/x.csv"; ok

# --- report: Guyuan 附件1 from the ledger agrees with the sweep (001 附件1 填表说明1-3: 失学 counted
# as 辍学 under A/B); rates; a unit outside the actor's jurisdiction is refused (exit 3)
run 0 "$KCBX" report --ledger "$L" --as-of 2025-10-20 --format csv --out "$T/a1.csv"
grep -q "^合计,[0-9]*,[0-9]*,$susp,$((drop + oos))," "$T/out" || fail "附件1 合计 row: $(grep 合计 "$T/out")"
cmp -s <(tail -c +4 "$T/a1.csv" | tr -d '\r') "$T/out" || fail "report --out differs from stdout"
run 0 "$KCBX" report --ledger "$L" --as-of 2025-10-20 --kind rates --format json; has out "辍学率"
run 3 "$KCBX" report --ledger "$L" --as-of 2025-10-20 --unit 620402
run 1 "$KCBX" report --ledger "$L" --kind nonsense; ok
# reconcile --ledger: findings into the ledger; the children already have cases, so nothing new
run 0 "$KCBX" reconcile --household $DATA/household.csv --students $DATA/students.csv --attending $DATA/attending.csv \
  --region 640422 --as-of 2025-10-20 --summary --ledger "$L"
has err "0 cases opened"; ok

# --- bulletin (通报, 001 二（二）) and the 五长 accountability list (001 二（六）) over a period: the new
# cases of the period are the ledger's cases opened in it; a filed report duty shows on time
run 0 "$KCBX" report --ledger "$L" --kind bulletin --from 2025-09-01 --to 2025-10-20 --format csv --out "$T/bulletin.csv"
new=$(grep "^合计," "$T/out" | awk -F, '{print $2 + $3 + $4}')
ncases=$("$KCBX" cases --ledger "$L" --format csv | tail -n +2 | grep -c .)
[ "$new" = "$ncases" ] || fail "bulletin new cases $new, ledger cases $ncases"
[ "$(head -c 3 "$T/bulletin.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "bulletin CSV lacks the BOM"
run 0 "$KCBX" report --ledger "$L" --kind bulletin --period month --as-of 2025-10-20; has out "2025-10-01 至 2025-10-31"; has out "动态清零"
run 0 "$KCBX" report --ledger "$L" --kind accountability --from 2025-09-01 --to 2025-11-30 --format json; has out "责任人"; has out "村民委员会主任"
run 0 "$KCBX" report --ledger "$L" --kind bulletin-obligations --from 2025-09-01 --to 2025-10-20; has out "责任单位"
run 1 "$KCBX" report --ledger "$L" --kind bulletin --from 2025-10-20 --to 2025-10-01; has err "date_to"
run 1 "$KCBX" report --ledger "$L" --kind bulletin --from 2025-10-01; has err "\-\-to"
run 1 "$KCBX" report --ledger "$L" --kind bulletin --period fortnight; has err "\-\-period"
run 0 "$KCBX" file-duty --ledger "$L" --duty county_monthly_summary --due 2025-09-30 --on 2025-09-30
run 0 "$KCBX" report --ledger "$L" --kind bulletin-duties --from 2025-09-01 --to 2025-09-30 --format csv
grep -q "^county_monthly_summary,.*,按时" "$T/out" || fail "filed duty not on time: $(grep county_monthly "$T/out")"
run 1 "$KCBX" file-duty --ledger "$L" --duty county_monthly_summary --due 2025-09-29; has err "does not fall due"
run 3 "$KCBX" file-duty --ledger "$L" --actor "school:640422132:某老师" --duty county_monthly_summary --due 2025-09-30; ok

# --- due (docs/escalation.md): the obligations as of the sweep's date. States follow ledger.due:
# overdue = past its due date and not done, due = not yet past, done = discharged by the date;
# every case the sweep opened has obligations (纳入台账 004 二（二）, 入户劝返 000 二（四）, …), and the
# children absent without a case owe a guardian contact by the class teacher (004 二（三）3).
D=2025-10-20
run 0 "$KCBX" due --ledger "$L" --as-of $D --format json
grep -Eq '[0-9]{17}[0-9X]' "$T/out" && fail "a full ID in the masked due list"
run 0 "$KCBX" due --ledger "$L" --as-of $D --format json --full-ids; cp "$T/out" "$T/due.json"
run 0 "$KCBX" cases --ledger "$L" --format json; cp "$T/out" "$T/cases.json"
python3 - "$T/due.json" "$T/cases.json" $D > "$T/counts" <<'PY' || fail "due list semantics: $(cat "$T/counts")"
import json, sys
due, cases, d = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
assert due, "empty due list"
n = {s: sum(o["state"] == s for o in due) for s in ("overdue", "escalated", "due", "done")}
for o in due:
    if o["state"] == "overdue": assert o["due_on"] < d and o["done_on"] is None, o["id"]
    if o["state"] == "due": assert o["due_on"] >= d and o["done_on"] is None, o["id"]
    if o["state"] == "done": assert o["done_on"] <= d, o["id"]
    if o["action"] == "guardian_contact": assert o["original_owner"]["level"] == "class_teacher" and "004 二（三）3" in o["basis"], o["id"]
assert n["escalated"] == 0 and n["overdue"] > 0 and n["due"] > 0 and n["done"] > 0, n
assert {o["case_id"] for o in due if o["case_id"]} == {c["id"] for c in cases}, "a case without obligations"
assert any(o["case_id"] == 0 and o["action"] == "guardian_contact" for o in due)
ids = [o["id"] for o in due]; assert len(ids) == len(set(ids)), "duplicate obligation ids"
print(len(due), n["overdue"], n["due"], n["done"])
PY
read total overdue duen done < "$T/counts"
# the table counts every state and lists overdue first; csv and --state agree with the JSON
run 0 "$KCBX" due --ledger "$L" --as-of $D
has out "^$total obligations as of $D"; has out "逾期 overdue $overdue, 已升级 escalated 0, 待办 due $duen, 已办 done $done"
[ "$(sed -n 4p "$T/out" | cut -c1-6)" = "逾期" ] || fail "due: overdue rows are not first"
[ "$(grep -c '^逾期' "$T/out")" = "$overdue" ] || fail "due: table overdue rows"
run 0 "$KCBX" due --ledger "$L" --as-of $D --format csv
[ "$(( $(wc -l < "$T/out") - 1 ))" = "$total" ] || fail "due --format csv rows"
has out "6404\*\*\*\*\*\*\*\*\*\*"   # masked IDs by default
run 0 "$KCBX" due --ledger "$L" --as-of $D --state overdue,due --format csv
[ "$(( $(wc -l < "$T/out") - 1 ))" = $((overdue + duen)) ] || fail "due --state overdue,due"
run 0 "$KCBX" due --ledger "$L" --as-of $D --state overdue --limit 5
has out "showing overdue: $overdue"; has out "… $((overdue - 5)) more"
# --unit: what one township owes
tw=$(python3 -c 'import json,sys; print([o["owner"]["unit"] for o in json.load(open(sys.argv[1])) if o["owner"]["level"] == "township"][0])' "$T/due.json")
n_tw=$(python3 -c 'import json,sys; print(sum(o["owner"]["level"] == "township" and o["owner"]["unit"] == sys.argv[2] for o in json.load(open(sys.argv[1]))))' "$T/due.json" "$tw")
run 0 "$KCBX" due --ledger "$L" --as-of $D --unit "township:$tw" --format csv
[ "$(( $(wc -l < "$T/out") - 1 ))" = "$n_tw" ] || fail "due --unit township:$tw"
run 0 "$KCBX" due --ledger "$L" --as-of $D --out "$T/due.csv" --format json
[ "$(( $(grep -c $'\r$' "$T/due.csv") - 1 ))" = "$total" ] || fail "due --out rows"
head -c 3 "$T/due.csv" | cmp -s - <(printf '\357\273\277') || fail "due --out lacks the BOM"
run 1 "$KCBX" due --ledger "$L" --as-of $D --state late; has err "\-\-state"; has err "overdue"
run 1 "$KCBX" due --ledger "$L" --as-of $D --unit mayor:1; has err "\-\-unit"
run 3 "$KCBX" due --ledger "$L" --as-of $D --actor "school:640422101:某老师" --full-ids
run 2 "$KCBX" due --ledger "$L" --as-of $D --case 99999; ok

# --- escalate (DOMAIN.md §3 ladder, 双线 on under guyuan-2021): each overdue obligation handed to the
# next level, one event each; the same date again, or an earlier date, records nothing
before=$(events "$L")
run 3 "$KCBX" escalate --ledger "$L" --as-of $D --actor "class_teacher:640422101101:某老师"
[ "$(events "$L")" = $((before + 1)) ] || fail "a refused escalation was not recorded as access.refused (or recorded more)"
before=$(events "$L")
run 0 "$KCBX" escalate --ledger "$L" --as-of $D --format json; cp "$T/out" "$T/esc.json"
[ "$(events "$L")" = $((before + overdue)) ] || fail "escalate recorded $(( $(events "$L") - before )) events, want $overdue"
python3 - "$T/esc.json" "$overdue" <<'PY' || fail "escalation summary"
import json, sys
s, n = json.load(open(sys.argv[1])), int(sys.argv[2])
nxt = {"class_teacher": "school", "school": "township", "village": "township", "township": "county", "department": "county", "county": "city"}
assert len(s["escalated"]) == n and s["states"]["overdue"] == 0 and s["states"]["escalated"] == n, s["states"]
for o in s["escalated"]:
    e = o["escalations"][-1]
    assert e["to"]["level"] == nxt[e["from"]] and o["state"] == "escalated" and e["date"] == s["as_of"], o["id"]
    lines = {x.split(":")[0] for x in e["notify"]}
    if e["to"]["level"] in ("township", "county"): assert lines == {"government", "education"}, e["notify"]   # 双线
PY
run 0 "$KCBX" escalate --ledger "$L" --as-of $D
has out "nothing changed"; has out "逾期 overdue 0, 已升级 escalated $overdue"
run 0 "$KCBX" escalate --ledger "$L" --as-of 2025-10-10; has out "nothing changed"
[ "$(events "$L")" = $((before + overdue)) ] || fail "a second escalation recorded events"
run 0 "$KCBX" due --ledger "$L" --as-of $D --state escalated --format csv
[ "$(( $(wc -l < "$T/out") - 1 ))" = "$overdue" ] || fail "due after escalate: escalated rows"
run 0 "$KCBX" due --ledger "$L" --as-of 2025-10-19; has out "已升级 escalated 0"   # as it stood the day before
run 1 "$KCBX" escalate --ledger "$L" --as-of 2099-01-01; has err "future"; ok

# --- notice: 限期复学通知书 (003 二（一）) for a planted dropout child: the child's name from the roster,
# the Compulsory Education Law articles, the deadline; the enrollment notice carries the legal
# clauses and consequences 002 三（一） asks for (第五条、第十一条、第五十八条)
kid=$(tr -d '\r' < $DATA/planted.csv | awk -F, '$2 == "dropout" && !n++ { print $1 }')
name=$(tr -d '\r' < $DATA/roster.csv | awk -F, -v k="$kid" '$1 "" == k && !n++ { print $3 }')
school=$(tr -d '\r' < $DATA/roster.csv | awk -F, -v k="$kid" '$1 "" == k && !n++ { print $8 }')
[ -n "$name" ] || fail "no roster name for $kid"
run 0 "$KCBX" notice --ledger "$L" --kind return_notice --student "$kid" --as-of $D --full-ids
has out "^限期复学通知书"; has out "您的子女 $name（身份证号：$kid）"; has out "第五条、第五十八条"; has out "003 二（一）"
has out "现责令您于 20[0-9]*年[0-9]*月[0-9]*日 前送 $name"
run 0 "$KCBX" notice --ledger "$L" --kind return-notice --student "$kid" --as-of $D --guardian 田某某 --issuer 西吉县兴隆镇人民政府 --out "$T/n.txt"
grep -q "^田某某（监护人）：" "$T/n.txt" || fail "notice --out lacks the guardian"; grep -q "^西吉县兴隆镇人民政府$" "$T/n.txt" || fail "notice --out lacks the issuer"
run 0 "$KCBX" notice --ledger "$L" --kind return_notice --student "$kid" --as-of $D --actor "school:$school:某老师"
has out "6404\*\*\*\*\*\*\*\*\*\*"   # masked below county level
run 1 "$KCBX" notice --ledger "$L" --kind enrollment --student "$kid" --as-of $D; has err "\-\-field report_date"
run 0 "$KCBX" notice --ledger "$L" --kind enrollment --student "$kid" --as-of $D --field report_date=2025年9月1日
has out "^义务教育入学通知书"; has out "$name"; has out "第十一条第一款：凡年满六周岁的儿童"; has out "第五十八条"; has out "依法追究法律责任"
run 0 "$KCBX" notice --ledger "$L" --kind three_line_report --student "$kid" --as-of $D --field measures=班主任电话联系家长 --format json
has out '"title" : "疑似辍学学生“三线”报告"\|"title": "疑似辍学学生“三线”报告"'; has out "省级平台"; has out "004 二（三）2"
run 1 "$KCBX" notice --ledger "$L" --kind summons --student "$kid"; has err "\-\-kind"; has err "return_notice"
run 1 "$KCBX" notice --ledger "$L" --kind return_notice --student "$kid" --field mood=x; has err "\-\-field mood"
# a key on no roster is refused like one outside the jurisdiction (nothing tells which)
run 3 "$KCBX" notice --ledger "$L" --kind return_notice --student 640422000000000000 --as-of $D
has err "not on the roster of county 640422"; ok

# --- duties: the report calendar (Guyuan 001 二（二）: schools daily, townships weekly; Dongchuan
# 004 二（二）: 四查三比对 a week after each term starts, from the calendar's term 2025-09-01)
run 0 "$KCBX" duties --ledger "$L" --from $D --to 2025-10-26 --level school --format csv
[ "$(( $(wc -l < "$T/out") - 1 ))" = 5 ] || fail "guyuan school duties in the week of $D"; has out "001 二（二）"
run 0 "$KCBX" duties --policy dongchuan-2025 --calendar $DATA/calendar.json --from 2025-09-01 --to 2025-09-30 --format csv
has out "^2025-09-08,乡镇（街道）,开学一周后联合开展“四查三比对”"
run 1 "$KCBX" duties --policy dongchuan-2025 --from 2025-09-01 --to 2025-09-30; has err "calendar"
run 1 "$KCBX" duties --policy guyuan-2021 --from 2025-09-30 --to 2025-09-01; has err "\-\-to"; ok

# --- verify: intact (exit 0, head printed), tampered (exit 5, the event named), wrong anchor
run 0 "$KCBX" verify --ledger "$L" --format csv
head=$(tail -1 "$T/out" | cut -d, -f3,4 | tr , :)
run 0 "$KCBX" verify --ledger "$L" --anchor "$head"
run 5 "$KCBX" verify --ledger "$L" --anchor "${head%%:*}:$(printf '0%.0s' {1..64})"; has err "anchor"
# incremental (issue 13): only the events after the anchor; a rewritten anchor is named
run 0 "$KCBX" verify --ledger "$L" --anchor "$head" --since-anchor; has out ",0,\|  0  "
run 5 "$KCBX" verify --ledger "$L" --anchor "${head%%:*}:$(printf '0%.0s' {1..64})" --since-anchor; has err "anchor"
cp "$L" "$T/tampered.kcbx"
python3 - "$T/tampered.kcbx" <<'PY' || fail "could not tamper"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("DROP TRIGGER events_no_update")
c.execute("UPDATE events SET reason = 'nothing happened' WHERE seq = 5")
c.commit()
PY
run 5 "$KCBX" verify --ledger "$T/tampered.kcbx"
has err "event #5"; has err "does not match its hash"; has out ",no,5\|  no  *5"; ok

# --- signed heads: a ledger copied back from an earlier day passes verify alone; the heads
# received upward name it (exit 5); schema planted trigger flagged; read-only file verifies
H=$T/heads.kcbx
run 0 "$KCBX" import --ledger "$H" --policy guyuan-2021 --actor "$ACTOR" --calendar $DATA/calendar.json
cp "$H" "$T/yesterday.kcbx"
run 0 "$KCBX" keygen --private-key "$T/county.key"; pub=$(cat "$T/out")
[ ${#pub} = 64 ] || fail "keygen printed no public key"
run 6 "$KCBX" keygen --private-key "$T/county.key"; has err "never replaced"
run 0 "$KCBX" head --ledger "$H" --actor "$ACTOR" --sign-key "$T/county.key"; cat "$T/out" >> "$T/received.jsonl"
run 0 "$KCBX" import --ledger "$H" --actor "$ACTOR" --students $DATA/roster.csv
run 0 "$KCBX" head --ledger "$H" --actor "$ACTOR" --sign-key "$T/county.key"; cat "$T/out" >> "$T/received.jsonl"
has out '"profile":"guyuan-2021"'; has out '"signature"'
run 0 "$KCBX" verify --ledger "$H" --actor "$ACTOR" --heads "$T/received.jsonl" --public-key "$pub"
# the report sent upward carries the signed head; the level above keeps it and checks it
run 0 "$KCBX" report --ledger "$H" --actor "$ACTOR" --as-of 2025-10-20 --format json --sign-key "$T/county.key"
has out 'signed head'
python3 -c 'import json,sys; n=[x for x in json.load(open(sys.argv[1]))["notes"] if "signed head: " in x]; assert len(n)==1; print(n[0].split("signed head: ",1)[1])' "$T/out" > "$T/report-head.jsonl" \
    || fail "report --sign-key: no single signed head in the notes"
run 0 "$KCBX" verify --ledger "$H" --actor "$ACTOR" --heads "$T/report-head.jsonl" --public-key "$pub"
cp "$T/yesterday.kcbx" "$H"
run 0 "$KCBX" verify --ledger "$H" --actor "$ACTOR"
run 5 "$KCBX" verify --ledger "$H" --actor "$ACTOR" --heads "$T/received.jsonl" --public-key "$pub"; has err "rolled back"
run 64 "$KCBX" verify --ledger "$H" --heads "$T/received.jsonl"
chmod 444 "$T/yesterday.kcbx"
run 0 "$KCBX" verify --ledger "$T/yesterday.kcbx" --actor "$ACTOR"
run 6 "$KCBX" import --ledger "$T/yesterday.kcbx" --actor "$ACTOR" --students $DATA/roster.csv; has err "read-only"
chmod 644 "$T/yesterday.kcbx"; ok
# the profile in force: another is refused (4), a school may not change it (3), the county may
run 4 "$KCBX" verify --ledger "$H" --policy fujian-2020 --actor "$ACTOR"; has err "profile in force"
run 3 "$KCBX" change-profile --ledger "$H" --policy fujian-2020 --actor "school:640422132:校长" --reason "试用"
run 0 "$KCBX" change-profile --ledger "$H" --policy fujian-2020 --actor "$ACTOR" --reason "省厅通知"; has out "fujian-2020"
run 0 "$KCBX" verify --ledger "$H" --actor "$ACTOR"
python3 - "$H" <<'PY' || fail "could not plant a trigger"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript("CREATE TABLE shadow(p); CREATE TRIGGER spy AFTER INSERT ON events BEGIN INSERT INTO shadow VALUES (NEW.payload); END;")
c.commit()
PY
run 5 "$KCBX" verify --ledger "$H" --actor "$ACTOR"; has err "trigger spy"; ok

# --- errors: missing ledger (2), bad actor (1), usage (64)
run 2 "$KCBX" sweep --ledger "$T/none.kcbx" --as-of 2025-10-20; has err "not found"
run 1 "$KCBX" cases --ledger "$L" --actor "mayor:640422:x"; has err "actor.level"
run 64 "$KCBX" sweep --ledger "$L" --bogus
run 2 "$KCBX" policy show no-such-profile; has err "built-ins"; ok

# --- classify and reconcile on the sample files
run 0 "$KCBX" classify --roster $DATA/roster.csv --attendance $DATA/attendance.csv --calendar $DATA/calendar.json \
  --as-of 2025-10-20 --format csv
has out "合计"
run 0 "$KCBX" reconcile --household $DATA/household.csv --students $DATA/students.csv --attending $DATA/attending.csv \
  --region 640422 --as-of 2025-10-20 --summary --format csv
has out "out_of_school,$oos"; ok

# --- input that could be misread is refused naming the row (issue 11): a stray quote, a duplicate
# header name, extra cells, a NUL byte in a copy of the household registry; a 10 MB one-line file
tamper() {  # tamper LINE SED-EXPR: household.csv with line LINE edited, in $T/h.csv
  sed "$1s/$2/" $DATA/household.csv > "$T/h.csv"
}
for case in '5|^/"|row 5: has an unterminated quote' '1|\r$/,name\r|row 1: column name '"'"'name'"'"' appears twice' \
            '7|\r$/,640423\r|row 7: has 6 cells but the header has 5 columns' '9|,/,\x00|row 9: contains a NUL byte'; do
  IFS='|' read -r line expr msg <<<"$case"
  tamper "$line" "$expr"
  run 1 "$KCBX" reconcile --household "$T/h.csv" --students $DATA/students.csv --region 640422 --as-of 2025-10-20
  has err "h.csv $msg"
done
head -c 10000000 /dev/zero | tr '\0' 'x' > "$T/big.csv"
run 1 "$KCBX" reconcile --household "$T/big.csv" --students $DATA/students.csv --region 640422 --as-of 2025-10-20
has err "big.csv row 1: a field is longer than 65536 bytes"
[ "$(wc -c < "$T/err")" -lt 400 ] || fail "a 10 MB line gave a $(wc -c < "$T/err")-byte message"; ok

# --- supervision (issue 15; docs/supervision-audit.md): synth builds the sample county's ledger with
# planted false entries and their answer key; the audit finds exactly those (002 四（二）), records them
# once; spot checks refuse a silent redraw; the 中考 check lists grade-9 children not registered (001 二（二）)
run 0 "$KCBX" --help
for c in audit spot-check zhongkao-check; do has out "$c"; run 0 "$KCBX" $c --help; has out "USAGE"; run 0 "$KCBX" --help; done
S=$T/audit
run 0 "$KCBX" synth --out "$S" --ledger "$S/xiji.kcbx"
has out "answer key"
AD=$(grep -o 'kcbx audit --as-of [0-9-]*' "$T/out" | awk '{print $4}')
[ -n "$AD" ] || fail "synth --ledger names no audit date"
run 0 "$KCBX" audit --ledger "$S/xiji.kcbx" --actor "$ACTOR" --as-of "$AD" --format csv
found=$(tr -d '\r' < "$T/out" | tail -n +2 | cut -d, -f1,3 | sort)
want=$(tr -d '\r\357\273\277' < "$S/false_entries.csv" | tail -n +2 | awk -F, '$2 != "" {print $2 "," $3}' | sort)
[ "$(echo "$want" | wc -l)" = 4 ] || fail "answer key: $want"
[ "$found" = "$want" ] || fail "audit found [$found], planted [$want]"
n=$(events "$S/xiji.kcbx")
run 0 "$KCBX" audit --ledger "$S/xiji.kcbx" --actor "$ACTOR" --as-of "$AD"
has out "return_while_absent"; has out "closure_unsupported"; has out "false_transfer"; has out "spot_check_redrawn"
[ "$(events "$S/xiji.kcbx")" = "$n" ] || fail "re-running the audit recorded again"
run 3 "$KCBX" audit --ledger "$S/xiji.kcbx" --actor "school:$(tr -d '\r' < $DATA/roster.csv | awk -F, 'NR == 2 {print $8}'):王老师" --as-of "$AD"
ok
run 0 "$KCBX" spot-check --ledger "$S/xiji.kcbx" --actor "$ACTOR" --period 2025-11 --as-of 2025-10-20 --per-stratum 1 --seed 5 --format csv
has out "draw_seq"; first=$(tr -d '\r' < "$T/out" | awk -F, 'NR == 2 {print $6}')
run 4 "$KCBX" spot-check --ledger "$S/xiji.kcbx" --actor "$ACTOR" --period 2025-11 --as-of 2025-10-20 --per-stratum 1
has err "one draw per period"
run 0 "$KCBX" spot-check --ledger "$S/xiji.kcbx" --actor "$ACTOR" --verify "$first" --result confirmed --date 2025-10-28
has out "confirmed"
run 0 "$KCBX" spot-check --ledger "$S/xiji.kcbx" --actor "$ACTOR" --period 2025-11 --summary --format csv
has out "合计"; ok
tr -d '\r' < $DATA/roster.csv | awk -F, 'NR == 1 {print "resident_id"} NR > 1 && $11 == 9 && $12 == "enrolled" {n++; if (n > 1) print $1}' > "$T/zk.csv"
run 0 "$KCBX" zhongkao-check --ledger "$S/xiji.kcbx" --actor "$ACTOR" --registrations "$T/zk.csv" --as-of 2025-10-20 --format csv
[ "$(tr -d '\r' < "$T/out" | tail -n +2 | grep -c .)" = 1 ] || fail "zhongkao-check should list one child"
printf 'resident_id,score\n640422201004050516,600\n' > "$T/zk2.csv"
run 1 "$KCBX" zhongkao-check --ledger "$S/xiji.kcbx" --actor "$ACTOR" --registrations "$T/zk2.csv" --as-of 2025-10-20
has err "score"; ok

echo "CLI tests: $passed groups passed"
