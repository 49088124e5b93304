"""Classification as of a date (DOMAIN.md §2, §7; seeds 001 and 004), one child with
kcbx.classify and in bulk with kcbx.classify_many. Each test cites the seed line it checks.
Calendar: 2025-2026 with the National Day holiday (1-8 October) and its make-up days
(Sunday 28 September, Saturday 11 October), see test_calendar.py."""
from __future__ import annotations

import datetime as dt
import pickle
import random
import re
import subprocess
import sys
import textwrap

import pytest
from test_calendar import CALENDAR_JSON, calendar_2025

import kcbx
from kcbx import (
    Alert,
    ChildFacts,
    ChildStatus,
    DateEncoding,
    Mark,
    MarkConflict,
    MarkKind,
    Reason,
    Registration,
    RiskFlag,
    Rule,
    SpecialGroup,
    classify,
    classify_many,
)

D = dt.date
P, L, U, LATE, EARLY = (MarkKind.PRESENT, MarkKind.APPROVED_LEAVE, MarkKind.UNEXCUSED, MarkKind.LATE, MarkKind.LEFT_EARLY)


@pytest.fixture(scope="module")
def cal() -> kcbx.Calendar:
    return calendar_2025()


def marks(cal, kind, first, last):
    """`kind` on every school day from `first` through `last`."""
    return [(d, kind) for d in cal.school_days(first, last)]


def absent_from_8_sept(cal, until):
    """Present the first week, then unexcused on every school day from Monday 8 September."""
    return marks(cal, P, D(2025, 9, 1), D(2025, 9, 5)) + marks(cal, U, D(2025, 9, 8), until)


# Seed 001 (guyuan-2021): suspected after more than a week, dropout after a month more


def test_001_note_1_suspected_on_monday_15_not_sunday_14(cal):
    # 001 附件1 填表说明1：未到校上课超过一星期且未请假 — first absence Mon 2025-09-08.
    m = absent_from_8_sept(cal, D(2025, 9, 15))
    sunday = classify("guyuan-2021", cal, D(2025, 9, 14), m)
    assert sunday.status is ChildStatus.IN_SCHOOL and sunday.rule is Rule.ABSENT_BELOW_THRESHOLD
    assert sunday.streak == kcbx.Streak(D(2025, 9, 8), unexcused_days=5, clock_days=7, leave_days=0, unknown_days=0)
    monday = classify(kcbx.Policy.builtin("guyuan-2021"), cal, D(2025, 9, 15), m)
    assert monday.status is ChildStatus.SUSPECTED_DROPOUT and monday.since == D(2025, 9, 15)
    assert monday.rule is Rule.SUSPECTED_AFTER and monday.rule.parameter == "suspected_after"
    assert "suspected_after = 7 calendar_days" in monday.rule_text and "001 附件1 填表说明1" in monday.rule_text
    assert monday.citation == "001 附件1 填表说明1：未到校上课超过一星期且未请假"
    assert monday.streak_start == D(2025, 9, 8) and monday.streak.clock_days == 8
    assert Alert.GUARDIAN_CONTACT in monday.alerts  # absent on the as-of date (004 二（三）3)
    # Classified later, the status still dates from 15 September.
    assert classify("guyuan-2021", cal, D(2025, 9, 26), absent_from_8_sept(cal, D(2025, 9, 26))).since == D(2025, 9, 15)


def test_001_note_2_dropout_one_month_after_suspected(cal):
    # 001 附件1 填表说明2：疑似辍学超过一个月仍未到校且未请假 — suspected 15 Sept, dropout 16 Oct.
    m = absent_from_8_sept(cal, D(2025, 10, 16))
    oct15 = classify("guyuan-2021", cal, D(2025, 10, 15), m)
    assert oct15.status is ChildStatus.SUSPECTED_DROPOUT and oct15.since == D(2025, 9, 15)
    oct16 = classify("guyuan-2021", cal, D(2025, 10, 16), m)
    assert (oct16.status, oct16.since, oct16.rule) == (ChildStatus.DROPOUT, D(2025, 10, 16), Rule.DROPOUT_AFTER_SUSPECTED)
    assert oct16.citation == "001 附件1 填表说明2：疑似辍学超过一个月仍未到校且未请假"
    assert "dropout_after_suspected = 1 calendar_months" in oct16.rule_text
    # The holiday ran on the calendar clock but is not an absence: 25 unexcused school days.
    assert oct16.streak.clock_days == 39 and oct16.streak.unexcused_days == 25


# Seed 004 (dongchuan-2025): the three-line report after 3 school days


