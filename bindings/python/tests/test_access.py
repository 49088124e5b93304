"""Data and access through the C boundary (issue 11): a smaller role × action matrix, one masking
rule on every listing, refusals that disclose nothing, CSV injection and the file policy."""
import datetime as dt
import os
import pathlib
import stat

import pytest
from conftest import make_id

import kcbx

DATA = pathlib.Path(__file__).resolve().parents[3] / "data" / "sample"
DAY = dt.date(2025, 10, 31)
INSIDE = make_id("640422", "20160310", "011")   # school 640422132, township 640422103
OUTSIDE = make_id("640422", "20140505", "042")  # school 640422122, township 640422102
FOREIGN = make_id("640423", "20150101", "031")  # county 640423
HEADER = "resident_id,name,school_id,school_name,township_code,grade,address\n"
ROWS = {
    INSIDE: f'{INSIDE},马小明,640422132,新营小学,640422103,4,"=HYPERLINK(""http://x"")"\n',   # RFC 4180 quoting
    OUTSIDE: f"{OUTSIDE},杨小红,640422122,平峰小学,640422102,6,平峰乡\n",
    FOREIGN: f"{FOREIGN},隆小德,640423101,隆德小学,640423100,5,隆德县\n",
}
ACTORS = {
    "school": {"level": "school", "unit_code": "640422132", "person": "王老师"},
    "township": {"level": "township", "unit_code": "640422103", "person": "马专干"},
    "department": {"level": "department", "unit_code": "640422", "person": "公安"},
    "county": {"level": "county", "unit_code": "640422", "person": "李科长"},
}
PROVINCE = {"level": "province", "unit_code": "640000", "person": "省厅"}


@pytest.fixture()
def ledger_path(tmp_path):
    path = tmp_path / "access.kcbx"
    roster = tmp_path / "roster.csv"
    roster.write_text(HEADER + "".join(ROWS.values()), encoding="utf-8")
    marks = tmp_path / "marks.csv"
    days = [dt.date(2025, 9, 8) + dt.timedelta(days=i) for i in range(50)]
    marks.write_text("student,date,kind\n" + "".join(f"{k},{d.isoformat()},unexcused\n" for k in (INSIDE, OUTSIDE, FOREIGN)
                                                     for d in days if d.weekday() < 5 and not (dt.date(2025, 10, 1) <= d <= dt.date(2025, 10, 8))),
                     encoding="utf-8")
    with kcbx.Policy.builtin("guyuan-2021") as policy, kcbx.Ledger.open(path, policy, PROVINCE) as led:
        led.set_calendar_file(DATA / "calendar.json")
        led.import_students_csv(roster)
        led.import_marks_csv(marks)
        for key in (INSIDE, OUTSIDE, FOREIGN):
            led.open_case(key, kind="suspected_dropout", date=dt.date(2025, 10, 20))
    return path


def open_as(path, actor):
    return kcbx.Ledger.open(path, kcbx.Policy.builtin("guyuan-2021"), actor)


def masked(key):
    return key[:4] + "*" * 10 + key[-4:]


