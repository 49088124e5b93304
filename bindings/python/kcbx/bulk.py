"""Classification of every child in one library call (`classify_many`), from columns: numpy
arrays, pandas Series or DataFrames, dicts of columns, Python sequences or a CSV path. Arrays whose
dtype and layout already match the C types (int32 child rows and dates, int8 kinds) are passed
without a copy."""
from __future__ import annotations

import datetime as _dt
from typing import Any, Mapping, Optional, Sequence, Union

from ._columns import (
    Column,
    as_array,
    child_rows,
    date_column,
    int_column,
    integer_dates,
    kind_column,
    length,
    mark_columns,
    refuse_lossy_identifiers,
    strings,
)
from ._convert import as_calendar, as_policy, yyyymmdd
from ._dates import date_from_c
from ._native import ffi, lib
from .calendar import Calendar
from .enums import DateEncoding, Registration
from .errors import InvalidInput, check, last_error_message
from .facts import ChildFacts, as_facts
from .policy import Policy
from .table import ClassificationTable

__all__ = ["classify_many"]


def classify_many(policy: Union[Policy, str], calendar: Calendar, as_of: _dt.date,
                  child: Any = None, date: Any = None, kind: Any = None, *,
                  leave_from: Any = None, leave_to: Any = None,
                  n_children: Optional[int] = None, child_ids: Any = None,
                  birth_dates: Any = None, grades: Any = None, registrations: Any = None,
                  registration_dates: Any = None, fact_bits: Any = None, group_masks: Any = None,
                  expert_opinions: Optional[Sequence[Optional[str]]] = None,
                  facts: Optional[Sequence[Union[ChildFacts, Mapping[str, Any], None]]] = None,
                  columns: Optional[Mapping[str, str]] = None, date_encoding: Optional[DateEncoding] = None,
                  factorize: Optional[bool] = None, children: Any = None) -> ClassificationTable:
    """Classifies every child in one library call (kcbx_classify_many), from columns.

    Arrow input (docs/arrow.md): `child` may be any object exporting the Arrow PyCapsule
    interface — a pyarrow Table / RecordBatch / RecordBatchReader, a polars DataFrame, a DuckDB
    relation, `pyarrow.parquet.read_table(path)` — with columns child (the child's key: integers
    or text), date (date32 or YYYYMMDD integers), kind (int8 codes or labels) and optional
    leave_from / leave_to; `children` an Arrow table with one row per child (child, birth_date,
    grade, registration, registration_date, fact_bits, group_mask, expert_opinion). The library
    reads the columns in place when their types match (kcbx_classify_arrow_table; `converted`
    names the others). Rows are the children's keys in order (or the rows of `children`).
    A stream of several batches sorted by child — `pq.ParquetFile(path).iter_batches()` (an
    iterator of pyarrow batches is taken as a stream) over a Parquet file written by child —
    is classified batch by batch, each batch released before the next is read, so the file is
    never whole in memory (`table.streamed_batches`); other streams are read whole.

    Marks: `child`, `date`, `kind` (and optionally `leave_from` / `leave_to` approved-leave
    spans), one entry per mark, any order (fastest grouped by child and sorted by date). Each may
    be a numpy array, a pandas Series or a Python sequence; or pass a pandas DataFrame, a dict of
    columns or a CSV path as `child` (columns child/date/kind[/leave_from/leave_to], renamed with
    `columns={"child": "student", ...}`).

    `child` holds child rows 0..n_children-1; non-integer keys (or `factorize=True`) are
    factorized, rows following the sorted keys (`table.keys`). The child column of a CSV file
    holds keys and stays text (a resident ID is never read as a number). `date_encoding`: integer date
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
    pol, cal = as_policy(policy), as_calendar(calendar)
    c_as_of = yyyymmdd(as_of, "as_of")
    child = _batch_iterator_reader(child)
    if _arrow_source(child) or children is not None:
        per_child = (n_children, child_ids, birth_dates, grades, registrations, registration_dates, fact_bits, group_masks,
                     expert_opinions, facts, columns, date_encoding, factorize, leave_from, leave_to, date, kind)
        if any(v is not None for v in per_child):
            raise TypeError("with an Arrow table of marks, give per-child columns as an Arrow table in children= "
                            "(columns child, birth_date, grade, ...); the other keyword columns do not apply")
        return _classify_arrow(pol, cal, c_as_of, child, children)
    cols = mark_columns(child, date, kind, leave_from, leave_to, columns)

    # Marks.
    n_marks = length(cols["child"])
    for key in ("date", "kind", "leave_from", "leave_to"):
        if cols.get(key) is not None and length(cols[key]) != n_marks:
            raise InvalidInput(f"{key}: has {length(cols[key])} entries for {n_marks} marks (child has {n_marks})")
    if date_encoding is None:
        encoding = DateEncoding.YYYYMMDD if integer_dates(cols["date"]) else DateEncoding.DAY_NUMBER
    else:
        encoding = DateEncoding(date_encoding)
    mark_child, keys = child_rows(cols["child"], factorize, "child")
    mark_date = date_column(cols["date"], encoding, "date")
    mark_kind = kind_column(cols["kind"], "kind")
    lf = None if cols.get("leave_from") is None else date_column(cols["leave_from"], encoding, "leave_from")
    lt = None if cols.get("leave_to") is None else date_column(cols["leave_to"], encoding, "leave_to")

    # Children.
    if facts is not None:
        if any(c is not None for c in (birth_dates, grades, registrations, registration_dates, fact_bits, group_masks, expert_opinions)):
            raise TypeError("give either facts or the per-child columns, not both")
        fs = [as_facts(f) for f in facts]
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
    lengths = {k: length(v) for k, v in per_child.items() if v is not None}
    if n_children is None:
        if lengths:
            n_children = next(iter(lengths.values()))
        elif keys is not None:
            n_children = len(keys)
        elif n_marks:
            arr = as_array(cols["child"])
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
        refuse_lossy_identifiers(child_ids, as_array(child_ids), "child_ids")
    c_ids = None if child_ids is None else int_column(child_ids, "int64_t", "child_ids")
    c_birth = None if birth_dates is None else date_column(birth_dates, encoding, "birth_dates")
    c_grades = None if grades is None else int_column(grades, "int8_t", "grades")
    c_regs = None if registrations is None else int_column(registrations, "int8_t", "registrations")
    c_reg_dates = None if registration_dates is None else date_column(registration_dates, encoding, "registration_dates")
    c_facts = None if fact_bits is None else int_column(fact_bits, "uint32_t", "fact_bits")
    c_groups = None if group_masks is None else int_column(group_masks, "uint32_t", "group_masks")
    c_opinions = None if expert_opinions is None else strings(list(expert_opinions), "expert_opinions")

    def ptr(c: Optional[Column]) -> Any:
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


def _batch_iterator_reader(obj: Any) -> Any:
    """An iterator of pyarrow RecordBatches (`pq.ParquetFile(path).iter_batches()`) as a
    RecordBatchReader, which streams; anything else as it is. pyarrow is imported only when the
    batches are pyarrow's own."""
    import itertools
    if obj is None or not hasattr(obj, "__next__") or hasattr(obj, "__arrow_c_stream__"):
        return obj
    try:
        first = next(obj)
    except StopIteration:
        return []
    if not type(first).__module__.startswith("pyarrow") or not hasattr(first, "schema"):
        return itertools.chain([first], obj)   # not batches: the columns path sees every value
    import pyarrow as pa  # the batches are pyarrow's, so pyarrow is there
    return pa.RecordBatchReader.from_batches(first.schema, itertools.chain([first], obj))  # pyright: ignore


