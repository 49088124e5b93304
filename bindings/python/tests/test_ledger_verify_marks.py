"""verify rebuilds the marks from the attendance events (issue 13): a stored mark edited, deleted or
added outside the ledger is named with the child, the day, what differs and the event that
recorded it (seed 002: 台账数据填报不实)."""
import sqlite3

import pytest
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
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT s.key, m.sid, m.day, m.kind FROM marks m JOIN students s ON s.id = m.sid ORDER BY m.sid, m.day LIMIT 1"
        ).fetchone()


def tamper(path, sql, *args):
    db = sqlite3.connect(path)
    with db:
        db.execute(sql, args)
    db.close()


def test_an_edited_stored_mark_is_named_with_what_differs(ledger):
    led, path = ledger
    assert led.verify() > 0
    key, sid, day, kind = first_mark(path)
    other = (kind + 2) % 5
    tamper(path, "UPDATE marks SET kind = ? WHERE sid = ? AND day = ?", other, sid, day)
    with pytest.raises(kcbx.IntegrityError) as e:
        led.verify()
    message = str(e.value)
    assert f"marks row {key} {day} was edited outside the ledger" in message
    assert f"kind {other} in the file, {kind} from the events" in message
    assert "(last event about it: #" in message and "attendance.recorded)" in message


def test_a_deleted_and_an_added_stored_mark_are_named(ledger):
    led, path = ledger
    key, sid, day, kind = first_mark(path)
    tamper(path, "DELETE FROM marks WHERE sid = ? AND day = ?", sid, day)
    with pytest.raises(kcbx.IntegrityError, match=f"marks row {key} {day} was deleted outside the ledger"):
        led.verify()
    tamper(path, "INSERT INTO marks VALUES (?, ?, ?, 0, 0, '')", sid, day, kind)  # put back
    tamper(path, "INSERT INTO marks VALUES (?, 20991231, 2, 0, 0, '')", sid)
    with pytest.raises(kcbx.IntegrityError, match=f"marks row {key} 20991231 was added outside the ledger: no event creates it"):
        led.verify()
