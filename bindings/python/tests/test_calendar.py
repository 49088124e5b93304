"""School calendars (DOMAIN.md §2: "A school calendar says which days are school days (terms,
holidays, weekends)"; docs/calendar-format.md): file format, the standard generator, holidays and
make-up days (调休), term and school-day questions, errors naming the path and rule."""
from __future__ import annotations

import datetime as dt
import gc
import json
import re
import threading

import pytest

import kcbx
from kcbx import Calendar, Term

D = dt.date

# The 2025-2026 school year with the State Council's 2025 National Day / Mid-Autumn holiday
# (1-8 October) and its make-up working days (Sunday 28 September, Saturday 11 October).
CALENDAR_JSON = json.dumps({
    "kcbx_calendar": 1,
    "name": "测试县 2025-2026 学年校历",
    "school_years": [{
        "school_year": 2025,
        "terms": [{"name": "秋季学期", "start": "2025-09-01", "end": "2026-01-16"},
                  {"name": "春季学期", "start": "2026-03-02", "end": "2026-07-10"}],
        "holidays": [{"name": "国庆节、中秋节", "from": "2025-10-01", "to": "2025-10-08"},
                     {"name": "元旦", "date": "2026-01-01"}],
        "make_up_days": ["2025-09-28", "2025-10-11"],
    }],
}, ensure_ascii=False)


def calendar_2025() -> Calendar:
    """(Import it: `from test_calendar import calendar_2025`.) The 2025-2026 test calendar."""
    return Calendar.from_json(CALENDAR_JSON)


@pytest.fixture
def cal() -> Calendar:
    return calendar_2025()


def test_weekdays_weekends_holidays_and_make_up_days(cal):
    # docs/calendar-format.md: a school day lies inside a term and is a weekday that is not a
    # holiday, or a make-up day.
    assert cal.is_school_day(D(2025, 9, 8))  # Monday
    assert not cal.is_school_day(D(2025, 9, 13))  # Saturday
    assert cal.is_school_day(D(2025, 9, 28))  # make-up Sunday (调休)
    assert cal.is_school_day(D(2025, 10, 11))  # make-up Saturday
    assert not cal.is_school_day(D(2025, 10, 3))  # 国庆节
    assert not cal.is_school_day(D(2026, 1, 1))  # 元旦
    assert not cal.is_school_day(D(2026, 2, 10))  # winter vacation
    assert not cal.is_school_day(D(2030, 1, 1))  # outside the calendar


def test_count_school_days(cal):
    assert cal.count_school_days(D(2025, 9, 1), D(2025, 9, 30)) == 23  # 22 weekdays + the 28th
    assert cal.count_school_days(D(2025, 10, 1), D(2025, 10, 31)) == 18
    assert cal.count_school_days(D(2025, 9, 10), D(2025, 9, 1)) == 0
    assert cal.count_school_days(D(2025, 9, 1), D(2025, 9, 30)) == len(cal.school_days(D(2025, 9, 1), D(2025, 9, 30)))


def test_school_days_lists_them_in_order(cal):
    days = cal.school_days(D(2025, 9, 26), D(2025, 10, 13))
    assert days == [D(2025, 9, 26), D(2025, 9, 28), D(2025, 9, 29), D(2025, 9, 30), D(2025, 10, 9), D(2025, 10, 10),
                    D(2025, 10, 11), D(2025, 10, 13)]


def test_term_and_range(cal):
    assert cal.term(D(2025, 10, 20)) == Term(0, 2025, D(2025, 9, 1), D(2026, 1, 16))
    assert cal.term(D(2026, 4, 1)) == Term(1, 2025, D(2026, 3, 2), D(2026, 7, 10))
    assert cal.term(D(2026, 2, 10)) is None  # vacation
    assert cal.term(D(2030, 1, 1)) is None  # outside
    # docs/calendar-format.md: from 1 September of the first school year to 31 August after the last.
    assert cal.range == (D(2025, 9, 1), D(2026, 8, 31))
    assert D(2026, 8, 31) in cal and D(2026, 9, 1) not in cal and "2025-09-01" not in cal
    assert [t.start for t in cal.terms] == [D(2025, 9, 1), D(2026, 3, 2)]


def test_json_round_trip(cal):
    again = Calendar.from_json(cal.to_json())
    assert again.to_dict() == cal.to_dict()
    assert cal.to_dict()["school_years"][0]["make_up_days"] == ["2025-09-28", "2025-10-11"]


def test_file_round_trip_and_missing_file(cal, tmp_path):
    path = tmp_path / "校历.json"
    cal.save(path)
    assert Calendar.from_file(path).to_dict() == cal.to_dict()
    assert Calendar.from_file(str(path)).is_school_day(D(2025, 9, 28))
    with pytest.raises(kcbx.NotFound):
        Calendar.from_file(tmp_path / "missing.json")


def test_the_documented_example_loads(repo):
    doc = (repo / "docs" / "calendar-format.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", doc, re.S).group(1)
    c = Calendar.from_json(example)
    assert c.is_school_day(D(2025, 9, 28)) and not c.is_school_day(D(2025, 10, 2))


