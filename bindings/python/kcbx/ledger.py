"""The ledger (台账): one SQLite file of cases and attributed, hash-chained events
(DOMAIN.md §4; docs/ledger.md). Several processes (a C host, a Python analyst) may share a file."""
from __future__ import annotations

import datetime as _dt
import json
import os
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Union

from ._dates import date_to_c
from ._handle import NativeHandle
from ._native import c_path, c_string, ffi, lib, take_string
from .errors import InvalidInput, check
from .policy import Policy

if TYPE_CHECKING:  # pragma: no cover
    from .reports import Report

if TYPE_CHECKING:
    from .escalation import EscalationSummary, Obligation

PathLike = Union[str, "os.PathLike[str]"]

__all__ = ["Ledger", "generate_signing_key", "signing_public_key"]


def _opt(value: Optional[str], field: str) -> Any:
    return ffi.NULL if value is None else c_string(value, field)


class Ledger(NativeHandle):
    """A ledger file opened by one actor (unit level, unit code, person). Use as a context
    manager; every change is recorded with the actor, the time and the reason."""

    def __init__(self, _handle: Any) -> None:
        self._handle: Any = _handle

    @classmethod
    def open(cls, path: PathLike, policy: Policy, actor: Dict[str, str]) -> "Ledger":
        """Opens (creating when missing) the ledger at `path` under `policy`, acting as
        `actor` = {"level": "county", "unit": "640422", "person": "张老师", "role": optional}."""
        out = ffi.new("kcbx_ledger **")
        check(lib.kcbx_ledger_open(c_path(path), policy._ptr, *_actor_args(actor), out))
        return cls(ffi.gc(out[0], lib.kcbx_ledger_close))

    @classmethod
    def change_profile(cls, path: PathLike, policy: Policy, actor: Dict[str, str], reason: str) -> "Ledger":
        """Opens the ledger at `path` and records that `policy` is now the profile in force (an
        attributed `profile.changed` event with `reason`). Needs county level or above; a lower
        actor's attempt raises PermissionDenied and is recorded."""
        out = ffi.new("kcbx_ledger **")
        check(lib.kcbx_ledger_change_profile(c_path(path), policy._ptr, *_actor_args(actor), c_string(reason, "reason"), out))
        return cls(ffi.gc(out[0], lib.kcbx_ledger_close))

    @property
    def read_only(self) -> bool:
        """True when the file was opened read-only (read-only file, directory or mount): reading
        operations work, writes raise StorageError."""
        out = ffi.new("int32_t *")
        check(lib.kcbx_ledger_is_read_only(self._ptr, out))
        return bool(out[0])

    def profile(self) -> Dict[str, str]:
        """The profile in force as the ledger records it: {"id", "hash"} (SHA-256 hex)."""
        out = ffi.new("char **")
        status = lib.kcbx_ledger_profile(self._ptr, out)
        text = take_string(out[0])
        check(status)
        return dict(json.loads(text))

    # Calendar, roster, attendance

    def set_calendar_file(self, path: PathLike) -> bool:
        """Sets the school calendar from a calendar JSON file (county level or above); True when it changed."""
        with open(path, encoding="utf-8") as f:
            text = f.read()
        changed = ffi.new("int32_t *")
        check(lib.kcbx_ledger_set_calendar_json(self._ptr, c_string(text, "calendar"), changed))
        return bool(changed[0])

    def import_students_csv(self, path: PathLike) -> Dict[str, Any]:
        """Imports a roster CSV, all or nothing; InvalidInput names row, field and rule."""
        out = ffi.new("char **")
        status = lib.kcbx_ledger_import_students_csv(self._ptr, c_path(path), out)
        report = take_string(out[0])
        check(status)
        return dict(json.loads(report)) if report else {}

    def import_marks(self, students: Sequence[str], dates: Sequence[Any], kinds: Sequence[int]) -> Dict[str, Any]:
        """Imports attendance marks from columns, all or nothing (as import_marks_csv): student keys,
        dates (``datetime.date`` or YYYYMMDD integers; an int32 numpy array is passed without a copy)
        and MarkKind codes (0 present, 1 approved leave, 2 unexcused, 3 late, 4 left early).
        Problems name rows numbered from 1."""
        n = len(students)
        if len(dates) != n or len(kinds) != n:
            raise InvalidInput(f"marks: students, dates and kinds must have the same length ({n}, {len(dates)}, {len(kinds)})")
        if n > 2**31 - 1:
            raise InvalidInput("marks: at most 2,147,483,647 marks a call")
        keep = [ffi.new("char[]", str(s).encode("utf-8")) for s in students]
        keys = ffi.new("char *[]", keep) if n else ffi.NULL
        ds, ks = _int32_column(dates, date_column=True), _int32_column(kinds)
        out = ffi.new("char **")
        status = lib.kcbx_ledger_import_marks(self._ptr, n, keys, ds, ks, out)
        report = take_string(out[0])
        check(status)
        return dict(json.loads(report)) if report else {}

    def import_marks_csv(self, path: PathLike) -> Dict[str, Any]:
        """Imports attendance marks (student,date,kind[,leave_from,leave_to,slip]), all or nothing."""
        out = ffi.new("char **")
        status = lib.kcbx_ledger_import_marks_csv(self._ptr, c_path(path), out)
        report = take_string(out[0])
        check(status)
        return dict(json.loads(report)) if report else {}

    # Sweep, cases, history

    def sweep(self, as_of: _dt.date) -> Dict[str, Any]:
        """Classifies everyone in the actor's area as of `as_of` and opens, promotes or flags cases.
        Running it twice for the same date changes nothing the second time."""
        out = ffi.new("char **")
        status = lib.kcbx_ledger_sweep(self._ptr, date_to_c(as_of, "as_of"), out)
        summary = take_string(out[0])
        check(status)
        return dict(json.loads(summary)) if summary else {}

    def cases(self, **filters: Any) -> List[Dict[str, Any]]:
        """Cases in the actor's area, filtered by keys of docs/ledger.md (status, reason, school, …).
        Student keys are masked unless ``full_ids=True`` is granted (county level or above; recorded)."""
        out = ffi.new("char **")
        f = c_string(json.dumps(filters, ensure_ascii=False), "filter") if filters else ffi.NULL
        status = lib.kcbx_ledger_cases_json(self._ptr, f, out)
        text = take_string(out[0])
        check(status)
        return list(json.loads(text))

    def history(self, case_id: int, full_ids: bool = False) -> List[Dict[str, Any]]:
        """Every event of a case, oldest first, with actor, time, reason and payload; resident IDs
        masked unless ``full_ids`` is granted (county level or above; recorded)."""
        out = ffi.new("char **")
        status = lib.kcbx_ledger_case_history_json(self._ptr, case_id, 1 if full_ids else 0, out)
        text = take_string(out[0])
        check(status)
        return list(json.loads(text))

    def open_case(self, student: str, kind: str, date: _dt.date, note: Optional[str] = None) -> int:
        out = ffi.new("int64_t *")
        check(lib.kcbx_ledger_case_open(self._ptr, c_string(student, "student"), c_string(kind, "kind"),
                                        date_to_c(date, "date"), _opt(note, "note"), out))
        return int(out[0])

    def verify_case(self, case_id: int, reason: str, date: _dt.date, note: Optional[str] = None) -> None:
        check(lib.kcbx_ledger_case_verify(self._ptr, case_id, c_string(reason, "reason"), date_to_c(date, "date"), _opt(note, "note")))

    def dismiss_case(self, case_id: int, why: str, date: _dt.date, note: Optional[str] = None) -> None:
        check(lib.kcbx_ledger_case_dismiss(self._ptr, case_id, c_string(why, "why"), date_to_c(date, "date"), _opt(note, "note")))

    def persuade(self, case_id: int, date: _dt.date, plan: Optional[str] = None, person: Optional[str] = None,
                 note: Optional[str] = None) -> None:
        check(lib.kcbx_ledger_case_persuade(self._ptr, case_id, _opt(plan, "plan"), _opt(person, "person"),
                                            date_to_c(date, "date"), _opt(note, "note")))

    def record_return(self, case_id: int, school: str, placement: str, date: _dt.date, note: Optional[str] = None) -> None:
        check(lib.kcbx_ledger_case_return(self._ptr, case_id, c_string(school, "school"), c_string(placement, "placement"),
                                          date_to_c(date, "date"), _opt(note, "note")))

    def record_action(self, case_id: int, action: str, date: _dt.date, note: Optional[str] = None,
                      department: Optional[str] = None) -> None:
        """Records an action on a case (home_visit, guardian_refusal, education, return_notice, …;
        a referral names its `department`). The four steps are refused out of order (004 二（七）4)."""
        check(lib.kcbx_due_record_action(self._ptr, case_id, c_string(action, "action"), _opt(department, "department"),
                                         date_to_c(date, "date"), _opt(note, "note")))

    def record_student_action(self, student: str, action: str, date: _dt.date, note: Optional[str] = None) -> None:
        """Records guardian_contact, three_line_report, home_visit or note on a child with no case yet."""
        check(lib.kcbx_due_record_student_action(self._ptr, c_string(student, "student"), c_string(action, "action"),
                                                 date_to_c(date, "date"), _opt(note, "note")))

    # Escalation (kcbx.escalation; DOMAIN.md §3)

    def due(self, as_of: _dt.date, states: Optional[Sequence[str]] = None, case_id: Optional[int] = None,
            full_ids: bool = False) -> "List[Obligation]":
        """Obligations as of `as_of` (all states, or those in `states`), of the jurisdiction or of
        one case. Read-only; a past date gives what was due then. Student keys masked unless
        ``full_ids`` is granted (county level or above; recorded)."""
        from .escalation import Obligation
        out = ffi.new("char **")
        full = 1 if full_ids else 0
        if case_id is not None:
            status = lib.kcbx_due_case_json(self._ptr, case_id, date_to_c(as_of, "as_of"), full, out)
        else:
            status = lib.kcbx_due_json(self._ptr, date_to_c(as_of, "as_of"),
                                       c_string(",".join(states), "states") if states else ffi.NULL, full, out)
        text = take_string(out[0])
        check(status)
        items = [Obligation._from(o) for o in json.loads(text)]
        return [o for o in items if o.state in states] if states and case_id is not None else items

    def due_csv(self, path: PathLike, as_of: _dt.date, states: Optional[Sequence[str]] = None, full_ids: bool = False) -> int:
        """Writes the due list as CSV (BOM, Chinese headers, formula cells neutralised; regular files
        only, replaced atomically); returns the row count."""
        rows = ffi.new("int32_t *")
        check(lib.kcbx_due_csv(self._ptr, date_to_c(as_of, "as_of"), c_string(",".join(states), "states") if states else ffi.NULL,
                               1 if full_ids else 0, c_path(path), rows))
        return int(rows[0])

    def escalate(self, as_of: _dt.date, full_ids: bool = False) -> "EscalationSummary":
        """Hands every overdue obligation to the next level (one ledger event each); idempotent.
        Student keys in the summary masked unless ``full_ids`` is granted."""
        from .escalation import EscalationSummary
        out = ffi.new("char **")
        status = lib.kcbx_escalate(self._ptr, date_to_c(as_of, "as_of"), 1 if full_ids else 0, out)
        text = take_string(out[0])
        check(status)
        return EscalationSummary._from(json.loads(text))

    def notice_fields(self, kind: str, student: str, as_of: _dt.date) -> Dict[str, str]:
        """What the ledger knows for a notice about `student` (child, school, absence, deadline, basis)."""
        out = ffi.new("char **")
        status = lib.kcbx_notice_fields_json(self._ptr, c_string(kind, "kind"), c_string(student, "student"),
                                             date_to_c(as_of, "as_of"), out)
        text = take_string(out[0])
        check(status)
        return dict(json.loads(text))

    def exempt(self, case_id: int, exemption: str, opinion: Optional[str], date: _dt.date, note: Optional[str] = None) -> None:
        check(lib.kcbx_ledger_case_exempt(self._ptr, case_id, c_string(exemption, "exemption"), _opt(opinion, "opinion"),
                                          date_to_c(date, "date"), _opt(note, "note")))

    def close_case(self, case_id: int, date: _dt.date, note: Optional[str] = None) -> None:
        """Closes (销号) a returned case; RuleViolation when the child has not yet stayed (稳得住)."""
        check(lib.kcbx_ledger_case_close(self._ptr, case_id, date_to_c(date, "date"), _opt(note, "note")))

    # Exports and integrity

    def export_csv(self, path: PathLike, format: str = "guyuan-attachment-2", full_ids: bool = False,
                   as_of: Optional[_dt.date] = None, **filters: Any) -> int:
        """Writes Guyuan attachment 2 or Baiyin attachment 4 as CSV (BOM); returns the row count."""
        rows = ffi.new("int32_t *")
        f = c_string(json.dumps(filters, ensure_ascii=False), "filter") if filters else ffi.NULL
        check(lib.kcbx_ledger_export_csv(self._ptr, c_string(format, "format"), f, 1 if full_ids else 0,
                                         date_to_c(as_of, "as_of"), c_path(path), rows))
        return int(rows[0])

    # Reports (docs/reports.md)

    def report(self, kind: str, as_of: _dt.date, unit: Optional[str] = None, full_ids: bool = False,
               signing_key: Optional[bytes] = None) -> "Report":
        """A statutory report as the ledger stood on `as_of`: "guyuan-attachment-1" (seed 001 附件1),
        "guyuan-attachment-2", "baiyin-attachment-3" (000 附件3), "baiyin-attachment-4", or "rates"
        (formulas stated, target checked). `unit`: None for the actor's own unit, else "school:<id>",
        "township:<code>", "county:<code>" or a 6-digit region code; PermissionDenied outside the
        actor's jurisdiction (recorded). With `signing_key` (the county's 32-byte Ed25519 key) the
        notes end with the ledger's signed head (`Report.signed_head`) for the level above to keep."""
        from .reports import Report
        out = ffi.new("kcbx_report **")
        check(lib.kcbx_ledger_report(self._ptr, c_string(kind, "kind"), date_to_c(as_of, "as_of"), _opt(unit, "unit"),
                                     1 if full_ids else 0, out))
        if signing_key is not None:
            try:
                check(lib.kcbx_report_sign(out[0], self._ptr, _key(signing_key, "signing_key")))
            except BaseException:
                lib.kcbx_report_free(out[0])
                raise
        return Report._take(out[0])

    def intake(self, findings: Any, as_of: _dt.date, note: Optional[str] = None) -> Dict[str, Any]:
        """Feeds reconciliation findings into the ledger in one attributed call: out_of_school
        findings open out-of-school cases, registered_not_attending ones suspected-dropout cases;
        other kinds are for a person. `findings`: a Reconciliation, its findings Report, or dicts
        with kind and resident_id. Idempotent; returns {"opened", "already_open", "refused", "skipped"}."""
        from .reports import findings_json
        out = ffi.new("char **")
        status = lib.kcbx_ledger_intake_findings_json(self._ptr, c_string(findings_json(findings), "findings"),
                                                      date_to_c(as_of, "as_of"), _opt(note, "note"), out)
        text = take_string(out[0])
        check(status)
        return dict(json.loads(text)) if text else {}

    def head(self) -> tuple:
        """(seq, hash) of the newest event: an anchor to verify against later."""
        seq, h = ffi.new("int64_t *"), ffi.new("char **")
        check(lib.kcbx_ledger_head(self._ptr, seq, h))
        return int(seq[0]), take_string(h[0])

    def verify(self, anchor: Optional[tuple] = None) -> int:
        """Checks the hash chain and the state derived from it; returns the number of events.
        Raises IntegrityError naming the first bad event when the file was edited."""
        events, bad = ffi.new("int64_t *"), ffi.new("int64_t *")
        seq, h = anchor if anchor else (0, None)
        check(lib.kcbx_ledger_verify(self._ptr, seq, _opt(h, "anchor_hash"), events, bad))
        return int(events[0])

    def signed_head(self, private_key: bytes) -> str:
        """The ledger's head (seq, hash, time, unit, profile id and hash) signed with the county's
        32-byte Ed25519 `private_key`, as one JSON line to send upward with a report."""
        out = ffi.new("char **")
        status = lib.kcbx_ledger_signed_head(self._ptr, _key(private_key, "private_key"), out)
        text = take_string(out[0])
        check(status)
        return text

    def verify_heads(self, heads: Union[str, Sequence[str]], public_key: bytes) -> None:
        """Verifies the ledger and that every received head (JSON lines, or a list of them) signed by
        the 32-byte `public_key` is still in it at its seq with the same hash. Raises IntegrityError
        naming the seq of a rolled-back or forked ledger."""
        text = heads if isinstance(heads, str) else "\n".join(heads)
        bad = ffi.new("int64_t *")
        check(lib.kcbx_ledger_verify_heads(self._ptr, c_string(text, "heads"), _key(public_key, "public_key"), bad))


