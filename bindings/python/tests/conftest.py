"""Shared fixtures. The tests import the *installed* kcbx package (run-tests.sh runs pytest
from outside the source tree); REPO points at the checkout for the header and example files."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import kcbx

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def repo() -> Path:
    return REPO


def make_id(region: str, birth: str, sequence: str) -> str:
    """(Import it: `from conftest import make_id`.) A valid resident ID: region (6) + birth YYYYMMDD (8) + sequence (3) + its check character."""
    first17 = region + birth + sequence
    return first17 + kcbx.resident_id_check_character(first17)


@pytest.fixture
def guyuan_boy() -> str:
    """原州区, 固原市 (region 640402, seed 001), born 1 September 2019, sequence 001 (odd: male)."""
    return make_id("640402", "20190901", "001")


@pytest.fixture
def today() -> dt.date:
    return dt.date(2025, 9, 8)


def stored_marks(path: Path) -> list[tuple[str, int, int]]:
    """(Import it: `from conftest import stored_marks`.) Every stored mark of a ledger file as
    (student key, day YYYYMMDD, kind), by key and day, decoded from file format v4's `mark_months`
    (docs/ledger.md: byte d-1 of `days` is 0, or 1 + kind with 0x80 when `mark_leaves` has its span)."""
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT s.key, m.month, m.days FROM mark_months m JOIN students s ON s.id = m.sid").fetchall()
    finally:
        con.close()
    out = [(key, month * 100 + i + 1, (b & 0x7F) - 1) for key, month, days in rows for i, b in enumerate(days) if b]
    return sorted(out)


def set_mark_byte(path: Path, sid: int, day: int, byte: int) -> None:
    """(Import it: `from conftest import set_mark_byte`.) Sets the stored byte of student id `sid`'s
    `day` (0: no mark; 1 + kind, | 0x80 with a leave row) as an edit outside the ledger would."""
    import sqlite3

    con = sqlite3.connect(path)
    with con:
        row = con.execute("SELECT days FROM mark_months WHERE sid = ? AND month = ?", (sid, day // 100)).fetchone()
        days = bytearray(row[0] if row else bytes(31))
        days[day % 100 - 1] = byte
        con.execute("INSERT OR REPLACE INTO mark_months (sid, month, days) VALUES (?, ?, ?)", (sid, day // 100, bytes(days)))
    con.close()