def test_004_three_school_days_trigger_the_three_line_alert_guyuan_has_none(cal):
    # 004 二（三）2：3天及以上无正当理由未到校 → 三线报告; seed 001 has no such rule.
    m = absent_from_8_sept(cal, D(2025, 9, 10))
    tuesday = classify("dongchuan-2025", cal, D(2025, 9, 9), m)
    assert tuesday.status is ChildStatus.IN_SCHOOL and Alert.THREE_LINE_REPORT not in tuesday.alerts
    wednesday = classify("dongchuan-2025", cal, D(2025, 9, 10), m)
    assert wednesday.status is ChildStatus.THREE_LINE_ALERT and wednesday.since == D(2025, 9, 10)
    assert Alert.THREE_LINE_REPORT in wednesday.alerts and wednesday.rule is Rule.THREE_LINE_ALERT_AFTER
    assert "three_line_alert_after = 3 school_days" in wednesday.rule_text and "004 二（三）2" in wednesday.citation
    g = classify("guyuan-2021", cal, D(2025, 9, 10), m)
    assert g.status is ChildStatus.IN_SCHOOL and Alert.THREE_LINE_REPORT not in g.alerts
    assert kcbx.Policy.builtin("guyuan-2021").duration("three_line_alert_after") is None


def test_004_the_three_days_are_school_days_not_a_weekend(cal):
    # 004 二（三）2: Thu 11, Fri 12 and Mon 15 September make three; the weekend between does not.
    m = marks(cal, P, D(2025, 9, 8), D(2025, 9, 10)) + marks(cal, U, D(2025, 9, 11), D(2025, 9, 15))
    assert classify("dongchuan-2025", cal, D(2025, 9, 14), m).status is ChildStatus.IN_SCHOOL
    assert classify("dongchuan-2025", cal, D(2025, 9, 15), m).status is ChildStatus.THREE_LINE_ALERT


# Leave, holidays, present days, missing marks, duplicates


def test_approved_leave_in_the_middle_pauses_the_count(cal):
    # 001 附件1 填表说明1 (且未请假) / DOMAIN.md §2: approved leave pauses the clock, it does not end the streak.
    m = (marks(cal, P, D(2025, 9, 1), D(2025, 9, 5)) + marks(cal, U, D(2025, 9, 8), D(2025, 9, 9))
         + marks(cal, L, D(2025, 9, 10), D(2025, 9, 12)) + marks(cal, U, D(2025, 9, 15), D(2025, 9, 22)))
    on_leave = classify("guyuan-2021", cal, D(2025, 9, 11), m)
    assert (on_leave.status, on_leave.since, on_leave.rule) == (ChildStatus.ON_LEAVE, D(2025, 9, 10), Rule.APPROVED_LEAVE)
    assert on_leave.streak.clock_days == 2 and on_leave.streak.leave_days == 2
    friday = classify("guyuan-2021", cal, D(2025, 9, 19), m)  # 8, 9 and 15-19 counted: 7
    assert friday.status is ChildStatus.IN_SCHOOL and friday.streak.clock_days == 7 and friday.streak.leave_days == 3
    saturday = classify("guyuan-2021", cal, D(2025, 9, 20), m)
    assert saturday.status is ChildStatus.SUSPECTED_DROPOUT and saturday.since == D(2025, 9, 20)
    no_leave = [(d, U if k is L else k) for d, k in m]
    assert classify("guyuan-2021", cal, D(2025, 9, 20), no_leave).since == D(2025, 9, 15)


def test_leave_span_and_slip_cover_unmarked_days(cal):
    # 004 二（三）2 (leave slip): unmarked days inside an approved leave span are paused, not missing.
    m = (marks(cal, P, D(2025, 9, 1), D(2025, 9, 5)) + marks(cal, U, D(2025, 9, 8), D(2025, 9, 9))
         + [Mark(D(2025, 9, 10), L, leave_from=D(2025, 9, 10), leave_to=D(2025, 9, 14), slip="东川区请假条 2025-0913")]
         + marks(cal, U, D(2025, 9, 15), D(2025, 9, 20)))
    r = classify("guyuan-2021", cal, D(2025, 9, 20), m)
    assert r.status is ChildStatus.SUSPECTED_DROPOUT and r.since == D(2025, 9, 20)
    assert r.missing_dates == () and Alert.MISSING_ATTENDANCE not in r.alerts and r.streak.unknown_days == 0
    # The same as tuples: (date, kind, (from, to), slip).
    t = [(D(2025, 9, 10), "approved_leave", (D(2025, 9, 10), D(2025, 9, 14)), "slip") if x == m[7] else x for x in m]
    assert classify("guyuan-2021", cal, D(2025, 9, 20), t).row() == r.row()
    with pytest.raises(kcbx.InvalidInput, match=r"leave"):
        classify("guyuan-2021", cal, D(2025, 9, 20), [Mark(D(2025, 9, 10), P, slip="not leave")])


