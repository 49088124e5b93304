"""Classification of one child as of a date (DOMAIN.md §2, §7) with `classify`: the status, the
deciding rule in words, alerts, risk flags each with its why, the open streak and term counts.

The streak rule, thresholds and precedence are the library's (see ChildKernel.swift and
docs/calendar-format.md); every threshold comes from the policy profile."""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from ._convert import as_calendar, as_policy, yyyymmdd
from ._dates import date_from_c
from ._native import c_string, ffi, lib, take_string
from .calendar import Calendar
from .enums import Alert, ChildStatus, MarkKind, Reason, Registration, RiskFlag, Rule
from .errors import check
from .facts import ChildFacts, MarkLike, as_facts, as_mark
from .policy import Policy
from .table import TableRow

__all__ = ["Streak", "Risk", "MarkConflict", "Classification", "classify", "describe_rule", "reason_for_out_of_school"]


@dataclass(frozen=True)
class Streak:
    """The open unexcused streak: its first day, unexcused school days, the clock in counted
    calendar days, school days on approved leave (paused) and unmarked (unknown, not counted)."""
    start: _dt.date
    unexcused_days: int
    clock_days: int
    leave_days: int
    unknown_days: int


@dataclass(frozen=True)
class Risk:
    """A raised risk flag and why it was raised (parameter, value and citation)."""
    flag: RiskFlag
    why: str


@dataclass(frozen=True)
class MarkConflict:
    """Two marks for one day: the later in the input was kept, the earlier dropped (DOMAIN.md §7);
    indexes are positions in the `marks` given to `classify`."""
    date: _dt.date
    replaced_kind: MarkKind
    kept_kind: MarkKind
    replaced_index: int
    kept_index: int


@dataclass(frozen=True)
class Classification:
    """One child's classification as of a date: status, when it began, the deciding rule in words
    (profile parameter, value, provenance, seed citation and evidence), alerts, risk flags each
    with its why, the open streak, term counts, missing attendance and duplicate marks."""
    as_of: _dt.date
    status: ChildStatus
    since: Optional[_dt.date]
    rule: Rule
    rule_text: str
    alerts: Alert
    risk_flags: RiskFlag
    risks: Tuple[Risk, ...]
    proposed_reason: Optional[Reason]
    streak: Optional[Streak]
    term_school_days: int
    term_unexcused_days: int
    missing_dates: Tuple[_dt.date, ...]
    conflicts: Tuple[MarkConflict, ...]
    _source: _Source = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    @property
    def citation(self) -> str:
        """The deciding rule's citation: the profile parameter's provenance (seed file and clause)
        or, for the other rules, the seeds and DOMAIN.md sections."""
        return str(self.to_dict().get("citation", ""))

    @property
    def streak_start(self) -> Optional[_dt.date]:
        return None if self.streak is None else self.streak.start

    def why(self, flag: RiskFlag) -> str:
        """Why `flag` was raised; KeyError when it was not."""
        for r in self.risks:
            if r.flag == flag:
                return r.why
        raise KeyError(f"{RiskFlag(flag)!r} was not raised")

    def to_json(self) -> str:
        """The library's JSON of the classification (kcbx_classification_to_json): status, since,
        rule, citation, evidence, alerts, risk reasons, missing dates, conflicts."""
        return self._source.json()

    def to_dict(self) -> Dict[str, Any]:
        """`to_json()` parsed."""
        return self._source.doc()

    def row(self, child_id: int = 0) -> TableRow:
        """The classification as a ClassificationTable row (what `classify_many` gives)."""
        s = self.streak
        return TableRow(child_id, self.status, self.since, self.rule, self.alerts, self.risk_flags,
                        None if s is None else s.start, 0 if s is None else s.unexcused_days,
                        0 if s is None else s.clock_days, self.term_school_days, self.term_unexcused_days,
                        len(self.missing_dates), len(self.conflicts), self.proposed_reason)


