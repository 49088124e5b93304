"""Typed results across the boundary (issue 12): the ledger imports read the library's
kcbx_import_result (counts, conflicts, problems) instead of JSON; intake's already-open children,
a marks import's conflicts and an obligation's state are typed; the actor crosses as a kcbx_actor."""
import csv
import dataclasses
import datetime as dt
import pathlib

import pytest

import kcbx

DATA = pathlib.Path(__file__).resolve().parents[3] / "data" / "sample"
AS_OF = dt.date(2025, 10, 20)
COUNTY = {"level": "county", "unit_code": "640422", "person": "县教育局王老师", "role": "控辍专干"}


def planted(*patterns: str) -> list:
    with open(DATA / "planted.csv", encoding="utf-8-sig") as f:
        return sorted(r["resident_id"] for r in csv.DictReader(f) if r["pattern"] in patterns)


def roster_keys(n: int) -> list:
    with open(DATA / "roster.csv", encoding="utf-8-sig") as f:
        return [r["resident_id"] for r in csv.DictReader(f) if r["resident_id"] and r["registration"] in ("", "enrolled")][:n]


@pytest.fixture()
def ledger(tmp_path):
    with kcbx.Ledger.open(tmp_path / "xiji.kcbx", "guyuan-2021", COUNTY) as led:
        assert led.set_calendar_file(DATA / "calendar.json")
        yield led


def test_roster_import_counts_come_from_the_typed_result(ledger):
    first = ledger.import_students_csv(DATA / "roster.csv")
    assert isinstance(first, kcbx.ImportResult)
    assert first.rows == first.added > 0 and first.updated == first.unchanged == first.changed == 0 and first.conflicts == []
    again = ledger.import_students_csv(DATA / "roster.csv")
    assert again.unchanged == again.rows == first.rows and again.added == 0


def test_a_duplicate_day_is_a_typed_conflict_the_later_mark_wins(ledger):
    # DOMAIN.md section 7: two marks for one child and day in one batch: the later row wins,
    # counted once, and the import lists the replacing row.
    ledger.import_students_csv(DATA / "roster.csv")
    kid = roster_keys(1)[0]
    day = dt.date(2025, 9, 8)
    result = ledger.import_marks({"student": [kid, kid, kid], "date": [day, day + dt.timedelta(days=1), day], "kind": [2, 0, 0]})
    assert result.rows == 3 and result.changed == 2
    assert len(result.conflicts) == 1
    conflict = result.conflicts[0]
    assert isinstance(conflict, kcbx.ImportConflict) and dataclasses.is_dataclass(conflict)
    assert conflict.row == 3 and conflict.field == "kind" and "replaces row 1" in conflict.rule


def test_a_refused_batch_raises_with_typed_problems_from_the_result_table(ledger):
    ledger.import_students_csv(DATA / "roster.csv")
    kid = roster_keys(1)[0]
    saturday = dt.date(2025, 9, 6)
    with pytest.raises(kcbx.InvalidInput) as e:
        ledger.import_marks({"student": [kid, "640422000000000000", kid], "date": [dt.date(2025, 9, 8), dt.date(2025, 9, 8), saturday],
                             "kind": [0, 0, 0]})
    problems = e.value.problems
    assert all(isinstance(p, kcbx.ImportProblem) for p in problems)
    assert {p.row for p in problems} == {2, 3} and all(p.field and p.rule for p in problems)


def test_intake_already_open_entries_are_typed(ledger):
    ledger.import_students_csv(DATA / "roster.csv")
    kids = planted("out_of_school")
    findings = [{"kind": "out_of_school", "resident_id": k} for k in kids]
    first = ledger.intake(findings, AS_OF)
    assert len(first.opened) == len(kids) > 0 and first.already_open == []
    again = ledger.intake(findings, AS_OF)
    assert again.opened == [] and len(again.already_open) == len(kids)
    assert all(isinstance(a, kcbx.AlreadyOpen) and isinstance(a.case_id, int) for a in again.already_open)
    assert sorted(a.case_id for a in again.already_open) == sorted(first.opened)


def test_obligation_state_is_an_enum_equal_to_its_text(ledger):
    ledger.import_students_csv(DATA / "roster.csv")
    ledger.import_marks_csv(DATA / "attendance.csv")
    ledger.sweep(AS_OF)
    due = ledger.due(AS_OF)
    assert due and all(isinstance(o.state, kcbx.ObligationState) for o in due)
    overdue = [o for o in due if o.state is kcbx.ObligationState.OVERDUE]
    assert overdue and all(o.state == "overdue" for o in overdue)
    assert {o.id for o in ledger.due(AS_OF, states=kcbx.ObligationState.OVERDUE)} == {o.id for o in overdue}
    assert kcbx.escalation.STATES == ("due", "done", "overdue", "escalated")


def test_the_actor_crosses_as_a_struct_with_its_role(ledger):
    kid = roster_keys(1)[0]
    ledger.import_students_csv(DATA / "roster.csv")
    event = ledger.history(student=kid, full_ids=True)[0]
    assert (event.actor.level, event.actor.unit_code, event.actor.person, event.actor.role) == \
        ("county", "640422", "县教育局王老师", "控辍专干")


def test_a_bad_actor_field_is_named_actor_dot_field(tmp_path):
    with pytest.raises(kcbx.InvalidInput) as e:
        kcbx.Ledger.open(tmp_path / "x.kcbx", "guyuan-2021", {"level": "county", "unit_code": "640422", "person": ""})
    assert e.value.field == "actor.person"
    with pytest.raises(kcbx.InvalidInput) as e:
        kcbx.Ledger.change_profile(tmp_path / "x.kcbx", "guyuan-2021", {"level": "emperor", "unit_code": "640422", "person": "x"},
                                   reason="test")
    assert e.value.field == "actor.level"
