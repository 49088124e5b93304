"""The ledger (台账): one SQLite file of cases and attributed, hash-chained events
(DOMAIN.md §4; docs/ledger.md). Several processes (a C host, a Python analyst) may share a file.

One convention: a case operation takes the case id first and everything else by keyword
(`ledger.persuade(7, date=..., plan=...)`); policies are a Policy or a profile id, calendars a
Calendar or a calendar file; results are typed (kcbx.records)."""
from __future__ import annotations

import csv
import datetime as _dt
import enum
import json
import os
import tempfile
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ._columns import Column, as_array, date_column, key_column, kind_column, numpy_module
from ._convert import as_policy, kind_code, yyyymmdd
from ._dates import date_to_c
from ._handle import NativeHandle
from ._native import c_path, c_string, call_json, ffi, lib, take_string
from ._tabular import cell_text, is_path, refuse_float_identifiers, table_rows
from .calendar import Calendar
from .enums import CaseKind, CaseStatus, DateEncoding, ImportCount, Reason, SpecialGroup
from .errors import InvalidInput, KcbxError, check
from .policy import Policy
from .records import (
    Actor,
    Case,
    ClosureCheck,
    Event,
    ImportConflict,
    ImportProblem,
    ImportResult,
    IntakeResult,
    LedgerProfile,
    SweepResult,
)

if TYPE_CHECKING:  # pragma: no cover
    from .escalation import EscalationSummary, Obligation
    from .reports import Report
    from .supervision import AuditResult, SpotCheckDraw

PathLike = Union[str, "os.PathLike[str]"]
ActorLike = Union[Actor, Mapping[str, Any]]
PolicyLike = Union[Policy, str]
CalendarLike = Union[Calendar, PathLike]
OneOrMany = Union[Any, Iterable[Any]]

__all__ = ["Ledger", "generate_signing_key", "signing_public_key"]

#: Mark columns of an attendance import, in the order a tuple row gives them.
MARK_COLUMNS = ("student", "date", "kind", "leave_from", "leave_to", "slip")


def _opt(value: Optional[str], field: str) -> Any:
    return ffi.NULL if value is None else c_string(value, field)


def _full(full_ids: bool) -> int:
    return 1 if full_ids else 0


def _labels(value: OneOrMany, field: str) -> List[str]:
    """A filter value given as one value or several: enum members by label, text as is."""
    items: List[Any] = [value] if isinstance(value, (str, int)) or not isinstance(value, Iterable) else list(value)  # pyright: ignore[reportUnknownArgumentType]
    out: List[str] = []
    for v in items:
        if isinstance(v, (CaseStatus, CaseKind)):
            out.append(v.label)
        elif isinstance(v, Reason):
            out.append(v.letter)
        elif isinstance(v, str) and isinstance(v, enum.Enum):  # a str-Enum such as ObligationState: its text
            out.append(str(v.value))
        elif isinstance(v, str):
            out.append(v)
        else:
            raise TypeError(f"{field} must be a str or a kcbx enum (or a list of them), not {type(v).__name__}")
    return out


def case_filter(*, status: Optional[OneOrMany] = None, kind: Optional[OneOrMany] = None, reason: Optional[OneOrMany] = None,
                school_id: Optional[str] = None, township_code: Optional[str] = None,
                group: Union[SpecialGroup, str, None] = None, opened_from: Optional[_dt.date] = None,
                opened_through: Optional[_dt.date] = None, relapse_only: bool = False, open_only: bool = False,
                student: Optional[str] = None, full_ids: bool = False) -> Optional[str]:
    """The filter JSON of kcbx_ledger_cases_json / kcbx_ledger_export_csv (docs/ledger.md)."""
    f: Dict[str, Any] = {}
    for key, value in (("status", status), ("kind", kind), ("reason", reason)):
        if value is not None:
            f[key] = _labels(value, key)
    for key, text in (("school_id", school_id), ("township_code", township_code), ("student", student)):
        if text is not None:
            f[key] = text
    if group is not None:
        f["group"] = group.name.lower() if isinstance(group, SpecialGroup) else group
    for key, day in (("opened_from", opened_from), ("opened_through", opened_through)):
        if day is not None:
            if not isinstance(day, _dt.date):
                raise TypeError(f"{key} must be datetime.date, not {type(day).__name__}")
            f[key] = day.isoformat()
    for key, flag in (("relapse_only", relapse_only), ("open_only", open_only), ("full_ids", full_ids)):
        if flag:
            f[key] = True
    return json.dumps(f, ensure_ascii=False) if f else None


def _arrow_input(obj: Any) -> bool:
    """An Arrow object (pyarrow, polars, DuckDB: the PyCapsule interface) goes to the Arrow import
    (kcbx_ledger_import_*_arrow, docs/arrow.md); a pandas DataFrame keeps the row path."""
    from ._arrow import is_arrow
    return is_arrow(obj) and not (type(obj).__name__ == "DataFrame" and type(obj).__module__.startswith("pandas"))


