"""Report tables (the seeds' own layouts) and 四查三比对 reconciliation."""
from __future__ import annotations

import datetime as _dt
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from ._dates import date_to_c
from ._native import c_path, c_string, ffi, lib, take_string
from ._tabular import IDENTIFIER_COLUMNS, cell_text, refuse_float_identifiers
from .errors import check

PathLike = Union[str, "os.PathLike[str]"]

__all__ = ["Report", "Reconciliation", "reconcile"]


Cell = Union[str, int]
"""A report cell: a count is an int, everything else (identifiers, codes, dates, rates) text."""

_COUNT = re.compile(r"^-?\d{1,7}$")
# Columns whose digits are identifiers or codes, never counts.
TEXT_COLUMNS = frozenset({"身份证号", "学籍号", "乡镇（街道）", "户籍所在地", "出生日期", "学校", "就读学校", "劝返后就读学校",
                          "学校代码", "学校标识", "乡镇代码", "区划代码", "户籍地代码", "学号", "编号", "案件编号"})


def cell_value(header: str, text: str) -> Cell:
    """A report cell as data: counts (digits in a column that is not an identifier or code
    column) become int, everything else stays text. The one rule for Report rows and Excel."""
    if header not in TEXT_COLUMNS and _COUNT.match(text):
        return int(text)
    return text


SIGNED_HEAD_PREFIX = "台账签名头 signed head: "
"""The note before a report's signed head (Ledger.signedHeadNotePrefix in the core)."""