class _Source:
    """A classification handle kept for what is read only on demand (the JSON, with the
    citation; kcbx_classification_to_json costs far more than the rest of a classification).
    Pickles as its JSON text."""
    __slots__ = ("_doc", "_handle", "_json")

    def __init__(self, handle: Any) -> None:
        self._handle: Any = handle
        self._json: Optional[str] = None
        self._doc: Optional[Dict[str, Any]] = None

    def json(self) -> str:
        if self._json is None:
            out = ffi.new("char **")
            check(lib.kcbx_classification_to_json(self._handle, out))
            self._json = take_string(out[0])
            self._handle = None  # everything is read: let the handle go
        return self._json

    def doc(self) -> Dict[str, Any]:
        if self._doc is None:
            doc: Dict[str, Any] = json.loads(self.json())
            self._doc = doc
        return dict(self._doc)

    def __getstate__(self) -> str:
        return self.json()

    def __setstate__(self, state: str) -> None:
        self._handle, self._json, self._doc = None, state, None


def _read_classification(handle: Any, as_of: _dt.date) -> Classification:
    i32 = lambda: ffi.new("int32_t *")  # noqa: E731
    i64 = lambda: ffi.new("int64_t *")  # noqa: E731
    status, since, rule, reason = i32(), i32(), i32(), i32()
    alerts, flags = ffi.new("uint32_t *"), ffi.new("uint32_t *")
    check(lib.kcbx_classification_summary(handle, status, since, rule, alerts, flags, reason))
    start, unexcused, clock, leave, unknown = i32(), i64(), i64(), i64(), i64()
    check(lib.kcbx_classification_streak(handle, start, unexcused, clock, leave, unknown))
    school_days, term_unexcused, missing, n_conflicts = i64(), i64(), i64(), i64()
    check(lib.kcbx_classification_term(handle, school_days, term_unexcused, missing, n_conflicts))
    text = ffi.new("char **")
    check(lib.kcbx_classification_rule_text(handle, text))
    rule_text = take_string(text[0])
    risks: List[Risk] = []
    for flag in RiskFlag:
        if flags[0] & flag:
            check(lib.kcbx_classification_risk_why(handle, int(flag), text))
            risks.append(Risk(flag, take_string(text[0])))
    streak = None
    if start[0] != 0:
        first = date_from_c(start[0])
        assert first is not None
        streak = Streak(first, int(unexcused[0]), int(clock[0]), int(leave[0]), int(unknown[0]))
    day = i32()
    missing_dates: List[_dt.date] = []
    for k in range(missing[0]):
        check(lib.kcbx_classification_missing_date(handle, k, day))
        d = date_from_c(day[0])
        assert d is not None
        missing_dates.append(d)
    conflicts: List[MarkConflict] = []
    replaced_kind, kept_kind = i32(), i32()
    replaced_index, kept_index = ffi.new("int64_t *"), ffi.new("int64_t *")
    for k in range(n_conflicts[0]):
        check(lib.kcbx_classification_conflict(handle, k, day, replaced_kind, kept_kind, replaced_index, kept_index))
        d = date_from_c(day[0])
        assert d is not None
        conflicts.append(MarkConflict(d, MarkKind(replaced_kind[0]), MarkKind(kept_kind[0]), int(replaced_index[0]), int(kept_index[0])))
    return Classification(
        as_of=as_of, status=ChildStatus(status[0]), since=date_from_c(since[0]), rule=Rule(rule[0]), rule_text=rule_text,
        alerts=Alert(alerts[0]), risk_flags=RiskFlag(flags[0]), risks=tuple(risks),
        proposed_reason=None if reason[0] == 0 else Reason(reason[0]), streak=streak,
        term_school_days=int(school_days[0]), term_unexcused_days=int(term_unexcused[0]),
        missing_dates=tuple(missing_dates), conflicts=tuple(conflicts), _source=_Source(handle),
    )


