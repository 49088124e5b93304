"""Classification of children as of a date (DOMAIN.md §2, §7): one child with `classify`, a
whole county or province from columns with `classify_many`.

The streak rule, thresholds and precedence are the library's (see ChildKernel.swift and
docs/calendar-format.md); every threshold comes from the policy profile. numpy and pandas are
optional: `classify_many` takes plain sequences too, and numpy arrays whose dtype and layout
already match the C types (int32 child rows and dates, int8 kinds) are passed without a copy.
"""
from __future__ import annotations

import csv
import datetime as _dt
import json
import math
import os
import sys
from dataclasses import dataclass, field
from enum import IntEnum, IntFlag
from typing import (
    Any, Dict, FrozenSet, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union,
)

from ._dates import date_from_c, date_to_c
from ._handle import NativeHandle
from ._native import c_string, ffi, lib, take_string
from .calendar import Calendar
from .errors import InvalidInput, check
from .policy import Policy

PathLike = Union[str, "os.PathLike[str]"]

__all__ = [
    "ChildStatus", "MarkKind", "Registration", "Alert", "RiskFlag", "ChildFact", "SpecialGroup", "Rule",
    "Reason", "DateEncoding", "TableColumn",
    "Mark", "ChildFacts", "Streak", "Risk", "MarkConflict", "Classification", "classify",
    "TableRow", "TableConflict", "ClassificationTable", "classify_many",
    "describe_rule", "reason_for_out_of_school",
]

_INT32_MIN = -(2 ** 31)

# Enums (values read from the compiled header)


class ChildStatus(IntEnum):
    """kcbx_child_status: a child's status as of a date (DOMAIN.md §2); 0-4 are the attendance statuses."""
    IN_SCHOOL = lib.KCBX_CHILD_STATUS_IN_SCHOOL
    ON_LEAVE = lib.KCBX_CHILD_STATUS_ON_LEAVE
    THREE_LINE_ALERT = lib.KCBX_CHILD_STATUS_THREE_LINE_ALERT
    SUSPECTED_DROPOUT = lib.KCBX_CHILD_STATUS_SUSPECTED_DROPOUT
    DROPOUT = lib.KCBX_CHILD_STATUS_DROPOUT
    OUT_OF_SCHOOL = lib.KCBX_CHILD_STATUS_OUT_OF_SCHOOL
    DEFERRED = lib.KCBX_CHILD_STATUS_DEFERRED
    SUSPENDED = lib.KCBX_CHILD_STATUS_SUSPENDED
    HOME_DELIVERED = lib.KCBX_CHILD_STATUS_HOME_DELIVERED
    TRANSFERRED_OUT = lib.KCBX_CHILD_STATUS_TRANSFERRED_OUT
    GRADUATED = lib.KCBX_CHILD_STATUS_GRADUATED
    OVER_AGE = lib.KCBX_CHILD_STATUS_OVER_AGE
    BELOW_SCHOOL_AGE = lib.KCBX_CHILD_STATUS_BELOW_SCHOOL_AGE
    STUDYING_ELSEWHERE = lib.KCBX_CHILD_STATUS_STUDYING_ELSEWHERE
    ATTENDANCE_UNKNOWN = lib.KCBX_CHILD_STATUS_ATTENDANCE_UNKNOWN

    @property
    def label(self) -> str:
        """The label used in the library's JSON, e.g. "suspected_dropout"."""
        return self.name.lower()

    @property
    def chinese(self) -> str:
        return _STATUS_ZH[self]


_STATUS_ZH = {
    ChildStatus.IN_SCHOOL: "在校", ChildStatus.ON_LEAVE: "请假", ChildStatus.THREE_LINE_ALERT: "三线报告",
    ChildStatus.SUSPECTED_DROPOUT: "疑似辍学", ChildStatus.DROPOUT: "辍学", ChildStatus.OUT_OF_SCHOOL: "失学",
    ChildStatus.DEFERRED: "缓学", ChildStatus.SUSPENDED: "休学", ChildStatus.HOME_DELIVERED: "送教上门",
    ChildStatus.TRANSFERRED_OUT: "转出", ChildStatus.GRADUATED: "毕业", ChildStatus.OVER_AGE: "超龄",
    ChildStatus.BELOW_SCHOOL_AGE: "未到入学年龄", ChildStatus.STUDYING_ELSEWHERE: "区外就读",
    ChildStatus.ATTENDANCE_UNKNOWN: "考勤缺失",
}


class MarkKind(IntEnum):
    """kcbx_mark_kind: what the class teacher records for a child on a school day."""
    PRESENT = lib.KCBX_MARK_KIND_PRESENT
    APPROVED_LEAVE = lib.KCBX_MARK_KIND_APPROVED_LEAVE  # 请假: pauses a streak's clock
    UNEXCUSED = lib.KCBX_MARK_KIND_UNEXCUSED  # starts or extends a streak
    LATE = lib.KCBX_MARK_KIND_LATE  # present for streaks
    LEFT_EARLY = lib.KCBX_MARK_KIND_LEFT_EARLY  # present for streaks

    @classmethod
    def parse(cls, value: Union["MarkKind", int, str], field: str = "kind") -> "MarkKind":
        """A kind from its code, its name ("unexcused", "approved_leave", "leave") or its Chinese
        label (到校, 请假, 无故缺勤, 迟到, 早退); InvalidInput names `field` otherwise."""
        return cls(_kind_code(value, field))


_KIND_NAMES: Dict[str, int] = {k.name.lower(): int(k) for k in MarkKind}
_KIND_NAMES.update({"leave": int(MarkKind.APPROVED_LEAVE), "absent": int(MarkKind.UNEXCUSED),
                    "到校": int(MarkKind.PRESENT), "出勤": int(MarkKind.PRESENT), "请假": int(MarkKind.APPROVED_LEAVE),
                    "无故缺勤": int(MarkKind.UNEXCUSED), "缺勤": int(MarkKind.UNEXCUSED), "旷课": int(MarkKind.UNEXCUSED),
                    "迟到": int(MarkKind.LATE), "早退": int(MarkKind.LEFT_EARLY)})
_KIND_HELP = "0 present, 1 approved leave, 2 unexcused, 3 late, 4 left early"


class Registration(IntEnum):
    """kcbx_registration: a child's standing in the student registry (学籍)."""
    ENROLLED = lib.KCBX_REGISTRATION_ENROLLED
    NONE = lib.KCBX_REGISTRATION_NONE
    DEFERRED = lib.KCBX_REGISTRATION_DEFERRED  # 缓学: needs the expert panel's written opinion
    SUSPENDED = lib.KCBX_REGISTRATION_SUSPENDED  # 休学: needs the expert panel's written opinion
    HOME_DELIVERED = lib.KCBX_REGISTRATION_HOME_DELIVERED  # 送教上门
    TRANSFERRED_OUT = lib.KCBX_REGISTRATION_TRANSFERRED_OUT  # needs the transfer date
    GRADUATED = lib.KCBX_REGISTRATION_GRADUATED  # needs the graduation date


