"""Typed results of the ledger (docs/ledger.md): actors, cases, events, sweeps, imports, the
closure check and intake. Each keeps the library's key names as field names, so the docs, the
filters and the results use one vocabulary. Most are built from the library's JSON by `_from`;
an import result is read through the typed accessors of kcbx_import_result (ledger.py)."""
from __future__ import annotations

import datetime as _dt
import warnings
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from .enums import CaseKind, CaseStatus, Reason

__all__ = ["Actor", "Case", "Event", "SweepResult", "ImportResult", "ImportProblem", "ImportConflict", "ClosureCheck",
           "IntakeResult", "AlreadyOpen", "LedgerProfile"]


def _date(text: Any) -> Optional[_dt.date]:
    return _dt.date.fromisoformat(str(text)) if text else None


@dataclass(frozen=True)
class Actor:
    """Who acts on a ledger: unit level (school, township, county, …), unit code (school id,
    9-digit township code, 6-digit region code), person, and an optional role. Events name theirs."""
    level: str
    unit_code: str
    person: str
    role: str = ""

    @classmethod
    def of(cls, value: Union[Actor, Mapping[str, Any]]) -> Actor:
        """An Actor, or a dict with the keys level, unit_code, person[, role]. The old key `unit`
        is still read, with a DeprecationWarning."""
        if isinstance(value, Actor):
            return value
        if not isinstance(value, Mapping):
            raise TypeError(f"actor must be kcbx.Actor or a dict, not {type(value).__name__}")
        d: Dict[str, Any] = dict(value)
        if "unit" in d:
            if "unit_code" in d:
                raise TypeError("actor: give unit_code, not both unit and unit_code")
            warnings.warn("actor key 'unit' is now 'unit_code' (the key history returns)", DeprecationWarning, stacklevel=4)
            d["unit_code"] = d.pop("unit")
        unknown = set(d) - {"level", "unit_code", "person", "role"}
        if unknown:
            raise TypeError(f"actor: unknown keys {sorted(unknown)} (level, unit_code, person[, role])")
        for key in ("level", "unit_code", "person"):
            if key not in d:
                raise TypeError(f"actor needs '{key}' (level, unit_code, person[, role])")
        return cls(d["level"], d["unit_code"], d["person"], d.get("role") or "")


@dataclass(frozen=True)
class Case:
    """A case (DOMAIN.md §4) as the ledger holds it; `student` is masked unless full IDs were granted.
    Dates are None until they happen; `reason` is the seed's letter once verified."""
    id: int
    student: str
    kind: CaseKind
    status: CaseStatus
    kind_label: str
    status_label: str
    opened_on: Optional[_dt.date]
    verified_on: Optional[_dt.date]
    closed_on: Optional[_dt.date]
    reason: Optional[Reason]
    dismissal: str
    plan: str
    person: str
    return_date: Optional[_dt.date]
    return_school: str
    placement: str
    opinion_ref: str
    flags: Tuple[str, ...]
    relapse: bool
    relapse_of: Optional[int]
    source: str
    updated_seq: int

    @classmethod
    def _from(cls, o: Mapping[str, Any]) -> Case:
        flags = str(o.get("flags") or "")
        return cls(
            id=int(o["id"]), student=str(o["student"]), kind=CaseKind[str(o["kind"]).upper()],
            status=CaseStatus[str(o["status"]).upper()], kind_label=str(o.get("kind_label", "")),
            status_label=str(o.get("status_label", "")), opened_on=_date(o.get("opened_on")),
            verified_on=_date(o.get("verified_on")), closed_on=_date(o.get("closed_on")),
            reason=Reason[o["reason"]] if o.get("reason") else None, dismissal=str(o.get("dismissal", "")),
            plan=str(o.get("plan", "")), person=str(o.get("person", "")), return_date=_date(o.get("return_date")),
            return_school=str(o.get("return_school", "")), placement=str(o.get("placement", "")),
            opinion_ref=str(o.get("opinion_ref", "")), flags=tuple(f for f in flags.split(",") if f),
            relapse=bool(o.get("relapse", False)), relapse_of=int(o["relapse_of"]) or None if o.get("relapse_of") else None,
            source=str(o.get("source", "")), updated_seq=int(o.get("updated_seq", 0)),
        )

    @property
    def is_open(self) -> bool:
        """False once closed or dismissed."""
        return self.status not in (CaseStatus.CLOSED, CaseStatus.DISMISSED)


@dataclass(frozen=True)
class Event:
    """One event of the hash-chained ledger: who (actor), when (`at`, UTC), what (`kind`, e.g.
    "case.opened"), about whom (`student`, masked unless granted) and which case (None for none),
    why (`reason`) and the details (`payload`)."""
    seq: int
    at: _dt.datetime
    kind: str
    actor: Actor
    student: str
    case_id: Optional[int]
    reason: str
    payload: Any
    hash: str
    prev_hash: str

    @classmethod
    def _from(cls, o: Mapping[str, Any]) -> Event:
        a: Mapping[str, Any] = o.get("actor") or {}
        at = str(o["at"])
        return cls(
            seq=int(o["seq"]), at=_dt.datetime.fromisoformat(at.replace("Z", "+00:00")), kind=str(o["kind"]),
            actor=Actor(str(a.get("level", "")), str(a.get("unit_code", "")), str(a.get("person", "")), str(a.get("role", ""))),
            student=str(o.get("student", "")), case_id=int(o["case_id"]) or None if o.get("case_id") else None,
            reason=str(o.get("reason", "")), payload=o.get("payload"), hash=str(o.get("hash", "")),
            prev_hash=str(o.get("prev_hash", "")),
        )