def classify(policy: Union[Policy, str], calendar: Calendar, as_of: _dt.date, marks: Iterable[MarkLike] = (),
             facts: Union[ChildFacts, Mapping[str, Any], None] = None) -> Classification:
    """Classifies one child as of `as_of` (not after today) under `policy` (a Policy or a
    built-in profile id) and `calendar`.

    `marks`: kcbx.Mark values or tuples (date, kind), (date, kind, slip), (date, kind, (from, to))
    or (date, kind, (from, to), slip); kind a MarkKind, its code or its label; any order. Of two
    marks for one day the later wins and the pair is reported in `conflicts`. A mark on a day that
    is not a school day (weekend, holiday, outside the calendar), in the future or before the
    child's birth raises InvalidInput naming the mark and the date; a deferral or suspension
    without an expert opinion raises RuleViolation.
    """
    pol, cal = as_policy(policy), as_calendar(calendar)
    c_as_of = yyyymmdd(as_of, "as_of")
    rows = [as_mark(m, i) for i, m in enumerate(marks)]
    f = as_facts(facts)
    n = len(rows)
    dates = ffi.new("int32_t[]", [r[0] for r in rows]) if n else ffi.NULL
    kinds = ffi.new("int8_t[]", [r[1] for r in rows]) if n else ffi.NULL
    spans = any(r[2] or r[3] for r in rows)
    leave_from = ffi.new("int32_t[]", [r[2] for r in rows]) if spans else ffi.NULL
    leave_to = ffi.new("int32_t[]", [r[3] for r in rows]) if spans else ffi.NULL
    keep: List[Any] = []
    slips = ffi.NULL
    if any(r[4] is not None for r in rows):
        for i, r in enumerate(rows):
            keep.append(ffi.NULL if r[4] is None else ffi.new("char[]", c_string(r[4], f"marks[{i}].slip")))
        slips = ffi.new("char *[]", keep)
    grade = 0 if f.grade is None else int(f.grade)
    opinion = ffi.NULL if f.expert_opinion is None else c_string(f.expert_opinion, "facts.expert_opinion")
    out = ffi.new("kcbx_classification **")
    options = ffi.new("kcbx_classify_options *")
    check(lib.kcbx_classify_options_init(options, lib.KCBX_CLASSIFY_OPTIONS_VERSION))
    options.n_marks, options.mark_dates, options.mark_kinds = n, dates, kinds
    options.leave_from, options.leave_to, options.leave_slips = leave_from, leave_to, slips
    options.birth_date = yyyymmdd(f.birth_date, "facts.birth_date", True)
    options.grade, options.registration = grade, int(Registration(f.registration))
    options.registration_date = yyyymmdd(f.registration_date, "facts.registration_date", True)
    opinion_buf = ffi.new("char[]", opinion) if isinstance(opinion, bytes) else ffi.NULL  # a struct field takes a C buffer
    options.expert_opinion = opinion_buf
    options.fact_bits, options.group_mask = f.fact_bits, f.group_mask
    check(lib.kcbx_classify(pol._ptr, cal._ptr, c_as_of, options, out))
    handle = ffi.gc(out[0], lib.kcbx_classification_free)
    day = date_from_c(c_as_of)
    assert day is not None
    return _read_classification(handle, day)


def describe_rule(policy: Union[Policy, str], rule: Union[Rule, int]) -> str:
    """A rule in words under `policy`: parameter, value and citation (kcbx_rule_describe)."""
    out = ffi.new("char **")
    status = lib.kcbx_rule_describe(as_policy(policy)._ptr, int(rule), out)
    try:
        check(status)
    finally:
        text = take_string(out[0])
    return text


def reason_for_out_of_school(birth_date: _dt.date, on: _dt.date) -> Optional[Reason]:
    """The reason proposed for an out-of-school child (seed 001 附件1 填表说明3): A at primary
    age, B at junior age, None when not of compulsory school age."""
    out = ffi.new("int32_t *")
    check(lib.kcbx_reason_for_out_of_school(yyyymmdd(birth_date, "birth_date"), yyyymmdd(on, "on_date"), out))
    return None if out[0] == 0 else Reason(out[0])
