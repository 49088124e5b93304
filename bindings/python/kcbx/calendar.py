"""School calendars: which days are school days (terms, weekends, holidays, 调休 make-up days),
DOMAIN.md §2 and docs/calendar-format.md. Classification counts streaks and school days from one."""
from __future__ import annotations

import datetime as _dt
import json
import os
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union

from ._dates import date_from_c, date_to_c
from ._handle import NativeHandle
from ._native import c_path, c_string, ffi, lib, take_string
from .errors import check

PathLike = Union[str, "os.PathLike[str]"]
HolidaySpec = Union[_dt.date, Tuple[_dt.date, _dt.date], Tuple[_dt.date, _dt.date, str]]

__all__ = ["Calendar", "Term"]


@dataclass(frozen=True)
class Term:
    """A term (学期) of a calendar: its position among the calendar's terms, its school year (the
    autumn's calendar year: 2025 is 2025-2026) and its first and last day."""
    index: int
    school_year: int
    start: _dt.date
    end: _dt.date


def _date(value: Optional[_dt.date], field: str) -> int:
    """A required date argument as YYYYMMDD (None is refused rather than sent as "no date")."""
    if value is None:
        raise TypeError(f"{field} must be datetime.date, not None")
    return date_to_c(value, field)


def _holiday_span(item: HolidaySpec, i: int) -> Tuple[int, int]:
    if isinstance(item, _dt.date):
        day = date_to_c(item, f"holidays[{i}]")
        return day, day
    if isinstance(item, (tuple, list)) and len(item) in (2, 3):
        return date_to_c(item[0], f"holidays[{i}].from"), date_to_c(item[1], f"holidays[{i}].to")
    raise TypeError(f"holidays[{i}] must be a date or a (from, to[, name]) tuple, not {item!r}")


