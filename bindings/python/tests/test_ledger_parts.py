"""A large attendance batch is checked whole, then written in parts (issue 13, two writers; docs/ledger.md
"Attendance marks"): through Python the parts leave what one transaction leaves, a bad last row writes
nothing, and a re-import records nothing. KCBX_IMPORT_PART_ROWS makes the parts small here."""
import csv
import os
import pathlib
import shutil

import pytest
from conftest import stored_marks

import kcbx

DATA = pathlib.Path(__file__).resolve().parents[3] / "data" / "sample"
COUNTY = {"level": "county", "unit_code": "640422", "person": "县教育局王老师"}


def seeded(path: pathlib.Path) -> None:
    with kcbx.Policy.builtin("guyuan-2021") as p, kcbx.Ledger.open(path, p, COUNTY) as led:
        assert led.set_calendar_file(DATA / "calendar.json")
        led.import_students_csv(DATA / "roster.csv")


def marks(path: pathlib.Path) -> list[tuple[str, int, int]]:
    return stored_marks(path)


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KCBX_IMPORT_PART_ROWS", "997")


def test_parts_leave_what_one_transaction_leaves(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one, parts = tmp_path / "one.kcbx", tmp_path / "parts.kcbx"
    seeded(one)
    shutil.copy(one, parts)
    with kcbx.Policy.builtin("guyuan-2021") as p:
        with kcbx.Ledger.open(one, p, COUNTY) as led:
            a = led.import_marks_csv(DATA / "attendance.csv")
        monkeypatch.setenv("KCBX_IMPORT_PART_ROWS", "997")
        with kcbx.Ledger.open(parts, p, COUNTY) as led:
            b = led.import_marks_csv(DATA / "attendance.csv")
            assert led.verify() > 0
            again = led.import_marks_csv(DATA / "attendance.csv")
            assert again.changed == 0 and again.unchanged == b.changed, "a re-import records nothing"
    assert a.rows > 10 * 997, "the sample's attendance spans many parts"
    assert (a.rows, a.changed, a.unchanged, len(a.conflicts)) == (b.rows, b.changed, b.unchanged, len(b.conflicts))
    assert marks(one) == marks(parts)


def test_a_bad_last_row_writes_no_part(tmp_path: pathlib.Path, small_parts: None) -> None:
    path = tmp_path / "l.kcbx"
    seeded(path)
    bad = tmp_path / "bad.csv"
    with open(DATA / "attendance.csv", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    rows.append([rows[1][0], rows[1][1], "bogus"])
    with open(bad, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    with kcbx.Policy.builtin("guyuan-2021") as p, kcbx.Ledger.open(path, p, COUNTY) as led:
        head = led.head()
        with pytest.raises(kcbx.InvalidInput, match=f"row {len(rows)}"):
            led.import_marks_csv(bad)
        assert led.head() == head, "the whole file is checked before the first part is written"
    assert marks(path) == []


def test_columns_from_python_arrays_in_parts(tmp_path: pathlib.Path, small_parts: None) -> None:
    path = tmp_path / "l.kcbx"
    seeded(path)
    with open(DATA / "attendance.csv", encoding="utf-8-sig") as f:
        rows = [{"student": r["student"], "date": r["date"], "kind": r["kind"]} for r in csv.DictReader(f)][:5000]
    with kcbx.Policy.builtin("guyuan-2021") as p, kcbx.Ledger.open(path, p, COUNTY) as led:
        r = led.import_marks(rows)
        assert r.rows == 5000 and r.changed + len(r.conflicts) >= 1
        assert led.verify() > 0
        assert led.import_marks(rows).changed == 0
    assert os.environ["KCBX_IMPORT_PART_ROWS"] == "997"