def test_standard_school_year_defaults():
    # docs/calendar-format.md: autumn 1 September - 15 January, spring 1 March - 10 July; a
    # start on a weekend moves to the following Monday, an end on a weekend to the Friday before.
    c = Calendar.standard(2025)
    assert c.term(D(2025, 9, 1)) == Term(0, 2025, D(2025, 9, 1), D(2026, 1, 15))
    assert c.term(D(2026, 3, 5)) == Term(1, 2025, D(2026, 3, 2), D(2026, 7, 10))  # 1 March 2026 is a Sunday
    assert Calendar.standard(2024).term(D(2024, 9, 3)).start == D(2024, 9, 2)  # 1 September 2024 is a Sunday
    assert c.is_school_day(D(2025, 10, 1))  # national holidays are not built in


def test_standard_with_holidays_and_make_up_days(cal):
    c = Calendar.standard(2025, autumn_end=D(2026, 1, 16),
                          holidays=[(D(2025, 10, 1), D(2025, 10, 8), "国庆节、中秋节"), D(2026, 1, 1)],
                          make_up_days=[D(2025, 9, 28), D(2025, 10, 11)])
    assert not c.is_school_day(D(2025, 10, 3)) and c.is_school_day(D(2025, 9, 28))
    for first, last in ((D(2025, 9, 1), D(2026, 1, 16)), (D(2026, 3, 2), D(2026, 7, 10))):
        assert c.count_school_days(first, last) == cal.count_school_days(first, last)
    with pytest.raises(kcbx.InvalidInput, match="autumn_start"):
        Calendar.standard(2025, autumn_start=D(2026, 9, 1))
    with pytest.raises(kcbx.InvalidInput, match="school_year"):
        Calendar.standard(123)
    with pytest.raises(TypeError):
        Calendar.standard(2025, holidays=["2025-10-01"])


def test_add_holiday_and_make_up_day(cal):
    # A local closure (e.g. a flood) is a holiday; a working Saturday is a make-up day.
    assert cal.is_school_day(D(2025, 11, 3))
    cal.add_holiday(D(2025, 11, 3), D(2025, 11, 4), "汛期停课")
    assert not cal.is_school_day(D(2025, 11, 3)) and not cal.is_school_day(D(2025, 11, 4))
    cal.add_holiday(D(2025, 11, 7))
    assert not cal.is_school_day(D(2025, 11, 7))
    assert any(h.get("name") == "汛期停课" for h in cal.to_dict()["school_years"][0]["holidays"])
    cal.add_make_up_day(D(2025, 11, 8))  # a Saturday
    assert cal.is_school_day(D(2025, 11, 8))
    with pytest.raises(kcbx.InvalidInput, match="2025-11-10"):
        cal.add_make_up_day(D(2025, 11, 10))  # a Monday is not a weekend day
    with pytest.raises(kcbx.InvalidInput):
        cal.add_holiday(D(2025, 11, 20), D(2025, 11, 18))


def test_errors_name_the_path_and_rule():
    doc = json.loads(CALENDAR_JSON)
    doc["school_years"][0]["termz"] = []  # unknown keys anywhere are errors
    with pytest.raises(kcbx.InvalidInput, match=r"school_years\[0\]\.termz"):
        Calendar.from_json(json.dumps(doc))
    doc = json.loads(CALENDAR_JSON)
    doc["school_years"][0]["make_up_days"] = ["2025-09-29"]
    with pytest.raises(kcbx.InvalidInput, match=r"make_up_days\[0\].*2025-09-29.*Monday"):
        Calendar.from_json(json.dumps(doc))
    with pytest.raises(kcbx.InvalidInput):
        Calendar.from_json("not json")
    with pytest.raises(kcbx.InvalidInput):
        Calendar.from_json("{}")


def test_arguments_are_dates(cal):
    with pytest.raises(TypeError):
        cal.is_school_day("2025-09-08")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cal.count_school_days(None, D(2025, 9, 8))  # type: ignore[arg-type]
    assert cal.is_school_day(dt.datetime(2025, 9, 8, 15, 0))  # a datetime: its date


def test_lifetime(cal):
    with calendar_2025() as c:
        assert c.is_school_day(D(2025, 9, 8))
    assert c.closed and "closed" in repr(c)
    with pytest.raises(ValueError, match="closed"):
        c.is_school_day(D(2025, 9, 8))
    c.close()  # again: nothing
    with pytest.raises(ValueError):
        with c:
            pass
    for _ in range(200):
        calendar_2025()
    gc.collect()
    assert "2025-09-01..2026-08-31" in repr(cal)


def test_reading_from_several_threads(cal):
    expected = cal.count_school_days(D(2025, 9, 1), D(2026, 7, 10))
    results = []

    def work() -> None:
        results.append(sum(cal.is_school_day(d) for d in (D(2025, 9, 1) + dt.timedelta(days=i) for i in range(313))))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4