@dataclass(frozen=True)
class SweepResult:
    """What `Ledger.sweep(as_of)` did: children classified, cases opened / promoted / flagged
    (ids), relapses, children skipped (key: why), children per status, and the profile in force."""
    as_of: _dt.date
    classified: int
    opened: List[int]
    promoted: List[int]
    flagged: List[int]
    relapses: List[int]
    skipped: Dict[str, str]
    statuses: Dict[str, int]
    profile: str
    profile_hash: str

    @classmethod
    def _from(cls, o: Mapping[str, Any]) -> SweepResult:
        day = _date(o.get("as_of"))
        assert day is not None
        return cls(as_of=day, classified=int(o.get("classified", 0)), opened=[int(x) for x in o.get("opened", [])],
                   promoted=[int(x) for x in o.get("promoted", [])], flagged=[int(x) for x in o.get("flagged", [])],
                   relapses=[int(x) for x in o.get("relapses", [])],
                   skipped={str(k): str(v) for k, v in dict(o.get("skipped") or {}).items()},
                   statuses={str(k): int(v) for k, v in dict(o.get("statuses") or {}).items()},
                   profile=str(o.get("profile", "")), profile_hash=str(o.get("profile_hash", "")))


@dataclass(frozen=True)
class ImportProblem:
    """A bad field of an import: row (CSV rows as a spreadsheet shows them, others from 1), field, rule."""
    row: int
    field: str
    rule: str


@dataclass(frozen=True)
class ImportConflict:
    """A row of a marks import that replaced an earlier row of the same batch for the same child
    and day (the later mark wins, counted once: DOMAIN.md section 7): its row, the field ("kind")
    and the rule naming the row it replaced."""
    row: int
    field: str
    rule: str


@dataclass(frozen=True)
class ImportResult:
    """An import that went in (all or nothing): rows read; for a roster the students added,
    updated and unchanged; for marks the marks changed and unchanged and the duplicate-day conflicts."""
    rows: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    changed: int = 0
    conflicts: List[ImportConflict] = field(default_factory=lambda: list[ImportConflict]())


@dataclass(frozen=True)
class ClosureCheck:
    """Whether a case may be closed (销号) on a date, by the rule closing applies (seed 000 三（二）):
    `allowed`, and when not the `reasons` (each naming its rule); the school days counted since the
    return, those attended, the profile's `required` of `window`, and the child's status then.
    True in a boolean context when allowed."""
    case_id: int
    as_of: _dt.date
    allowed: bool
    reasons: Tuple[str, ...]
    attended: int
    school_days: int
    required: int
    window: int
    status: str

    def __bool__(self) -> bool:
        return self.allowed

    @classmethod
    def _from(cls, case_id: int, as_of: _dt.date, o: Mapping[str, Any]) -> ClosureCheck:
        return cls(case_id=case_id, as_of=as_of, allowed=bool(o["allowed"]), reasons=tuple(str(r) for r in o.get("reasons", [])),
                   attended=int(o.get("attended", 0)), school_days=int(o.get("school_days", 0)),
                   required=int(o.get("required", 0)), window=int(o.get("window", 0)), status=str(o.get("status", "")))


@dataclass(frozen=True)
class AlreadyOpen:
    """A child of an intake who already had an open case, left alone (intake is idempotent): the
    child's key and the open case's id."""
    student: str
    case_id: int


@dataclass(frozen=True)
class IntakeResult:
    """What `Ledger.intake` did: cases opened (ids), children who already had an open case
    (kcbx.AlreadyOpen, by key), children refused (outside the jurisdiction) and skipped (key: why)."""
    as_of: Optional[_dt.date]
    opened: List[int]
    already_open: List[AlreadyOpen]
    refused: List[str]
    skipped: Dict[str, str]

    @classmethod
    def _from(cls, o: Optional[Mapping[str, Any]]) -> IntakeResult:
        o = o or {}
        already = sorted(dict(o.get("already_open") or {}).items())
        return cls(as_of=_date(o.get("as_of")), opened=[int(x) for x in o.get("opened", [])],
                   already_open=[AlreadyOpen(str(k), int(v)) for k, v in already], refused=[str(x) for x in o.get("refused", [])],
                   skipped={str(k): str(v) for k, v in dict(o.get("skipped") or {}).items()})


@dataclass(frozen=True)
class LedgerProfile:
    """The profile in force as the ledger records it: its id and SHA-256 hash (hex)."""
    id: str
    hash: str