class Alert(IntFlag):
    """kcbx_alert bits: things needing attention now."""
    THREE_LINE_REPORT = lib.KCBX_ALERT_THREE_LINE_REPORT  # the school owes the three-line report (004 二（三）2)
    MISSING_ATTENDANCE = lib.KCBX_ALERT_MISSING_ATTENDANCE  # school days with no mark (DOMAIN.md §7)
    CONFLICTING_MARKS = lib.KCBX_ALERT_CONFLICTING_MARKS  # two marks for one day; the later was kept
    GUARDIAN_CONTACT = lib.KCBX_ALERT_GUARDIAN_CONTACT  # absent without leave on the as-of date (004 二（三）3)


class RiskFlag(IntFlag):
    """kcbx_risk_flag bits: early-warning risk flags (each with its `why`)."""
    CHRONIC_ABSENCE = lib.KCBX_RISK_FLAG_CHRONIC_ABSENCE
    SPECIAL_GROUP = lib.KCBX_RISK_FLAG_SPECIAL_GROUP
    PAST_DROPOUT = lib.KCBX_RISK_FLAG_PAST_DROPOUT
    PRIMARY_TO_JUNIOR = lib.KCBX_RISK_FLAG_PRIMARY_TO_JUNIOR
    GRADE_EIGHT = lib.KCBX_RISK_FLAG_GRADE_EIGHT
    GRADUATION_SEASON = lib.KCBX_RISK_FLAG_GRADUATION_SEASON


class ChildFact(IntFlag):
    """kcbx_child_fact bits of a child's fact mask; 0 is a resident child with no dropout history."""
    NOT_IN_HOUSEHOLD_REGISTRY = lib.KCBX_CHILD_FACT_NOT_IN_HOUSEHOLD_REGISTRY
    STUDYING_ELSEWHERE = lib.KCBX_CHILD_FACT_STUDYING_ELSEWHERE
    PAST_DROPOUT = lib.KCBX_CHILD_FACT_PAST_DROPOUT


class SpecialGroup(IntEnum):
    """kcbx_special_group (DOMAIN.md §1); a group mask has bit `1 << value` per group."""
    REGISTERED_POOR = lib.KCBX_SPECIAL_GROUP_REGISTERED_POOR
    UNSTABLE_OUT_OF_POVERTY = lib.KCBX_SPECIAL_GROUP_UNSTABLE_OUT_OF_POVERTY
    MARGINAL_RISK = lib.KCBX_SPECIAL_GROUP_MARGINAL_RISK
    SUDDEN_HARDSHIP = lib.KCBX_SPECIAL_GROUP_SUDDEN_HARDSHIP
    DISABLED = lib.KCBX_SPECIAL_GROUP_DISABLED
    LEFT_BEHIND = lib.KCBX_SPECIAL_GROUP_LEFT_BEHIND
    MIGRANT = lib.KCBX_SPECIAL_GROUP_MIGRANT
    MINORITY = lib.KCBX_SPECIAL_GROUP_MINORITY
    SUBSISTENCE_ALLOWANCE = lib.KCBX_SPECIAL_GROUP_SUBSISTENCE_ALLOWANCE
    EXTREME_HARDSHIP = lib.KCBX_SPECIAL_GROUP_EXTREME_HARDSHIP
    PRISONER_CHILD = lib.KCBX_SPECIAL_GROUP_PRISONER_CHILD
    UNSUPPORTED = lib.KCBX_SPECIAL_GROUP_UNSUPPORTED
    RELOCATED = lib.KCBX_SPECIAL_GROUP_RELOCATED
    FAMILY_CRISIS = lib.KCBX_SPECIAL_GROUP_FAMILY_CRISIS

    @property
    def bit(self) -> int:
        return 1 << int(self)

    @staticmethod
    def mask(groups: Iterable["SpecialGroup"]) -> int:
        """The group mask of `groups`."""
        m = 0
        for g in groups:
            m |= SpecialGroup(g).bit
        return m


class Rule(IntEnum):
    """kcbx_rule: the rule that decided a status (`describe_rule` gives its value and citation)."""
    ATTENDING = lib.KCBX_RULE_ATTENDING
    APPROVED_LEAVE = lib.KCBX_RULE_APPROVED_LEAVE
    THREE_LINE_ALERT_AFTER = lib.KCBX_RULE_THREE_LINE_ALERT_AFTER
    SUSPECTED_AFTER = lib.KCBX_RULE_SUSPECTED_AFTER
    DROPOUT_AFTER_SUSPECTED = lib.KCBX_RULE_DROPOUT_AFTER_SUSPECTED
    OUT_OF_SCHOOL = lib.KCBX_RULE_OUT_OF_SCHOOL
    DEFERRAL = lib.KCBX_RULE_DEFERRAL
    SUSPENSION = lib.KCBX_RULE_SUSPENSION
    HOME_DELIVERY = lib.KCBX_RULE_HOME_DELIVERY
    TRANSFER = lib.KCBX_RULE_TRANSFER
    GRADUATION = lib.KCBX_RULE_GRADUATION
    OVER_AGE = lib.KCBX_RULE_OVER_AGE
    BELOW_SCHOOL_AGE = lib.KCBX_RULE_BELOW_SCHOOL_AGE
    STUDYING_ELSEWHERE = lib.KCBX_RULE_STUDYING_ELSEWHERE
    NO_ATTENDANCE = lib.KCBX_RULE_NO_ATTENDANCE
    ABSENT_BELOW_THRESHOLD = lib.KCBX_RULE_ABSENT_BELOW_THRESHOLD

    @property
    def parameter(self) -> Optional[str]:
        """The policy parameter a threshold rule applies ("suspected_after", …), else None."""
        return self.name.lower() if self in (Rule.THREE_LINE_ALERT_AFTER, Rule.SUSPECTED_AFTER,
                                             Rule.DROPOUT_AFTER_SUSPECTED) else None


class Reason(IntEnum):
    """kcbx_reason: dropout reason codes A-T (seed 001 附件1 填表说明3); NONE = 0."""
    NONE = lib.KCBX_REASON_NONE
    A = lib.KCBX_REASON_A
    B = lib.KCBX_REASON_B
    C = lib.KCBX_REASON_C
    D = lib.KCBX_REASON_D
    E = lib.KCBX_REASON_E
    F = lib.KCBX_REASON_F
    G = lib.KCBX_REASON_G
    H = lib.KCBX_REASON_H
    I = lib.KCBX_REASON_I  # noqa: E741 - the seed's letter
    J = lib.KCBX_REASON_J
    K = lib.KCBX_REASON_K
    L = lib.KCBX_REASON_L
    M = lib.KCBX_REASON_M
    N = lib.KCBX_REASON_N
    O = lib.KCBX_REASON_O  # noqa: E741 - the seed's letter
    P = lib.KCBX_REASON_P
    Q = lib.KCBX_REASON_Q
    R = lib.KCBX_REASON_R
    S = lib.KCBX_REASON_S
    T = lib.KCBX_REASON_T

    @property
    def letter(self) -> str:
        return "" if self is Reason.NONE else self.name


