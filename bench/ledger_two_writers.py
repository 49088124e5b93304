#!/usr/bin/env python3
"""Two writers on one ledger file (issue 13): the kcbx CLI imports an attendance file (one
all-or-nothing transaction) while this Python process records case actions on the same file
through the binding, one durable event per call.

    python3 bench/ledger_two_writers.py LEDGER ROSTER.csv ATTENDANCE.csv [--kcbx out/bin/kcbx]

LEDGER must hold the roster and calendar but not yet this attendance. Prints one JSON line:
actions acknowledged, refused as busy (the caller is told; nothing half-written), lost
(acknowledged but not in the file afterwards: must be 0), the longest and median wait of one
action against the busy timeout, the import's wall time and whether all its marks are there.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import sqlite3
import statistics
import subprocess
import time

ACTOR = {"level": "county", "unit_code": "640422", "person": "县教育局信息中心"}
CLI_ACTOR = "county:640422:县教育局信息中心"
BUSY_TIMEOUT_S = 10.0  # the binding's default (Ledger busyTimeout)
DAY = dt.date(2025, 10, 20)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ledger")
    ap.add_argument("roster")
    ap.add_argument("attendance")
    ap.add_argument("--kcbx", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "out", "bin", "kcbx"))
    ap.add_argument("--min-actions", type=int, default=200)
    args = ap.parse_args()
    import kcbx

    with open(args.roster, encoding="utf-8-sig") as f:
        keys = [r.get("resident_id") or r.get("registry_number") or "" for r in csv.DictReader(f)]
    keys = [k for k in keys if k]
    with open(args.attendance, encoding="utf-8-sig") as f:
        marks = sum(1 for _ in f) - 1
    con = sqlite3.connect(f"file:{args.ledger}?mode=ro", uri=True)
    actions_before = con.execute("SELECT count(*) FROM events WHERE kind = 'student.action'").fetchone()[0]
    con.close()

    waits, acknowledged, busy, other = [], [], 0, []
    env = dict(os.environ, KCBX_ACTOR=CLI_ACTOR)
    with kcbx.Policy.builtin("guyuan-2021") as policy, kcbx.Ledger.open(args.ledger, policy, ACTOR) as led:
        t0 = time.perf_counter()
        importer = subprocess.Popen([args.kcbx, "import", "--ledger", args.ledger, "--attendance", args.attendance, "--quiet"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        i = 0
        while importer.poll() is None or i < args.min_actions:
            key = keys[i % len(keys)]
            i += 1
            t = time.perf_counter()
            try:
                led.record_student_action(key, action="guardian_contact", date=DAY, note=f"two writers #{i}")
                acknowledged.append(i)
            except kcbx.KcbxError as e:  # a busy file past the timeout is refused, not half-written
                if "busy" in str(e).lower() or "locked" in str(e).lower():
                    busy += 1
                else:
                    other.append(str(e)[:200])
            waits.append(time.perf_counter() - t)
        _, err = importer.communicate()
        import_s = time.perf_counter() - t0
    con = sqlite3.connect(f"file:{args.ledger}?mode=ro", uri=True)
    actions_after = con.execute("SELECT count(*) FROM events WHERE kind = 'student.action'").fetchone()[0]
    # file format v4: one mark_months row a child and month, a nonzero byte of `days` a mark
    marks_in_file = sum(sum(1 for b in days if b) for (days,) in con.execute("SELECT days FROM mark_months"))
    con.close()
    print(json.dumps({
        "actions_tried": len(waits), "acknowledged": len(acknowledged), "refused_busy": busy, "other_errors": other[:3],
        "lost": len(acknowledged) - (actions_after - actions_before),
        "longest_wait_s": max(waits, default=0.0), "median_wait_s": statistics.median(waits) if waits else 0.0,
        "busy_timeout_s": BUSY_TIMEOUT_S, "import_s": import_s, "import_rc": importer.returncode,
        "import_error": err.decode(errors="replace")[-300:] if importer.returncode else "",
        "marks": marks, "marks_in_file": marks_in_file,
    }))


if __name__ == "__main__":
    main()
