"""Dates cross the C ABI as int32 YYYYMMDD (e.g. 20250908); 0 means "none"."""
from __future__ import annotations

import datetime as _dt
from typing import Optional


def date_to_c(value: Optional[_dt.date], field: str) -> int:
    """`None` -> 0; a date (or datetime: its date) -> YYYYMMDD."""
    if value is None:
        return 0
    if not isinstance(value, _dt.date):
        raise TypeError(f"{field} must be datetime.date, not {type(value).__name__}")
    return value.year * 10000 + value.month * 100 + value.day


def date_from_c(value: int) -> Optional[_dt.date]:
    """0 -> None; YYYYMMDD -> date."""
    if value == 0:
        return None
    return _dt.date(value // 10000, value // 100 % 100, value % 100)