def _import(fn: Any, *args: Any) -> ImportResult:
    """Runs an import call and reads its kcbx_import_result (counts, conflicts, problems) through
    the typed accessors; a refused batch raises its error with `problems` (every bad field)."""
    out = ffi.new("kcbx_import_result **")
    status = fn(*args, out)
    result = ffi.gc(out[0], lib.kcbx_import_result_free) if out[0] != ffi.NULL else None
    try:
        check(status)
    except KcbxError as e:
        e.problems = _import_rows(result, lib.kcbx_import_result_problems) if result is not None else []
        raise
    if result is None:  # pragma: no cover - the library always gives a result with OK
        raise KcbxError("import: the library returned no result")
    conflicts = [ImportConflict(p.row, p.field, p.rule) for p in _import_rows(result, lib.kcbx_import_result_conflicts)]
    return ImportResult(rows=_import_count(result, ImportCount.ROWS), added=_import_count(result, ImportCount.ADDED),
                        updated=_import_count(result, ImportCount.UPDATED), unchanged=_import_count(result, ImportCount.UNCHANGED),
                        changed=_import_count(result, ImportCount.CHANGED), conflicts=conflicts)


def _import_count(result: Any, which: ImportCount) -> int:
    """One count of a kcbx_import_result (kcbx_import_count)."""
    out = ffi.new("int64_t *")
    check(lib.kcbx_import_result_count(result, int(which), out))
    return int(out[0])


def _import_rows(result: Any, table_fn: Any) -> List[ImportProblem]:
    """The (row, field, rule) table of a kcbx_import_result (its problems or its conflicts), read
    cell by cell through the kcbx_report accessors."""
    out = ffi.new("kcbx_report **")
    check(table_fn(result, out))
    table = ffi.gc(out[0], lib.kcbx_report_free)
    n = ffi.new("int64_t *")
    check(lib.kcbx_report_rows(table, n))

    def cell(row: int, column: int) -> str:
        text = ffi.new("char **")
        status = lib.kcbx_report_cell(table, row, column, text)
        value = take_string(text[0])
        check(status)
        return value

    return [ImportProblem(int(cell(r, 0)), cell(r, 1), cell(r, 2)) for r in range(int(n[0]))]