def test_a_holiday_is_not_an_absence(cal):
    # DOMAIN.md §2 (a school calendar says which days are school days): 1-8 October is no absence.
    present = marks(cal, P, D(2025, 9, 1), D(2025, 9, 30))
    during = classify("guyuan-2021", cal, D(2025, 10, 8), present)
    assert during.status is ChildStatus.IN_SCHOOL and during.streak is None
    assert during.term_unexcused_days == 0 and during.missing_dates == () and during.rule is Rule.ATTENDING
    # Absent 29, 30 Sept and 9 Oct: the streak runs through the holiday, 3 unexcused school days.
    m = marks(cal, P, D(2025, 9, 1), D(2025, 9, 28)) + marks(cal, U, D(2025, 9, 29), D(2025, 10, 9))
    r = classify("guyuan-2021", cal, D(2025, 10, 9), m)
    assert r.streak.start == D(2025, 9, 29) and r.streak.unexcused_days == 3 and r.term_unexcused_days == 3
    assert r.streak.clock_days == 11 and r.status is ChildStatus.SUSPECTED_DROPOUT and r.since == D(2025, 10, 6)


def test_a_mark_on_a_holiday_names_the_holiday(cal):
    with pytest.raises(kcbx.InvalidInput, match="国庆节"):
        classify("guyuan-2021", cal, D(2025, 10, 9), [(D(2025, 10, 2), U)])


@pytest.mark.parametrize("kind", [P, LATE, EARLY])
def test_a_day_present_ends_the_streak(cal, kind):
    # DOMAIN.md §2: a streak ends on the next day the child is present (late and left-early too).
    m = absent_from_8_sept(cal, D(2025, 9, 12)) + [(D(2025, 9, 15), kind)]
    r = classify("guyuan-2021", cal, D(2025, 9, 15), m)
    assert r.status is ChildStatus.IN_SCHOOL and r.streak is None and r.rule is Rule.ATTENDING and r.term_unexcused_days == 5


def test_a_missing_mark_is_unknown_not_absent(cal):
    # DOMAIN.md §7: a school day with no mark is unknown, not absent: reported, never counted.
    r = classify("guyuan-2021", cal, D(2025, 9, 15), absent_from_8_sept(cal, D(2025, 9, 12)))
    assert r.status is ChildStatus.IN_SCHOOL and r.streak.clock_days == 7 and r.streak.unknown_days == 1
    assert r.missing_dates == (D(2025, 9, 15),) and Alert.MISSING_ATTENDANCE in r.alerts
    gap = [x for x in absent_from_8_sept(cal, D(2025, 9, 16)) if x[0] != D(2025, 9, 10)]
    assert classify("guyuan-2021", cal, D(2025, 9, 15), gap).status is ChildStatus.IN_SCHOOL
    late = classify("guyuan-2021", cal, D(2025, 9, 16), gap)
    assert late.status is ChildStatus.SUSPECTED_DROPOUT and late.since == D(2025, 9, 16) and late.missing_dates == (D(2025, 9, 10),)
    none = classify("guyuan-2021", cal, D(2025, 9, 5), [])
    assert none.status is ChildStatus.ATTENDANCE_UNKNOWN and none.rule is Rule.NO_ATTENDANCE and len(none.missing_dates) == 5


def test_duplicate_marks_are_reported_never_double_counted(cal):
    # DOMAIN.md §7: two marks for one day — one documented precedence rule (the later wins), reported.
    d8 = D(2025, 9, 8)
    r = classify("guyuan-2021", cal, d8, [(d8, U), (d8, LATE)])
    assert r.status is ChildStatus.IN_SCHOOL and r.streak is None and r.term_unexcused_days == 0
    assert r.conflicts == (MarkConflict(d8, MarkKind.UNEXCUSED, MarkKind.LATE, 0, 1),)
    assert Alert.CONFLICTING_MARKS in r.alerts
    twice = classify("guyuan-2021", cal, D(2025, 9, 9), [(d8, U), (D(2025, 9, 9), P), (d8, U)])
    assert twice.term_unexcused_days == 1 and [(c.replaced_index, c.kept_index) for c in twice.conflicts] == [(0, 2)]


# Input errors


