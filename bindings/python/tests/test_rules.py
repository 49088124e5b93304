"""Issue 12: each rule has one function, and Python reaches it as C and Swift do (docs/rules.md)."""
import datetime as dt
import json

import pytest
from conftest import make_id
from test_escalation import CALENDAR, COUNTY, KID, PROFILES, SCHOOL, TOWN, one, walk  # noqa: F401

import kcbx

D = dt.date


def open_case(led):
    case_id = led.sweep(D(2025, 9, 15)).opened[0]
    led.verify_case(case_id, reason="G", date=D(2025, 9, 16))
    return case_id


# ---- the four steps (004 二（七）4): one write path --------------------------------------------

@pytest.mark.parametrize("step", ["return_notice", "administrative_penalty", "court_application", "education"])
def test_four_steps_refused_out_of_order(walk, step):
    _, led = walk
    case_id = open_case(led)
    with pytest.raises(kcbx.RuleViolation, match="004 二（七）4"):
        led.record_action(case_id, action=step, date=D(2025, 9, 17))


def test_guardian_contact_has_one_spelling(walk):
    """The obligation is named as the action that discharges it, on the child and on a case."""
    _, led = walk
    assert "guardian_contact" in kcbx.escalation.ACTIONS and "contact_guardian" not in kcbx.escalation.ACTIONS
    contact = one(led.due(D(2025, 9, 8)), "guardian_contact")
    assert contact is not None and contact.id.endswith("/guardian_contact")
    led.record_student_action(KID, action=contact.action, date=D(2025, 9, 8))
    assert one(led.due(D(2025, 9, 8), states=["done"]), "guardian_contact").done_on == D(2025, 9, 8)


# ---- one school-age rule (000 二（一）: 6 by 31 August; 6-15周岁) --------------------------------

BOUNDARY = [("20190831", "011", True), ("20190901", "021", False), ("20090916", "031", True), ("20090915", "041", False)]
AS_OF = D(2025, 9, 15)


def test_school_age_boundaries():
    for birth, _, due in BOUNDARY:
        b = D(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
        assert kcbx.school_age(b, AS_OF).compulsory == due, birth


def test_reconciliation_uses_the_entry_rule(tmp_path):
    household = tmp_path / "household.csv"
    household.write_text("resident_id,name,birth_date,address,region_code\n" + "".join(
        f"{make_id('640422', b, s)},儿童{i},{b[:4]}-{b[4:6]}-{b[6:]},西吉县吉强镇1村,640422\n"
        for i, (b, s, _) in enumerate(BOUNDARY)), encoding="utf-8")
    students = tmp_path / "students.csv"
    students.write_text("registry_number,resident_id,name,birth_date,school_id,school_region_code,grade,status\n", encoding="utf-8")
    r = kcbx.reconcile(household, students, AS_OF, region="640422")
    expected = {make_id("640422", b, s) for b, s, due in BOUNDARY if due}
    assert {f["身份证号"] for f in r.of_kind("out_of_school")} == expected
    assert int(r.count("户籍适龄儿童少年数")) == len(expected)


@pytest.mark.parametrize("profile", PROFILES)
def test_classification_and_sweep_use_the_entry_rule(tmp_path, profile):
    roster = tmp_path / "roster.csv"
    kids = [make_id("640422", b, s) for b, s, _ in BOUNDARY]
    roster.write_text("resident_id,name,school_id,school_name,township_code,grade,address,registration\n" + "".join(
        f"{k},儿童{i},,,{TOWN},,吉强镇1村,none\n" for i, k in enumerate(kids)), encoding="utf-8")
    cal_path = tmp_path / "calendar.json"
    cal_path.write_text(json.dumps(CALENDAR, ensure_ascii=False), encoding="utf-8")
    with kcbx.Policy.builtin(profile) as policy, kcbx.Ledger.open(tmp_path / "x.kcbx", policy, COUNTY) as led:
        led.set_calendar_file(cal_path)
        led.import_students_csv(roster)
        opened = led.sweep(AS_OF).opened
        students = {c.student for c in led.cases(full_ids=True)}
        assert len(opened) == 2
        assert students == {k for k, (_, _, due) in zip(kids, BOUNDARY) if due}


# ---- exemptions (002 二（四）) and placement (000 二（四）, 四（三）) through Python ----------------

def test_exemption_needs_the_expert_opinion_and_an_illness_reason(walk):
    _, led = walk
    case_id = open_case(led)   # verified G (厌学): not an illness or disability
    with pytest.raises(kcbx.RuleViolation, match="002 二（四）"):
        led.exempt(case_id, exemption="deferred", opinion="", date=D(2025, 9, 17))
    with pytest.raises(kcbx.RuleViolation, match="C, D, E, P"):
        led.exempt(case_id, exemption="deferred", opinion="专家组〔2025〕1号", date=D(2025, 9, 17))


def test_placement_rules(walk):
    _, led = walk
    case_id = open_case(led)
    led.persuade(case_id, date=D(2025, 9, 17), plan="一人一案", person="马老师")
    with pytest.raises(kcbx.RuleViolation, match="original_school"):
        led.record_return(case_id, school="S-B1", placement="original_school", date=D(2025, 9, 18))
    with pytest.raises(kcbx.RuleViolation, match="disabled or ill"):
        led.record_return(case_id, school=SCHOOL, placement="special_school", date=D(2025, 9, 18))
    led.record_return(case_id, school=SCHOOL, placement="original_school", date=D(2025, 9, 18))
