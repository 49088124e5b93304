"""Escalation (DOMAIN.md §3; docs/escalation.md): who must do what by when. Obligations come
from `Ledger.due(as_of)`, overdue ones climb the ladder with `Ledger.escalate(as_of)`, and
`due_reports` lists the reports each level owes in a date range."""
from __future__ import annotations

import datetime as _dt
import enum
import os
import warnings
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Union

from ._convert import as_calendar, as_policy
from ._dates import date_to_c
from ._native import call_json, ffi, lib
from .calendar import Calendar
from .policy import Policy

__all__ = ["Owner", "Escalation", "Obligation", "ObligationState", "EscalationSummary", "DueReport", "due_reports",
           "ACTIONS", "STATES"]

#: Obligation actions (ObligationAction in the Swift core).
ACTIONS = ("guardian_contact", "three_line_report", "enter_ledger", "home_visit", "per_child_plan",
           "assign_one_to_one", "persuasion_visit", "education", "return_notice", "administrative_penalty",
           "court_application", "cross_region_letter", "expert_assessment", "placement", "referral")
class ObligationState(str, enum.Enum):
    """Where an obligation stands on the as-of date (ObligationState in the Swift core; it crosses
    the C ABI as this text, not as a constant). Equal to its text: `state == "overdue"` holds."""
    #: Open, its due date not yet passed.
    DUE = "due"
    #: Discharged on `done_on`.
    DONE = "done"
    #: Its due date passed and it was not done (escalate() hands it to the next level).
    OVERDUE = "overdue"
    #: Handed to the next level, whose own due date has not yet passed.
    ESCALATED = "escalated"

    @property
    def label(self) -> str:
        """The text the library uses and filters by, e.g. "overdue"."""
        return self.value


#: Obligation states, as text.
STATES = tuple(s.value for s in ObligationState)


def _date(text: Optional[str]) -> Optional[_dt.date]:
    return _dt.date.fromisoformat(text) if text else None


@dataclass(frozen=True)
class Owner:
    """The responsible unit: level (class_teacher, school, township, county, city, department),
    unit code (school id, township code, county code, …), department when a department owns it."""
    level: str
    unit_code: str
    label: str
    department: Optional[str] = None

    @property
    def unit(self) -> str:
        """Deprecated: `unit_code` (the word actors and events use)."""
        warnings.warn("Owner.unit is now Owner.unit_code", DeprecationWarning, stacklevel=2)
        return self.unit_code

    @classmethod
    def _from(cls, o: Dict[str, Any]) -> Owner:
        return cls(o["level"], o["unit"], o["label"], o.get("department"))


@dataclass(frozen=True)
class Escalation:
    """One hand-on of an overdue obligation: when, from which level, to whom, who was notified
    ("<line>:<level>:<unit>", both lines under 双线) and the new due date."""
    date: _dt.date
    from_level: str
    to: Owner
    notify: List[str]
    new_due: _dt.date


@dataclass(frozen=True)
class Obligation:
    """Something a unit must do for a child by a date, with its basis (document clause and the
    profile parameters that set the dates) and its state as of the date asked about."""
    id: str
    case_id: int
    student: str
    action: str
    action_label: str
    step: Optional[int]
    owner: Owner
    original_owner: Owner
    basis: str
    opens_on: _dt.date
    due_on: _dt.date
    original_due_on: _dt.date
    state: ObligationState
    done_on: Optional[_dt.date]
    recipients: List[str]
    department: Optional[str]
    guardian_deadline: Optional[_dt.date]
    escalations: List[Escalation] = field(default_factory=lambda: list[Escalation]())

    @classmethod
    def _from(cls, o: Dict[str, Any]) -> Obligation:
        return cls(
            id=o["id"], case_id=int(o["case_id"]), student=o["student"], action=o["action"],
            action_label=o["action_label"], step=o.get("step"), owner=Owner._from(o["owner"]),
            original_owner=Owner._from(o["original_owner"]), basis=o["basis"],
            opens_on=_dt.date.fromisoformat(o["opens_on"]), due_on=_dt.date.fromisoformat(o["due_on"]),
            original_due_on=_dt.date.fromisoformat(o["original_due_on"]), state=ObligationState(o["state"]),
            done_on=_date(o.get("done_on")), recipients=list(o["recipients"]), department=o.get("department"),
            guardian_deadline=_date(o.get("guardian_deadline")),
            escalations=[Escalation(_dt.date.fromisoformat(e["date"]), e["from"], Owner._from(e["to"]), list(e["notify"]),
                                    _dt.date.fromisoformat(e["new_due"])) for e in o["escalations"]],
        )


@dataclass(frozen=True)
class EscalationSummary:
    """What `Ledger.escalate(as_of)` did: the obligations handed on (each one ledger event), the
    overdue ones with no level above, and the count per state."""
    as_of: _dt.date
    escalated: List[Obligation]
    overdue_at_top: List[str]
    states: Dict[str, int]

    @classmethod
    def _from(cls, o: Dict[str, Any]) -> EscalationSummary:
        return cls(_dt.date.fromisoformat(o["as_of"]), [Obligation._from(x) for x in o["escalated"]],
                   list(o["overdue_at_top"]), {k: int(v) for k, v in o["states"].items()})


@dataclass(frozen=True)
class DueReport:
    """A report or check a level owes on a date (one occurrence of a profile's report duty)."""
    duty: str
    level: str
    what: str
    due: _dt.date
    basis: str


def due_reports(policy: Union[Policy, str], from_date: _dt.date, through: _dt.date, *,
                calendar: Union[Calendar, str, os.PathLike[str], None] = None) -> List[DueReport]:
    """The reports each level owes from `from_date` through `through` under `policy` (a Policy or a
    profile id; school daily, township weekly, …; term-relative duties need `calendar`, a
    kcbx.Calendar or a calendar file)."""
    cal = None if calendar is None else as_calendar(calendar)
    doc = call_json(lib.kcbx_due_reports_json, as_policy(policy)._ptr, ffi.NULL if cal is None else cal._ptr,
                    date_to_c(from_date, "from_date"), date_to_c(through, "through"))
    return [DueReport(r["duty"], r["level"], r["what"], _dt.date.fromisoformat(r["due"]), r["basis"]) for r in doc]