class Ledger(NativeHandle):
    """A ledger file opened by one actor (unit level, unit code, person). Use as a context
    manager; every change is recorded with the actor, the time and the reason."""

    def __init__(self, _handle: Any) -> None:
        self._handle: Any = _handle

    @classmethod
    def open(cls, path: PathLike, policy: PolicyLike, actor: ActorLike) -> Ledger:
        """Opens (creating when missing) the ledger at `path` under `policy` (a Policy or a
        built-in profile id such as "guyuan-2021"), acting as `actor`: a kcbx.Actor or
        {"level": "county", "unit_code": "640422", "person": "张老师", "role": optional}."""
        out = ffi.new("kcbx_ledger **")
        c_actor, _keep = _c_actor(actor)
        check(lib.kcbx_ledger_open(c_path(path), as_policy(policy)._ptr, c_actor, out))
        return cls(ffi.gc(out[0], lib.kcbx_ledger_free))

    @classmethod
    def change_profile(cls, path: PathLike, policy: PolicyLike, actor: ActorLike, *, reason: str) -> Ledger:
        """Opens the ledger at `path` and records that `policy` (a Policy or a profile id) is now
        the profile in force (an attributed `profile.changed` event with `reason`). Needs county
        level or above; a lower actor's attempt raises PermissionDenied and is recorded."""
        out = ffi.new("kcbx_ledger **")
        c_actor, _keep = _c_actor(actor)
        check(lib.kcbx_ledger_change_profile(c_path(path), as_policy(policy)._ptr, c_actor, c_string(reason, "reason"), out))
        return cls(ffi.gc(out[0], lib.kcbx_ledger_free))

    @property
    def read_only(self) -> bool:
        """True when the file was opened read-only (read-only file, directory or mount): reading
        operations work, writes raise StorageError."""
        out = ffi.new("int32_t *")
        check(lib.kcbx_ledger_is_read_only(self._ptr, out))
        return bool(out[0])

    def profile(self) -> LedgerProfile:
        """The profile in force as the ledger records it: id and hash (SHA-256 hex)."""
        d = call_json(lib.kcbx_ledger_profile, self._ptr)
        return LedgerProfile(str(d["id"]), str(d["hash"]))

    # Calendar, roster, attendance

    def set_calendar(self, calendar: CalendarLike) -> bool:
        """Sets the school calendar (county level or above) from a kcbx.Calendar or a calendar
        JSON file; True when it changed."""
        changed = ffi.new("int32_t *")
        if isinstance(calendar, Calendar):
            check(lib.kcbx_ledger_set_calendar(self._ptr, calendar._ptr, changed))
        elif is_path(calendar):
            with open(calendar, encoding="utf-8") as f:
                text = f.read()
            check(lib.kcbx_ledger_set_calendar_json(self._ptr, c_string(text, "calendar"), changed))
        else:
            raise TypeError(f"calendar must be kcbx.Calendar or a calendar file path, not {type(calendar).__name__}")
        return bool(changed[0])

    def set_calendar_file(self, path: CalendarLike) -> bool:
        """`set_calendar` (a calendar file path or a kcbx.Calendar)."""
        return self.set_calendar(path)

    def import_students(self, students: Any) -> ImportResult:
        """Imports roster rows, all or nothing (columns in docs/ledger.md): a CSV path, an Arrow
        object (pyarrow, polars, DuckDB; docs/arrow.md), a pandas DataFrame, a dict of columns, or
        rows (dicts keyed by column). Identifiers stay text; a float identifier column is refused.
        A bad batch raises InvalidInput naming row, field and rule, with every problem in its
        `problems`."""
        if is_path(students):
            return _import(lib.kcbx_ledger_import_students_csv, self._ptr, c_path(students))
        if _arrow_input(students):
            from ._arrow import input_stream
            stream = input_stream(students, "students")
            return _import(lib.kcbx_ledger_import_students_arrow, self._ptr, stream.ptr)
        rows: List[Dict[str, Any]] = []
        for r in table_rows(students, "students"):
            row: Dict[str, Any] = {}
            for k, v in r.items():
                if isinstance(v, (list, tuple, set, frozenset)):
                    items: List[Any] = list(v)  # pyright: ignore[reportUnknownArgumentType]
                    row[k] = [x.name.lower() if isinstance(x, SpecialGroup) else str(x) for x in items]  # special_groups
                elif isinstance(v, bool) or (isinstance(v, int) and k != "grade"):
                    row[k] = str(v)
                else:
                    text = cell_text(v)
                    if text != "":
                        row[k] = text
            rows.append(row)
        return _import(lib.kcbx_ledger_import_students_json, self._ptr, c_string(json.dumps(rows, ensure_ascii=False), "students"))

    def import_students_csv(self, path: PathLike) -> ImportResult:
        """`import_students` from a CSV file."""
        return self.import_students(os.fspath(path))

    def import_marks(self, marks: Any) -> ImportResult:
        """Imports attendance marks, all or nothing (needs the school calendar): a CSV path
        (student,date,kind[,leave_from,leave_to,slip]), an Arrow object (pyarrow, polars, DuckDB;
        docs/arrow.md), a pandas DataFrame or dict of those
        columns, or rows (dicts, or tuples in that order). `kind` a MarkKind, its code or label;
        dates as datetime.date or "YYYY-MM-DD". Student keys stay text. Arrow objects are read
        record batch by record batch (once: a roster or calendar change during the import is a
        StorageError, import again); numpy columns (student, date as YYYYMMDD integers or
        datetime64, kind codes) go to the library as arrays, without a Python row per mark."""
        if is_path(marks):
            return _import(lib.kcbx_ledger_import_marks_csv, self._ptr, c_path(marks))
        if _arrow_input(marks):
            from ._arrow import input_stream
            stream = input_stream(marks, "marks")
            return _import(lib.kcbx_ledger_import_marks_arrow, self._ptr, stream.ptr)
        arrays = _mark_arrays(marks)
        if arrays is not None:  # numpy columns: C arrays, no row of Python objects per mark
            students, dates, kinds = arrays
            return _import(lib.kcbx_ledger_import_marks, self._ptr, students.length, students.ptr, dates.ptr, kinds.ptr)
        rows = table_rows(marks, "marks", MARK_COLUMNS)
        unknown = {k for r in rows for k in r} - set(MARK_COLUMNS)
        if unknown:
            raise InvalidInput(f"marks: unknown columns {sorted(unknown)} (allowed: {', '.join(MARK_COLUMNS)})")
        if any(r.get(k) not in (None, "") and cell_text(r.get(k)) != "" for r in rows for k in MARK_COLUMNS[3:]):
            return self._import_marks_csv_rows(rows)
        students = [ffi.new("char[]", c_string(_student_text(r.get("student"), f"marks[{i}].student"), f"marks[{i}].student"))
                    for i, r in enumerate(rows)]
        dates = [yyyymmdd(r.get("date"), f"marks[{i}].date") for i, r in enumerate(rows)]
        kinds = [kind_code(r.get("kind"), f"marks[{i}].kind") for i, r in enumerate(rows)]
        n = len(rows)
        return _import(lib.kcbx_ledger_import_marks, self._ptr, n, ffi.new("char *[]", students) if n else ffi.NULL,
                       ffi.new("int32_t[]", dates) if n else ffi.NULL, ffi.new("int8_t[]", kinds) if n else ffi.NULL)

    def _import_marks_csv_rows(self, rows: List[Dict[str, Any]]) -> ImportResult:
        """Marks with leave spans or slips go through the CSV reader (the array call has neither)."""
        with tempfile.TemporaryDirectory(prefix="kcbx-marks-") as tmp:
            path = os.path.join(tmp, "marks.csv")
            with open(path, "w", encoding="utf-8", newline="") as f:
                w = csv.writer(f)
                w.writerow(MARK_COLUMNS)
                for i, r in enumerate(rows):
                    w.writerow([_student_text(r.get("student"), f"marks[{i}].student"), cell_text(r.get("date")),
                                cell_text(r.get("kind")) if isinstance(r.get("kind"), str) else str(kind_code(r.get("kind"), f"marks[{i}].kind")),
                                cell_text(r.get("leave_from")), cell_text(r.get("leave_to")), cell_text(r.get("slip"))])
            return _import(lib.kcbx_ledger_import_marks_csv, self._ptr, c_path(path))

    def import_marks_csv(self, path: PathLike) -> ImportResult:
        """`import_marks` from a CSV file."""
        return self.import_marks(os.fspath(path))

    # Sweep, cases, history, events

    def sweep(self, as_of: _dt.date) -> SweepResult:
        """Classifies everyone in the actor's area as of `as_of` and opens, promotes or flags cases.
        Running it twice for the same date changes nothing the second time."""
        return SweepResult._from(call_json(lib.kcbx_ledger_sweep_json, self._ptr, date_to_c(as_of, "as_of")))

    def cases(self, *, status: Optional[OneOrMany] = None, kind: Optional[OneOrMany] = None,
              reason: Optional[OneOrMany] = None, school_id: Optional[str] = None, township_code: Optional[str] = None,
              group: Union[SpecialGroup, str, None] = None, opened_from: Optional[_dt.date] = None,
              opened_through: Optional[_dt.date] = None, relapse_only: bool = False, open_only: bool = False,
              student: Optional[str] = None, full_ids: bool = False) -> List[Case]:
        """Cases in the actor's area (docs/ledger.md), filtered by `status`, `kind`, `reason` (each
        one value or a list: "returned", kcbx.CaseStatus.RETURNED, ["G", "H"]), `school_id`,
        `township_code`, `group` (special group), `opened_from` / `opened_through`, `relapse_only`,
        `open_only`, `student`. Student keys are masked unless ``full_ids=True`` is granted
        (county level or above; recorded)."""
        f = case_filter(status=status, kind=kind, reason=reason, school_id=school_id, township_code=township_code,
                        group=group, opened_from=opened_from, opened_through=opened_through, relapse_only=relapse_only,
                        open_only=open_only, student=student, full_ids=full_ids)
        return [Case._from(c) for c in call_json(lib.kcbx_ledger_cases_json, self._ptr, ffi.NULL if f is None else c_string(f, "filter"))]

    def case(self, case_id: int) -> Case:
        """One case by id (student key masked); NotFound when there is none."""
        return Case._from(call_json(lib.kcbx_ledger_case_json, self._ptr, _case_id(case_id)))

    def history(self, case_id: Optional[int] = None, *, student: Optional[str] = None, full_ids: bool = False) -> List[Event]:
        """Every event of a case (`history(7)`) or about a student (`history(student=key)`: roster
        changes and cases), oldest first, refusals included; resident IDs masked unless
        ``full_ids`` is granted (county level or above; recorded)."""
        if (case_id is None) == (student is None):
            raise TypeError("history needs a case id or student=, not both")
        if student is not None:
            doc = call_json(lib.kcbx_ledger_student_history_json, self._ptr, c_string(student, "student"), _full(full_ids))
        else:
            doc = call_json(lib.kcbx_ledger_case_history_json, self._ptr, _case_id(case_id), _full(full_ids))
        return [Event._from(e) for e in doc]

    def events(self, *, after: int = 0, limit: int = 1000, full_ids: bool = False) -> List[Event]:
        """The audit trail: events with seq greater than `after` (0: from the start), oldest first,
        at most `limit` (1..100000). County level or above, or a department; resident IDs masked
        unless ``full_ids`` is granted. Read on from the last event's seq to follow the ledger."""
        for name, v in (("after", after), ("limit", limit)):
            if isinstance(v, bool) or not isinstance(v, int):
                raise TypeError(f"{name} must be int, not {type(v).__name__}")
        return [Event._from(e) for e in call_json(lib.kcbx_ledger_events_json, self._ptr, after, limit, _full(full_ids))]

    # Case operations: the case id, then keywords

    def open_case(self, student: str, *, kind: Union[CaseKind, str], date: _dt.date, note: Optional[str] = None) -> int:
        """Opens a case for `student` of `kind` (out_of_school, suspected_dropout, dropout) dated `date`; its id."""
        out = ffi.new("int64_t *")
        k = kind.label if isinstance(kind, CaseKind) else kind
        check(lib.kcbx_ledger_case_open(self._ptr, c_string(student, "student"), c_string(k, "kind"),
                                        date_to_c(_required(date, "date"), "date"), _opt(note, "note"), out))
        return int(out[0])

    def verify_case(self, case_id: int, *, reason: Union[Reason, str], date: _dt.date, note: Optional[str] = None) -> None:
        """Verifies a suspected case with its dropout reason (letter A-T, seed 001 附件1 填表说明3)."""
        r = reason.letter if isinstance(reason, Reason) else reason
        check(lib.kcbx_ledger_case_verify(self._ptr, _case_id(case_id), c_string(r, "reason"),
                                          date_to_c(_required(date, "date"), "date"), _opt(note, "note")))

    def dismiss_case(self, case_id: int, *, why: str, date: _dt.date, note: Optional[str] = None) -> None:
        """Dismisses a suspected case (the child is not out of school) saying why."""
        check(lib.kcbx_ledger_case_dismiss(self._ptr, _case_id(case_id), c_string(why, "why"),
                                           date_to_c(_required(date, "date"), "date"), _opt(note, "note")))

    def persuade(self, case_id: int, *, date: _dt.date, plan: Optional[str] = None, person: Optional[str] = None,
                 note: Optional[str] = None) -> None:
        """Starts persuasion (劝返) on a verified case: the plan (一人一案) and the person responsible."""
        check(lib.kcbx_ledger_case_persuade(self._ptr, _case_id(case_id), _opt(plan, "plan"), _opt(person, "person"),
                                            date_to_c(_required(date, "date"), "date"), _opt(note, "note")))

    def record_return(self, case_id: int, *, school: str, placement: str, date: _dt.date, note: Optional[str] = None) -> None:
        """Records the child's return to `school` with its `placement` (regular_class, …)."""
        check(lib.kcbx_ledger_case_return(self._ptr, _case_id(case_id), c_string(school, "school"), c_string(placement, "placement"),
                                          date_to_c(_required(date, "date"), "date"), _opt(note, "note")))

    def record_action(self, case_id: int, *, action: str, date: _dt.date, note: Optional[str] = None,
                      department: Optional[str] = None) -> None:
        """Records an action on a case (home_visit, guardian_refusal, education, return_notice, …;
        a referral names its `department`). The four steps are refused out of order (004 二（七）4)."""
        check(lib.kcbx_ledger_case_action(self._ptr, _case_id(case_id), c_string(action, "action"), _opt(department, "department"),
                                         date_to_c(_required(date, "date"), "date"), _opt(note, "note")))

    def record_student_action(self, student: str, *, action: str, date: _dt.date, note: Optional[str] = None) -> None:
        """Records guardian_contact, three_line_report, home_visit or note on a child with no case yet."""
        check(lib.kcbx_due_record_student_action(self._ptr, c_string(student, "student"), c_string(action, "action"),
                                                 date_to_c(_required(date, "date"), "date"), _opt(note, "note")))

    def exempt(self, case_id: int, *, exemption: str, opinion: str, date: _dt.date, note: Optional[str] = None) -> None:
        """Puts a case in an exempt state, `exemption` "deferred" (缓学) or "suspended" (休学), with
        the expert panel's written opinion reference `opinion` (seed 002: refused without it)."""
        check(lib.kcbx_ledger_case_exempt(self._ptr, _case_id(case_id), c_string(exemption, "exemption"), c_string(opinion, "opinion"),
                                          date_to_c(_required(date, "date"), "date"), _opt(note, "note")))

    def can_close(self, case_id: int, *, as_of: _dt.date) -> ClosureCheck:
        """Whether the case may be closed (销号) on `as_of`, by the rule `close_case` applies (it must
        be returned; the child attended closure_attended_days of the closure_window_days school
        days since the return and is not away again): a ClosureCheck, true when allowed, with the
        `reasons` why not. Changes nothing."""
        day = _required(as_of, "as_of")
        doc = call_json(lib.kcbx_ledger_closure_check_json, self._ptr, _case_id(case_id), date_to_c(day, "as_of"))
        return ClosureCheck._from(int(case_id), day, doc)

    def close_case(self, case_id: int, *, date: _dt.date, note: Optional[str] = None) -> None:
        """Closes (销号) a returned case; RuleViolation when the child has not yet stayed (稳得住):
        `can_close` says why beforehand."""
        check(lib.kcbx_ledger_case_close(self._ptr, _case_id(case_id), date_to_c(_required(date, "date"), "date"), _opt(note, "note")))

    # Escalation (kcbx.escalation; DOMAIN.md §3)

    def due(self, as_of: _dt.date, *, states: Optional[OneOrMany] = None, case_id: Optional[int] = None,
            full_ids: bool = False) -> List[Obligation]:
        """Obligations as of `as_of` (all states, or those in `states`: one or a list of due, done,
        overdue, escalated), of the jurisdiction or of one case. Read-only; a past date gives what
        was due then. Student keys masked unless ``full_ids`` is granted (county level or above; recorded)."""
        from .escalation import Obligation
        wanted = None if states is None else _labels(states, "states")
        if case_id is not None:
            doc = call_json(lib.kcbx_due_case_json, self._ptr, _case_id(case_id), date_to_c(as_of, "as_of"), _full(full_ids))
        else:
            doc = call_json(lib.kcbx_due_json, self._ptr, date_to_c(as_of, "as_of"),
                            c_string(",".join(wanted), "states") if wanted else ffi.NULL, _full(full_ids))
        items = [Obligation._from(o) for o in doc]
        return [o for o in items if o.state in wanted] if wanted and case_id is not None else items

    def due_csv(self, path: PathLike, as_of: _dt.date, *, states: Optional[OneOrMany] = None, full_ids: bool = False) -> int:
        """Writes the due list as CSV (BOM, Chinese headers, formula cells neutralised; regular files
        only, replaced atomically); returns the row count."""
        rows = ffi.new("int64_t *")
        wanted = None if states is None else _labels(states, "states")
        check(lib.kcbx_due_csv(self._ptr, date_to_c(as_of, "as_of"), c_string(",".join(wanted), "states") if wanted else ffi.NULL,
                               _full(full_ids), c_path(path), rows))
        return int(rows[0])

    def escalate(self, as_of: _dt.date, *, full_ids: bool = False) -> EscalationSummary:
        """Hands every overdue obligation to the next level (one ledger event each); idempotent.
        Student keys in the summary masked unless ``full_ids`` is granted."""
        from .escalation import EscalationSummary
        return EscalationSummary._from(call_json(lib.kcbx_escalate, self._ptr, date_to_c(as_of, "as_of"), _full(full_ids)))

    def notice_fields(self, kind: str, *, student: str, as_of: _dt.date) -> Dict[str, str]:
        """What the ledger knows for a notice about `student` (child, school, absence, deadline, basis)."""
        doc = call_json(lib.kcbx_notice_fields_json, self._ptr, c_string(kind, "kind"), c_string(student, "student"),
                        date_to_c(as_of, "as_of"))
        return {str(k): str(v) for k, v in dict(doc).items()}

    # Exports and integrity

    def export_csv(self, path: PathLike, format: str = "guyuan-attachment-2", *, full_ids: bool = False,
                   as_of: Optional[_dt.date] = None, status: Optional[OneOrMany] = None, kind: Optional[OneOrMany] = None,
                   reason: Optional[OneOrMany] = None, school_id: Optional[str] = None, township_code: Optional[str] = None,
                   group: Union[SpecialGroup, str, None] = None, opened_from: Optional[_dt.date] = None,
                   opened_through: Optional[_dt.date] = None, relapse_only: bool = False, open_only: bool = False,
                   student: Optional[str] = None) -> int:
        """Writes Guyuan attachment 2 or Baiyin attachment 4 as CSV (BOM) of the cases `cases`
        would list with the same filters; returns the row count."""
        rows = ffi.new("int64_t *")
        f = case_filter(status=status, kind=kind, reason=reason, school_id=school_id, township_code=township_code,
                        group=group, opened_from=opened_from, opened_through=opened_through, relapse_only=relapse_only,
                        open_only=open_only, student=student)
        check(lib.kcbx_ledger_export_csv(self._ptr, c_string(format, "format"), ffi.NULL if f is None else c_string(f, "filter"),
                                         _full(full_ids), date_to_c(as_of, "as_of"), c_path(path), rows))
        return int(rows[0])

    # Reports (docs/reports.md)

    def report(self, kind: str, as_of: Optional[_dt.date] = None, *, unit: Optional[str] = None, full_ids: bool = False,
               signing_key: Optional[bytes] = None, date_from: Optional[_dt.date] = None,
               date_to: Optional[_dt.date] = None) -> Report:
        """A statutory report as the ledger stood on `as_of`: "guyuan-attachment-1" (seed 001 附件1),
        "guyuan-attachment-2", "baiyin-attachment-3" (000 附件3), "baiyin-attachment-4", or "rates"
        (formulas stated, target checked). Over a period (`date_from`..`date_to`, both included; with
        only `as_of`, the month of `as_of` up to it): "bulletin" (通报 per unit below, 001 二（二）,
        002 二（二）, 004 三（四）), "bulletin-obligations", "bulletin-duties", "accountability" (五长,
        001 二（六）). `unit`: None for the actor's own unit, else "school:<id>",
        "township:<code>", "county:<code>" or a 6-digit region code; PermissionDenied outside the
        actor's jurisdiction (recorded). With `signing_key` (the county's 32-byte Ed25519 key) the
        notes end with the ledger's signed head (`Report.signed_head`) for the level above to keep."""
        from .reports import Report
        out = ffi.new("kcbx_report **")
        if (date_from is None) != (date_to is None):
            raise InvalidInput("date_from: date_from and date_to go together" if date_from is None
                               else "date_to: date_from and date_to go together")
        if date_from is not None:
            if as_of is not None:
                raise InvalidInput("as_of: give as_of or date_from/date_to, not both")
            check(lib.kcbx_ledger_report_period(self._ptr, c_string(kind, "kind"), date_to_c(date_from, "date_from"),
                                                date_to_c(date_to, "date_to"), _opt(unit, "unit"), _full(full_ids), out))
        else:
            if as_of is None:
                raise InvalidInput("as_of: required (or date_from and date_to)")
            check(lib.kcbx_ledger_report(self._ptr, c_string(kind, "kind"), date_to_c(as_of, "as_of"), _opt(unit, "unit"),
                                         _full(full_ids), out))
        if signing_key is not None:
            try:
                check(lib.kcbx_report_sign(out[0], self._ptr, _key(signing_key, "signing_key")))
            except BaseException:
                lib.kcbx_report_free(out[0])
                raise
        return Report._take(out[0])

    def bulletin(self, date_from: _dt.date, date_to: _dt.date, *, unit: Optional[str] = None) -> Report:
        """The bulletin (通报) for the period: `report("bulletin", date_from=, date_to=)`."""
        return self.report("bulletin", unit=unit, date_from=date_from, date_to=date_to)

    def accountability(self, date_from: _dt.date, date_to: _dt.date, *, unit: Optional[str] = None,
                       full_ids: bool = False) -> Report:
        """The accountability list (五长责任追究清单, 001 二（六）) for the period: each level with an
        overdue obligation on a dropout's case, the obligation, deadline, basis and the heads the
        profile names."""
        return self.report("accountability", unit=unit, full_ids=full_ids, date_from=date_from, date_to=date_to)

    def record_duty_filed(self, duty: str, due: _dt.date, filed_on: _dt.date, *, note: Optional[str] = None) -> None:
        """Records that report duty `duty` (an id of the profile's report duties) due on `due` was
        filed on `filed_on` (one duty.filed event; the bulletin's duty table reads it)."""
        check(lib.kcbx_ledger_record_duty_filed(self._ptr, c_string(duty, "duty"), date_to_c(due, "due"),
                                                date_to_c(filed_on, "filed_on"), _opt(note, "note")))

    # Supervision (台账信息不实, 抽查、入户核查, 中考): kcbx/supervision.py, docs/supervision-audit.md.
    def audit(self, as_of: _dt.date, *, record: bool = True) -> AuditResult:
        """Entries the marks, roster or case history contradict as of `as_of` (seed 002 四（二）),
        each with its evidence. New findings are recorded as audit_finding events unless
        `record=False`; re-running records nothing twice. Township level or above."""
        from .supervision import audit
        return audit(self, as_of, record)

    def spot_check(self, period: str, as_of: _dt.date, *, per_stratum: int = 2, seed: Optional[int] = None,
                   redraw_reason: Optional[str] = None) -> SpotCheckDraw:
        """Draws a reproducible sample of the cases opened by `as_of`, stratified by school and
        status (台账信息抽查, seed 002 四（二）); the seed is recorded with it. A second draw of a
        period raises RuleViolation unless `redraw_reason` is given (recorded; the audit lists it)."""
        from .supervision import spot_check
        return spot_check(self, period, as_of, per_stratum, seed, redraw_reason)

    def record_home_verification(self, case_id: int, *, result: str, date: _dt.date, note: Optional[str] = None) -> int:
        """Records the home verification (入户核查) of a drawn case: "confirmed", "contradicted" or
        "not_reached"; returns the event's seq."""
        from .supervision import record_home_verification
        return record_home_verification(self, case_id, result, date, note)

    def spot_check_summary(self, period: str) -> Report:
        """Per school: drawn, verified, confirmed, contradicted, not reached, share confirmed."""
        from .supervision import spot_check_summary
        return spot_check_summary(self, period)

    def zhongkao_check(self, registrations_csv: PathLike, as_of: _dt.date) -> Report:
        """Grade-9 students enrolled on `as_of` not on the 中考 registration list (seed 001 二（二）),
        with an empty 说明 column for the school to explain."""
        from .supervision import zhongkao_check
        return zhongkao_check(self, registrations_csv, as_of)

    def intake(self, findings: Any, as_of: _dt.date, *, note: Optional[str] = None) -> IntakeResult:
        """Feeds reconciliation findings into the ledger in one attributed call: out_of_school
        findings open out-of-school cases, registered_not_attending ones suspected-dropout cases;
        other kinds are for a person. `findings`: a Reconciliation, its findings Report, or dicts
        with kind and resident_id. Idempotent."""
        from .reports import findings_json
        return IntakeResult._from(call_json(lib.kcbx_ledger_intake_findings_json, self._ptr,
                                            c_string(findings_json(findings), "findings"), date_to_c(as_of, "as_of"),
                                            _opt(note, "note")))

    def head(self) -> Tuple[int, str]:
        """(seq, hash) of the newest event: an anchor to verify against later."""
        seq, h = ffi.new("int64_t *"), ffi.new("char **")
        check(lib.kcbx_ledger_head(self._ptr, seq, h))
        return int(seq[0]), take_string(h[0])

    def verify(self, anchor: Optional[Tuple[int, str]] = None, *, since: Optional[Tuple[int, str]] = None) -> int:
        """Checks the hash chain and the state derived from it; returns the number of events.
        Raises IntegrityError naming the first bad event when the file was edited.

        With `since` (a head kept from an earlier full verify, `head()`), checks only what came
        after it (kcbx_ledger_verify_since): that event still has its hash, and every later event's
        hash, link and seq; returns the number of events checked. It reads nothing before the
        anchor and does not replay the state tables (a daily check costs what the day added)."""
        events, bad = ffi.new("int64_t *"), ffi.new("int64_t *")
        if since is not None:
            if anchor is not None:
                raise TypeError("give anchor or since, not both")
            seq, h = since
            check(lib.kcbx_ledger_verify_since(self._ptr, _anchor_seq(seq), c_string(h, "anchor_hash"), events, bad))
            return int(events[0])
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