@pytest.mark.parametrize("level", sorted(ACTORS))
def test_matrix_through_the_boundary(ledger_path, level):
    """Each level on its own child (case 1) and another school's child (case 2): allowed or
    refused, the refusal recorded, nothing of the other child in any message or output."""
    actor = ACTORS[level]
    inside_allowed_write = level in ("school", "township", "county")
    with open_as(ledger_path, actor) as led:
        outputs = []
        county_wide = level in ("county", "department")   # a department reads its whole county
        outside_case = 3 if county_wide else 2
        outside_key = FOREIGN if county_wide else OUTSIDE
        # Listings: allowed for every level, masked, and never the outside child.
        outputs.append(repr(led.cases()))
        outputs.append(repr(led.history(1)))
        outputs.append(repr(led.due(DAY)))
        if inside_allowed_write:
            outputs.append(repr(led.escalate(DAY)))
        for text in outputs:
            for key in (INSIDE, OUTSIDE, FOREIGN):
                assert key not in text, f"{level}: full ID in a listing"
        assert masked(INSIDE) in outputs[0]
        # Writes on the inside child.
        try:
            led.record_action(1, action="home_visit", date=DAY)
            assert inside_allowed_write, f"{level} wrote the ledger"
        except kcbx.PermissionDenied:
            assert not inside_allowed_write
        # Everything on the outside child is refused, recorded, and discloses nothing.
        for attempt in (lambda: led.record_action(outside_case, action="home_visit", date=DAY),
                        lambda: led.open_case(outside_key, kind="dropout", date=DAY),
                        lambda: led.history(outside_case),
                        lambda: led.due(DAY, case_id=outside_case),
                        lambda: led.record_student_action(outside_key, action="guardian_contact", date=DAY)):
            with pytest.raises(kcbx.PermissionDenied) as e:
                attempt()
            message = str(e.value)
            assert outside_key not in message
            for place in ("640422122", "640422102", "640423101", "640423100"):
                assert place not in message, f"{level}: {message}"
        # Full IDs: county only, recorded; anyone else refused.
        if level == "county":
            cases = led.cases(full_ids=True)
            assert INSIDE in {c.student for c in cases} and FOREIGN not in {c.student for c in cases}
        else:
            with pytest.raises(kcbx.PermissionDenied):
                led.cases(full_ids=True)
            with pytest.raises(kcbx.PermissionDenied):
                led.due(DAY, full_ids=True)


def test_refusals_are_recorded_with_the_actor(ledger_path):
    with open_as(ledger_path, ACTORS["school"]) as school:
        with pytest.raises(kcbx.PermissionDenied):
            school.record_action(2, action="home_visit", date=DAY)
    with open_as(ledger_path, PROVINCE) as audit:
        refused = [e for e in audit.history(2, full_ids=True) if e.kind == "access.refused"]
    assert refused and refused[-1].actor.unit_code == "640422132"


def test_marks_problem_list_same_for_unknown_and_outside(ledger_path, tmp_path):
    unknown = make_id("640422", "20160101", "099")
    messages = []
    for key in (unknown, OUTSIDE):
        marks = tmp_path / "m.csv"
        marks.write_text(f"student,date,kind\n{key},2025-10-31,present\n", encoding="utf-8")
        with open_as(ledger_path, ACTORS["school"]) as school:
            with pytest.raises(kcbx.InvalidInput) as e:
                school.import_marks_csv(marks)
        assert key not in str(e.value)
        messages.append(str(e.value).replace(masked(key), "KEY"))
    assert messages[0] == messages[1], "the problem list never tells whether a child is on another unit's roster"


def test_foreign_exact_row_refused_not_unchanged(ledger_path, tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text(HEADER + ROWS[OUTSIDE], encoding="utf-8")
    with open_as(ledger_path, ACTORS["school"]) as school:
        with pytest.raises(kcbx.PermissionDenied) as e:
            school.import_students_csv(roster)
    assert OUTSIDE not in str(e.value) and "640422122" not in str(e.value)


def test_csv_injection_and_file_policy(ledger_path, tmp_path):
    with open_as(ledger_path, ACTORS["county"]) as county:
        county.verify_case(1, reason="G", date=DAY)
        out = tmp_path / "g2.csv"
        county.export_csv(out, "guyuan-attachment-2")
        text = out.read_text(encoding="utf-8-sig")
        assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text and '"=HYPERLINK' not in text
        link = tmp_path / "link.csv"
        target = tmp_path / "target"
        target.write_text("keep")
        link.symlink_to(target)
        with pytest.raises(kcbx.InvalidInput):
            county.export_csv(link, "guyuan-attachment-2")
        assert target.read_text() == "keep" and link.is_symlink()
        fifo = tmp_path / "fifo.csv"
        os.mkfifo(fifo)
        with pytest.raises(kcbx.InvalidInput):
            county.due_csv(fifo, DAY)
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
        with pytest.raises(kcbx.InvalidInput):
            county.due_csv("/dev/full", DAY)
        assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)
