"""The incremental verify from a kept head (issue 13; kcbx_ledger_verify_since): only the events
after the anchor are checked; a rewritten anchor or a file rolled back past it is named."""
import datetime as dt
import shutil

import pytest
from test_ledger import COUNTY, DATA

import kcbx

AS_OF = dt.date(2025, 9, 30)


@pytest.fixture()
def ledger(tmp_path):
    with kcbx.Policy.builtin("guyuan-2021") as policy, kcbx.Ledger.open(tmp_path / "xiji.kcbx", policy, COUNTY) as led:
        assert led.set_calendar_file(DATA / "calendar.json")
        led.import_students_csv(DATA / "roster.csv")
        led.import_marks_csv(DATA / "attendance.csv")
        yield led


def test_verify_since_checks_only_what_came_after_the_anchor(ledger):
    total = ledger.verify()
    anchor = ledger.head()
    assert anchor[0] == total
    assert ledger.verify(since=anchor) == 0
    ledger.sweep(AS_OF)
    after = ledger.head()[0] - anchor[0]
    assert after > 0 and ledger.verify(since=anchor) == after
    assert ledger.verify(since=(0, anchor[1])) == ledger.head()[0]


def test_verify_since_names_a_rewritten_anchor_and_a_rollback(tmp_path, ledger):
    anchor = ledger.head()
    backup = tmp_path / "backup.kcbx"
    for suffix in ("", "-wal"):  # the file as it stands, its WAL included (no writer is active)
        if (tmp_path / f"xiji.kcbx{suffix}").exists():
            shutil.copy(tmp_path / f"xiji.kcbx{suffix}", tmp_path / f"backup.kcbx{suffix}")
    ledger.sweep(AS_OF)
    with pytest.raises(kcbx.IntegrityError, match="anchor"):
        ledger.verify(since=(anchor[0], "f" * 64))
    friday = ledger.head()
    with kcbx.Policy.builtin("guyuan-2021") as policy, kcbx.Ledger.open(backup, policy, COUNTY) as old:
        with pytest.raises(kcbx.IntegrityError, match="missing"):
            old.verify(since=friday)
        assert old.verify(since=anchor) == 0


def test_verify_since_refuses_bad_anchors_by_name(ledger):
    seq, h = ledger.head()
    with pytest.raises(kcbx.InvalidInput, match="anchor"):
        ledger.verify(since=(seq, "00"))
    with pytest.raises(kcbx.InvalidInput, match="since"):
        ledger.verify(since=(-1, h))
    with pytest.raises(TypeError):
        ledger.verify(since=("1", h))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ledger.verify((seq, h), since=(seq, h))
