"""Escalation from Python (DOMAIN.md §3): a child walked day by day from the first absence to the
return or to the court step under each built-in profile, the ladder, the report calendar and the
notices (seeds 000-004)."""
import datetime as dt
import json
import pathlib
import zipfile

import pytest
from conftest import make_id

import kcbx

D = dt.date
PROFILES = ["baiyin-2020", "guyuan-2021", "fujian-2020", "huarong-2024", "dongchuan-2025"]
COUNTY = {"level": "county", "unit_code": "640422", "person": "县教育局王老师"}
CALENDAR = {"kcbx_calendar": 1, "name": "西吉县 2025-2026 学年校历", "school_years": [{"school_year": 2025,
            "terms": [{"name": "autumn", "start": "2025-09-01", "end": "2026-01-15"},
                      {"name": "spring", "start": "2026-03-02", "end": "2026-07-10"}],
            "holidays": [{"name": "国庆节", "from": "2025-10-01", "to": "2025-10-08"}],
            "make_up_days": ["2025-09-28", "2025-10-11"]}]}
KID = make_id("640422", "20160310", "011")
TOWN, SCHOOL = "640422100", "S-A1"
SAMPLE = pathlib.Path(__file__).resolve().parents[3] / "data" / "sample"


def school_days(cal, start, end):
    d = start
    while d <= end:
        if cal.is_school_day(d):
            yield d
        d += dt.timedelta(days=1)


