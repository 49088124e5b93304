"""Synthetic attendance for the classification benchmark (numpy, deterministic from a seed).

One autumn term (2025-09-01 .. as-of) for N children; marks on every school day:
0 present, 1 approved leave, 2 unexcused absence, 3 late. Planted: ~2% of children start an
unbroken unexcused streak on a random school day and stay away; ~1% are away 3-5 school days
and come back; a few class days are left unrecorded (missing marks). Leave never falls inside
an unexcused streak here, so the peers' simpler "leave days subtract from the clock" rule
and KCBX's pause rule agree.
"""
import datetime as dt

import numpy as np

EPOCH = dt.date(1970, 1, 1)
HOLIDAYS = {dt.date(2025, 10, d) for d in range(1, 9)}          # National Day / Mid-Autumn
MAKEUP = {dt.date(2025, 9, 28), dt.date(2025, 10, 11)}         # 调休 working weekend days
TERM_START = dt.date(2025, 9, 1)


def school_days(until: dt.date) -> list[dt.date]:
    days, d = [], TERM_START
    while d <= until:
        if (d.weekday() < 5 and d not in HOLIDAYS) or d in MAKEUP:
            days.append(d)
        d += dt.timedelta(days=1)
    return days


def day_number(d: dt.date) -> int:
    return (d - EPOCH).days


def generate(children: int, as_of: dt.date, seed: int = 7):
    """Returns (child int32[], day int32[] day numbers, kind int8[]) sorted by child then day."""
    rng = np.random.default_rng(seed)
    days = np.array([day_number(d) for d in school_days(as_of)], dtype=np.int32)
    n_days = len(days)
    kinds = np.zeros((children, n_days), dtype=np.int8)
    noise = rng.random((children, n_days), dtype=np.float32)
    kinds[noise < 0.010] = 1          # scattered approved leave
    kinds[(noise >= 0.010) & (noise < 0.016)] = 2   # scattered single unexcused days
    kinds[(noise >= 0.016) & (noise < 0.030)] = 3   # late
    # Planted long streaks: from a random school day to the end.
    streak = rng.random(children) < 0.02
    starts = rng.integers(0, n_days, size=children)
    cols = np.arange(n_days)
    kinds[streak[:, None] & (cols[None, :] >= starts[:, None])] = 2
    kinds[streak[:, None] & (cols[None, :] == (starts - 1)[:, None])] = 0   # clean start
    # Short absences of 3-5 school days, then back.
    short = (~streak) & (rng.random(children) < 0.01)
    lengths = rng.integers(3, 6, size=children)
    sstart = rng.integers(0, max(1, n_days - 6), size=children)
    mask = short[:, None] & (cols[None, :] >= sstart[:, None]) & (cols[None, :] < (sstart + lengths)[:, None])
    kinds[mask] = 2
    kinds[short[:, None] & (cols[None, :] == (sstart - 1)[:, None])] = 0
    after = short[:, None] & (cols[None, :] == (sstart + lengths)[:, None])
    kinds[after] = 0
    # Missing marks: some children have a few unrecorded days.
    present_mask = np.ones((children, n_days), dtype=bool)
    missing = rng.random((children, n_days), dtype=np.float32) < 0.002
    present_mask[missing & ~(streak[:, None] & (cols[None, :] >= starts[:, None]))] = False
    child_idx = np.repeat(np.arange(children, dtype=np.int32), n_days).reshape(children, n_days)
    day_idx = np.broadcast_to(days, (children, n_days))
    return (child_idx[present_mask].astype(np.int32), day_idx[present_mask].astype(np.int32),
            kinds[present_mask].astype(np.int8))
