"""Synthetic attendance for the classification benchmark (numpy, deterministic from a seed).

One autumn term of the 2025-2026 school year (1 September 2025 .. 15 January 2026, the
standard generator's defaults) with the State Council's holidays: National Day / Mid-Autumn
1-8 October 2025 (make-up working days Sunday 28 September and Saturday 11 October) and New Year
1-3 January 2026 (make-up Sunday 4 January). 94 school days.

For N children, one mark per school day up to the as-of date: 0 present, 1 approved leave,
2 unexcused absence, 3 late, 4 left early. Planted, so that every attendance status occurs:
~2% of children start an unbroken unexcused streak on a random school day and stay away (a few
of them with approved leave in the middle, which pauses the clock); ~1% are away 3-5 school days
and come back; scattered single absences, leave and late marks; ~0.2% of class days are left
unrecorded (a missing mark is unknown, not absent: DOMAIN.md §7), also inside streaks. Marks are
grouped by child and sorted by date, as a registry export would be; no duplicate marks.

`calendar_table()` is the calendar as an analyst would hold it for the peers: per day whether it
is a school day and, for a school day, the end of the days it governs (its next school day in the
same term, or the day after the term's end) — see ChildKernel.swift / docs/calendar-format.md.
`kcbx_calendar()` builds the same calendar in KCBX; run.py checks that the two agree.
"""
from __future__ import annotations

import datetime as dt
from typing import Dict, List, Tuple

import numpy as np

EPOCH = dt.date(1970, 1, 1)
SCHOOL_YEAR = 2025
TERM_START = dt.date(2025, 9, 1)
TERM_END = dt.date(2026, 1, 15)  # kcbx_calendar_standard's default autumn end (15 January)
HOLIDAYS: List[Tuple[dt.date, dt.date, str]] = [
    (dt.date(2025, 10, 1), dt.date(2025, 10, 8), "国庆节、中秋节"),
    (dt.date(2026, 1, 1), dt.date(2026, 1, 3), "元旦"),
]
MAKEUP = [dt.date(2025, 9, 28), dt.date(2025, 10, 11), dt.date(2026, 1, 4)]  # 调休 working weekend days
AS_OF = TERM_END


def _holiday_days() -> set:
    days = set()
    for first, last, _ in HOLIDAYS:
        d = first
        while d <= last:
            days.add(d)
            d += dt.timedelta(days=1)
    return days


def is_school_day(d: dt.date) -> bool:
    if not TERM_START <= d <= TERM_END:
        return False
    return (d.weekday() < 5 and d not in _holiday_days()) or d in MAKEUP


def school_days(until: dt.date = TERM_END) -> List[dt.date]:
    days, d = [], TERM_START
    while d <= min(until, TERM_END):
        if is_school_day(d):
            days.append(d)
        d += dt.timedelta(days=1)
    return days


def day_number(d: dt.date) -> int:
    return (d - EPOCH).days


def calendar_table() -> Dict[str, np.ndarray]:
    """Per calendar day of the term: `day` (day number), `school` (0/1) and `seg_end` (for a
    school day: the day number of its next school day in the term, or the day after the term's
    end; the weekend and holiday days in between take the school day's state)."""
    first, last = day_number(TERM_START), day_number(TERM_END)
    days = np.arange(first, last + 1, dtype=np.int32)
    school = np.array([is_school_day(EPOCH + dt.timedelta(days=int(x))) for x in days], dtype=np.int8)
    seg_end = np.zeros(len(days), dtype=np.int32)
    nxt = last + 1
    for i in range(len(days) - 1, -1, -1):
        if school[i]:
            seg_end[i] = nxt
            nxt = int(days[i])
    return {"day": days, "school": school, "seg_end": seg_end}


def kcbx_calendar():
    """The same calendar in KCBX (kcbx_calendar_standard with the holidays and make-up days)."""
    import kcbx
    return kcbx.Calendar.standard(SCHOOL_YEAR, autumn_end=TERM_END, holidays=[(a, b) for a, b, _ in HOLIDAYS],
                                  make_up_days=MAKEUP)


def generate(children: int, as_of: dt.date = AS_OF, seed: int = 7):
    """Returns (child int32[], day int32[] day numbers, kind int8[]) grouped by child, sorted by day."""
    rng = np.random.default_rng(seed)
    days = np.array([day_number(d) for d in school_days(as_of)], dtype=np.int32)
    n_days = len(days)
    cols = np.arange(n_days)
    kinds = np.zeros((children, n_days), dtype=np.int8)
    noise = rng.random((children, n_days), dtype=np.float32)
    kinds[noise < 0.010] = 1                              # scattered approved leave
    kinds[(noise >= 0.010) & (noise < 0.016)] = 2         # scattered single unexcused days
    kinds[(noise >= 0.016) & (noise < 0.026)] = 3         # late
    kinds[(noise >= 0.026) & (noise < 0.030)] = 4         # left early
    del noise
    # Planted long streaks: from a random school day to the end.
    streak = rng.random(children) < 0.02
    starts = rng.integers(0, n_days, size=children)
    in_streak = streak[:, None] & (cols[None, :] >= starts[:, None])
    kinds[in_streak] = 2
    kinds[streak[:, None] & (cols[None, :] == (starts - 1)[:, None])] = 0   # clean start
    # A few streaks with approved leave in the middle (2-3 school days): pauses the clock.
    leave_in = streak & (rng.random(children) < 0.15)
    lstart = starts + rng.integers(2, 12, size=children)
    llen = rng.integers(2, 4, size=children)
    kinds[leave_in[:, None] & (cols[None, :] >= lstart[:, None]) & (cols[None, :] < (lstart + llen)[:, None])] = 1
    # Short absences of 3-5 school days, then back.
    short = (~streak) & (rng.random(children) < 0.01)
    lengths = rng.integers(3, 6, size=children)
    sstart = rng.integers(0, max(1, n_days - 6), size=children)
    mask = short[:, None] & (cols[None, :] >= sstart[:, None]) & (cols[None, :] < (sstart + lengths)[:, None])
    kinds[mask] = 2
    kinds[short[:, None] & (cols[None, :] == (sstart - 1)[:, None])] = 0
    kinds[short[:, None] & (cols[None, :] == (sstart + lengths)[:, None])] = 0
    del mask, in_streak
    # Missing marks: unrecorded class days, anywhere (also inside streaks).
    present_mask = rng.random((children, n_days), dtype=np.float32) >= 0.002
    n = int(present_mask.sum())
    child = np.empty(n, dtype=np.int32)
    day = np.empty(n, dtype=np.int32)
    kind = np.empty(n, dtype=np.int8)
    # Row blocks keep the temporaries small at 1M children.
    pos, block = 0, 65536
    for lo in range(0, children, block):
        hi = min(children, lo + block)
        pm = present_mask[lo:hi]
        k = int(pm.sum())
        rows, where = np.nonzero(pm)
        child[pos:pos + k] = rows.astype(np.int32) + lo
        day[pos:pos + k] = days[where]
        kind[pos:pos + k] = kinds[lo:hi][pm]
        pos += k
    return child, day, kind
