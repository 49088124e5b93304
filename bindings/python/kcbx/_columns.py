"""Bulk input columns for `classify_many`: numpy arrays, pandas Series or Python sequences as C
arrays (zero-copy when dtype and layout already match), child keys factorized, identifiers never
floats, the mark columns of a CSV file or DataFrame. numpy and pandas are optional."""
from __future__ import annotations

import csv
import datetime as _dt
import os
import sys
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ._convert import is_missing, kind_code, parse_date_text
from ._native import c_string, ffi
from .enums import DateEncoding
from .errors import InvalidInput

PathLike = Union[str, "os.PathLike[str]"]


def numpy_module() -> Any:
    """numpy if the caller has imported it (an array can only come from a loaded numpy)."""
    return sys.modules.get("numpy")


def as_array(values: Any) -> Any:
    """`values` as a numpy array when it is one (or a pandas Series / Index), else None."""
    np = numpy_module()
    if np is None or isinstance(values, (list, tuple, range, str, bytes)):
        return None
    if isinstance(values, np.ndarray):
        return values
    if hasattr(values, "__array__") and hasattr(values, "dtype"):
        return np.asarray(values)
    return None


@dataclass
class Column:
    """A C array argument: the pointer, what keeps its memory alive, and whether it was copied."""
    ptr: Any
    keep: Any
    length: int
    converted: bool


CTYPES = {"int32_t": ("int32", -(2 ** 31), 2 ** 31 - 1), "int8_t": ("int8", -128, 127),
           "int64_t": ("int64", -(2 ** 63), 2 ** 63 - 1), "uint32_t": ("uint32", 0, 2 ** 32 - 1)}


def from_numpy(arr: Any, ctype: str, field_: str) -> Column:
    """An integer numpy column: zero-copy when the dtype and layout match, else converted."""
    np = numpy_module()
    dtype, lo, hi = CTYPES[ctype]
    if arr.ndim != 1:
        raise InvalidInput(f"{field_}: must be one-dimensional, got shape {arr.shape}")
    target = np.dtype(dtype)
    if arr.dtype == target and arr.flags.c_contiguous:
        return Column(ffi.from_buffer(f"{ctype}[]", arr), arr, len(arr), False)
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
    return Column(ffi.from_buffer(f"{ctype}[]", conv), conv, len(conv), True)


def from_values(values: List[int], ctype: str) -> Column:
    buf = ffi.new(f"{ctype}[]", values) if values else ffi.NULL
    return Column(buf, buf, len(values), True)


def int_column(values: Any, ctype: str, field_: str) -> Column:
    """An integer input column (child rows, grades, registrations, bits, ids)."""
    arr = as_array(values)
    if arr is not None and arr.dtype.kind in "iubf":
        return from_numpy(arr, ctype, field_)
    _, lo, hi = CTYPES[ctype]
    out: List[int] = []
    for i, v in enumerate(values if arr is None else arr.tolist()):
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, bool) or not (isinstance(v, int) or hasattr(v, "__index__")):
            raise InvalidInput(f"{field_}[{i}]: {v!r} is not an integer")
        v = int(v)
        if not lo <= v <= hi:
            raise InvalidInput(f"{field_}[{i}]: {v} is out of range for {ctype}")
        out.append(v)
    return from_values(out, ctype)


def kind_column(values: Any, field_: str) -> Column:
    """Mark kinds as int8: codes (checked by the library) or labels (checked here)."""
    arr = as_array(values)
    if arr is not None and arr.dtype.kind in "iuf":
        return from_numpy(arr, "int8_t", field_)
    items = values if arr is None else arr.tolist()
    out: List[int] = []
    for i, v in enumerate(items):
        if isinstance(v, int) and not isinstance(v, bool) and -128 <= v <= 127:
            out.append(v)  # a code: the library checks it and names the mark
        else:
            out.append(kind_code(v, f"{field_}[{i}]"))
    return from_values(out, "int8_t")


def encode_date(d: _dt.date, encoding: DateEncoding) -> int:
    if encoding is DateEncoding.DAY_NUMBER:
        return d.toordinal() - 719163  # date(1970, 1, 1).toordinal()
    return d.year * 10000 + d.month * 100 + d.day


