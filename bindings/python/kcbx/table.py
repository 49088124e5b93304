"""The result of `classify_many`: a ClassificationTable (one row per child, kept by the library
column by column) and its rows."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple, Union

from ._dates import date_from_c
from ._handle import NativeHandle
from ._native import ffi, lib
from .enums import INT32_MIN, Alert, ChildStatus, DateEncoding, Reason, RiskFlag, Rule, TableColumn
from .errors import check

__all__ = ["TableRow", "TableConflict", "ClassificationTable"]


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
                 converted: Tuple[str, ...] = (), streamed_batches: int = 0) -> None:
        self._handle: Any = _handle
        self.as_of = as_of
        self.keys: Optional[List[Any]] = keys  # the child keys by row, when `child` was factorized
        self.converted: Tuple[str, ...] = converted  # input columns that had to be copied/converted
        # Arrow record batches classified one at a time as they arrived (0: the input was taken whole).
        self.streamed_batches = streamed_batches
        n = ffi.new("int64_t *")
        check(lib.kcbx_table_rows(_handle, n))
        self._rows = int(n[0])

    def __len__(self) -> int:
        return self._rows

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The table as an Arrow stream (PyCapsule interface, kcbx_table_to_arrow):
        `pyarrow.table(t)`, `polars.from_arrow(t)`, `duckdb.sql("from t")`. Columns: child
        (int64 ids, or text keys), status and rule (dictionaries of labels), since and
        streak_start (date32, null for none), alerts, risk_flags, the streak and term counts,
        proposed_reason (A-T, null for none)."""
        from ._arrow import export_capsule
        return export_capsule(lambda stream: check(lib.kcbx_table_to_arrow(self._ptr, stream)))

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
            out[arr == INT32_MIN] = np.datetime64("NaT")
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
        position = int(list(df.columns).index("status")) + 1
        df.insert(position, "status_label", pd.Categorical.from_codes(data["status"], categories=labels))  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]
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

        return make_row(value(TableColumn.CHILD_ID), {c: value(c) for c in _ROW_COLUMNS})

    def rows(self) -> List[TableRow]:
        """Every row as a TableRow (dates as datetime.date)."""
        cols = {c: self._raw_column(c) for c in _ROW_COLUMNS}
        ids = ffi.new("int64_t[]", max(self._rows, 1))
        check(lib.kcbx_table_copy_child_ids(self._ptr, ids, self._rows))
        cache: Dict[int, Optional[_dt.date]] = {0: None}
        out: List[TableRow] = []
        for r in range(self._rows):
            cells = {c: cols[c][r] for c in _ROW_COLUMNS}
            for c in (TableColumn.SINCE, TableColumn.STREAK_START):
                v = cells[c]
                if v not in cache:
                    cache[v] = date_from_c(v)
            out.append(make_row(ids[r], cells, cache))
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
        found: List[TableConflict] = []
        for k in range(self.conflict_count):
            check(lib.kcbx_table_conflict(self._ptr, k, row, day, replaced, kept))
            check(lib.kcbx_table_value(self._ptr, row[0], int(TableColumn.CHILD_ID), cid))
            d = date_from_c(day[0])
            assert d is not None
            found.append(TableConflict(int(row[0]), int(cid[0]), d, int(replaced[0]), int(kept[0])))
        return found


def make_row(child_id: int, cells: Mapping[TableColumn, int], cache: Optional[Dict[int, Optional[_dt.date]]] = None) -> TableRow:
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
