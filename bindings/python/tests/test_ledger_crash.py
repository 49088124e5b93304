"""A process killed in the middle of a batch leaves the ledger valid (issue 4; DOMAIN.md §4: a ledger
is what inspectors audit, seed 002 台账数据填报不实).

A child process imports a large attendance batch in parts of PART rows (KCBX_IMPORT_PART_ROWS; issue
13: a checked batch is written in parts of bounded write-lock time, docs/ledger.md); the parent kills
it with SIGKILL once the first part has committed, while later parts are still to come, then checks
the file: the hash chain and projections verify, and what is there of the batch is whole parts. The
same batch imported again completes it, recording only the marks the kill left out."""
import csv
import datetime as dt
import os
import pathlib
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

from conftest import stored_marks

import kcbx

DATA = pathlib.Path(__file__).resolve().parents[3] / "data" / "sample"
PART = 5000
COUNTY = {"level": "county", "unit_code": "640422", "person": "县教育局王老师"}

CHILD = textwrap.dedent("""
    import sys, kcbx
    with kcbx.Policy.builtin("guyuan-2021") as p, kcbx.Ledger.open(sys.argv[1], p, {"level": "county", "unit_code": "640422", "person": "县教育局王老师"}) as led:
        print("start", flush=True)
        led.import_marks_csv(sys.argv[2])
        print("done", flush=True)
""")


def marks_count(path: pathlib.Path) -> int:
    return len(stored_marks(path))


def write_batch(path: pathlib.Path, calendar: kcbx.Calendar) -> int:
    """Every roster child, every school day from 21 October 2025 to 16 January 2026: one batch."""
    with open(DATA / "roster.csv", encoding="utf-8-sig") as f:
        children = [r["resident_id"] for r in csv.DictReader(f) if r["school_id"]]
    days = calendar.school_days(dt.date(2025, 10, 21), dt.date(2026, 1, 16))
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "date", "kind"])
        for c in children:
            for d in days:
                w.writerow([c, d.isoformat(), "present"])
                n += 1
    return n


def test_killed_mid_batch_leaves_the_ledger_valid_and_the_batch_unapplied(tmp_path):
    ledger_path = tmp_path / "xiji.kcbx"
    with kcbx.Policy.builtin("guyuan-2021") as policy, kcbx.Ledger.open(ledger_path, policy, COUNTY) as led:
        assert led.set_calendar_file(DATA / "calendar.json")
        led.import_students_csv(DATA / "roster.csv")
        led.import_marks_csv(DATA / "attendance.csv")
        head_before = led.head()
    before = marks_count(ledger_path)
    with kcbx.Calendar.from_file(DATA / "calendar.json") as cal:
        batch = write_batch(tmp_path / "batch.csv", cal)
    assert batch > 100_000

    def events() -> int:
        con = sqlite3.connect(f"file:{ledger_path}?mode=ro", uri=True)
        try:
            return con.execute("SELECT count(*) FROM events").fetchone()[0]
        finally:
            con.close()

    events_before = events()
    env = dict(os.environ, KCBX_IMPORT_PART_ROWS=str(PART))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(ledger_path), str(tmp_path / "batch.csv")],
                             stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None and child.stdout.readline().strip() == "start"
    # Wait until the first part has committed (its event is readable), then kill: the parts
    # after it are 120 ms apart, so the kill lands before the batch is done.
    deadline = time.monotonic() + 120
    killed_mid_batch = False
    while time.monotonic() < deadline and child.poll() is None:
        if events() > events_before:
            child.send_signal(signal.SIGKILL)
            killed_mid_batch = True
            break
        time.sleep(0.002)
    child.wait()
    assert killed_mid_batch, "the child finished before its first part was seen"
    assert child.returncode == -signal.SIGKILL

    # Whole parts of the batch; the chain and the projections verify.
    kept = marks_count(ledger_path) - before
    assert 0 < kept < batch and kept % PART == 0
    with kcbx.Policy.builtin("guyuan-2021") as policy, kcbx.Ledger.open(ledger_path, policy, COUNTY) as led:
        if kept == 0:
            assert led.head() == head_before
        assert led.verify() >= head_before[0]
        # The same batch imported again completes it, recording only what the kill left out.
        result = led.import_marks_csv(tmp_path / "batch.csv")
        assert result.changed == batch - kept and result.unchanged == kept
        assert led.verify() >= head_before[0]
    assert marks_count(ledger_path) == before + batch