@pytest.fixture(params=PROFILES)
def walk(request, tmp_path):
    """A ledger under each profile with one child absent without leave from Mon 8 Sept 2025."""
    cal_path = tmp_path / "calendar.json"
    cal_path.write_text(json.dumps(CALENDAR, ensure_ascii=False), encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("resident_id,name,school_id,school_name,township_code,grade,address\n"
                      f"{KID},马小明,{SCHOOL},吉强中心小学,{TOWN},4,吉强镇1村\n", encoding="utf-8")
    with kcbx.Policy.builtin(request.param) as policy, kcbx.Ledger.open(tmp_path / "x.kcbx", policy, COUNTY) as led, \
            kcbx.Calendar.from_json(json.dumps(CALENDAR)) as cal:
        led.set_calendar_file(cal_path)
        led.import_students_csv(roster)
        marks = tmp_path / "marks.csv"
        marks.write_text("student,date,kind\n" + "".join(f"{KID},{d.isoformat()},2\n"
                                                        for d in school_days(cal, D(2025, 9, 8), D(2025, 11, 28))), encoding="utf-8")
        led.import_marks_csv(marks)
        yield request.param, led


def one(items, action):
    found = [o for o in items if o.action == action]
    return found[0] if found else None


def start_refusal(led):
    """Sweep on 15 Sept opens the case (001 附件1 填表说明1); verified G, plan and person; refusal on 17 Sept."""
    case_id = led.sweep(D(2025, 9, 15)).opened[0]
    led.verify_case(case_id, reason="G", date=D(2025, 9, 16))
    led.persuade(case_id, date=D(2025, 9, 16), plan="一人一案：每周家访", person="马老师")
    led.record_action(case_id, action="guardian_refusal", date=D(2025, 9, 17), note="监护人拒不送学")
    return case_id


def test_first_days_guardian_contact_and_three_line_report(walk):
    profile, led = walk
    contact = one(led.due(D(2025, 9, 8)), "guardian_contact")
    assert contact.owner.level == "class_teacher" and contact.owner.unit_code == SCHOOL
    # 004 二（三）3: the same day under Dongchuan; DOMAIN default elsewhere: the next school day.
    assert contact.due_on == (D(2025, 9, 8) if profile == "dongchuan-2025" else D(2025, 9, 9))
    report = one(led.due(D(2025, 9, 10)), "three_line_report")
    if profile == "dongchuan-2025":   # 004 二（三）2: 3 days, three recipients
        assert report.due_on == D(2025, 9, 10) and len(report.recipients) == 3 and report.owner.level == "school"
        led.record_student_action(KID, action="three_line_report", date=D(2025, 9, 10))
        assert one(led.due(D(2025, 9, 10), states=["done"]), "three_line_report").done_on == D(2025, 9, 10)
    else:
        assert report is None


def test_four_steps_in_order_to_the_court_step(walk):
    profile, led = walk
    cid = start_refusal(led)

    def steps(day):
        return [o for o in led.due(day, case_id=cid) if o.step]

    first = steps(D(2025, 9, 17))
    assert [o.action for o in first] == ["education"]
    assert first[0].owner.level == "township" and first[0].due_on == D(2025, 9, 24)   # education_step_deadline 7 days
    with pytest.raises(kcbx.RuleViolation, match="四步法"):
        led.record_action(cid, action="return_notice", date=D(2025, 9, 20))
    led.record_action(cid, action="education", date=D(2025, 9, 18))
    with pytest.raises(kcbx.RuleViolation):
        led.record_action(cid, action="return_notice", date=D(2025, 9, 24))   # step 1's deadline has not lapsed
    notice = one(steps(D(2025, 9, 25)), "return_notice")
    assert notice.opens_on == D(2025, 9, 25) and notice.due_on == D(2025, 9, 28)
    led.record_action(cid, action="return_notice", date=D(2025, 9, 26))
    assert one(steps(D(2025, 9, 26)), "return_notice").guardian_deadline == D(2025, 10, 11)   # 15 days (003 二（一）限期)
    penalty = one(steps(D(2025, 10, 12)), "administrative_penalty")
    assert penalty.opens_on == D(2025, 10, 12) and penalty.due_on == D(2025, 11, 10)
    led.record_action(cid, action="administrative_penalty", date=D(2025, 10, 15))
    court = one(steps(D(2025, 11, 11)), "court_application")
    assert court.opens_on == D(2025, 11, 11) and court.due_on == D(2025, 12, 10)
    assert "004 二（七）4" in court.basis
    led.record_action(cid, action="court_application", date=D(2025, 11, 12))
    assert all(o.state == "done" for o in steps(D(2025, 11, 12)))
    assert led.verify() > 0


def test_guardian_who_complies_at_step_two_never_reaches_step_three(walk):
    _, led = walk
    cid = start_refusal(led)
    led.record_action(cid, action="education", date=D(2025, 9, 18))
    led.record_action(cid, action="return_notice", date=D(2025, 9, 26))
    led.record_return(cid, school=SCHOOL, placement="original_school", date=D(2025, 10, 9))
    for day in (D(2025, 10, 12), D(2025, 11, 11), D(2025, 12, 1)):
        actions = {o.action for o in led.due(day, case_id=cid)}
        assert "administrative_penalty" not in actions and "court_application" not in actions
    with pytest.raises(kcbx.RuleViolation):
        led.record_action(cid, action="administrative_penalty", date=D(2025, 10, 12))


def test_escalation_ladder_idempotent_and_time_travel(walk):
    profile, led = walk
    cid = led.sweep(D(2025, 9, 15)).opened[0]
    before = led.due(D(2025, 9, 22), case_id=cid)
    summary = led.escalate(D(2025, 9, 23))
    plan = next(o for o in summary.escalated if o.id == f"c{cid}/per_child_plan")
    assert plan.owner.level == "township" and plan.escalations[0].from_level == "school"
    assert plan.escalations[0].notify == [f"government:township:{TOWN}", "education:county:640422"]   # 双线 (all five documents)
    head = led.head()
    assert led.escalate(D(2025, 9, 23)).escalated == [] and led.head() == head
    assert led.due(D(2025, 9, 22), case_id=cid) == before, "a past date gives what was due then"
    history = [e for e in led.history(cid) if e.kind == "obligation.escalated"]
    assert history and all(e.actor.person == "县教育局王老师" for e in history)


def test_referral_names_its_department(walk):
    profile, led = walk
    cid = led.sweep(D(2025, 9, 15)).opened[0]
    led.verify_case(cid, reason="H", date=D(2025, 9, 16))   # working away: human resources and market regulation (000 一（二）, 001 二（一）, 003 二（十一）)
    refs = {o.department: o for o in led.due(D(2025, 9, 16), case_id=cid) if o.action == "referral"}
    assert {"human_resources", "market_regulation"} <= set(refs)
    with pytest.raises(kcbx.InvalidInput, match="department"):
        led.record_action(cid, action="referral", date=D(2025, 9, 17))
    led.record_action(cid, action="referral", date=D(2025, 9, 17), department="human_resources")
    states = {o.department: o.state for o in led.due(D(2025, 9, 17), case_id=cid) if o.action == "referral"}
    assert states["human_resources"] == "done" and states["market_regulation"] == "due"


def test_sample_county_due_list_and_escalation(tmp_path):
    """The main job's data (data/sample, 西吉县 under Guyuan): the due list and the overdue escalations on a date."""
    as_of = D(2025, 10, 20)
    with kcbx.Policy.builtin("guyuan-2021") as policy, kcbx.Ledger.open(tmp_path / "xiji.kcbx", policy, COUNTY) as led:
        led.set_calendar_file(SAMPLE / "calendar.json")
        led.import_students_csv(SAMPLE / "roster.csv")
        led.import_marks_csv(SAMPLE / "attendance.csv")
        led.sweep(as_of)
        due = led.due(as_of)
        assert {o.action for o in due} >= {"guardian_contact", "enter_ledger", "home_visit", "per_child_plan", "persuasion_visit"}
        overdue = [o for o in due if o.state == "overdue"]
        summary = led.escalate(as_of)
        assert len(summary.escalated) + len(summary.overdue_at_top) == len(overdue) > 0
        n = led.due_csv(tmp_path / "due.csv", as_of, states=["escalated", "overdue"])
        assert n == len(summary.escalated) + len(summary.overdue_at_top)
        assert "责任单位" in (tmp_path / "due.csv").read_text(encoding="utf-8-sig")


def test_report_calendar():
    with kcbx.Policy.builtin("guyuan-2021") as guyuan, kcbx.Calendar.from_json(json.dumps(CALENDAR)) as cal:
        reports = kcbx.due_reports(guyuan, D(2025, 9, 1), D(2025, 12, 31), calendar=cal)
        by = lambda duty: [r.due for r in reports if r.duty == duty]   # noqa: E731
        assert by("county_report_term_start") == [D(2025, 9, 5)]        # 001 附件1 填表说明4: 第一周周五
        assert by("county_report_mid_term") == [D(2025, 10, 31)]
        assert by("city_quarterly_bulletin") == [D(2025, 9, 30), D(2025, 12, 31)]
    with kcbx.Policy.builtin("baiyin-2020") as baiyin:
        assert [r.due for r in kcbx.due_reports(baiyin, D(2025, 9, 1), D(2026, 3, 31)) if r.duty == "term_sweep"] == \
            [D(2025, 9, 20), D(2026, 3, 20)]                               # 000 二（一）每学期首月20日前
    with kcbx.Policy.builtin("dongchuan-2025") as dongchuan, pytest.raises(kcbx.InvalidInput, match="calendar"):
        kcbx.due_reports(dongchuan, D(2025, 9, 1), D(2025, 9, 30))


def test_notices_text_and_docx(walk, tmp_path):
    profile, led = walk
    cid = start_refusal(led)
    led.record_action(cid, action="education", date=D(2025, 9, 18))
    led.record_action(cid, action="return_notice", date=D(2025, 9, 26))
    with pytest.raises(kcbx.InvalidInput, match="guardian"):
        kcbx.render_notice("return_notice", ledger=led, student=KID, as_of=D(2025, 9, 26), issuer="吉强镇人民政府")
    out = tmp_path / "notice.docx"
    text = kcbx.render_notice("return_notice", ledger=led, student=KID, as_of=D(2025, 9, 26),
                              guardian="马大山", issuer="吉强镇人民政府", docx=out)
    assert text.startswith("限期复学通知书") and "于 2025年10月11日 前送 马小明" in text and "行政处罚" in text
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
        doc = z.read("word/document.xml").decode("utf-8")
        assert "限期复学通知书" in doc and "马大山（监护人）" in doc and "[Content_Types].xml" in z.namelist()
    with pytest.raises(kcbx.InvalidInput, match="guardain"):
        kcbx.render_notice("return_notice", {"guardain": "x"})
    assert "deadline" in kcbx.notice_fields("return_notice")
    enrol = kcbx.render_notice("enrollment", ledger=led, student=KID, as_of=D(2025, 6, 20), guardian="马大山",
                               report_date="2025年8月31日", issuer="吉强镇人民政府")
    assert "第五十八条" in enrol and "责令限期改正" in enrol   # 002 三（一）: legal clauses and consequences