def _required(value: Optional[_dt.date], field: str) -> _dt.date:
    if value is None:
        raise TypeError(f"{field} must be datetime.date, not None")
    return value


def _anchor_seq(seq: Any) -> int:
    if isinstance(seq, bool) or not isinstance(seq, int):
        raise TypeError(f"since must be (int seq, str hash), not a {type(seq).__name__} seq")
    if not 0 <= seq < 2**63 - 1:
        raise InvalidInput("since: the anchor's seq must be 0 or the seq of a kept head")
    return seq


def _case_id(case_id: Any) -> int:
    if isinstance(case_id, bool) or not isinstance(case_id, int):
        raise TypeError(f"case_id must be int, not {type(case_id).__name__}")
    return case_id


def _mark_arrays(marks: Any) -> Optional[Tuple[Column, Column, Column]]:
    """A dict of numpy columns or a DataFrame with exactly `student`, `date`, `kind` (keys as
    text or integers, dates as integers YYYYMMDD or datetime64 without NaT, kinds as integer codes
    0-4) as the C arrays of kcbx_ledger_import_marks: the keys in one buffer, the dates and kinds
    numpy arrays (zero-copy when int32 / int8), no row of Python objects per mark. None for
    anything else, which takes the row path (and its errors, word for word)."""
    if isinstance(marks, Mapping):
        given: Mapping[Any, Any] = marks  # pyright: ignore[reportUnknownVariableType]
        cols: Dict[str, Any] = {str(k): v for k, v in given.items()}
    elif hasattr(marks, "columns") and hasattr(marks, "to_dict"):  # a pandas DataFrame
        cols = {str(c): marks[c] for c in marks.columns}
    else:
        return None
    if set(cols) != {"student", "date", "kind"} or numpy_module() is None:
        return None
    s, d, k = as_array(cols["student"]), as_array(cols["date"]), as_array(cols["kind"])
    if s is None or d is None or k is None or not (s.ndim == d.ndim == k.ndim == 1) or not (0 < len(s) == len(d) == len(k)):
        return None
    if s.dtype.kind not in "OUiu" or d.dtype.kind not in "iuM" or k.dtype.kind not in "iu":
        return None
    np = numpy_module()
    if d.dtype.kind == "M" and (bool(np.isnat(d).any()) or d.min() < np.datetime64("0001-01-01") or d.max() > np.datetime64("9999-12-31")):
        return None
    if int(k.min()) < 0 or int(k.max()) > 4:
        return None
    if d.dtype.kind in "iu" and (int(d.min()) < -(2 ** 31) or int(d.max()) >= 2 ** 31):
        return None
    refuse_float_identifiers(s, "marks", "student")
    return (key_column(s.tolist(), lambda i, v: _student_text(v, f"marks[{i}].student")),
            date_column(d, DateEncoding.YYYYMMDD, "marks.date"), kind_column(k, "marks.kind"))