def _actor_args(actor: Dict[str, str]) -> tuple:
    """The actor dict as the C arguments (level, unit, person, role) of kcbx_ledger_open and
    kcbx_ledger_change_profile."""
    for key in ("level", "unit", "person"):
        if key not in actor:
            raise TypeError(f"actor needs '{key}' (level, unit, person[, role])")
    return (c_string(actor["level"], "actor.level"), c_string(actor["unit"], "actor.unit"),
            c_string(actor["person"], "actor.person"), _opt(actor.get("role"), "actor.role"))


def _key(key: bytes, field: str) -> Any:
    from .errors import InvalidInput

    if not isinstance(key, (bytes, bytearray)):
        raise TypeError(f"{field} must be bytes, not {type(key).__name__}")
    if len(key) != 32:
        raise InvalidInput(f"{field}: an Ed25519 key is 32 bytes, got {len(key)}")
    return ffi.new("uint8_t[32]", bytes(key))


def generate_signing_key() -> "tuple[bytes, bytes]":
    """A new Ed25519 key for a county: (private_key, public_key), 32 bytes each. Keep the private
    key secret; give the public key to the level above."""
    priv, pub = ffi.new("uint8_t[32]"), ffi.new("uint8_t[32]")
    check(lib.kcbx_signing_key_generate(priv, pub))
    return bytes(ffi.buffer(priv)), bytes(ffi.buffer(pub))


def signing_public_key(private_key: bytes) -> bytes:
    """The 32-byte public key of a 32-byte Ed25519 private key."""
    pub = ffi.new("uint8_t[32]")
    check(lib.kcbx_signing_key_public(_key(private_key, "private_key"), pub))
    return bytes(ffi.buffer(pub))


def _int32_column(values: Sequence[Any], date_column: bool = False) -> Any:
    """An int32_t[] for C: an int32 numpy array as is (no copy), else converted value by value
    (dates as YYYYMMDD)."""
    if getattr(values, "dtype", None) is not None and str(values.dtype) == "int32" and values.flags["C_CONTIGUOUS"]:
        return ffi.from_buffer("int32_t[]", values)
    if date_column:
        values = [v.year * 10000 + v.month * 100 + v.day if isinstance(v, _dt.date) else int(v) for v in values]
    try:
        return ffi.new("int32_t[]", [int(v) for v in values])
    except OverflowError as e:
        raise InvalidInput(f"marks: {e}") from None
