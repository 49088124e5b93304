"""What classification is given about one child: attendance marks and registry facts."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, FrozenSet, Mapping, Optional, Sequence, Tuple, Union

from ._convert import kind_code, yyyymmdd
from .enums import ChildFact, MarkKind, Registration, SpecialGroup

__all__ = ["Mark", "MarkLike", "ChildFacts"]


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


def as_mark(item: MarkLike, i: int) -> Tuple[int, int, int, int, Optional[str]]:
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
        return (yyyymmdd(item.date, f"{field_}.date"), kind_code(item.kind, f"{field_}.kind"),
                yyyymmdd(item.leave_from, f"{field_}.leave_from", True), yyyymmdd(item.leave_to, f"{field_}.leave_to", True),
                item.slip)
    if not isinstance(item, (tuple, list)) or not 2 <= len(item) <= 4:
        raise TypeError(f"{field_} must be a kcbx.Mark or a (date, kind[, leave span][, slip]) tuple, not {item!r}")
    date, kind = yyyymmdd(item[0], f"{field_}.date"), kind_code(item[1], f"{field_}.kind")
    lf = lt = 0
    slip: Optional[str] = None
    for extra in item[2:]:
        if extra is None:
            continue
        if isinstance(extra, str):
            slip = extra
        elif isinstance(extra, (tuple, list)) and len(extra) == 2:  # pyright: ignore[reportUnknownArgumentType]
            span: Sequence[Any] = extra  # pyright: ignore[reportUnknownVariableType]
            lf = yyyymmdd(span[0], f"{field_}.leave_from", True)
            lt = yyyymmdd(span[1], f"{field_}.leave_to", True)
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


def as_facts(facts: Union[ChildFacts, Mapping[str, Any], None]) -> ChildFacts:
    if facts is None:
        return ChildFacts()
    if isinstance(facts, ChildFacts):
        return facts
    if isinstance(facts, Mapping):
        return ChildFacts(**facts)
    raise TypeError(f"facts must be kcbx.ChildFacts or a dict, not {type(facts).__name__}")