def test_a_mark_on_a_weekend_is_invalid_input_naming_the_date(cal):
    # docs/calendar-format.md: classification rejects marks on days that are not school days.
    with pytest.raises(kcbx.InvalidInput, match=r"mark.*2025-09-13.*Saturday") as e:
        classify("guyuan-2021", cal, D(2025, 9, 15), [(D(2025, 9, 12), P), (D(2025, 9, 13), U)])
    assert "[1]" in e.value.message and e.value.status == kcbx.Status.INVALID_INPUT


@pytest.mark.parametrize("bad, where", [
    ("2025-09-31", "marks[0].date"),  # no 31 September
    (20250931, "mark_dates[0]"),  # YYYYMMDD checked by the library
    ("8 Sept", "marks[0].date"),
])
def test_bad_dates_are_invalid_input(cal, bad, where):
    with pytest.raises(kcbx.InvalidInput, match=re.escape(where)):
        classify("guyuan-2021", cal, D(2025, 9, 15), [(bad, P)])


@pytest.mark.parametrize("kind", [7, -1, "absentee"])
def test_unknown_kinds_are_invalid_input(cal, kind):
    with pytest.raises(kcbx.InvalidInput, match="mark kind"):
        classify("guyuan-2021", cal, D(2025, 9, 15), [(D(2025, 9, 8), kind)])


def test_labels_and_chinese_labels_name_kinds(cal):
    m = [(D(2025, 9, 8), "present"), (D(2025, 9, 9), "请假"), (D(2025, 9, 10), "无故缺勤"), (D(2025, 9, 11), "迟到"), (D(2025, 9, 12), 4)]
    r = classify("guyuan-2021", cal, D(2025, 9, 12), m)
    assert r.status is ChildStatus.IN_SCHOOL and r.term_unexcused_days == 1
    assert MarkKind.parse("leave") is MarkKind.APPROVED_LEAVE


def test_as_of_outside_the_calendar_or_in_the_future(cal):
    with pytest.raises(kcbx.InvalidInput, match="as_of"):
        classify("guyuan-2021", cal, D(2027, 9, 22), [])
    with pytest.raises(kcbx.InvalidInput, match="as_of"):
        classify("guyuan-2021", kcbx.Calendar.standard(dt.date.today().year), dt.date.today() + dt.timedelta(days=1), [])
    with pytest.raises(TypeError):
        classify("guyuan-2021", cal, None, [])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        classify("guyuan-2021", CALENDAR_JSON, D(2025, 9, 15), [])  # type: ignore[arg-type]
    with pytest.raises(kcbx.NotFound):
        classify("nowhere-2025", cal, D(2025, 9, 15), [])


# Registry facts and risk flags


def test_001_note_3_out_of_school_reasons_a_and_b(cal):
    # 001 附件1 填表说明3 A/B; 000: 截止当年8月31日年满六周岁, 6-15周岁.
    as_of = D(2025, 9, 15)
    a = classify("guyuan-2021", cal, as_of, [], ChildFacts(birth_date=D(2017, 3, 1), registration=Registration.NONE))
    assert (a.status, a.proposed_reason, a.rule, a.since) == (ChildStatus.OUT_OF_SCHOOL, Reason.A, Rule.OUT_OF_SCHOOL, D(2023, 9, 1))
    b = classify("guyuan-2021", cal, as_of, [], {"birth_date": D(2012, 5, 1), "registration": Registration.NONE})
    assert b.proposed_reason is Reason.B and b.proposed_reason.letter == "B"
    assert classify("guyuan-2021", cal, as_of, [], ChildFacts(birth_date=D(2019, 9, 1), registration=Registration.NONE)).status \
        is ChildStatus.BELOW_SCHOOL_AGE
    assert kcbx.reason_for_out_of_school(D(2017, 3, 1), as_of) is Reason.A
    assert kcbx.reason_for_out_of_school(D(2020, 1, 1), as_of) is None
    with pytest.raises(kcbx.InvalidInput, match="birth_date"):
        classify("guyuan-2021", cal, as_of, [], ChildFacts(registration=Registration.NONE))


def test_000_002_deferral_needs_the_expert_panels_opinion(cal):
    # 000, 002: 缓学/休学 only with the expert panel's written opinion.
    with pytest.raises(kcbx.RuleViolation, match="expert_opinion"):
        classify("fujian-2020", cal, D(2025, 9, 15), [], ChildFacts(registration=Registration.DEFERRED))
    ok = classify("fujian-2020", cal, D(2025, 9, 15), [], ChildFacts(registration=Registration.DEFERRED, registration_date=D(2025, 9, 1),
                                                                     expert_opinion="西吉县残疾人教育专家委员会〔2025〕7号"))
    assert ok.status is ChildStatus.DEFERRED and ok.since == D(2025, 9, 1) and "000, 002" in ok.citation


