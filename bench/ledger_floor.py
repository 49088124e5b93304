#!/usr/bin/env python3
"""The floor for the ledger benchmark (issue 13): a plain Python `sqlite3` script doing the same
durable work as `kcbx import` on a `kcbx synth` county, with nothing but the standard library.

    python3 bench/ledger_floor.py DB --students roster.csv --attendance attendance.csv

Roster: one row per child (keyed by resident ID) plus one chained event per child, one
transaction. Attendance: the csv module streams the file; marks go into a `marks` table keyed by
(student, day) with `executemany`, unchanged marks are skipped, and one event per 5,000 changed
marks holds them as JSON with a SHA-256 chained over the events; one transaction per file, WAL,
`synchronous=FULL`. It checks nothing that KCBX checks (roster membership, calendar, birth
dates, jurisdiction), so it is a floor: what the storage work alone costs in an interpreter.
Prints one JSON object per step: rows, seconds, peak RSS (VmHWM, KB).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sqlite3
import sys
import time

CHUNK = 5000


def peak_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def open_db(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.executescript("""
        CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL,
            student TEXT NOT NULL, payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS students (key TEXT PRIMARY KEY, name TEXT, school_id TEXT, township_code TEXT,
            birth_date TEXT, grade INTEGER, row TEXT) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS marks (student TEXT NOT NULL, day INTEGER NOT NULL, kind INTEGER NOT NULL,
            PRIMARY KEY (student, day)) WITHOUT ROWID;
        """)
    return db


class Chain:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        row = db.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        self.seq, self.hash = row if row else (0, "0" * 64)

    def append(self, kind: str, student: str, payload: str) -> None:
        self.seq += 1
        at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        h = hashlib.sha256(bytes.fromhex(self.hash) + f"{self.seq}\n{at}\n{kind}\n{student}\n{payload}".encode()).hexdigest()
        self.db.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)", (self.seq, at, kind, student, payload, self.hash, h))
        self.hash = h


KINDS = {"present": 0, "approved_leave": 1, "unexcused": 2, "late": 3, "left_early": 4}


def import_students(db: sqlite3.Connection, path: str) -> int:
    n = 0
    db.execute("BEGIN IMMEDIATE")
    chain = Chain(db)
    with open(path, newline="", encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            key = r["resident_id"] or "L" + r["registry_number"]
            row = json.dumps(r, ensure_ascii=False, sort_keys=True)
            old = db.execute("SELECT row FROM students WHERE key = ?", (key,)).fetchone()
            n += 1
            if old and old[0] == row:
                continue
            db.execute("INSERT OR REPLACE INTO students VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (key, r["name"], r["school_id"], r["township_code"], r["birth_date"], int(r["grade"] or 0), row))
            chain.append("student.upserted", key, row)
    db.execute("COMMIT")
    return n


def import_marks(db: sqlite3.Connection, path: str) -> int:
    n = 0
    db.execute("BEGIN IMMEDIATE")
    chain = Chain(db)
    lookup = "SELECT kind FROM marks WHERE student = ? AND day = ?"
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader)
        si, di, ki = header.index("student"), header.index("date"), header.index("kind")
        chunk = []

        def flush() -> None:
            db.executemany("INSERT OR REPLACE INTO marks VALUES (?, ?, ?)", chunk)
            chain.append("marks.recorded", "", json.dumps({"marks": chunk}, separators=(",", ":")))
            chunk.clear()

        for r in reader:
            n += 1
            day = int(r[di].replace("-", ""))
            kind = KINDS[r[ki]] if r[ki] in KINDS else int(r[ki])
            old = db.execute(lookup, (r[si], day)).fetchone()
            if old and old[0] == kind:
                continue
            chunk.append((r[si], day, kind))
            if len(chunk) == CHUNK:
                flush()
        if chunk:
            flush()
    db.execute("COMMIT")
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("db")
    ap.add_argument("--students")
    ap.add_argument("--attendance")
    args = ap.parse_args()
    db = open_db(args.db)
    for step, path, fn in (("students", args.students, import_students), ("attendance", args.attendance, import_marks)):
        if path:
            t, c = time.perf_counter(), time.process_time()
            rows = fn(db, path)
            print(json.dumps({"step": step, "rows": rows, "s": time.perf_counter() - t, "cpu_s": time.process_time() - c,
                              "peak_kb": peak_kb()}), flush=True)
    db.close()


if __name__ == "__main__":
    sys.exit(main())
