"""The ledger (台账) from Python on the bundled sample county (DOMAIN.md §4; seeds 000, 001, 002)."""
import csv
import datetime as dt
import pathlib
import sqlite3

import pytest

import kcbx

DATA = pathlib.Path(__file__).resolve().parents[3] / "data" / "sample"
AS_OF = dt.date(2025, 10, 20)
COUNTY = {"level": "county", "unit_code": "640422", "person": "县教育局王老师"}


def planted(*patterns: str) -> set:
    with open(DATA / "planted.csv", encoding="utf-8-sig") as f:
        return {r["resident_id"] for r in csv.DictReader(f) if r["pattern"] in patterns}


@pytest.fixture()
def ledger(tmp_path):
    with kcbx.Policy.builtin("guyuan-2021") as policy, kcbx.Ledger.open(tmp_path / "xiji.kcbx", policy, COUNTY) as led:
        assert led.set_calendar_file(DATA / "calendar.json")
        led.import_students_csv(DATA / "roster.csv")
        led.import_marks_csv(DATA / "attendance.csv")
        yield led


def test_sweep_opens_cases_for_planted_absences_and_is_idempotent(ledger):
    first = ledger.sweep(AS_OF)
    cases = ledger.cases(full_ids=True)
    students = {c.student for c in cases}
    # Every planted suspected/dropout child has a case (001 附件1 填表说明1–2).
    assert planted("suspected", "dropout", "leave_in_streak") <= students
    head = ledger.head()
    ledger.sweep(AS_OF)
    assert ledger.head() == head, "a second sweep for the same date changes nothing"
    assert first


def test_marks_from_columns_are_all_or_nothing_and_idempotent(ledger):
    # DOMAIN.md §7: a batch with a bad row records nothing; the same marks again record nothing.
    with open(DATA / "roster.csv", encoding="utf-8-sig") as f:
        kids = [r["resident_id"] for r in csv.DictReader(f) if r["resident_id"]][:50]
    days = [dt.date(2025, 9, 1) + dt.timedelta(days=d) for d in range(5)]  # Monday-Friday
    students = [k for k in kids for _ in days]
    dates = [d for _ in kids for d in days]
    kinds = [2] * len(students)
    first = ledger.import_marks({"student": students, "date": dates, "kind": kinds})
    assert first.rows == len(students) and first.changed + first.unchanged == len(students)
    head = ledger.head()
    again = ledger.import_marks({"student": students, "date": [d.year * 10000 + d.month * 100 + d.day for d in dates], "kind": kinds})
    assert again.changed == 0 and ledger.head() == head
    with pytest.raises(kcbx.InvalidInput):
        ledger.import_marks({"student": students + [kids[0]], "date": dates + [dt.date(2025, 9, 6)], "kind": [0] * len(kinds) + [0]})  # a Saturday
    assert ledger.head() == head, "the rejected batch changed nothing"


def test_reimport_changes_nothing(ledger):
    head = ledger.head()
    ledger.import_students_csv(DATA / "roster.csv")
    assert ledger.head() == head


def test_closure_refused_before_the_child_has_stayed(ledger):
    ledger.sweep(AS_OF)
    case = next(c for c in ledger.cases(full_ids=True) if c.student in planted("dropout"))
    cid = case.id
    ledger.verify_case(cid, reason="G", date=AS_OF)
    ledger.persuade(cid, date=AS_OF, plan="一人一案：班主任每周家访", person="李老师")
    ledger.record_return(cid, school="640422101", placement="other_school", date=dt.date(2025, 10, 21))
    with pytest.raises(kcbx.RuleViolation, match="closure"):
        ledger.close_case(cid, date=dt.date(2025, 10, 22))
    history = ledger.history(cid)
    assert len(history) >= 4
    assert "县教育局王老师" in str(history), "every change names who made it"


def test_school_cannot_act_outside_its_school(tmp_path, ledger):
    path = tmp_path / "xiji.kcbx"
    with kcbx.Policy.builtin("guyuan-2021") as policy, \
            kcbx.Ledger.open(path, policy, {"level": "school", "unit_code": "640422999", "person": "外校"}) as other:
        student = next(iter(planted("suspected")))
        with pytest.raises(kcbx.PermissionDenied):
            other.open_case(student, kind="suspected_dropout", date=AS_OF)


def test_export_guyuan_attachment_2_masks_ids(ledger, tmp_path):
    ledger.sweep(AS_OF)
    dropout = next(c for c in ledger.cases() if c.kind is kcbx.CaseKind.DROPOUT)
    ledger.verify_case(dropout.id, reason="G", date=AS_OF)   # attachment 2 lists verified dropouts with their reason
    out = tmp_path / "attachment2.csv"
    n = ledger.export_csv(out, "guyuan-attachment-2", as_of=AS_OF)
    text = out.read_text(encoding="utf-8-sig")
    assert n >= 1 and "身份证号" in text and "*" in text


def test_tampering_is_detected(tmp_path, ledger):
    ledger.sweep(AS_OF)
    assert ledger.verify() > 0
    path = tmp_path / "xiji.kcbx"
    con = sqlite3.connect(path)
    con.execute("DROP TRIGGER IF EXISTS events_no_update")
    triggers = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]
    for t in triggers:
        con.execute(f"DROP TRIGGER {t}")
    con.execute("UPDATE events SET reason = 'edited' WHERE seq = (SELECT min(seq) + 1 FROM events)")
    con.commit()
    con.close()
    with pytest.raises(kcbx.IntegrityError):
        ledger.verify()