def test_risk_flags_each_carry_why(cal):
    # DOMAIN.md §7: excused and unexcused absence are never weighed alike; 001/002 反弹; 留守 monitored.
    base = marks(cal, P, D(2025, 9, 1), D(2025, 9, 19))
    m = [(d, U) if d in (D(2025, 9, 3), D(2025, 9, 10)) else (d, k) for d, k in base]
    r = classify("guyuan-2021", cal, D(2025, 9, 19), m,
                 ChildFacts(past_dropout=True, groups=frozenset({SpecialGroup.LEFT_BEHIND})))
    assert r.risk_flags == RiskFlag.CHRONIC_ABSENCE | RiskFlag.SPECIAL_GROUP | RiskFlag.PAST_DROPOUT
    assert "chronic_absence_share" in r.why(RiskFlag.CHRONIC_ABSENCE)
    assert "留守" in r.why(RiskFlag.SPECIAL_GROUP) and "反弹" in r.why(RiskFlag.PAST_DROPOUT)
    assert [x.flag for x in r.risks] == [RiskFlag.CHRONIC_ABSENCE, RiskFlag.SPECIAL_GROUP, RiskFlag.PAST_DROPOUT]
    with pytest.raises(KeyError):
        r.why(RiskFlag.GRADE_EIGHT)
    leave = [(d, L) if D(2025, 9, 8) <= d <= D(2025, 9, 12) else (d, k) for d, k in base]
    assert RiskFlag.CHRONIC_ABSENCE not in classify("guyuan-2021", cal, D(2025, 9, 19), leave).risk_flags
    eight = classify("guyuan-2021", cal, D(2025, 11, 10), [], ChildFacts(grade=8))
    assert eight.risk_flags == RiskFlag.GRADE_EIGHT and "初二" in eight.why(RiskFlag.GRADE_EIGHT)


def test_rule_descriptions_and_json(cal):
    assert "001 附件1 填表说明1" in kcbx.describe_rule("guyuan-2021", Rule.SUSPECTED_AFTER)
    assert "three_line_alert_after = 3 school_days" in kcbx.describe_rule("dongchuan-2025", Rule.THREE_LINE_ALERT_AFTER)
    with pytest.raises(kcbx.InvalidInput, match="rule"):
        kcbx.describe_rule("guyuan-2021", 99)
    r = classify("guyuan-2021", cal, D(2025, 9, 15), absent_from_8_sept(cal, D(2025, 9, 15)))
    doc = r.to_dict()
    assert doc["status"] == "suspected_dropout" == r.status.label and doc["status_zh"] == "疑似辍学" == r.status.chinese
    assert doc["streak"]["clock_days"] == 8 and doc["citation"] == r.citation
    again = pickle.loads(pickle.dumps(r))  # the JSON travels with it
    assert again == r and again.citation == r.citation and again.to_json() == r.to_json()


# Bulk: classify_many


def sample(cal, n_children=80, seed=2025):
    """A generated county: per child a random mix of present, leave (some with spans), unexcused
    runs, missing days and duplicate marks over 1 September - 31 October; some children with facts."""
    rng = random.Random(seed)
    days = cal.school_days(D(2025, 9, 1), D(2025, 10, 31))
    rows, facts = [], []
    for c in range(n_children):
        kind = P
        child_marks = []
        for d in days:
            roll = rng.random()
            if kind is U and roll < 0.85:
                pass  # runs of absence
            elif roll < 0.08:
                kind = U
            elif roll < 0.12:
                kind = L
            elif roll < 0.15:
                kind = LATE
            else:
                kind = P
            if rng.random() < 0.03:
                continue  # missing mark
            if kind is L and rng.random() < 0.3:
                child_marks.append(Mark(d, L, d, d + dt.timedelta(days=rng.randint(0, 3))))
            else:
                child_marks.append(Mark(d, kind))
            if rng.random() < 0.01:
                child_marks.append(Mark(d, rng.choice([P, U, LATE])))  # a second mark the same day
        rng.shuffle(child_marks) if c % 7 == 0 else None
        rows.append(child_marks)
        f = ChildFacts()
        if c % 5 == 1:
            f = ChildFacts(grade=rng.randint(1, 9), past_dropout=rng.random() < 0.5,
                           groups=frozenset(rng.sample(list(SpecialGroup), 2)))
        elif c % 11 == 3:
            f = ChildFacts(birth_date=D(2013, rng.randint(1, 12), 1))
        facts.append(f)
    return rows, facts


def columns(rows):
    child, date, kind, lf, lt = [], [], [], [], []
    for c, ms in enumerate(rows):
        for m in ms:
            child.append(c)
            date.append(m.date)
            kind.append(int(m.kind))
            lf.append(m.leave_from)
            lt.append(m.leave_to)
    return child, date, kind, lf, lt