def date_column(values: Any, encoding: DateEncoding, field_: str) -> Column:
    """A date input column in `encoding`. Integer columns are taken to be in that encoding
    already (zero-copy for contiguous int32); datetime64, date objects and "YYYY-MM-DD" text are
    converted; None / NaN / NaT mean "no date"."""
    np = numpy_module()
    arr = as_array(values)
    if arr is not None and arr.dtype.kind in "iu":
        return from_numpy(arr, "int32_t", field_)
    if arr is not None and arr.dtype.kind == "f":  # integers with NaN for "no date" (pandas)
        arr = np.where(np.isnan(arr), float(encoding.none), arr)
        col = from_numpy(arr, "int32_t", field_)
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
        col = from_numpy(out, "int32_t", field_)
        col.converted = True
        return col
    items = values if arr is None else arr.tolist()
    out_list: List[int] = []
    for i, v in enumerate(items):
        if is_missing(v):
            out_list.append(encoding.none)
            continue
        if isinstance(v, _dt.datetime):
            v = v.date()
        if isinstance(v, _dt.date):
            out_list.append(encode_date(v, encoding))
        elif isinstance(v, str):
            out_list.append(encode_date(parse_date_text(v, f"{field_}[{i}]"), encoding))
        elif isinstance(v, bool):
            raise InvalidInput(f"{field_}[{i}]: {v!r} is not a date")
        elif isinstance(v, int) or hasattr(v, "__index__"):
            iv = int(v)
            if not -(2 ** 31) <= iv < 2 ** 31:
                raise InvalidInput(f"{field_}[{i}]: {iv} is not a date")
            out_list.append(iv)
        elif type(v).__name__ == "datetime64":
            out_list.append(encode_date(v.astype("datetime64[D]").item(), encoding))
        else:
            raise InvalidInput(f"{field_}[{i}]: {v!r} is not a date")
    return from_values(out_list, "int32_t")


def integer_dates(values: Any) -> bool:
    """True when a date column holds integers (YYYYMMDD or day numbers), not dates or text."""
    arr = as_array(values)
    if arr is not None:
        return bool(arr.dtype.kind in "iuf")
    for v in values:
        if is_missing(v):
            continue
        return isinstance(v, int) and not isinstance(v, bool)
    return True


def refuse_lossy_identifiers(values: Any, arr: Any, field_: str) -> None:
    """Identifier columns hold integers or text, never floats: a float dtype (pandas reads an ID
    column with a missing value as float64, so 640422201908270123 becomes 6.404222019082701e+17)
    is refused by name, and so is a missing value (None, NaN) or a float among the values."""
    if arr is not None and arr.dtype.kind in "fc":
        np = numpy_module()
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


def _resident_id_numbers(values: Any, arr: Any) -> bool:
    """True when an integer column holds 18-digit numbers (resident IDs), which no row index reaches."""
    if arr is not None:
        return bool(len(arr)) and int(arr.max()) >= 10 ** 17
    return any(int(v) >= 10 ** 17 for v in values)


def child_rows(values: Any, factorize: Optional[bool], field_: str) -> Tuple[Column, Optional[List[Any]]]:
    """Mark -> child row. Integer columns are row indexes (0..n_children-1) unless `factorize`
    or they hold resident IDs (18 digits: factorized as text); other keys (registry numbers,
    names) are factorized: rows follow the sorted keys. Float
    columns and missing keys (None, NaN) are refused: a missing key is no child."""
    arr = as_array(values)
    refuse_lossy_identifiers(values, arr, field_)
    integer = (arr.dtype.kind in "iu") if arr is not None else all(
        (isinstance(v, int) and not isinstance(v, bool)) or hasattr(v, "__index__") for v in values)
    if integer and not factorize:
        if not _resident_id_numbers(values, arr):
            return int_column(values, "int32_t", field_), None
        # Resident IDs read as numbers (pandas reads an ID column without an X as int64): they
        # are keys, not rows; factorized with the keys as text (issue 12).
        texts = [str(int(v)) for v in (values if arr is None else arr.tolist())]
        return child_rows(texts, True, field_)
    if arr is not None:
        np = numpy_module()
        try:
            keys, inverse = np.unique(arr, return_inverse=True)
        except TypeError as e:
            raise InvalidInput(f"{field_}: keys cannot be ordered ({e})") from None
        rows = np.ascontiguousarray(inverse.reshape(-1), dtype=np.int32)
        return Column(ffi.from_buffer("int32_t[]", rows), rows, len(rows), True), keys.tolist()
    try:
        keys_list = sorted(set(values))
    except TypeError as e:
        raise InvalidInput(f"{field_}: keys cannot be ordered ({e})") from None
    index = {k: r for r, k in enumerate(keys_list)}
    return from_values([index[v] for v in values], "int32_t"), keys_list


MARK_COLUMNS = ("child", "date", "kind", "leave_from", "leave_to")