class DateEncoding(IntEnum):
    """kcbx_date_encoding: how dates are given in bulk columns."""
    YYYYMMDD = lib.KCBX_DATE_ENCODING_YYYYMMDD  # packed 20250908; 0 = no date
    DAY_NUMBER = lib.KCBX_DATE_ENCODING_DAY_NUMBER  # days since 1970-01-01; INT32_MIN = no date

    @property
    def none(self) -> int:
        """The "no date" value of the encoding."""
        return 0 if self is DateEncoding.YYYYMMDD else _INT32_MIN


class TableColumn(IntEnum):
    """kcbx_table_column: the columns of a ClassificationTable."""
    CHILD_ID = lib.KCBX_TABLE_COLUMN_CHILD_ID
    STATUS = lib.KCBX_TABLE_COLUMN_STATUS
    SINCE = lib.KCBX_TABLE_COLUMN_SINCE
    RULE = lib.KCBX_TABLE_COLUMN_RULE
    ALERTS = lib.KCBX_TABLE_COLUMN_ALERTS
    RISK_FLAGS = lib.KCBX_TABLE_COLUMN_RISK_FLAGS
    STREAK_START = lib.KCBX_TABLE_COLUMN_STREAK_START
    STREAK_UNEXCUSED_DAYS = lib.KCBX_TABLE_COLUMN_STREAK_UNEXCUSED_DAYS
    STREAK_CLOCK_DAYS = lib.KCBX_TABLE_COLUMN_STREAK_CLOCK_DAYS
    TERM_SCHOOL_DAYS = lib.KCBX_TABLE_COLUMN_TERM_SCHOOL_DAYS
    TERM_UNEXCUSED_DAYS = lib.KCBX_TABLE_COLUMN_TERM_UNEXCUSED_DAYS
    MISSING_DAYS = lib.KCBX_TABLE_COLUMN_MISSING_DAYS
    CONFLICTS = lib.KCBX_TABLE_COLUMN_CONFLICTS
    PROPOSED_REASON = lib.KCBX_TABLE_COLUMN_PROPOSED_REASON

    @property
    def is_date(self) -> bool:
        return self in (TableColumn.SINCE, TableColumn.STREAK_START)


# Small conversions


def _policy(policy: Union[Policy, str]) -> Policy:
    """A Policy, or a built-in profile id such as "guyuan-2021"."""
    if isinstance(policy, Policy):
        return policy
    if isinstance(policy, str):
        return Policy.builtin(policy)
    raise TypeError(f"policy must be kcbx.Policy or a profile id, not {type(policy).__name__}")


def _calendar(calendar: Calendar) -> Calendar:
    if not isinstance(calendar, Calendar):
        raise TypeError(f"calendar must be kcbx.Calendar, not {type(calendar).__name__}")
    return calendar


def _parse_date_text(text: str, field: str) -> _dt.date:
    """"YYYY-MM-DD" or "YYYYMMDD"; InvalidInput naming `field` otherwise."""
    s = text.strip()
    try:
        if len(s) == 8 and s.isdigit():
            return _dt.date(int(s[:4]), int(s[4:6]), int(s[6:]))
        return _dt.date.fromisoformat(s[:10] if len(s) > 10 and s[10] in "T " else s)
    except ValueError as e:
        raise InvalidInput(f"{field}: {text!r} is not a date (YYYY-MM-DD): {e}") from None


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in ("NaTType", "NAType")


def _yyyymmdd(value: Any, field: str, optional: bool = False) -> int:
    """A date argument as YYYYMMDD: datetime.date (or datetime, pandas Timestamp), numpy
    datetime64, "YYYY-MM-DD" text, or an int already in YYYYMMDD form (the library checks it)."""
    if _is_missing(value):
        if optional:
            return 0
        raise TypeError(f"{field} must be a date, not None")
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return date_to_c(value, field)
    if isinstance(value, str):
        return date_to_c(_parse_date_text(value, field), field)
    if isinstance(value, bool):
        raise TypeError(f"{field} must be a date, not bool")
    if isinstance(value, int):
        if not -(2 ** 31) <= value < 2 ** 31:
            raise InvalidInput(f"{field}: {value} is not a date in YYYYMMDD form")
        return value
    if type(value).__name__ == "datetime64":
        np = sys.modules["numpy"]
        if np.isnat(value):
            if optional:
                return 0
            raise TypeError(f"{field} must be a date, not NaT")
        return date_to_c(value.astype("datetime64[D]").item(), field)
    if hasattr(value, "__index__"):  # numpy integers
        return _yyyymmdd(int(value), field, optional)
    raise TypeError(f"{field} must be datetime.date, not {type(value).__name__}")


def _kind_code(value: Any, field: str) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{field} must be a MarkKind, int or label, not bool")
    if isinstance(value, str):
        code = _KIND_NAMES.get(value.strip().lower())
        if code is None:
            raise InvalidInput(f"{field}: {value!r} is not a mark kind ({_KIND_HELP})")
        return code
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) or hasattr(value, "__index__"):
        code = int(value)
        if not 0 <= code <= 4:
            raise InvalidInput(f"{field}: {code} is not a mark kind ({_KIND_HELP})")
        return code
    raise TypeError(f"{field} must be a MarkKind, int or label, not {type(value).__name__}")


# One child


@dataclass(frozen=True)
class Mark:
    """One attendance mark. An approved-leave mark may carry a leave span (`leave_from` ..
    `leave_to`, both included, containing `date`; unmarked school days it covers are paused,
    not missing) and a leave-slip reference (请假条)."""
    date: _dt.date
    kind: MarkKind
    leave_from: Optional[_dt.date] = None
    leave_to: Optional[_dt.date] = None
    slip: Optional[str] = None


MarkLike = Union[Mark, Tuple[Any, ...]]