@pytest.mark.parametrize("as_of", [D(2025, 9, 19), D(2025, 10, 13), D(2025, 10, 31)])
def test_classify_many_agrees_with_classify_child_by_child(cal, as_of):
    rows, facts = sample(cal)
    child, date, kind, lf, lt = columns(rows)
    for profile in ("guyuan-2021", "dongchuan-2025"):
        table = classify_many(profile, cal, as_of, child, date, kind, leave_from=lf, leave_to=lt, facts=facts)
        assert len(table) == len(rows)
        one_by_one = [classify(profile, cal, as_of, ms, f).row(c) for c, (ms, f) in enumerate(zip(rows, facts))]
        assert table.rows() == one_by_one
        assert table.row(5) == one_by_one[5]
        assert sum(table.count(s) for s in ChildStatus) == len(rows)
        assert table.counts() == {s: sum(r.status is s for r in one_by_one) for s in ChildStatus}
        assert table.conflict_count == sum(r.conflicts for r in one_by_one) > 0
    statuses = {r.status for r in table.rows()}
    assert len(statuses) >= 3  # the sample exercises several statuses


def test_classify_many_on_numpy_is_zero_copy_and_agrees_with_lists(cal):
    np = pytest.importorskip("numpy")
    rows, _ = sample(cal, 60, seed=7)
    child, date, kind, _, _ = columns(rows)
    as_of = D(2025, 10, 20)
    from_lists = classify_many("guyuan-2021", cal, as_of, child, date, kind)
    epoch = D(1970, 1, 1)
    c32 = np.array(child, dtype=np.int32)
    d32 = np.array([(d - epoch).days for d in date], dtype=np.int32)
    k8 = np.array(kind, dtype=np.int8)
    zero = classify_many("guyuan-2021", cal, as_of, c32, d32, k8, date_encoding=DateEncoding.DAY_NUMBER)
    assert zero.converted == ()  # every mark column passed as is
    assert zero.rows() == from_lists.rows()
    ymd = np.array([d.year * 10000 + d.month * 100 + d.day for d in date], dtype=np.int32)
    assert classify_many("guyuan-2021", cal, as_of, c32, ymd, k8).converted == ()  # integer dates: YYYYMMDD by default
    wide = classify_many("guyuan-2021", cal, as_of, c32.astype(np.int64), d32.astype(np.int64), k8.astype(np.int64),
                         date_encoding=DateEncoding.DAY_NUMBER)
    assert set(wide.converted) == {"child", "date", "kind"} and wide.rows() == from_lists.rows()
    dt64 = classify_many("guyuan-2021", cal, as_of, c32, np.array(date, dtype="datetime64[D]"), k8)
    assert dt64.converted == ("date",) and dt64.rows() == from_lists.rows()
    # Non-contiguous views are copied, not misread.
    pairs = np.stack([c32, c32]).T
    assert classify_many("guyuan-2021", cal, as_of, pairs[:, 1], d32, k8, date_encoding=DateEncoding.DAY_NUMBER).rows() == from_lists.rows()
    # A child without marks is attendance-unknown; n_children can exceed the marks' children.
    more = classify_many("guyuan-2021", cal, as_of, c32, d32, k8, date_encoding=DateEncoding.DAY_NUMBER, n_children=61)
    assert more.row(60).status is ChildStatus.ATTENDANCE_UNKNOWN


def test_table_to_numpy_and_columns(cal):
    np = pytest.importorskip("numpy")
    m = absent_from_8_sept(cal, D(2025, 9, 15))
    child = [0] * len(m) + [1] * 5
    date = [d for d, _ in m] + cal.school_days(D(2025, 9, 1), D(2025, 9, 5))
    kind = [int(k) for _, k in m] + [0] * 5
    t = classify_many("guyuan-2021", cal, D(2025, 9, 15), child, date, kind, child_ids=[1001, 1002])
    a = t.to_numpy()
    assert list(a["child_id"]) == [1001, 1002] and a["child_id"].dtype == np.int64
    assert list(a["status"]) == [ChildStatus.SUSPECTED_DROPOUT, ChildStatus.IN_SCHOOL]
    assert a["since"][0] == np.datetime64("2025-09-15") and np.isnat(a["streak_start"][1])
    assert list(t.column("streak_start", dates="yyyymmdd")) == [20250908, 0]
    assert t.column(kcbx.TableColumn.STREAK_START, dates="day_number")[1] == -2 ** 31
    assert list(t.column("missing_days")) == [0, 6]  # child 1: 8-15 September unmarked
    assert t.count(ChildStatus.SUSPECTED_DROPOUT) == 1