def _arrow_source(obj: Any) -> bool:
    """An Arrow object for the Arrow path: a pandas DataFrame keeps its numpy path (row
    indexes in `child`, as before) unless the caller asks for Arrow through `children`."""
    from ._arrow import is_arrow
    return is_arrow(obj) and not (type(obj).__name__ == "DataFrame" and type(obj).__module__.startswith("pandas"))


def _classify_arrow(pol: Policy, cal: Calendar, c_as_of: int, marks: Any, children: Any) -> ClassificationTable:
    from ._arrow import input_stream, schema_metadata, text_column
    if marks is None:
        raise TypeError("classify_many needs the marks (an Arrow table) when children= is given")
    m = input_stream(marks, "marks")
    c = None if children is None else input_stream(children, "children")
    out = ffi.new("kcbx_table **")
    status = lib.kcbx_classify_arrow_table(pol._ptr, cal._ptr, c_as_of, m.ptr, ffi.NULL if c is None else c.ptr, out)
    one_batch = getattr(marks, "combine_chunks", None) or getattr(marks, "rechunk", None)
    if status == lib.KCBX_STATUS_INVALID_INPUT and children is None and one_batch is not None \
            and "must stay sorted" in last_error_message():
        # An in-memory table whose chunks are sorted one by one but not as a whole (two sorted
        # files concatenated): classified again as one batch, read whole (docs/arrow.md).
        return _classify_arrow(pol, cal, c_as_of, one_batch(), None)
    check(status)
    handle = ffi.gc(out[0], lib.kcbx_table_free)
    stream = ffi.gc(lib.kcbx_py_stream_new(), lib.kcbx_py_stream_free)
    check(lib.kcbx_table_to_arrow(handle, stream))
    meta = schema_metadata(stream)
    converted = tuple(x for x in meta.get("kcbx:converted", "").split(",") if x)
    keys = text_column(stream, 0)
    day = date_from_c(c_as_of)
    if day is None:
        raise InvalidInput("as_of: not a date")
    streamed = int(meta.get("kcbx:streamed_batches", "0") or 0)
    return ClassificationTable(handle, day, keys, converted, streamed)