def read_marks_csv(path: PathLike, names: Mapping[str, str]) -> Dict[str, List[Any]]:
    """The mark columns of a CSV file (UTF-8, BOM allowed; a header row naming the columns). The
    child column holds keys (resident IDs, registry numbers, names) and stays text."""
    if not os.path.exists(path):
        from .errors import NotFound
        raise NotFound(f"path: no such file: {os.fspath(path)}")
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        for key in ("child", "date", "kind"):
            if names[key] not in header:
                raise InvalidInput(f"{os.fspath(path)}: no column {names[key]!r} (columns: {', '.join(header)})")
        cols: Dict[str, List[Any]] = {k: [] for k in MARK_COLUMNS if names[k] in header}
        for line, row in enumerate(reader, start=2):
            for k in cols:
                v = (row.get(names[k]) or "").strip()
                if k == "child":  # a key, always text: resident IDs are not numbers (issue 12)
                    cols[k].append(v)
                elif k == "kind":
                    cols[k].append(int(v) if v.lstrip("-").isdigit() else v)
                elif k == "date" and not v:
                    raise InvalidInput(f"{os.fspath(path)}:{line}: column {names[k]!r} is empty")
                else:  # dates stay text (YYYY-MM-DD or YYYYMMDD); empty = no date
                    cols[k].append(v or None)
    return cols


def mark_columns(source: Any, date: Any, kind: Any, leave_from: Any, leave_to: Any,
                  columns: Optional[Mapping[str, str]]) -> Dict[str, Any]:
    """The mark columns from separate sequences, a DataFrame / dict of columns, or a CSV path."""
    names = {k: k for k in MARK_COLUMNS}
    if columns:
        unknown = set(columns) - set(MARK_COLUMNS)
        if unknown:
            raise TypeError(f"columns: unknown keys {sorted(unknown)} (allowed: {', '.join(MARK_COLUMNS)})")
        names.update(columns)
    table_like = isinstance(source, Mapping) or (hasattr(source, "columns") and hasattr(source, "__getitem__")
                                                 and as_array(source) is None)
    if isinstance(source, (str, os.PathLike)) or table_like:
        if date is not None or kind is not None:
            raise TypeError("give either a table (DataFrame, dict of columns or CSV path) or the child, date and kind columns")
        if isinstance(source, (str, os.PathLike)):
            cols: Dict[str, Any] = dict(read_marks_csv(os.fspath(source), names))  # pyright: ignore[reportUnknownArgumentType]
        else:
            present: List[Any] = list(source.keys()) if isinstance(source, Mapping) else list(source.columns)  # pyright: ignore[reportUnknownArgumentType]
            for key in ("child", "date", "kind"):
                if names[key] not in present:
                    raise InvalidInput(f"no column {names[key]!r} (columns: {', '.join(map(str, present))})")
            cols = {k: source[names[k]] for k in MARK_COLUMNS if names[k] in present}
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


def length(values: Any) -> int:
    arr = as_array(values)
    return len(arr) if arr is not None else len(values)


def strings(values: Sequence[Optional[str]], field_: str) -> Column:
    keep = [ffi.NULL if v is None or is_missing(v) else ffi.new("char[]", c_string(v, f"{field_}[{i}]")) for i, v in enumerate(values)]
    arr = ffi.new("char *[]", keep) if keep else ffi.NULL
    return Column(arr, (arr, keep), len(keep), True)


def key_column(values: List[Any], text: Callable[[int, Any], str]) -> Column:
    """Keys as a `char *` array into one buffer of NUL-terminated UTF-8, encoded in one call (no
    bytes or cffi object per key); `text(i, value)` turns a value that is not a str into its text
    (or raises). A key with a NUL or a lone surrogate is refused as c_string refuses it."""
    np = numpy_module()
    texts = [v if type(v) is str else text(i, v) for i, v in enumerate(values)]
    try:
        blob = ("\0".join(texts) + "\0").encode("utf-8")
    except UnicodeEncodeError:
        for i, t in enumerate(texts):
            c_string(t, f"marks[{i}].student")  # raises InvalidInput naming the row
        raise
    buf = ffi.from_buffer(blob)
    base = int(ffi.cast("uintptr_t", buf))
    if np is not None:
        ends = np.flatnonzero(np.frombuffer(blob, dtype=np.uint8) == 0).astype(np.uint64)
        starts = np.zeros(len(texts), dtype=np.uint64)
        if len(ends) == len(texts):
            starts[1:] = ends[:-1] + np.uint64(1)
            ptrs = starts + np.uint64(base)
            return Column(ffi.cast("char **", ffi.from_buffer(ptrs)), (blob, buf, ptrs), len(texts), True)
    arr = ffi.new("char *[]", len(texts))
    at = 0
    for i, t in enumerate(texts):
        e = c_string(t, f"marks[{i}].student")  # refuses a NUL in a key
        arr[i] = ffi.cast("char *", base + at)
        at += len(e) + 1
    return Column(arr, (blob, buf, arr), len(texts), True)
