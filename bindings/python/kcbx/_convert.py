"""Conversions every classification entry point shares: a policy or profile id, a calendar, a
date in any accepted form (date, datetime64, "YYYY-MM-DD", YYYYMMDD), a mark kind by code or label."""
from __future__ import annotations

import datetime as _dt
import math
import os
import sys
from typing import Any, Dict, Union

from ._dates import date_to_c
from .calendar import Calendar
from .enums import MarkKind
from .errors import InvalidInput
from .policy import Policy

KIND_NAMES: Dict[str, int] = {k.name.lower(): int(k) for k in MarkKind}
KIND_NAMES.update({"leave": int(MarkKind.APPROVED_LEAVE), "absent": int(MarkKind.UNEXCUSED),
                   "到校": int(MarkKind.PRESENT), "出勤": int(MarkKind.PRESENT), "请假": int(MarkKind.APPROVED_LEAVE),
                   "无故缺勤": int(MarkKind.UNEXCUSED), "缺勤": int(MarkKind.UNEXCUSED), "旷课": int(MarkKind.UNEXCUSED),
                   "迟到": int(MarkKind.LATE), "早退": int(MarkKind.LEFT_EARLY)})
KIND_HELP = "0 present, 1 approved leave, 2 unexcused, 3 late, 4 left early"


def as_policy(policy: Union[Policy, str]) -> Policy:
    """A Policy, or a built-in profile id such as "guyuan-2021"."""
    if isinstance(policy, Policy):
        return policy
    if isinstance(policy, str):
        return Policy.builtin(policy)
    raise TypeError(f"policy must be kcbx.Policy or a profile id, not {type(policy).__name__}")


def as_calendar(calendar: Union[Calendar, str, os.PathLike[str]]) -> Calendar:
    """A Calendar, or the path of a calendar file (docs/calendar-format.md)."""
    if isinstance(calendar, Calendar):
        return calendar
    if isinstance(calendar, str) and calendar.lstrip().startswith("{"):
        raise TypeError("calendar must be kcbx.Calendar or a calendar file path; for calendar JSON text use kcbx.Calendar.from_json")
    if isinstance(calendar, (str, os.PathLike)):
        return Calendar.from_file(calendar)
    raise TypeError(f"calendar must be kcbx.Calendar or a calendar file path, not {type(calendar).__name__}")


def parse_date_text(text: str, field: str) -> _dt.date:
    """"YYYY-MM-DD" or "YYYYMMDD"; InvalidInput naming `field` otherwise."""
    s = text.strip()
    try:
        if len(s) == 8 and s.isdigit():
            return _dt.date(int(s[:4]), int(s[4:6]), int(s[6:]))
        return _dt.date.fromisoformat(s[:10] if len(s) > 10 and s[10] in "T " else s)
    except ValueError as e:
        raise InvalidInput(f"{field}: {text!r} is not a date (YYYY-MM-DD): {e}") from None


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in ("NaTType", "NAType")


def yyyymmdd(value: Any, field: str, optional: bool = False) -> int:
    """A date argument as YYYYMMDD: datetime.date (or datetime, pandas Timestamp), numpy
    datetime64, "YYYY-MM-DD" text, or an int already in YYYYMMDD form (the library checks it)."""
    if is_missing(value):
        if optional:
            return 0
        raise TypeError(f"{field} must be a date, not None")
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return date_to_c(value, field)
    if isinstance(value, str):
        return date_to_c(parse_date_text(value, field), field)
    if isinstance(value, bool):
        raise TypeError(f"{field} must be a date, not bool")
    if isinstance(value, int):
        if not -(2 ** 31) <= value < 2 ** 31:
            raise InvalidInput(f"{field}: {value} is not a date in YYYYMMDD form")
        return value
    if type(value).__name__ == "datetime64":
        np = sys.modules["numpy"]
        if np.isnat(value):
            if optional:
                return 0
            raise TypeError(f"{field} must be a date, not NaT")
        return date_to_c(value.astype("datetime64[D]").item(), field)
    if hasattr(value, "__index__"):  # numpy integers
        return yyyymmdd(int(value), field, optional)
    raise TypeError(f"{field} must be datetime.date, not {type(value).__name__}")


def kind_code(value: Any, field: str) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{field} must be a MarkKind, int or label, not bool")
    if isinstance(value, str):
        code = KIND_NAMES.get(value.strip().lower())
        if code is None:
            raise InvalidInput(f"{field}: {value!r} is not a mark kind ({KIND_HELP})")
        return code
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) or hasattr(value, "__index__"):
        code = int(value)
        if not 0 <= code <= 4:
            raise InvalidInput(f"{field}: {code} is not a mark kind ({KIND_HELP})")
        return code
    raise TypeError(f"{field} must be a MarkKind, int or label, not {type(value).__name__}")