def _mark(item: MarkLike, i: int) -> Tuple[int, int, int, int, Optional[str]]:
    """(date, kind, leave_from, leave_to, slip) of a Mark or a tuple (date, kind),
    (date, kind, slip), (date, kind, (from, to)) or (date, kind, (from, to), slip)."""
    # Fast path for the common shapes: (date, kind) and a Mark without leave details.
    if type(item) is tuple and len(item) == 2:
        d, k = item
        if type(d) is _dt.date and type(k) in (int, MarkKind) and 0 <= k <= 4:
            return d.year * 10000 + d.month * 100 + d.day, int(k), 0, 0, None
    elif type(item) is Mark and item.leave_from is None and item.leave_to is None and item.slip is None:
        d, k = item.date, item.kind
        if type(d) is _dt.date and type(k) in (int, MarkKind) and 0 <= k <= 4:
            return d.year * 10000 + d.month * 100 + d.day, int(k), 0, 0, None
    field_ = f"marks[{i}]"
    if isinstance(item, Mark):
        return (_yyyymmdd(item.date, f"{field_}.date"), _kind_code(item.kind, f"{field_}.kind"),
                _yyyymmdd(item.leave_from, f"{field_}.leave_from", True), _yyyymmdd(item.leave_to, f"{field_}.leave_to", True),
                item.slip)
    if not isinstance(item, (tuple, list)) or not 2 <= len(item) <= 4:
        raise TypeError(f"{field_} must be a kcbx.Mark or a (date, kind[, leave span][, slip]) tuple, not {item!r}")
    date, kind = _yyyymmdd(item[0], f"{field_}.date"), _kind_code(item[1], f"{field_}.kind")
    lf = lt = 0
    slip: Optional[str] = None
    for extra in item[2:]:
        if extra is None:
            continue
        if isinstance(extra, str):
            slip = extra
        elif isinstance(extra, (tuple, list)) and len(extra) == 2:
            lf = _yyyymmdd(extra[0], f"{field_}.leave_from", True)
            lt = _yyyymmdd(extra[1], f"{field_}.leave_to", True)
        else:
            raise TypeError(f"{field_}: a leave span is a (from, to) tuple and a slip a str, not {extra!r}")
    return date, kind, lf, lt, slip


@dataclass(frozen=True)
class ChildFacts:
    """Registry facts classification weighs besides attendance (all optional)."""
    birth_date: Optional[_dt.date] = None  # required without a student registration (A/B, over age)
    grade: Optional[int] = None  # 1-9; None: expected from the birth date for the transition flags
    registration: Registration = Registration.ENROLLED
    registration_date: Optional[_dt.date] = None  # enrollment, deferral start, transfer / graduation date
    expert_opinion: Optional[str] = None  # 专家组书面意见 reference: required for deferral and suspension
    in_household_registry: bool = True
    studying_elsewhere: bool = False
    past_dropout: bool = False
    groups: FrozenSet[SpecialGroup] = frozenset()

    @property
    def fact_bits(self) -> int:
        bits = 0
        if not self.in_household_registry:
            bits |= ChildFact.NOT_IN_HOUSEHOLD_REGISTRY
        if self.studying_elsewhere:
            bits |= ChildFact.STUDYING_ELSEWHERE
        if self.past_dropout:
            bits |= ChildFact.PAST_DROPOUT
        return int(bits)

    @property
    def group_mask(self) -> int:
        return SpecialGroup.mask(self.groups)


def _facts(facts: Union[ChildFacts, Mapping[str, Any], None]) -> ChildFacts:
    if facts is None:
        return ChildFacts()
    if isinstance(facts, ChildFacts):
        return facts
    if isinstance(facts, Mapping):
        return ChildFacts(**facts)
    raise TypeError(f"facts must be kcbx.ChildFacts or a dict, not {type(facts).__name__}")


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
class TableRow:
    """One child's row of a ClassificationTable (also `Classification.row()`)."""
    child_id: int
    status: ChildStatus
    since: Optional[_dt.date]
    rule: Rule
    alerts: Alert
    risk_flags: RiskFlag
    streak_start: Optional[_dt.date]
    streak_unexcused_days: int
    streak_clock_days: int
    term_school_days: int
    term_unexcused_days: int
    missing_days: int
    conflicts: int
    proposed_reason: Optional[Reason]


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
    _source: "_Source" = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

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
    __slots__ = ("_handle", "_json", "_doc")

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
            self._doc = json.loads(self.json())
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
    risks = []
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
    missing_dates = []
    for k in range(missing[0]):
        check(lib.kcbx_classification_missing_date(handle, k, day))
        d = date_from_c(day[0])
        assert d is not None
        missing_dates.append(d)
    conflicts = []
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
    pol, cal = _policy(policy), _calendar(calendar)
    c_as_of = _yyyymmdd(as_of, "as_of")
    rows = [_mark(m, i) for i, m in enumerate(marks)]
    f = _facts(facts)
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
    options.birth_date = _yyyymmdd(f.birth_date, "facts.birth_date", True)
    options.grade, options.registration = grade, int(Registration(f.registration))
    options.registration_date = _yyyymmdd(f.registration_date, "facts.registration_date", True)
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
    status = lib.kcbx_rule_describe(_policy(policy)._ptr, int(rule), out)
    try:
        check(status)
    finally:
        text = take_string(out[0])
    return text


def reason_for_out_of_school(birth_date: _dt.date, on: _dt.date) -> Optional[Reason]:
    """The reason proposed for an out-of-school child (seed 001 附件1 填表说明3): A at primary
    age, B at junior age, None when not of compulsory school age."""
    out = ffi.new("int32_t *")
    check(lib.kcbx_reason_for_out_of_school(_yyyymmdd(birth_date, "birth_date"), _yyyymmdd(on, "on_date"), out))
    return None if out[0] == 0 else Reason(out[0])


# Bulk: columns in, a table out


def _numpy() -> Any:
    """numpy if the caller has imported it (an array can only come from a loaded numpy)."""
    return sys.modules.get("numpy")


def _as_array(values: Any) -> Any:
    """`values` as a numpy array when it is one (or a pandas Series / Index), else None."""
    np = _numpy()
    if np is None or isinstance(values, (list, tuple, range, str, bytes)):
        return None
    if isinstance(values, np.ndarray):
        return values
    if hasattr(values, "__array__") and hasattr(values, "dtype"):
        return np.asarray(values)
    return None


@dataclass
class _Column:
    """A C array argument: the pointer, what keeps its memory alive, and whether it was copied."""
    ptr: Any
    keep: Any
    length: int
    converted: bool


_CTYPES = {"int32_t": ("int32", -(2 ** 31), 2 ** 31 - 1), "int8_t": ("int8", -128, 127),
           "int64_t": ("int64", -(2 ** 63), 2 ** 63 - 1), "uint32_t": ("uint32", 0, 2 ** 32 - 1)}


def _from_numpy(arr: Any, ctype: str, field_: str) -> _Column:
    """An integer numpy column: zero-copy when the dtype and layout match, else converted."""
    np = _numpy()
    dtype, lo, hi = _CTYPES[ctype]
    if arr.ndim != 1:
        raise InvalidInput(f"{field_}: must be one-dimensional, got shape {arr.shape}")
    target = np.dtype(dtype)
    if arr.dtype == target and arr.flags.c_contiguous:
        return _Column(ffi.from_buffer(f"{ctype}[]", arr), arr, len(arr), False)
    kind = arr.dtype.kind
    if kind == "f":
        bad = ~np.isfinite(arr) | (arr != np.floor(arr))
        if bad.any():
            i = int(np.argmax(bad))
            raise InvalidInput(f"{field_}[{i}]: {arr[i]!r} is not an integer")
    elif kind not in "iub":
        raise InvalidInput(f"{field_}: numpy dtype {arr.dtype} is not an integer column")
    if len(arr) and kind != "b" and (arr.min() < lo or arr.max() > hi):  # two passes, no temporaries
        i = int(np.argmax((arr < lo) | (arr > hi)))
        raise InvalidInput(f"{field_}[{i}]: {arr[i]!r} is out of range for {ctype}")
    conv = np.ascontiguousarray(arr, dtype=target)
    return _Column(ffi.from_buffer(f"{ctype}[]", conv), conv, len(conv), True)