@dataclass(frozen=True)
class Report:
    """A table as KCBX reports it: title, unit (填报单位), as-of date (填报日期), headers and
    text cells (Chinese headers as in the seeds), and notes (填表说明, formulas, interpretations)."""
    headers: List[str]
    rows: List[List[Cell]] = field(default_factory=lambda: list[List[Cell]]())
    title: str = ""
    unit: str = ""
    as_of: Optional[_dt.date] = None
    notes: List[str] = field(default_factory=lambda: list[str]())
    # The library's table (kcbx_report *) while it lives, for the Arrow export; not compared.
    _native: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def _take(cls, handle: Any) -> Report:
        """Copies a kcbx_report out of the library (one JSON call); the handle is kept (freed
        with the Report) for `__arrow_c_stream__`."""
        handle = ffi.gc(handle, lib.kcbx_report_free)
        out = ffi.new("char **")
        status = lib.kcbx_report_json(handle, out)
        text = take_string(out[0])
        check(status)
        d = json.loads(text)
        as_of = _dt.date.fromisoformat(d["as_of"]) if d.get("as_of") else None
        headers = [str(h) for h in d["columns"]]
        rows = [[cell_value(headers[i] if i < len(headers) else "", str(c)) for i, c in enumerate(r)] for r in d["rows"]]
        return cls(headers=headers, rows=rows, title=d.get("title", ""),
                   unit=d.get("unit", ""), as_of=as_of, notes=list(d.get("notes", [])), _native=handle)

    def __getstate__(self) -> Dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_native"}

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self.__dict__.update(state)
        object.__setattr__(self, "_native", None)

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The table as an Arrow stream (PyCapsule interface): `pyarrow.table(report)`,
        `polars.from_arrow(report)`, `duckdb.sql("from report")`. Numeric columns are int64
        (float64 when fractional), the others text; title, unit, as-of and notes in the schema
        metadata (kcbx:title, ...). Only for reports the library made."""
        from ._arrow import export_capsule
        if self._native is None:
            raise TypeError("this Report was not made by the library (or was unpickled); it has no Arrow export")
        return export_capsule(lambda stream: check(lib.kcbx_report_to_arrow(self._native, stream)))

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Dict[str, Cell]]:
        """Rows as dicts keyed by header."""
        for r in self.rows:
            yield dict(zip(self.headers, r))

    @property
    def signed_head(self) -> Optional[str]:
        """The ledger's signed head this report carries (one JSON line for the level above to keep
        and check with `Ledger.verify_heads`), or None when the report was not signed."""
        for note in self.notes:
            if note.startswith(SIGNED_HEAD_PREFIX):
                return note[len(SIGNED_HEAD_PREFIX):]
        return None

    def column(self, name: str) -> List[Cell]:
        i = self.headers.index(name)
        return [r[i] for r in self.rows]

    def row(self, first_cell: str) -> Dict[str, Cell]:
        """The row whose first cell is `first_cell` (e.g. "合计" or "入学率"), as a dict."""
        for r in self:
            if r[self.headers[0]] == first_cell:
                return r
        raise KeyError(first_cell)

    def to_csv(self, path: PathLike) -> None:
        """Writes UTF-8 CSV with a BOM (headers, then rows), so Excel shows the Chinese text."""
        import csv
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(self.headers)
            w.writerows(self.rows)

    def to_dict(self) -> Dict[str, Any]:
        """Everything as plain data (the library's JSON layout)."""
        return {"title": self.title, "unit": self.unit, "as_of": self.as_of.isoformat() if self.as_of else None,
                "columns": list(self.headers), "rows": [list(r) for r in self.rows], "notes": list(self.notes)}

    def to_dataframe(self) -> Any:
        """A pandas DataFrame (pandas is optional; imported only here). Title, unit, date and notes
        are in `df.attrs`."""
        import pandas as pd
        df = pd.DataFrame(self.rows, columns=self.headers)
        df.attrs.update({"title": self.title, "unit": self.unit, "as_of": self.as_of, "notes": list(self.notes)})
        return df

    def to_excel(self, path: PathLike, sheet: Optional[str] = None) -> None:
        """Writes an Excel workbook laid out like the seed's attachment (needs openpyxl:
        `pip install kcbx[excel]`): the title centred over the table, 填报单位 and 填报日期, the
        headers (with 其中：辍学学生分类 spanning the letters A–T, as in seed 001 附件1), the rows
        (counts as numbers; IDs and codes stay text), then 填表说明 with the notes and formulas."""
        from ._excel import write_report
        write_report(self, path, sheet)


@dataclass(frozen=True)
class Reconciliation:
    """The four counts of 四查 (summary) and every finding of the three comparisons."""
    summary: Report
    findings: Report

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The findings as an Arrow stream: `pyarrow.table(result)`, `polars.DataFrame(result)`."""
        return self.findings.__arrow_c_stream__(requested_schema)

    def of_kind(self, kind: str) -> List[Dict[str, Cell]]:
        """Findings of one kind (out_of_school, registered_not_attending, near_match, …)."""
        return [f for f in self.findings if f["类别"] == kind]

    def count(self, label: str) -> int:
        """A summary count by its label (e.g. "户籍适龄儿童少年数" or a finding kind)."""
        for item in self.summary:
            if item["项目"] == label:
                return int(item["数量"])
        raise KeyError(label)


ProgressCallback = Callable[[str, int, int], None]


# A CSV path, a pandas DataFrame, a dict of columns, or (ID lists) an iterable of resident IDs.
Source = Union[str, "os.PathLike[str]", Any]


def reconcile(household: Source, students: Source, as_of: _dt.date, *, region: str,
              attending: Optional[Source] = None, poverty: Optional[Source] = None,
              three_kinds: Optional[Source] = None, dropouts: Optional[Source] = None,
              progress: Optional[ProgressCallback] = None, census: Optional[Source] = None,
              disabled: Optional[Source] = None, left_behind: Optional[Source] = None) -> Reconciliation:
    """四查三比对 (seed 004 二（二）) over the registry extracts (columns in docs/data-formats.md).

    `region` is the 6-digit code of the county (or city, province) whose children are reconciled;
    there is no default jurisdiction.

    Each input is a CSV path, or columnar data: a pandas DataFrame or a dict of equal-length
    columns with the documented column names; the ID lists (attending, poverty, three_kinds,
    dropouts, disabled, left_behind) may also be any iterable of resident IDs. Columnar inputs
    cross into the library as temporary UTF-8 CSV files in those column sets.

    `census` is the township census of school-age children (household columns): children the
    household registry lacks are compared too. `disabled` and `left_behind` are ID lists: those
    children are named in their findings and counted in the summary (seed 000 四（二）（三）).

    Arrow (docs/arrow.md): any input may also be an object exporting the Arrow PyCapsule
    interface — a pyarrow Table or RecordBatchReader (`pq.ParquetFile(p).iter_batches()` through
    `pa.RecordBatchReader.from_batches`), a polars DataFrame, a DuckDB relation — with the same
    columns (text, integers for codes, dates as date32 or ISO text). Then the registries are read
    batch by batch straight into the library's columns (kcbx_reconcile_arrow, no CSV file in
    between); inputs beside them that are CSV paths, DataFrames, dicts or ID iterables cross as
    text columns. Results equal the CSV path's on the same data; `pyarrow.table(result)` (the
    findings), `polars.from_arrow(result.summary)` and `duckdb.sql("from findings")` read them.

    Identity conflicts and near matches are reported for a person to resolve, never joined.
    `progress(phase, done, total)` (optional) is called from inside the run: phase "read" as the input
    files are read (files done / total), then "household", "students", "out_of_school" every 100,000 records and at each
    phase's end, and "poverty" once. An exception raised by `progress` is re-raised after the run.
    Raises InvalidInput naming the file, row and column for bad data, NotFound for a missing file.
    """
    inputs: List[Tuple[str, Any, bool]] = [
        ("household", household, False), ("students", students, False), ("attending", attending, True),
        ("poverty", poverty, True), ("three_kinds", three_kinds, True), ("dropouts", dropouts, True),
        ("census", census, False), ("disabled", disabled, True), ("left_behind", left_behind, True)]
    if any(_arrow_input(v) for _, v, _ in inputs):
        return _reconcile_arrow(inputs, as_of, region, progress)
    with tempfile.TemporaryDirectory(prefix="kcbx-reconcile-") as tmp:
        def src(value: Any, name: str, id_list: bool = False) -> Any:
            p = _as_csv(value, name, tmp, id_list)
            return ffi.NULL if p is None else c_path(p, name)

        return _reconcile(src(household, "household"), src(students, "students"), as_of, region,
                          [src(attending, "attending", True), src(poverty, "poverty", True),
                           src(three_kinds, "three_kinds", True), src(dropouts, "dropouts", True),
                           src(census, "census"), src(disabled, "disabled", True), src(left_behind, "left_behind", True)],
                          progress)


def _arrow_input(value: Any) -> bool:
    """An Arrow object for the Arrow path (pandas DataFrames and Series keep the CSV path and its
    checks of float identifiers)."""
    from ._arrow import is_arrow
    return is_arrow(value) and not type(value).__module__.startswith("pandas")


def _reconcile_arrow(inputs: List[Tuple[str, Any, bool]], as_of: _dt.date, region: str,
                     progress: Optional[ProgressCallback]) -> Reconciliation:
    """kcbx_reconcile_arrow: Arrow inputs as they are, the others as text columns."""
    from ._arrow import TextStream, input_stream
    streams: Dict[str, Any] = {}
    # DuckDB streams one result per connection at a time: several relations are read into Arrow
    # tables first (DuckDB's to_arrow_table), the only way to hold them open together.
    relations = [n for n, v, _ in inputs if type(v).__module__.startswith("duckdb") and hasattr(v, "to_arrow_table")]
    if len(relations) > 1:
        inputs = [(n, v.to_arrow_table() if n in relations else v, i) for n, v, i in inputs]
    for name, value, id_list in inputs:
        if value is None:
            streams[name] = None
        elif _arrow_input(value):
            streams[name] = input_stream(value, name)
        else:
            header, rows = _as_rows(value, name, id_list)
            columns: Dict[str, List[str]] = {h: [] for h in header}
            for r in rows:
                for h, v in zip(header, r):
                    columns[h].append(cell_text(v))
            streams[name] = TextStream(columns, name)

    def ptr(name: str) -> Any:
        s = streams[name]
        return ffi.NULL if s is None else s.ptr

    def call(callback: Any, findings: Any, summary: Any) -> int:
        options = ffi.new("kcbx_reconcile_arrow_options *")
        check(lib.kcbx_reconcile_arrow_options_init(options, lib.KCBX_RECONCILE_ARROW_OPTIONS_VERSION))
        (options.attending, options.poverty, options.three_kinds, options.dropouts, options.census, options.disabled,
         options.left_behind) = (ptr(n) for n in ("attending", "poverty", "three_kinds", "dropouts", "census", "disabled", "left_behind"))
        options.progress = callback
        return int(lib.kcbx_reconcile_arrow(c_string(region, "region"), date_to_c(as_of, "as_of"), ptr("household"), ptr("students"),
                                            options, findings, summary))

    return _run_reconcile(call, progress)


def _as_rows(value: Any, name: str, id_list: bool) -> Tuple[List[str], Iterable[Sequence[Any]]]:
    """The header and rows of a CSV path, a pandas DataFrame, a dict of columns or (ID lists) an
    iterable of IDs. Identifier columns given as floats are refused (InvalidInput naming the
    column and dtype)."""
    import csv
    if isinstance(value, (str, os.PathLike)):
        with open(os.fspath(value), encoding="utf-8-sig", newline="") as f:  # pyright: ignore[reportUnknownArgumentType]
            table = list(csv.reader(f))
        return (table[0] if table else []), table[1:]
    data: Any = value
    if hasattr(data, "to_csv") and hasattr(data, "columns"):  # a pandas DataFrame
        for column in data.columns:
            if str(column) in IDENTIFIER_COLUMNS:
                refuse_float_identifiers(data[column], name, str(column))
        header = [str(c) for c in data.columns]
        return header, data.itertuples(index=False, name=None)
    return _mapping_rows(data, name, id_list)


def _as_csv(value: Any, name: str, tmp: str, id_list: bool) -> Optional[str]:
    """A path for `value`: itself when it is one, else a temporary CSV of its columns. Identifier
    columns given as floats are refused (InvalidInput naming the column and dtype)."""
    import csv
    if value is None:
        return None
    if isinstance(value, (str, os.PathLike)):
        return os.fspath(value)  # pyright: ignore[reportUnknownArgumentType]
    path = os.path.join(tmp, f"{name}.csv")
    data: Any = value
    if hasattr(data, "to_csv") and hasattr(data, "columns"):  # a pandas DataFrame
        for column in data.columns:
            if str(column) in IDENTIFIER_COLUMNS:
                refuse_float_identifiers(data[column], name, str(column))
        data.to_csv(path, index=False, encoding="utf-8")
        return path
    header, rows = _mapping_rows(data, name, id_list)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            w.writerow([cell_text(v) for v in r])
    return path


def _mapping_rows(data: Any, name: str, id_list: bool) -> Tuple[List[str], Iterable[Sequence[Any]]]:
    """Header and rows of a dict of columns, or of an iterable of IDs (`id_list`)."""
    rows: Iterable[Sequence[Any]]
    if isinstance(data, Mapping):
        mapping: Mapping[Any, Any] = data  # pyright: ignore[reportUnknownVariableType]
        for column, values in mapping.items():
            if str(column) in IDENTIFIER_COLUMNS and hasattr(values, "dtype"):
                refuse_float_identifiers(values, name, str(column))
        columns: Dict[str, List[Any]] = {str(k): list(v) for k, v in mapping.items()}
        for column in IDENTIFIER_COLUMNS:
            if column in columns:
                refuse_float_identifiers(columns[column], name, column)
        lengths = {len(v) for v in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"{name}: columns have different lengths {sorted(lengths)}")
        rows = zip(*columns.values())
        header = list(columns)
    elif id_list:
        ids: Any = data if hasattr(data, "dtype") else list(data)
        refuse_float_identifiers(ids, name, "resident_id")
        rows, header = ([str(v)] for v in ids), ["resident_id"]
    else:
        raise TypeError(f"{name} must be a CSV path, a pandas DataFrame, a dict of columns or an Arrow table, "
                        f"not {type(data).__name__}")
    return header, rows


def _reconcile(household: Any, students: Any, as_of: _dt.date, region: str, lists: List[Any],
               progress: Optional[ProgressCallback]) -> Reconciliation:
    def call(callback: Any, findings: Any, summary: Any) -> int:
        options = ffi.new("kcbx_reconcile_options *")
        check(lib.kcbx_reconcile_options_init(options, lib.KCBX_RECONCILE_OPTIONS_VERSION))
        # Struct fields take C buffers, kept alive here until the call returns.
        paths = [ffi.new("char[]", p) if isinstance(p, bytes) else ffi.NULL for p in lists]
        (options.attending_csv, options.poverty_csv, options.three_kinds_csv, options.dropouts_csv, options.census_csv,
         options.disabled_csv, options.left_behind_csv) = paths
        options.progress = callback
        return int(lib.kcbx_reconcile_csv(c_string(region, "region"), date_to_c(as_of, "as_of"), household, students, options,
                                          findings, summary))

    return _run_reconcile(call, progress)


def _run_reconcile(call: Callable[[Any, Any, Any], int], progress: Optional[ProgressCallback]) -> Reconciliation:
    """Runs `call(progress callback, out findings, out summary)` (kcbx_reconcile_csv or _arrow)."""
    failure: List[BaseException] = []

    def on_progress(phase: Any, done: int, total: int, _user: Any) -> None:
        if failure or progress is None:
            return
        try:
            progress(ffi.string(phase).decode("utf-8"), int(done), int(total))
        except BaseException as e:
            failure.append(e)

    callback = ffi.NULL if progress is None else ffi.callback("kcbx_progress_fn", on_progress)
    findings, summary = ffi.new("kcbx_report **"), ffi.new("kcbx_report **")
    check(call(callback, findings, summary))
    result = Reconciliation(summary=Report._take(summary[0]), findings=Report._take(findings[0]))
    if failure:
        raise failure[0]
    return result


def findings_json(findings: Any) -> str:
    """Findings as the JSON kcbx_ledger_intake_findings_json reads: from a Reconciliation, its
    findings Report (columns 类别, 身份证号, 姓名, 情况), or dicts with kind and resident_id."""
    if isinstance(findings, Reconciliation):
        findings = findings.findings
    if isinstance(findings, Report):
        items = [{"kind": r["类别"], "resident_id": r["身份证号"], "name": r.get("姓名", ""), "detail": r.get("情况", "")}
                 for r in findings]
    else:
        items = [{k: v for k, v in dict(f).items() if k in ("kind", "resident_id", "name", "detail")} for f in findings]
    return json.dumps(items, ensure_ascii=False)