def test_classify_many_from_a_dataframe(cal):
    pd = pytest.importorskip("pandas")
    rows, facts = sample(cal, 40, seed=11)
    child, date, kind, _, _ = columns(rows)
    as_of = D(2025, 10, 24)
    expected = classify_many("dongchuan-2025", cal, as_of, child, date, kind).rows()
    df = pd.DataFrame({"child": child, "date": pd.to_datetime(date), "kind": kind})
    assert classify_many("dongchuan-2025", cal, as_of, df).rows() == expected
    renamed = df.rename(columns={"child": "学生", "date": "日期", "kind": "考勤"})
    assert classify_many("dongchuan-2025", cal, as_of, renamed, columns={"child": "学生", "date": "日期", "kind": "考勤"}).rows() == expected
    # Registry numbers as keys are factorized: rows follow the sorted keys.
    keyed = df.assign(child=["G64040220190901%04d" % c for c in child])
    t = classify_many("dongchuan-2025", cal, as_of, keyed)
    assert t.keys == sorted(set(keyed["child"])) and t.rows() == expected
    frame = t.to_dataframe()
    assert list(frame["key"][:2]) == t.keys[:2] and len(frame) == 40
    assert list(frame["status_label"]) == [r.status.label for r in expected]
    with pytest.raises(kcbx.InvalidInput, match="no column 'kind'"):
        classify_many("dongchuan-2025", cal, as_of, df.drop(columns=["kind"]))


def test_classify_many_from_a_dict_and_a_csv_file(cal, tmp_path):
    m = absent_from_8_sept(cal, D(2025, 9, 15))
    cols = {"child": [0] * len(m), "date": [d.isoformat() for d, _ in m], "kind": [k.name.lower() for _, k in m]}
    t = classify_many("guyuan-2021", cal, D(2025, 9, 15), cols)
    assert t.row(0).status is ChildStatus.SUSPECTED_DROPOUT
    path = tmp_path / "考勤.csv"
    lines = ["child,date,kind,leave_from,leave_to"] + [f"0,{d.isoformat()},{int(k)},," for d, k in m]
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    assert classify_many("guyuan-2021", cal, D(2025, 9, 15), path).rows() == t.rows()
    assert classify_many("guyuan-2021", cal, D(2025, 9, 15), str(path)).rows() == t.rows()
    with pytest.raises(kcbx.NotFound):
        classify_many("guyuan-2021", cal, D(2025, 9, 15), tmp_path / "none.csv")


def test_classify_many_reports_duplicate_marks(cal):
    # DOMAIN.md §7: the later mark wins; the pair is reported with its positions.
    d8, d9 = D(2025, 9, 8), D(2025, 9, 9)
    t = classify_many("guyuan-2021", cal, d9, [0, 0, 1, 0, 1], [d8, d9, d8, d8, d8], [U, P, P, LATE, U], child_ids=[70, 71])
    assert [(c.row, c.child_id, c.date, c.replaced_mark, c.kept_mark) for c in t.conflicts] == [(0, 70, d8, 0, 3), (1, 71, d8, 2, 4)]
    assert t.row(0).conflicts == 1 and t.row(0).term_unexcused_days == 0
    assert Alert.CONFLICTING_MARKS in t.row(1).alerts and t.row(1).streak_start == d8