def _from_values(values: List[int], ctype: str) -> _Column:
    buf = ffi.new(f"{ctype}[]", values) if values else ffi.NULL
    return _Column(buf, buf, len(values), True)


def _int_column(values: Any, ctype: str, field_: str) -> _Column:
    """An integer input column (child rows, grades, registrations, bits, ids)."""
    arr = _as_array(values)
    if arr is not None and arr.dtype.kind in "iubf":
        return _from_numpy(arr, ctype, field_)
    _, lo, hi = _CTYPES[ctype]
    out = []
    for i, v in enumerate(values if arr is None else arr.tolist()):
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, bool) or not (isinstance(v, int) or hasattr(v, "__index__")):
            raise InvalidInput(f"{field_}[{i}]: {v!r} is not an integer")
        v = int(v)
        if not lo <= v <= hi:
            raise InvalidInput(f"{field_}[{i}]: {v} is out of range for {ctype}")
        out.append(v)
    return _from_values(out, ctype)


def _kind_column(values: Any, field_: str) -> _Column:
    """Mark kinds as int8: codes (checked by the library) or labels (checked here)."""
    arr = _as_array(values)
    if arr is not None and arr.dtype.kind in "iuf":
        return _from_numpy(arr, "int8_t", field_)
    items = values if arr is None else arr.tolist()
    out = []
    for i, v in enumerate(items):
        if isinstance(v, int) and not isinstance(v, bool) and -128 <= v <= 127:
            out.append(v)  # a code: the library checks it and names the mark
        else:
            out.append(_kind_code(v, f"{field_}[{i}]"))
    return _from_values(out, "int8_t")


def _encode_date(d: _dt.date, encoding: DateEncoding) -> int:
    if encoding is DateEncoding.DAY_NUMBER:
        return d.toordinal() - 719163  # date(1970, 1, 1).toordinal()
    return d.year * 10000 + d.month * 100 + d.day


def _date_column(values: Any, encoding: DateEncoding, field_: str) -> _Column:
    """A date input column in `encoding`. Integer columns are taken to be in that encoding
    already (zero-copy for contiguous int32); datetime64, date objects and "YYYY-MM-DD" text are
    converted; None / NaN / NaT mean "no date"."""
    np = _numpy()
    arr = _as_array(values)
    if arr is not None and arr.dtype.kind in "iu":
        return _from_numpy(arr, "int32_t", field_)
    if arr is not None and arr.dtype.kind == "f":  # integers with NaN for "no date" (pandas)
        arr = np.where(np.isnan(arr), float(encoding.none), arr)
        col = _from_numpy(arr, "int32_t", field_)
        col.converted = True
        return col
    if arr is not None and arr.dtype.kind == "M":
        if arr.ndim != 1:
            raise InvalidInput(f"{field_}: must be one-dimensional, got shape {arr.shape}")
        nat = np.isnat(arr)
        days = arr.astype("datetime64[D]")
        if encoding is DateEncoding.DAY_NUMBER:
            out = days.astype(np.int64)
        else:
            years = days.astype("datetime64[Y]")
            months = days.astype("datetime64[M]")
            out = ((years.astype(np.int64) + 1970) * 10000 + (months.astype(np.int64) % 12 + 1) * 100
                   + (days - months).astype(np.int64) + 1)
        out[nat] = encoding.none
        col = _from_numpy(out, "int32_t", field_)
        col.converted = True
        return col
    items = values if arr is None else arr.tolist()
    out_list = []
    for i, v in enumerate(items):
        if _is_missing(v):
            out_list.append(encoding.none)
            continue
        if isinstance(v, _dt.datetime):
            v = v.date()
        if isinstance(v, _dt.date):
            out_list.append(_encode_date(v, encoding))
        elif isinstance(v, str):
            out_list.append(_encode_date(_parse_date_text(v, f"{field_}[{i}]"), encoding))
        elif isinstance(v, bool):
            raise InvalidInput(f"{field_}[{i}]: {v!r} is not a date")
        elif isinstance(v, int) or hasattr(v, "__index__"):
            iv = int(v)
            if not -(2 ** 31) <= iv < 2 ** 31:
                raise InvalidInput(f"{field_}[{i}]: {iv} is not a date")
            out_list.append(iv)
        elif type(v).__name__ == "datetime64":
            out_list.append(_encode_date(v.astype("datetime64[D]").item(), encoding))
        else:
            raise InvalidInput(f"{field_}[{i}]: {v!r} is not a date")
    return _from_values(out_list, "int32_t")


def _integer_dates(values: Any) -> bool:
    """True when a date column holds integers (YYYYMMDD or day numbers), not dates or text."""
    arr = _as_array(values)
    if arr is not None:
        return bool(arr.dtype.kind in "iuf")
    for v in values:
        if _is_missing(v):
            continue
        return isinstance(v, int) and not isinstance(v, bool)
    return True


def _refuse_lossy_identifiers(values: Any, arr: Any, field_: str) -> None:
    """Identifier columns hold integers or text, never floats: a float dtype (pandas reads an ID
    column with a missing value as float64, so 640422201908270123 becomes 6.404222019082701e+17)
    is refused by name, and so is a missing value (None, NaN) or a float among the values."""
    if arr is not None and arr.dtype.kind in "fc":
        np = _numpy()
        missing = np.isnan(arr) if arr.dtype.kind == "f" else np.zeros(len(arr), dtype=bool)
        where = f"; row {int(np.argmax(missing))} is missing (NaN)" if missing.any() else ""
        raise InvalidInput(f"{field_}: dtype {arr.dtype} cannot hold identifiers exactly{where}; "
                           "pass integers or text (e.g. read the column with dtype=str)")
    if arr is not None and arr.dtype.kind != "O":  # integers, or numpy strings (never missing)
        return
    for i, v in enumerate(values if arr is None else arr.tolist()):
        if v is None or isinstance(v, float) or (arr is not None and type(v).__name__ in ("NAType", "NaTType")):
            what = "missing" if v is None or v != v or type(v).__name__ in ("NAType", "NaTType") else f"the float {v!r}"
            raise InvalidInput(f"{field_}[{i}]: is {what}; identifiers must be integers or text, never float or missing")


