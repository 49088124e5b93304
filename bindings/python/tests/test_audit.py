"""Supervision through Python (seed 002 四（二）: 台账信息抽查、入户核查, 台账信息不实; seed 001 二（二）:
中考报名): the audit finds a planted false return with its evidence and records it once, spot checks
are reproducible and re-draws visible, and grade-9 children not registered for the 中考 are listed."""
import csv
import datetime as dt
import pathlib

import pytest

import kcbx

DATA = pathlib.Path(__file__).resolve().parents[3] / "data" / "sample"
AS_OF = dt.date(2025, 10, 20)
COUNTY = {"level": "county", "unit_code": "640422", "person": "县教育局王老师"}


def rows(name):
    with open(DATA / name, encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


@pytest.fixture()
def sample(tmp_path):
    with kcbx.Policy.builtin("guyuan-2021") as policy:
        led = kcbx.Ledger.open(tmp_path / "xiji.kcbx", policy, COUNTY)
    led.set_calendar_file(DATA / "calendar.json")
    led.import_students_csv(DATA / "roster.csv")
    led.import_marks_csv(DATA / "attendance.csv")
    led.sweep(AS_OF)
    yield led
    led.close()


def planted_dropout():
    schools = {r["resident_id"]: r["school_id"] for r in rows("roster.csv")}
    kid = sorted(r["resident_id"] for r in rows("planted.csv") if r["pattern"] == "dropout" and schools.get(r["resident_id"]))[0]
    return kid, schools[kid]


def test_clean_sample_county_has_no_findings(sample):
    r = sample.audit(AS_OF)
    assert r.findings == [] and len(r) == 0
    assert r.report.headers[:3] == ["check", "检查项", "case_id"]


def test_a_return_while_the_child_stays_absent_is_found_once(sample, tmp_path):
    kid, school = planted_dropout()
    case = sample.cases(student=kid, open_only=True)[0].id
    sample.verify_case(case, reason="G", date=AS_OF)
    sample.persuade(case, date=AS_OF, plan="家访劝返", person="马老师")
    sample.record_return(case, school=school, placement="original_school", date=dt.date(2025, 10, 21))
    marks = tmp_path / "marks.csv"
    marks.write_text("student,date,kind\n" + "".join(f"{kid},2025-10-{d},unexcused\n" for d in (21, 22, 23, 24)), encoding="utf-8")
    sample.import_marks_csv(marks)
    r = sample.audit(dt.date(2025, 10, 24))
    assert [f.check for f in r.findings] == [kcbx.AuditCheck.RETURN_WHILE_ABSENT]
    f = r.findings[0]
    assert f.case_id == case and f.date == dt.date(2025, 10, 21) and "no day at school" in f.evidence
    assert f.finding_seq and not f.is_pattern and "002 四（二）" in f.clause
    assert kid not in f.student  # masked
    again = sample.audit(dt.date(2025, 10, 24))
    assert [g.finding_seq for g in again.findings] == [f.finding_seq]
    assert sample.audit(dt.date(2025, 10, 24), record=False).by_check("return_while_absent")


def test_spot_checks_are_reproducible_and_redraws_visible(sample):
    d = sample.spot_check("2025-10", AS_OF, per_stratum=1, seed=2025)
    assert d.seed == 2025 and d.case_ids and d.seq > 0
    with pytest.raises(kcbx.RuleViolation, match="one draw per period"):
        sample.spot_check("2025-10", AS_OF, per_stratum=1, seed=1)
    again = sample.spot_check("2025-10", AS_OF, per_stratum=1, seed=1, redraw_reason="抽中学校路远")
    assert again.seq > d.seq
    assert [f.entry_seq for f in sample.audit(AS_OF).by_check(kcbx.AuditCheck.SPOT_CHECK_REDRAWN)] == [again.seq]
    seq = sample.record_home_verification(again.case_ids[0], result="confirmed", date=dt.date(2025, 10, 28))
    assert seq > again.seq
    with pytest.raises(kcbx.RuleViolation):
        sample.record_home_verification(again.case_ids[0], result="contradicted", date=dt.date(2025, 10, 29))
    with pytest.raises(ValueError):
        sample.record_home_verification(again.case_ids[0], result="maybe", date=dt.date(2025, 10, 29))
    total = sample.spot_check_summary("2025-10").row("合计")
    assert total["verified"] == 1 and total["confirmed"] == 1 and total["share_confirmed"] == "100.00%"


def test_zhongkao_check_lists_grade_9_children_not_registered(sample, tmp_path):
    nine = [r for r in rows("roster.csv") if r["grade"] == "9" and r["registration"] == "enrolled"]
    assert len(nine) > 2
    listed = tmp_path / "zhongkao.csv"
    listed.write_text("resident_id\n" + "".join(r["resident_id"] + "\n" for r in nine[1:]), encoding="utf-8")
    r = sample.zhongkao_check(listed, AS_OF)
    assert len(r.rows) == 1 and r.rows[0][3] == nine[0]["name"] and r.headers[-1] == "说明"
    listed.write_text("resident_id\n" + nine[0]["resident_id"] + "\n" + nine[0]["resident_id"] + "\n", encoding="utf-8")
    with pytest.raises(kcbx.InvalidInput, match="listed twice"):
        sample.zhongkao_check(listed, AS_OF)


def test_a_school_may_not_audit(tmp_path):
    with kcbx.Policy.builtin("guyuan-2021") as policy:
        kcbx.Ledger.open(tmp_path / "l.kcbx", policy, COUNTY).close()
        school = kcbx.Ledger.open(tmp_path / "l.kcbx", policy, {"level": "school", "unit_code": "S-1", "person": "王老师"})
    with pytest.raises(kcbx.PermissionDenied):
        school.audit(AS_OF)
    school.close()
