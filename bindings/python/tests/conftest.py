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