def _child_rows(values: Any, factorize: Optional[bool], field_: str) -> Tuple[_Column, Optional[List[Any]]]:
    """Mark -> child row. Integer columns are row indexes (0..n_children-1) unless `factorize`;
    other keys (registry numbers, names) are factorized: rows follow the sorted keys. Float
    columns and missing keys (None, NaN) are refused: a missing key is no child."""
    arr = _as_array(values)
    _refuse_lossy_identifiers(values, arr, field_)
    integer = (arr.dtype.kind in "iu") if arr is not None else all(
        isinstance(v, int) and not isinstance(v, bool) or hasattr(v, "__index__") for v in values)
    if integer and not factorize:
        return _int_column(values, "int32_t", field_), None
    if arr is not None:
        np = _numpy()
        try:
            keys, inverse = np.unique(arr, return_inverse=True)
        except TypeError as e:
            raise InvalidInput(f"{field_}: keys cannot be ordered ({e})") from None
        rows = np.ascontiguousarray(inverse.reshape(-1), dtype=np.int32)
        return _Column(ffi.from_buffer("int32_t[]", rows), rows, len(rows), True), keys.tolist()
    try:
        keys_list = sorted(set(values))
    except TypeError as e:
        raise InvalidInput(f"{field_}: keys cannot be ordered ({e})") from None
    index = {k: r for r, k in enumerate(keys_list)}
    return _from_values([index[v] for v in values], "int32_t"), keys_list


_MARK_COLUMNS = ("child", "date", "kind", "leave_from", "leave_to")