class Calendar(NativeHandle):
    """A school calendar handle (kcbx_calendar *). Open one with `standard`, `from_json` or
    `from_file`. The handle is freed by `close()`, by leaving a `with` block, or when the object
    is garbage-collected; a closed Calendar raises ValueError. Reading (and classifying) from
    several threads is safe; `add_holiday` / `add_make_up_day` must not run while another thread
    uses the calendar."""

    def __init__(self, _handle: Any) -> None:
        self._handle: Any = _handle  # cdata from ffi.gc, None once closed

    # Opening

    @classmethod
    def _take(cls, out: Any) -> Calendar:
        return cls(ffi.gc(out[0], lib.kcbx_calendar_free))

    @classmethod
    def standard(cls, school_year: int, autumn_start: Optional[_dt.date] = None, autumn_end: Optional[_dt.date] = None,
                 spring_start: Optional[_dt.date] = None, spring_end: Optional[_dt.date] = None,
                 holidays: Iterable[HolidaySpec] = (), make_up_days: Iterable[_dt.date] = ()) -> Calendar:
        """A standard school year (kcbx_calendar_standard): the autumn term in `school_year`, the
        spring term in the next year. Term dates left None take the defaults (1 September,
        15 January, 1 March, 10 July); a start on a weekend moves to Monday, an end to Friday.
        `holidays` are single dates or (from, to) spans (e.g. the State Council's holiday list; a
        third tuple item, a name, is ignored here: use `add_holiday` to keep names);
        `make_up_days` are working weekend days (调休). Entries outside the school year are dropped."""
        if isinstance(school_year, bool) or not isinstance(school_year, int):
            raise TypeError(f"school_year must be int, not {type(school_year).__name__}")
        spans = [_holiday_span(h, i) for i, h in enumerate(holidays)]
        make_up = [_date(d, f"make_up_days[{i}]") for i, d in enumerate(make_up_days)]
        h_from = ffi.new("int32_t[]", [f for f, _ in spans]) if spans else ffi.NULL
        h_to = ffi.new("int32_t[]", [t for _, t in spans]) if spans else ffi.NULL
        mu = ffi.new("int32_t[]", make_up) if make_up else ffi.NULL
        out = ffi.new("kcbx_calendar **")
        check(lib.kcbx_calendar_standard(school_year, date_to_c(autumn_start, "autumn_start"), date_to_c(autumn_end, "autumn_end"),
                                         date_to_c(spring_start, "spring_start"), date_to_c(spring_end, "spring_end"),
                                         h_from, h_to, len(spans), mu, len(make_up), out))
        return cls._take(out)

    @classmethod
    def from_json(cls, text: str) -> Calendar:
        """Parses and validates a calendar in the file format; InvalidInput names the path and rule."""
        out = ffi.new("kcbx_calendar **")
        check(lib.kcbx_calendar_from_json(c_string(text, "json"), out))
        return cls._take(out)

    @classmethod
    def from_file(cls, path: PathLike) -> Calendar:
        """Loads and validates a calendar file (JSON); NotFound when it does not exist."""
        out = ffi.new("kcbx_calendar **")
        check(lib.kcbx_calendar_from_file(c_path(path), out))
        return cls._take(out)

    # Lifetime

    def __repr__(self) -> str:
        if self.closed:
            return "<kcbx.Calendar closed>"
        first, last = self.range
        return f"<kcbx.Calendar {first}..{last}>"

    # Changes

    def add_holiday(self, from_: _dt.date, to: Optional[_dt.date] = None, name: Optional[str] = None) -> None:
        """Adds days off from `from_` through `to` (both included; `to` None: one day) named `name`."""
        c_from = _date(from_, "from")
        c_to = c_from if to is None else _date(to, "to")
        check(lib.kcbx_calendar_add_holiday(self._ptr, c_from, c_to, ffi.NULL if name is None else c_string(name, "name")))

    def add_make_up_day(self, date: _dt.date) -> None:
        """Makes a weekend day inside a term a working day (调休)."""
        check(lib.kcbx_calendar_add_make_up_day(self._ptr, _date(date, "date")))

    # Questions

    def is_school_day(self, date: _dt.date) -> bool:
        """True when `date` is a school day (False also outside the calendar)."""
        out = ffi.new("int32_t *")
        check(lib.kcbx_calendar_is_school_day(self._ptr, _date(date, "date"), out))
        return bool(out[0])

    def __contains__(self, date: object) -> bool:
        """`date in calendar`: the calendar covers the date (school day or not)."""
        if not isinstance(date, _dt.date):
            return False
        if isinstance(date, _dt.datetime):
            date = date.date()
        first, last = self.range
        return first <= date <= last

    def count_school_days(self, from_: _dt.date, through: _dt.date) -> int:
        """School days from `from_` through `through` (both included), in O(1); 0 when `through`
        is before `from_`. Dates outside the calendar are clamped to it."""
        out = ffi.new("int64_t *")
        check(lib.kcbx_calendar_count_school_days(self._ptr, _date(from_, "from"), _date(through, "through"), out))
        return int(out[0])

    def school_days(self, from_: _dt.date, through: _dt.date) -> List[_dt.date]:
        """The school days from `from_` through `through` (both included), in order."""
        _date(from_, "from")
        _date(through, "through")
        days: List[_dt.date] = []
        day, one = from_, _dt.timedelta(days=1)
        while day <= through:
            if self.is_school_day(day):
                days.append(day)
            day += one
        return days

    def term(self, date: _dt.date) -> Optional[Term]:
        """The term containing `date`, or None in a vacation or outside the calendar."""
        index, year, start, end = ffi.new("int64_t *"), ffi.new("int32_t *"), ffi.new("int32_t *"), ffi.new("int32_t *")
        check(lib.kcbx_calendar_term(self._ptr, _date(date, "date"), index, year, start, end))
        if index[0] < 0:
            return None
        first, last = date_from_c(start[0]), date_from_c(end[0])
        assert first is not None and last is not None
        return Term(int(index[0]), int(year[0]), first, last)

    @property
    def range(self) -> Tuple[_dt.date, _dt.date]:
        """First and last day the calendar covers; classifying as of (or marks on) a date outside
        it is an error."""
        first, last = ffi.new("int32_t *"), ffi.new("int32_t *")
        check(lib.kcbx_calendar_range(self._ptr, first, last))
        a, b = date_from_c(first[0]), date_from_c(last[0])
        assert a is not None and b is not None
        return a, b

    @property
    def terms(self) -> List[Term]:
        """Every term, in order (from the file format)."""
        found: List[Term] = []
        for year in self.to_dict()["school_years"]:
            for t in year["terms"]:
                term = self.term(_dt.date.fromisoformat(t["start"]))
                if term is not None:
                    found.append(term)
        return found

    # The whole calendar

    def to_json(self) -> str:
        """The calendar in the file format (loads back equal)."""
        out = ffi.new("char **")
        check(lib.kcbx_calendar_to_json(self._ptr, out))
        return take_string(out[0])

    def to_dict(self) -> Dict[str, Any]:
        """`to_json()` parsed."""
        doc: Dict[str, Any] = json.loads(self.to_json())
        return doc

    def save(self, path: PathLike) -> None:
        """Writes `to_json()` to `path` (UTF-8)."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_json())
