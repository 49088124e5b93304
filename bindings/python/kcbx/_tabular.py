"""Tabular input in every shape an analyst has it: a CSV path, a pandas DataFrame, a dict of
equal-length columns (lists or numpy arrays), or rows (dicts, or tuples in a documented column
order). Identifiers stay text: a float identifier (pandas' float64 IDs) is refused by name."""
from __future__ import annotations

import datetime as _dt
import math
import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, cast

from .errors import InvalidInput

__all__ = ["is_path", "table_rows", "refuse_float_identifiers", "cell_text", "IDENTIFIER_COLUMNS"]

#: Columns that hold identifiers or codes (docs/data-formats.md, docs/ledger.md).
IDENTIFIER_COLUMNS = ("resident_id", "registry_number", "school_id", "region_code", "school_region_code",
                      "township_code", "student")


def is_path(value: Any) -> bool:
    return isinstance(value, (str, os.PathLike))


def refuse_float_identifiers(values: Any, name: str, column: str) -> None:
    """Identifiers are integers or text, never floats: pandas reads an ID column with a missing
    value as float64 and would write 640422201908270123 as 6.404222019082701e+17. A float dtype
    is refused naming the column and the dtype; a float (or NaN) among object values naming the row."""
    dtype = getattr(values, "dtype", None)
    kind = getattr(dtype, "kind", None)
    if kind in ("f", "c"):
        raise InvalidInput(f"{name}: column {column!r} has dtype {dtype}, which cannot hold identifiers exactly; "
                           "read it as text (e.g. pandas.read_csv(..., dtype={'" + column + "': str}))")
    if kind not in (None, "O", "U", "S"):
        return
    for i, v in enumerate(values):
        if isinstance(v, float):
            what = "missing (NaN)" if v != v else f"the float {v!r}"
            raise InvalidInput(f"{name}: column {column!r} row {i} is {what}; identifiers must be text or integers, never float")


def _is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or type(v).__name__ in ("NaTType", "NAType")


def cell_text(v: Any) -> str:
    """A cell as CSV text: dates ISO, whole floats without ".0", missing as ""."""
    if _is_missing(v):
        return ""
    if isinstance(v, (_dt.date, _dt.datetime)) or hasattr(v, "isoformat"):
        iso = v.isoformat()
        return str(iso)[:10] if isinstance(v, _dt.datetime) or type(v).__name__ == "Timestamp" else str(iso)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalars
        scalar: Any = v
        return cell_text(scalar.item())
    return str(v)


def table_rows(value: Any, name: str, order: Optional[Sequence[str]] = None) -> List[Dict[str, Any]]:
    """Rows (dicts keyed by column) of a DataFrame, a dict of columns or an iterable of rows; a
    tuple row is read in `order` (refused when the table has no column order). Identifier
    columns given as floats are refused."""
    if hasattr(value, "columns") and hasattr(value, "to_dict"):  # a pandas DataFrame
        for column in value.columns:
            if str(column) in IDENTIFIER_COLUMNS:
                refuse_float_identifiers(value[column], name, str(column))
        records: List[Dict[str, Any]] = [{str(k): v for k, v in r.items()} for r in value.to_dict("records")]
        return records
    if isinstance(value, Mapping):
        mapping: Mapping[Any, Any] = value  # pyright: ignore[reportUnknownVariableType]
        columns: Dict[str, Any] = {str(k): v for k, v in mapping.items()}
        for column, values in columns.items():
            if column in IDENTIFIER_COLUMNS:
                refuse_float_identifiers(values, name, column)
        lists = {k: (v.tolist() if hasattr(v, "tolist") else list(v)) for k, v in columns.items()}
        lengths = {len(v) for v in lists.values()}
        if len(lengths) > 1:
            raise InvalidInput(f"{name}: columns have different lengths {sorted(lengths)}")
        n = lengths.pop() if lengths else 0
        return [{k: v[i] for k, v in lists.items()} for i in range(n)]
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a CSV path, a pandas DataFrame, a dict of columns or rows, not {type(value).__name__}")
    rows: List[Dict[str, Any]] = []
    given: Iterable[Any] = value  # pyright: ignore[reportUnknownVariableType]
    for i, row in enumerate(given):
        if isinstance(row, Mapping):
            cells: Mapping[Any, Any] = row  # pyright: ignore[reportUnknownVariableType]
            rows.append({str(k): v for k, v in cells.items()})
        elif isinstance(row, (tuple, list)) and order is not None:
            values = cast(Sequence[Any], row)
            if len(values) > len(order):
                raise InvalidInput(f"{name}[{i}]: {len(values)} values for the columns {', '.join(order)}")
            rows.append(dict(zip(order, values)))
        else:
            hint = f" or a tuple ({', '.join(order)})" if order else ""
            raise TypeError(f"{name}[{i}] must be a dict{hint}, not {type(row).__name__}")  # pyright: ignore[reportUnknownArgumentType]
    for column in IDENTIFIER_COLUMNS:
        for i, r in enumerate(rows):
            v = r.get(column)
            if isinstance(v, float):
                what = "missing (NaN)" if v != v else f"the float {v!r}"
                raise InvalidInput(f"{name}[{i}].{column}: is {what}; identifiers must be text or integers, never float")
    return rows
