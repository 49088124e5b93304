"""Supervision of the ledger (督导): the audit of entries the data contradicts (台账信息不实, seed 002
四（二）), spot checks with home verification (台账信息抽查、入户核查) and the 中考 registration check
(seed 001 二（二）). docs/supervision-audit.md."""
from __future__ import annotations

import datetime as _dt
import enum
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, List, Optional, Union

from ._dates import date_to_c
from ._native import c_path, c_string, ffi, lib
from .errors import check

if TYPE_CHECKING:  # pragma: no cover
    from .ledger import Ledger
    from .reports import Report

__all__ = ["AuditCheck", "AuditFinding", "AuditResult", "HomeVerificationResult", "SpotCheckDraw"]


class AuditCheck(str, enum.Enum):
    """What the audit looks for (the `check` column)."""
    RETURN_WHILE_ABSENT = "return_while_absent"
    CLOSURE_UNSUPPORTED = "closure_unsupported"
    FALSE_TRANSFER = "false_transfer"
    PRESENT_WHILE_AWAY = "present_while_away"
    ACTION_BEFORE_CASE = "action_before_case"
    ACTION_AFTER_LEFT = "action_after_left"
    REASON_UNVERIFIED = "reason_unverified"
    SAME_DAY_RETURN_AND_CLOSURE = "same_day_return_and_closure"
    SPOT_CHECK_REDRAWN = "spot_check_redrawn"


class HomeVerificationResult(str, enum.Enum):
    """The result of one home verification (入户核查)."""
    CONFIRMED = "confirmed"
    CONTRADICTED = "contradicted"
    NOT_REACHED = "not_reached"


@dataclass(frozen=True)
class AuditFinding:
    """One entry the data contradicts, with its evidence and the audit_finding event recording it."""
    check: AuditCheck
    case_id: Optional[int]
    student: str
    school: str
    date: Optional[_dt.date]
    entry_seq: Optional[int]
    recorded_by: str
    evidence: str
    clause: str
    finding_seq: Optional[int]

    @property
    def is_pattern(self) -> bool:
        """A pattern worth a look (same person, same day), never an accusation."""
        return self.check is AuditCheck.SAME_DAY_RETURN_AND_CLOSURE


@dataclass(frozen=True)
class AuditResult:
    """The audit as of a date: typed findings and the report table they came from."""
    findings: List[AuditFinding]
    report: Report

    def __len__(self) -> int:
        return len(self.findings)

    def by_check(self, check: Union[AuditCheck, str]) -> List[AuditFinding]:
        c = AuditCheck(check)
        return [f for f in self.findings if f.check is c]


@dataclass(frozen=True)
class SpotCheckDraw:
    """A recorded spot-check draw: the event, the seed and the drawn case ids, with its table."""
    seq: int
    period: str
    seed: int
    case_ids: List[int]
    report: Report = field(repr=False)


def _int(cell: Any) -> Optional[int]:
    return int(cell) if cell not in (None, "") else None


def audit(led: Ledger, as_of: _dt.date, record: bool = True) -> AuditResult:
    from .reports import Report
    out = ffi.new("kcbx_report **")
    check(lib.kcbx_ledger_audit(led._ptr, date_to_c(as_of, "as_of"), 1 if record else 0, out))
    rep = Report._take(out[0])
    findings = [AuditFinding(check=AuditCheck(r["check"]), case_id=_int(r["case_id"]), student=str(r["student"]), school=str(r["school"]),
                             date=_dt.date.fromisoformat(str(r["date"])) if r["date"] else None, entry_seq=_int(r["entry_seq"]),
                             recorded_by=str(r["recorded_by"]), evidence=str(r["evidence"]), clause=str(r["clause"]),
                             finding_seq=_int(r["finding_seq"]))
                for r in (dict(zip(rep.headers, row)) for row in rep.rows)]
    return AuditResult(findings=findings, report=rep)


def spot_check(led: Ledger, period: str, as_of: _dt.date, per_stratum: int = 2, seed: Optional[int] = None,
               redraw_reason: Optional[str] = None) -> SpotCheckDraw:
    from .reports import Report
    if seed is not None and not (0 <= seed <= 2**63 - 1):
        raise ValueError("seed: must be 0..2**63-1 (None derives one from the chain head)")
    out = ffi.new("kcbx_report **")
    check(lib.kcbx_ledger_spot_check_draw(led._ptr, c_string(period, "period"), date_to_c(as_of, "as_of"), int(per_stratum),
                                          -1 if seed is None else int(seed),
                                          ffi.NULL if redraw_reason is None else c_string(redraw_reason, "redraw_reason"), out))
    rep = Report._take(out[0])
    rows = [dict(zip(rep.headers, r)) for r in rep.rows]
    seq = int(rows[0]["draw_seq"]) if rows else 0
    drawn_seed = int(rows[0]["seed"]) if rows else (seed or 0)
    return SpotCheckDraw(seq=seq, period=period, seed=drawn_seed, case_ids=[int(r["case_id"]) for r in rows], report=rep)


def record_home_verification(led: Ledger, case_id: int, result: Union[HomeVerificationResult, str], date: _dt.date,
                             note: Optional[str] = None) -> int:
    seq = ffi.new("int64_t *")
    check(lib.kcbx_ledger_home_verification(led._ptr, int(case_id), c_string(HomeVerificationResult(result).value, "result"),
                                            date_to_c(date, "date"), ffi.NULL if note is None else c_string(note, "note"), seq))
    return int(seq[0])


def spot_check_summary(led: Ledger, period: str) -> Report:
    from .reports import Report
    out = ffi.new("kcbx_report **")
    check(lib.kcbx_ledger_spot_check_summary(led._ptr, c_string(period, "period"), out))
    return Report._take(out[0])


def zhongkao_check(led: Ledger, registrations_csv: Union[str, os.PathLike[str]], as_of: _dt.date) -> Report:
    from .reports import Report
    out = ffi.new("kcbx_report **")
    check(lib.kcbx_ledger_zhongkao_check(led._ptr, c_path(registrations_csv, "registrations_csv"), date_to_c(as_of, "as_of"), out))
    return Report._take(out[0])