def test_classify_many_input_errors_name_the_column_and_index(cal):
    as_of = D(2025, 9, 15)
    with pytest.raises(kcbx.InvalidInput, match=r"marks\.date\[1\].*2025-09-13.*Saturday"):
        classify_many("guyuan-2021", cal, as_of, [0, 0], [D(2025, 9, 12), D(2025, 9, 13)], [P, U])
    with pytest.raises(kcbx.InvalidInput, match=r"marks\.kind\[1\]"):
        classify_many("guyuan-2021", cal, as_of, [0, 0], [D(2025, 9, 11), D(2025, 9, 12)], [P, 9])
    with pytest.raises(kcbx.InvalidInput, match=r"kind\[0\]"):
        classify_many("guyuan-2021", cal, as_of, [0], [D(2025, 9, 12)], ["truant"])
    with pytest.raises(kcbx.InvalidInput, match=r"marks\.date\[0\]"):
        classify_many("guyuan-2021", cal, as_of, [0], [20250931], [P])
    with pytest.raises(kcbx.InvalidInput, match=r"date\[0\]"):
        classify_many("guyuan-2021", cal, as_of, [0], ["2025-09-31"], [P])
    with pytest.raises(kcbx.InvalidInput, match="kind: has 1 entries for 2 marks"):
        classify_many("guyuan-2021", cal, as_of, [0, 0], [D(2025, 9, 11), D(2025, 9, 12)], [P])
    with pytest.raises(kcbx.InvalidInput, match="date: has 3 entries for 2 marks"):
        classify_many("guyuan-2021", cal, as_of, [0, 0], [D(2025, 9, 10), D(2025, 9, 11), D(2025, 9, 12)], [P, P])
    with pytest.raises(kcbx.InvalidInput, match="grades: has 1 entries for 2 children"):
        classify_many("guyuan-2021", cal, as_of, [0, 1], [D(2025, 9, 11), D(2025, 9, 12)], [P, P], child_ids=[1, 2], grades=[3])
    with pytest.raises(kcbx.InvalidInput, match=r"marks\.child\[1\]"):
        classify_many("guyuan-2021", cal, as_of, [0, 5], [D(2025, 9, 11), D(2025, 9, 12)], [P, P], n_children=2)
    with pytest.raises(kcbx.InvalidInput, match=r"grade"):
        classify_many("guyuan-2021", cal, as_of, [0], [D(2025, 9, 11)], [P], grades=[12])
    with pytest.raises(kcbx.RuleViolation, match="expert_opinion"):
        classify_many("guyuan-2021", cal, as_of, [0], [D(2025, 9, 11)], [P], registrations=[Registration.DEFERRED])
    with pytest.raises(TypeError):
        classify_many("guyuan-2021", cal, as_of, [0], [D(2025, 9, 11)])


def test_classify_many_numpy_errors(cal):
    np = pytest.importorskip("numpy")
    with pytest.raises(kcbx.InvalidInput, match="kind: has 1 entries for 2 marks"):
        classify_many("guyuan-2021", cal, D(2025, 9, 15), np.zeros(2, np.int32), np.full(2, 20250912, np.int32), np.zeros(1, np.int8))
    with pytest.raises(kcbx.InvalidInput, match=r"kind\[0\].*out of range"):
        classify_many("guyuan-2021", cal, D(2025, 9, 15), np.zeros(1, np.int32), np.full(1, 20250912, np.int32), np.array([300]))
    with pytest.raises(kcbx.InvalidInput, match="one-dimensional"):
        classify_many("guyuan-2021", cal, D(2025, 9, 15), np.zeros((1, 1), np.int32), np.full(1, 20250912, np.int32), np.zeros(1, np.int8))


def test_empty_input_and_lifetime(cal):
    t = classify_many("guyuan-2021", cal, D(2025, 9, 15), [], [], [])
    assert len(t) == 0 and t.rows() == [] and t.conflicts == []
    with classify_many("guyuan-2021", cal, D(2025, 9, 15), [0], [D(2025, 9, 15)], [P]) as t:
        assert t.row(0).status is ChildStatus.IN_SCHOOL
        with pytest.raises(IndexError):
            t.row(1)
    assert t.closed
    with pytest.raises(ValueError, match="closed"):
        t.count(ChildStatus.IN_SCHOOL)


def test_classify_many_works_without_numpy(repo):
    # numpy and pandas stay optional: lists in, rows out, with numpy made unimportable.
    script = textwrap.dedent(f"""
        import sys
        sys.modules["numpy"] = None
        sys.modules["pandas"] = None
        import datetime as dt
        import kcbx
        cal = kcbx.Calendar.from_json({CALENDAR_JSON!r})
        days = cal.school_days(dt.date(2025, 9, 8), dt.date(2025, 9, 15))
        t = kcbx.classify_many("guyuan-2021", cal, dt.date(2025, 9, 15), [0] * len(days), days, [2] * len(days))
        assert t.rows()[0].status is kcbx.ChildStatus.SUSPECTED_DROPOUT, t.rows()
        assert t.child_ids() == [0]
        try:
            t.to_numpy()
        except ImportError:
            print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd="/")
    assert out.stdout.strip().splitlines()[-1:] == ["ok"], out.stdout + out.stderr



def test_classify_many_from_several_threads(cal):
    # A policy and a calendar may be shared for reading; the library call runs without the GIL.
    import threading
    rows, facts = sample(cal, 50, seed=3)
    child, date, kind, lf, lt = columns(rows)
    policy = kcbx.Policy.builtin("guyuan-2021")
    expected = classify_many(policy, cal, D(2025, 10, 31), child, date, kind, leave_from=lf, leave_to=lt, facts=facts).rows()
    results = []

    def work() -> None:
        results.append(classify_many(policy, cal, D(2025, 10, 31), child, date, kind, leave_from=lf, leave_to=lt, facts=facts).rows())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4
