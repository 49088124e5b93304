"""Packed roster events (file format v3, docs/ledger.md "Packed roster payload") from Python: one
`students.upserted` event per batch of up to 5,000 children, each child's history showing its own
roster change (who, when, which unit, its own record), replayed and checked by verify."""
import csv
import pathlib
import sqlite3

import pytest

import kcbx

DATA = pathlib.Path(__file__).resolve().parents[3] / "data" / "sample"
COUNTY = {"level": "county", "unit_code": "640422", "person": "县教育局王老师"}


def roster() -> list:
    with open(DATA / "roster.csv", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_a_roster_is_batched_and_each_child_keeps_its_history(tmp_path):
    rows = roster()
    with kcbx.Policy.builtin("guyuan-2021") as policy, kcbx.Ledger.open(tmp_path / "r.kcbx", policy, COUNTY) as led:
        first = led.import_students(rows)
        assert first.added == len(rows) > 0
        events = led.events()
        batches = [e for e in events if e.kind == "students.upserted"]
        assert len(batches) == (len(rows) + 4999) // 5000, "one event per 5,000 children"
        assert len(batches[0].payload["students"]) == min(len(rows), 5000)
        head = led.head()
        again = led.import_students(rows)
        assert again.unchanged == len(rows) and led.head() == head, "an unchanged roster records nothing"
        kid = next(r for r in rows if r["resident_id"])
        changed = [dict(r, address="西吉县吉强镇99村") if r is kid else r for r in rows]
        assert led.import_students(changed).updated == 1
        history = led.history(student=kid["resident_id"], full_ids=True)
        roster_changes = [e for e in history if e.kind == "students.upserted"]
        assert [e.seq for e in roster_changes] == [batches[0].seq, led.head()[0] - 1]
        last = roster_changes[-1]
        assert last.student == kid["resident_id"] and last.actor.person == "县教育局王老师" and last.actor.unit_code == "640422"
        assert last.payload["address"] == "西吉县吉强镇99村" and last.payload["name"] == kid["name"], "the child's own record"
        assert led.verify() == led.head()[0]


def test_verify_names_a_tampered_batch_event(tmp_path):
    p = tmp_path / "t.kcbx"
    with kcbx.Policy.builtin("guyuan-2021") as policy:
        with kcbx.Ledger.open(p, policy, COUNTY) as led:
            led.import_students(roster())
        con = sqlite3.connect(p)
        seq = con.execute("SELECT seq FROM events WHERE kind = 'students.upserted' ORDER BY seq LIMIT 1").fetchone()[0]
        con.executescript("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;")
        con.execute("UPDATE events SET payload = substr(payload, 1, 30) || 'AAAA' || substr(payload, 35) WHERE seq = ?", (seq,))
        con.commit()
        con.close()
        with kcbx.Ledger.open(p, policy, COUNTY) as led, pytest.raises(kcbx.IntegrityError, match=f"event #{seq} students.upserted"):
            led.verify()