def _read_csv(path: PathLike, names: Mapping[str, str]) -> Dict[str, List[Any]]:
    """The mark columns of a CSV file (UTF-8, BOM allowed; a header row naming the columns)."""
    try:
        f = open(path, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        from .errors import NotFound
        raise NotFound(f"path: no such file: {os.fspath(path)}") from None
    with f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        for key in ("child", "date", "kind"):
            if names[key] not in header:
                raise InvalidInput(f"{os.fspath(path)}: no column {names[key]!r} (columns: {', '.join(header)})")
        cols: Dict[str, List[Any]] = {k: [] for k in _MARK_COLUMNS if names[k] in header}
        for line, row in enumerate(reader, start=2):
            for k in cols:
                v = (row.get(names[k]) or "").strip()
                if k in ("child", "kind"):
                    cols[k].append(int(v) if v.lstrip("-").isdigit() else v)
                elif k == "date" and not v:
                    raise InvalidInput(f"{os.fspath(path)}:{line}: column {names[k]!r} is empty")
                else:  # dates stay text (YYYY-MM-DD or YYYYMMDD); empty = no date
                    cols[k].append(v or None)
    return cols


def _mark_columns(source: Any, date: Any, kind: Any, leave_from: Any, leave_to: Any,
                  columns: Optional[Mapping[str, str]]) -> Dict[str, Any]:
    """The mark columns from separate sequences, a DataFrame / dict of columns, or a CSV path."""
    names = {k: k for k in _MARK_COLUMNS}
    if columns:
        unknown = set(columns) - set(_MARK_COLUMNS)
        if unknown:
            raise TypeError(f"columns: unknown keys {sorted(unknown)} (allowed: {', '.join(_MARK_COLUMNS)})")
        names.update(columns)
    table_like = isinstance(source, Mapping) or (hasattr(source, "columns") and hasattr(source, "__getitem__")
                                                 and _as_array(source) is None)
    if isinstance(source, (str, os.PathLike)) or table_like:
        if date is not None or kind is not None:
            raise TypeError("give either a table (DataFrame, dict of columns or CSV path) or the child, date and kind columns")
        if isinstance(source, (str, os.PathLike)):
            cols: Dict[str, Any] = dict(_read_csv(source, names))
        else:
            present = list(source.keys()) if isinstance(source, Mapping) else list(source.columns)
            for key in ("child", "date", "kind"):
                if names[key] not in present:
                    raise InvalidInput(f"no column {names[key]!r} (columns: {', '.join(map(str, present))})")
            cols = {k: source[names[k]] for k in _MARK_COLUMNS if names[k] in present}
        cols.setdefault("leave_from", leave_from)
        cols.setdefault("leave_to", leave_to)
        if cols["leave_from"] is None and leave_from is not None:
            cols["leave_from"] = leave_from
        if cols["leave_to"] is None and leave_to is not None:
            cols["leave_to"] = leave_to
        return cols
    if source is None or date is None or kind is None:
        raise TypeError("classify_many needs the child, date and kind columns (or a DataFrame, dict of columns or CSV path)")
    return {"child": source, "date": date, "kind": kind, "leave_from": leave_from, "leave_to": leave_to}


def _length(values: Any) -> int:
    arr = _as_array(values)
    return len(arr) if arr is not None else len(values)


def _strings(values: Sequence[Optional[str]], field_: str) -> _Column:
    keep = [ffi.NULL if _is_missing(v) else ffi.new("char[]", c_string(v, f"{field_}[{i}]")) for i, v in enumerate(values)]
    arr = ffi.new("char *[]", keep) if keep else ffi.NULL
    return _Column(arr, (arr, keep), len(keep), True)


def classify_many(policy: Union[Policy, str], calendar: Calendar, as_of: _dt.date,
                  child: Any = None, date: Any = None, kind: Any = None, *,
                  leave_from: Any = None, leave_to: Any = None,
                  n_children: Optional[int] = None, child_ids: Any = None,
                  birth_dates: Any = None, grades: Any = None, registrations: Any = None,
                  registration_dates: Any = None, fact_bits: Any = None, group_masks: Any = None,
                  expert_opinions: Optional[Sequence[Optional[str]]] = None,
                  facts: Optional[Sequence[Union[ChildFacts, Mapping[str, Any], None]]] = None,
                  columns: Optional[Mapping[str, str]] = None, date_encoding: Optional[DateEncoding] = None,
                  factorize: Optional[bool] = None) -> "ClassificationTable":
    """Classifies every child in one library call (kcbx_classify_many), from columns.

    Marks: `child`, `date`, `kind` (and optionally `leave_from` / `leave_to` approved-leave
    spans), one entry per mark, any order (fastest grouped by child and sorted by date). Each may
    be a numpy array, a pandas Series or a Python sequence; or pass a pandas DataFrame, a dict of
    columns or a CSV path as `child` (columns child/date/kind[/leave_from/leave_to], renamed with
    `columns={"child": "student", ...}`).

    `child` holds child rows 0..n_children-1; non-integer keys (or `factorize=True`) are
    factorized, rows following the sorted keys (`table.keys`). `date_encoding`: integer date
    columns are YYYYMMDD unless DateEncoding.DAY_NUMBER is given; datetime64 / date / text
    columns are converted. Arrays already of the C type (int32 rows and dates, int8 kinds) and
    C-contiguous are passed without a copy (`table.converted` lists the columns that were not).

    Per-child columns (length n_children, each optional): `child_ids` (int64, copied into the
    table; default the row), `birth_dates`, `grades` (0-9), `registrations` (Registration),
    `registration_dates`, `fact_bits` (ChildFact), `group_masks`, `expert_opinions`; or `facts`,
    one ChildFacts per child. `n_children` defaults to their length, else to max(child) + 1.

    Errors name the column and index (the lowest bad mark, then the lowest bad child):
    InvalidInput for a mark on a day that is not a school day, a bad date or kind, columns of
    different lengths; RuleViolation for a deferral without an expert opinion.
    """
    pol, cal = _policy(policy), _calendar(calendar)
    c_as_of = _yyyymmdd(as_of, "as_of")
    cols = _mark_columns(child, date, kind, leave_from, leave_to, columns)

    # Marks.
    n_marks = _length(cols["child"])
    for key in ("date", "kind", "leave_from", "leave_to"):
        if cols.get(key) is not None and _length(cols[key]) != n_marks:
            raise InvalidInput(f"{key}: has {_length(cols[key])} entries for {n_marks} marks (child has {n_marks})")
    if date_encoding is None:
        encoding = DateEncoding.YYYYMMDD if _integer_dates(cols["date"]) else DateEncoding.DAY_NUMBER
    else:
        encoding = DateEncoding(date_encoding)
    mark_child, keys = _child_rows(cols["child"], factorize, "child")
    mark_date = _date_column(cols["date"], encoding, "date")
    mark_kind = _kind_column(cols["kind"], "kind")
    lf = None if cols.get("leave_from") is None else _date_column(cols["leave_from"], encoding, "leave_from")
    lt = None if cols.get("leave_to") is None else _date_column(cols["leave_to"], encoding, "leave_to")

    # Children.
    if facts is not None:
        if any(c is not None for c in (birth_dates, grades, registrations, registration_dates, fact_bits, group_masks, expert_opinions)):
            raise TypeError("give either facts or the per-child columns, not both")
        fs = [_facts(f) for f in facts]
        birth_dates = [f.birth_date for f in fs]
        grades = [0 if f.grade is None else f.grade for f in fs]
        registrations = [int(Registration(f.registration)) for f in fs]
        registration_dates = [f.registration_date for f in fs]
        fact_bits = [f.fact_bits for f in fs]
        group_masks = [f.group_mask for f in fs]
        expert_opinions = [f.expert_opinion for f in fs] if any(f.expert_opinion is not None for f in fs) else None
    per_child = {"child_ids": child_ids, "birth_dates": birth_dates, "grades": grades, "registrations": registrations,
                 "registration_dates": registration_dates, "fact_bits": fact_bits, "group_masks": group_masks,
                 "expert_opinions": expert_opinions}
    lengths = {k: _length(v) for k, v in per_child.items() if v is not None}
    if n_children is None:
        if lengths:
            n_children = next(iter(lengths.values()))
        elif keys is not None:
            n_children = len(keys)
        elif n_marks:
            arr = _as_array(cols["child"])
            n_children = (int(arr.max()) if arr is not None else max(int(v) for v in cols["child"])) + 1
            n_children = max(n_children, 0)
        else:
            n_children = 0
    if keys is not None and n_children != len(keys):
        raise InvalidInput(f"n_children: {n_children} children but {len(keys)} distinct child keys")
    for k, n in lengths.items():
        if n != n_children:
            raise InvalidInput(f"{k}: has {n} entries for {n_children} children")
    if child_ids is not None:
        _refuse_lossy_identifiers(child_ids, _as_array(child_ids), "child_ids")
    c_ids = None if child_ids is None else _int_column(child_ids, "int64_t", "child_ids")
    c_birth = None if birth_dates is None else _date_column(birth_dates, encoding, "birth_dates")
    c_grades = None if grades is None else _int_column(grades, "int8_t", "grades")
    c_regs = None if registrations is None else _int_column(registrations, "int8_t", "registrations")
    c_reg_dates = None if registration_dates is None else _date_column(registration_dates, encoding, "registration_dates")
    c_facts = None if fact_bits is None else _int_column(fact_bits, "uint32_t", "fact_bits")
    c_groups = None if group_masks is None else _int_column(group_masks, "uint32_t", "group_masks")
    c_opinions = None if expert_opinions is None else _strings(list(expert_opinions), "expert_opinions")

    def ptr(c: Optional[_Column]) -> Any:
        return ffi.NULL if c is None else c.ptr

    out = ffi.new("kcbx_table **")
    options = ffi.new("kcbx_classify_many_options *")
    check(lib.kcbx_classify_many_options_init(options, lib.KCBX_CLASSIFY_MANY_OPTIONS_VERSION))
    options.encoding, options.n_children, options.n_marks = int(encoding), n_children, n_marks
    options.child_ids, options.birth_dates, options.grades = ptr(c_ids), ptr(c_birth), ptr(c_grades)
    options.registrations, options.registration_dates = ptr(c_regs), ptr(c_reg_dates)
    options.fact_bits, options.group_masks, options.expert_opinions = ptr(c_facts), ptr(c_groups), ptr(c_opinions)
    options.mark_child, options.mark_dates, options.mark_kinds = ptr(mark_child), ptr(mark_date), ptr(mark_kind)
    options.leave_from, options.leave_to = ptr(lf), ptr(lt)
    check(lib.kcbx_classify_many(pol._ptr, cal._ptr, c_as_of, options, out))
    named = {"child": mark_child, "date": mark_date, "kind": mark_kind, "leave_from": lf, "leave_to": lt,
             "child_ids": c_ids, "birth_dates": c_birth, "grades": c_grades, "registrations": c_regs,
             "registration_dates": c_reg_dates, "fact_bits": c_facts, "group_masks": c_groups}
    converted = tuple(k for k, c in named.items() if c is not None and c.converted)
    day = date_from_c(c_as_of)
    assert day is not None
    return ClassificationTable(ffi.gc(out[0], lib.kcbx_table_free), day, keys, converted)


@dataclass(frozen=True)
class TableConflict:
    """A duplicate mark in bulk input: the child's row and id, the day, and the positions (in the
    mark columns) of the dropped earlier mark and the kept later one."""
    row: int
    child_id: int
    date: _dt.date
    replaced_mark: int
    kept_mark: int


_ROW_COLUMNS = [c for c in TableColumn if c is not TableColumn.CHILD_ID]


class ClassificationTable(NativeHandle):
    """The result of `classify_many`: one row per child, kept by the library column by column
    (kcbx_table *). Read it with `rows()`, `to_numpy()`, `to_dataframe()`, `count()`, `column()`,
    `conflicts`. Freed by `close()`, a `with` block or garbage collection."""

    def __init__(self, _handle: Any, as_of: _dt.date, keys: Optional[List[Any]] = None,
                 converted: Tuple[str, ...] = ()) -> None:
        self._handle: Any = _handle
        self.as_of = as_of
        self.keys: Optional[List[Any]] = keys  # the child keys by row, when `child` was factorized
        self.converted: Tuple[str, ...] = converted  # input columns that had to be copied/converted
        n = ffi.new("int64_t *")
        check(lib.kcbx_table_rows(_handle, n))
        self._rows = int(n[0])

    def __len__(self) -> int:
        return self._rows

    def __repr__(self) -> str:
        if self.closed:
            return "<kcbx.ClassificationTable closed>"
        return f"<kcbx.ClassificationTable {self._rows} children as of {self.as_of}>"

    # Counts

    def count(self, status: Union[ChildStatus, int]) -> int:
        """Number of children with `status`."""
        out = ffi.new("int64_t *")
        check(lib.kcbx_table_count(self._ptr, int(status), out))
        return int(out[0])

    def counts(self) -> Dict[ChildStatus, int]:
        """Children per status (every status, zeros included)."""
        return {s: self.count(s) for s in ChildStatus}

    # Columns

    def _copy(self, column: TableColumn, encoding: DateEncoding, out: Any) -> None:
        check(lib.kcbx_table_copy_column(self._ptr, int(column), int(encoding), out, self._rows))

    def _raw_column(self, column: TableColumn, encoding: DateEncoding = DateEncoding.YYYYMMDD) -> Any:
        """A column as a cffi int32 array (no numpy needed)."""
        buf = ffi.new("int32_t[]", max(self._rows, 1))
        self._copy(column, encoding, buf)
        return buf

    def child_ids(self) -> Any:
        """The child ids (int64): a numpy array when numpy is installed, else a list."""
        try:
            import numpy as np
        except ImportError:
            buf = ffi.new("int64_t[]", max(self._rows, 1))
            check(lib.kcbx_table_copy_child_ids(self._ptr, buf, self._rows))
            return list(buf[0:self._rows])
        arr = np.empty(self._rows, dtype=np.int64)
        check(lib.kcbx_table_copy_child_ids(self._ptr, ffi.from_buffer("int64_t[]", arr), self._rows))
        return arr

    def column(self, column: Union[TableColumn, str, int], dates: str = "datetime64") -> Any:
        """One column as a numpy array (int32; child ids int64). Date columns: `dates` =
        "datetime64" (NaT for none), "day_number" (INT32_MIN for none) or "yyyymmdd" (0 for none)."""
        import numpy as np
        col = TableColumn[column.upper()] if isinstance(column, str) else TableColumn(column)
        if col is TableColumn.CHILD_ID:
            return self.child_ids()
        if dates not in ("datetime64", "day_number", "yyyymmdd"):
            raise ValueError(f"dates must be 'datetime64', 'day_number' or 'yyyymmdd', not {dates!r}")
        encoding = DateEncoding.YYYYMMDD if dates == "yyyymmdd" else DateEncoding.DAY_NUMBER
        arr = np.empty(self._rows, dtype=np.int32)
        self._copy(col, encoding, ffi.from_buffer("int32_t[]", arr))
        if col.is_date and dates == "datetime64":
            out = arr.astype("datetime64[D]")
            out[arr == _INT32_MIN] = np.datetime64("NaT")
            return out
        return arr

    def to_numpy(self, dates: str = "datetime64") -> Dict[str, Any]:
        """Every column as a numpy array, keyed by the lower-case TableColumn name (child_id,
        status, since, rule, alerts, risk_flags, streak_start, …); see `column` for `dates`."""
        return {c.name.lower(): self.column(c, dates) for c in TableColumn}

    def to_dataframe(self, dates: str = "datetime64") -> Any:
        """A pandas DataFrame of `to_numpy()` (pandas is optional; imported only here), with a
        `key` column when the child keys were factorized and a `status_label` column."""
        import pandas as pd
        data = self.to_numpy(dates)
        df = pd.DataFrame(data)
        if self.keys is not None:
            df.insert(1, "key", self.keys)
        labels = [s.label for s in ChildStatus]
        df.insert(df.columns.get_loc("status") + 1, "status_label",
                  pd.Categorical.from_codes(data["status"], categories=labels))
        return df

    # Rows

    def row(self, index: int) -> TableRow:
        """Row `index` (0 <= index < len)."""
        if not 0 <= index < self._rows:
            raise IndexError(f"row {index} is not in 0..<{self._rows}")
        out = ffi.new("int64_t *")

        def value(c: TableColumn) -> int:
            check(lib.kcbx_table_value(self._ptr, index, int(c), out))
            return int(out[0])

        return _make_row(value(TableColumn.CHILD_ID), {c: value(c) for c in _ROW_COLUMNS})

    def rows(self) -> List[TableRow]:
        """Every row as a TableRow (dates as datetime.date)."""
        cols = {c: self._raw_column(c) for c in _ROW_COLUMNS}
        ids = ffi.new("int64_t[]", max(self._rows, 1))
        check(lib.kcbx_table_copy_child_ids(self._ptr, ids, self._rows))
        cache: Dict[int, Optional[_dt.date]] = {0: None}
        out = []
        for r in range(self._rows):
            cells = {c: cols[c][r] for c in _ROW_COLUMNS}
            for c in (TableColumn.SINCE, TableColumn.STREAK_START):
                v = cells[c]
                if v not in cache:
                    cache[v] = date_from_c(v)
            out.append(_make_row(ids[r], cells, cache))
        return out

    def __iter__(self) -> Iterator[TableRow]:
        return iter(self.rows())

    # Conflicts

    @property
    def conflict_count(self) -> int:
        out = ffi.new("int64_t *")
        check(lib.kcbx_table_conflict_count(self._ptr, out))
        return int(out[0])

    @property
    def conflicts(self) -> List[TableConflict]:
        """Every duplicate mark resolved (the later kept), by child then date."""
        row, replaced, kept = ffi.new("int64_t *"), ffi.new("int64_t *"), ffi.new("int64_t *")
        day, cid = ffi.new("int32_t *"), ffi.new("int64_t *")
        found = []
        for k in range(self.conflict_count):
            check(lib.kcbx_table_conflict(self._ptr, k, row, day, replaced, kept))
            check(lib.kcbx_table_value(self._ptr, row[0], int(TableColumn.CHILD_ID), cid))
            d = date_from_c(day[0])
            assert d is not None
            found.append(TableConflict(int(row[0]), int(cid[0]), d, int(replaced[0]), int(kept[0])))
        return found


def _make_row(child_id: int, cells: Mapping[TableColumn, int], cache: Optional[Dict[int, Optional[_dt.date]]] = None) -> TableRow:
    def day(v: int) -> Optional[_dt.date]:
        return cache[v] if cache is not None else date_from_c(v)

    reason = cells[TableColumn.PROPOSED_REASON]
    return TableRow(
        child_id=int(child_id), status=ChildStatus(cells[TableColumn.STATUS]), since=day(cells[TableColumn.SINCE]),
        rule=Rule(cells[TableColumn.RULE]), alerts=Alert(cells[TableColumn.ALERTS] & 0xFFFFFFFF),
        risk_flags=RiskFlag(cells[TableColumn.RISK_FLAGS] & 0xFFFFFFFF), streak_start=day(cells[TableColumn.STREAK_START]),
        streak_unexcused_days=int(cells[TableColumn.STREAK_UNEXCUSED_DAYS]),
        streak_clock_days=int(cells[TableColumn.STREAK_CLOCK_DAYS]), term_school_days=int(cells[TableColumn.TERM_SCHOOL_DAYS]),
        term_unexcused_days=int(cells[TableColumn.TERM_UNEXCUSED_DAYS]), missing_days=int(cells[TableColumn.MISSING_DAYS]),
        conflicts=int(cells[TableColumn.CONFLICTS]), proposed_reason=None if reason == 0 else Reason(reason),
    )