def _student_text(value: Any, field: str) -> str:
    """A student key as text: str as is, an integer as its digits (never a float)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, float)) or value is None:
        raise InvalidInput(f"{field}: {value!r} is not a student key; keys are text (resident ID or L number)")
    if isinstance(value, int) or hasattr(value, "__index__"):
        return str(int(value))
    raise InvalidInput(f"{field}: {value!r} is not a student key")


def _c_actor(actor: ActorLike) -> Tuple[Any, List[Any]]:
    """The actor as the `kcbx_actor` of kcbx_ledger_open and kcbx_ledger_change_profile, and the
    buffers its fields point into (keep them until the call returns)."""
    a = Actor.of(actor)
    c = ffi.new("kcbx_actor *")
    check(lib.kcbx_actor_init(c, lib.KCBX_ACTOR_VERSION))
    keep = [ffi.new("char[]", c_string(a.level, "actor.level")), ffi.new("char[]", c_string(a.unit_code, "actor.unit_code")),
            ffi.new("char[]", c_string(a.person, "actor.person"))]
    c.level, c.unit_code, c.person = keep
    if a.role:
        keep.append(ffi.new("char[]", c_string(a.role, "actor.role")))
        c.role = keep[-1]
    return c, keep


def _key(key: bytes, field: str) -> Any:
    from .errors import InvalidInput

    if not isinstance(key, (bytes, bytearray)):
        raise TypeError(f"{field} must be bytes, not {type(key).__name__}")
    if len(key) != 32:
        raise InvalidInput(f"{field}: an Ed25519 key is 32 bytes, got {len(key)}")
    return ffi.new("uint8_t[32]", bytes(key))


def generate_signing_key() -> tuple[bytes, bytes]:
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
