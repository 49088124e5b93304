"""Issue 12, the Python API an analyst can guess: each test is a defect found by trying the API as a
new user would (pygit2 / polars as the yardstick), and fails on the API before the issue."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import pathlib
import warnings

import pytest

import kcbx

DATA = pathlib.Path(__file__).resolve().parents[3] / "data" / "sample"
AS_OF = dt.date(2025, 10, 20)
COUNTY = {"level": "county", "unit_code": "640422", "person": "县教育局王老师"}


def planted(*patterns: str) -> set:
    with open(DATA / "planted.csv", encoding="utf-8-sig") as f:
        return {r["resident_id"] for r in csv.DictReader(f) if r["pattern"] in patterns}


def roster_rows() -> list:
    with open(DATA / "roster.csv", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def mark_rows() -> list:
    with open(DATA / "attendance.csv", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """The sample county swept as of 20 October 2025 (profile id, Calendar object, rows in)."""
    path = tmp_path_factory.mktemp("api") / "xiji.kcbx"
    with kcbx.Ledger.open(path, "guyuan-2021", COUNTY) as led:
        led.set_calendar(kcbx.Calendar.from_file(DATA / "calendar.json"))
        led.import_students(DATA / "roster.csv")
        led.import_marks(DATA / "attendance.csv")
        led.sweep(AS_OF)
    return path


@pytest.fixture()
def ledger(swept):
    with kcbx.Ledger.open(swept, "guyuan-2021", COUNTY) as led:
        yield led


# Policies and calendars: an object or its name / file, everywhere.

def test_ledger_open_takes_a_profile_id(tmp_path):
    # Was: AttributeError: 'str' object has no attribute '_ptr'.
    with kcbx.Ledger.open(tmp_path / "l.kcbx", "guyuan-2021", COUNTY) as led:
        assert led.profile().id == "guyuan-2021" and len(led.profile().hash) == 64
    with kcbx.Ledger.change_profile(tmp_path / "l.kcbx", "baiyin-2020", COUNTY, reason="市文件更新") as led:
        assert led.profile().id == "baiyin-2020"


def test_due_reports_take_a_profile_id_and_a_calendar_file():
    duties = kcbx.due_reports("guyuan-2021", dt.date(2025, 9, 1), dt.date(2025, 9, 7), calendar=DATA / "calendar.json")
    assert duties and all(isinstance(d, kcbx.DueReport) for d in duties)


def test_set_calendar_file_takes_a_calendar_object(tmp_path):
    # Was: TypeError (open() of a Calendar).
    with kcbx.Ledger.open(tmp_path / "l.kcbx", "guyuan-2021", COUNTY) as led:
        assert led.set_calendar_file(kcbx.Calendar.from_file(DATA / "calendar.json"))
        assert not led.set_calendar(DATA / "calendar.json"), "the same calendar again changes nothing"


def test_classify_takes_a_calendar_file():
    c = kcbx.classify("guyuan-2021", DATA / "calendar.json", dt.date(2025, 9, 5), [(dt.date(2025, 9, 5), "present")])
    assert c.status is kcbx.ChildStatus.IN_SCHOOL


# One vocabulary.

def test_actor_keys_are_the_keys_history_returns(ledger):
    case = ledger.cases()[0]
    actor = ledger.history(case.id)[0].actor
    assert isinstance(actor, kcbx.Actor)
    assert (actor.level, actor.unit_code, actor.person) == ("county", "640422", "县教育局王老师")
    assert set(dataclasses.asdict(actor)) == {"level", "unit_code", "person", "role"}


def test_the_old_actor_key_unit_still_opens_with_a_deprecation_warning(swept):
    old = {"level": "county", "person": "县教育局王老师", "unit": "640422"}
    with pytest.warns(DeprecationWarning, match="unit_code"):
        led = kcbx.Ledger.open(swept, "guyuan-2021", old)
    led.close()
    with pytest.raises(TypeError, match="unknown keys"):
        kcbx.Ledger.open(swept, "guyuan-2021", {**COUNTY, "school": "x"})


def test_case_filters_take_one_value_or_a_list(ledger):
    # Was: InvalidInput "filter.status: must be an array".
    suspected = ledger.cases(status="suspected")
    assert suspected and all(c.status is kcbx.CaseStatus.SUSPECTED for c in suspected)
    assert ledger.cases(status=["suspected"]) == suspected
    assert ledger.cases(status=kcbx.CaseStatus.SUSPECTED) == suspected
    both = ledger.cases(kind=["dropout", kcbx.CaseKind.SUSPECTED_DROPOUT])
    assert {c.kind for c in both} <= {kcbx.CaseKind.DROPOUT, kcbx.CaseKind.SUSPECTED_DROPOUT}
    school = ledger.cases(school_id="640422132")
    assert all(isinstance(c, kcbx.Case) for c in school)
    with pytest.raises(TypeError):
        ledger.cases(school="640422132")  # the key is school_id, as the docs say


# Identifiers are text on every path.

def test_classify_many_csv_path_keeps_resident_ids_as_text():
    # Was: InvalidInput "child: keys cannot be ordered ('<' not supported between 'str' and 'int')".
    cal = kcbx.Calendar.from_file(DATA / "calendar.json")
    table = kcbx.classify_many("guyuan-2021", cal, AS_OF, str(DATA / "attendance.csv"), columns={"child": "student"})
    assert table.keys is not None and all(isinstance(k, str) and len(k) == 18 for k in table.keys)
    assert len(table) == len({r["student"] for r in mark_rows()})
    rows = {table.keys[r.child_id]: r.status for r in table.rows()}
    assert all(rows[k] in (kcbx.ChildStatus.SUSPECTED_DROPOUT, kcbx.ChildStatus.DROPOUT)
               for k in planted("suspected", "dropout") if k in rows)


def test_classify_many_dataframe_with_resident_ids_read_as_int64_keys_them_as_text():
    # pandas reads an ID column without an X as int64; those numbers are keys, not row indexes
    # (was: InvalidInput "child[0]: ... out of range for int32_t").
    pd = pytest.importorskip("pandas")
    marks = pd.read_csv(DATA / "attendance.csv", encoding="utf-8-sig", nrows=2000)
    numeric = marks[marks["student"].astype(str).str.isdigit()].astype({"student": "int64"})
    cal = kcbx.Calendar.from_file(DATA / "calendar.json")
    table = kcbx.classify_many("guyuan-2021", cal, AS_OF, numeric, columns={"child": "student"})
    assert table.keys is not None and all(isinstance(k, str) and len(k) == 18 for k in table.keys)
    assert len(table) == numeric["student"].nunique()


# Roster and marks in every shape.

def test_roster_and_marks_go_in_as_rows(tmp_path):
    # Was: only CSV paths (TypeError on anything else).
    with kcbx.Ledger.open(tmp_path / "l.kcbx", "guyuan-2021", COUNTY) as led:
        led.set_calendar(DATA / "calendar.json")
        students = led.import_students(roster_rows())
        assert isinstance(students, kcbx.ImportResult) and students.added == students.rows == len(roster_rows())
        rows = mark_rows()[:500]
        marks = led.import_marks([(r["student"], dt.date.fromisoformat(r["date"]), r["kind"]) for r in rows])
        assert marks.rows == 500 and marks.changed == 500
        again = led.import_marks(rows)  # dicts, kinds as labels
        assert again.unchanged == 500 and again.changed == 0


def test_roster_and_marks_go_in_as_dataframes_and_columns(tmp_path):
    pd = pytest.importorskip("pandas")
    roster = pd.read_csv(DATA / "roster.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    marks = pd.read_csv(DATA / "attendance.csv", dtype={"student": str}, encoding="utf-8-sig", nrows=300)
    with kcbx.Ledger.open(tmp_path / "l.kcbx", "guyuan-2021", COUNTY) as led:
        led.set_calendar(DATA / "calendar.json")
        assert led.import_students(roster).added == len(roster)
        assert led.import_marks(marks).changed == 300
        cols = {"student": marks["student"].to_numpy(), "date": marks["date"].to_numpy(), "kind": marks["kind"].to_numpy()}
        assert led.import_marks(cols).unchanged == 300


def test_a_float_resident_id_column_is_refused_by_name(tmp_path):
    pd = pytest.importorskip("pandas")
    roster = pd.DataFrame({"resident_id": [6.404222019082701e17], "name": ["王秀雨"], "township_code": ["640422103"]})
    with kcbx.Ledger.open(tmp_path / "l.kcbx", "guyuan-2021", COUNTY) as led:
        with pytest.raises(kcbx.InvalidInput, match="resident_id"):
            led.import_students(roster)


def test_a_bad_roster_row_reports_every_problem(tmp_path):
    rows = roster_rows()[:3]
    rows[1] = {**rows[1], "grade": "12"}
    with kcbx.Ledger.open(tmp_path / "l.kcbx", "guyuan-2021", COUNTY) as led:
        with pytest.raises(kcbx.InvalidInput) as e:
            led.import_students(rows)
        problems = e.value.problems
        assert problems and {(p.row, p.field) for p in problems} == {(2, "grade")} and all(p.rule for p in problems)


# One argument convention: keyword-only after the case id.

def test_case_operations_take_keywords_after_the_case_id(ledger):
    case = ledger.cases(status="suspected")[0]
    with pytest.raises(TypeError):
        ledger.persuade(case.id, AS_OF)  # was the date; now date=
    with pytest.raises(TypeError):
        ledger.exempt(case.id, exemption="deferred", date=AS_OF)  # opinion is required, never None
    with pytest.raises(TypeError):
        ledger.verify_case(case.id, "G", AS_OF)


# Typed results, one case, the closure check, events.

def test_results_are_typed(ledger, swept):
    with kcbx.Ledger.open(swept, "guyuan-2021", COUNTY) as led:
        summary = led.sweep(AS_OF)
    assert isinstance(summary, kcbx.SweepResult) and summary.as_of == AS_OF
    assert summary.opened == [] and summary.classified > 0 and summary.profile == "guyuan-2021"
    case = ledger.cases()[0]
    assert isinstance(case.opened_on, dt.date) and isinstance(case.status, kcbx.CaseStatus)
    assert ledger.case(case.id) == case
    with pytest.raises(kcbx.NotFound):
        ledger.case(999999)
    event = ledger.history(case.id)[0]
    assert isinstance(event, kcbx.Event) and event.kind == "case.opened" and event.case_id == case.id
    assert event.at.tzinfo is not None and isinstance(event.payload, dict)


def test_can_close_says_why_not_by_the_rule_closing_applies(tmp_path):
    with kcbx.Ledger.open(tmp_path / "l.kcbx", "guyuan-2021", COUNTY) as led:
        led.set_calendar(DATA / "calendar.json")
        led.import_students(DATA / "roster.csv")
        led.import_marks(DATA / "attendance.csv")
        led.sweep(AS_OF)
        cid = next(c.id for c in led.cases(full_ids=True) if c.student in planted("dropout"))
        check = led.can_close(cid, as_of=AS_OF)
        assert not check and check.reasons and "returned" in check.reasons[0]
        led.verify_case(cid, reason="G", date=AS_OF)
        led.persuade(cid, date=AS_OF, plan="一人一案", person="李老师")
        led.record_return(cid, school="640422101", placement="other_school", date=dt.date(2025, 10, 21))
        check = led.can_close(cid, as_of=dt.date(2025, 10, 22))
        assert not check.allowed and check.required == 20 and "稳得住" in check.reasons[0]
        with pytest.raises(kcbx.RuleViolation, match="稳得住"):
            led.close_case(cid, date=dt.date(2025, 10, 22))  # the same rule refuses it


def test_events_and_student_history_are_readable(ledger):
    events = ledger.events(after=0, limit=5)
    assert [e.seq for e in events] == sorted(e.seq for e in events) and len(events) == 5
    assert ledger.events(after=events[-1].seq, limit=1)[0].seq > events[-1].seq
    head_seq, _ = ledger.head()
    assert ledger.events(after=head_seq) == []
    key = next(iter(planted("dropout")))
    history = ledger.history(student=key, full_ids=True)
    assert history and all(e.student == key for e in history)
    with pytest.raises(TypeError):
        ledger.history()


# Reconciliation: no hidden jurisdiction, counts as integers.

def test_reconcile_needs_the_region_and_counts_are_integers():
    files = {k: DATA / f"{k}.csv" for k in ("household", "students")}
    with pytest.raises(TypeError, match="region"):
        kcbx.reconcile(files["household"], files["students"], AS_OF)  # was: silently 西吉县
    result = kcbx.reconcile(files["household"], files["students"], AS_OF, region="640422",
                            attending=DATA / "attending.csv")
    counts = [r["数量"] for r in result.summary]
    assert counts and all(isinstance(n, int) for n in counts)
    ids = [r["身份证号"] for r in result.findings]
    assert all(isinstance(i, str) for i in ids)


def test_no_deprecation_warnings_on_the_documented_path(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with kcbx.Ledger.open(tmp_path / "l.kcbx", "guyuan-2021", COUNTY) as led:
            assert led.profile().id == "guyuan-2021"
