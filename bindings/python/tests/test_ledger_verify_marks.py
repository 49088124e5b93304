"""verify rebuilds the marks from the attendance events (issue 13): a stored mark edited, deleted or
added outside the ledger is named with the child, the day, what differs and the event that
recorded it (seed 002: 台账数据填报不实)."""
import sqlite3

import pytest
from conftest import set_mark_byte
from test_ledger import COUNTY, DATA

import kcbx


@pytest.fixture()
def ledger(tmp_path):
    with kcbx.Policy.builtin("guyuan-2021") as policy, kcbx.Ledger.open(tmp_path / "xiji.kcbx", policy, COUNTY) as led:
        assert led.set_calendar_file(DATA / "calendar.json")
        led.import_students_csv(DATA / "roster.csv")
        led.import_marks_csv(DATA / "attendance.csv")
        yield led, tmp_path / "xiji.kcbx"


def first_mark(path):
    """(key, student id, day, kind) of the stored mark first by id and day."""
    with sqlite3.connect(path) as db:
        sid, month, days = db.execute("SELECT sid, month, days FROM mark_months ORDER BY sid, month LIMIT 1").fetchone()
        (key,) = db.execute("SELECT key FROM students WHERE id = ?", (sid,)).fetchone()
    i = next(i for i, b in enumerate(days) if b)
    return key, sid, month * 100 + i + 1, (days[i] & 0x7F) - 1


def test_an_edited_stored_mark_is_named_with_what_differs(ledger):
    led, path = ledger
    assert led.verify() > 0
    key, sid, day, kind = first_mark(path)
    other = (kind + 2) % 5
    set_mark_byte(path, sid, day, other + 1)
    with pytest.raises(kcbx.IntegrityError) as e:
        led.verify()
    message = str(e.value)
    assert f"marks row {key} {day} was edited outside the ledger" in message
    assert f"kind {other} in the file, {kind} from the events" in message
    assert "(last event about it: #" in message and "attendance.recorded)" in message


def test_a_deleted_and_an_added_stored_mark_are_named(ledger):
    led, path = ledger
    key, sid, day, kind = first_mark(path)
    set_mark_byte(path, sid, day, 0)
    with pytest.raises(kcbx.IntegrityError, match=f"marks row {key} {day} was deleted outside the ledger"):
        led.verify()
    set_mark_byte(path, sid, day, kind + 1)  # put back
    set_mark_byte(path, sid, 20991231, 2 + 1)
    with pytest.raises(kcbx.IntegrityError, match=f"marks row {key} 20991231 was added outside the ledger: no event creates it"):
        led.verify()


def test_an_unreadable_month_row_is_named(ledger):
    led, path = ledger
    key, sid, day, _ = first_mark(path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE mark_months SET days = substr(days, 1, 30) WHERE sid = ? AND month = ?", (sid, day // 100))
    with pytest.raises(kcbx.IntegrityError, match=f"mark_months row {key} {day // 100} is unreadable \\(30 bytes, not 31\\)"):
        led.verify()
