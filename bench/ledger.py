#!/usr/bin/env python3
"""Ledger (台账) benchmark: durable event appends (one per transaction, and batched) and a full
sweep of a county ledger of N students, through the kcbx Python package (issue 4).

    python3 bench/ledger.py                      # 1,000,000 students, marks 1 Sept .. 30 Sept 2025
    python3 bench/ledger.py --students 100000
    python3 bench/ledger.py --quick              # 20,000 students (writes to /tmp)

Each phase runs in its own process (`--worker PHASE`), reporting its times and its peak RSS
(VmHWM): import (calendar, roster: one `student.upserted` event per child in one transaction,
then the attendance marks), sweep (classify everyone as of the date and open the cases; then
the same sweep again, which must record nothing), verify (the whole hash chain and every
projection rebuilt from events), appends (one `case.action` event per call, each its own
IMMEDIATE transaction, committed with synchronous=FULL: fsync of the WAL per event).

The data come from bench_data.py (the classification benchmark's attendance generator, with
its planted streaks) plus a roster of valid resident IDs in 西吉县 (640422), 20 townships.
Results: bench/results/ledger.md and ledger.json (bench/suite.py gathers them into RESULTS.md).
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from typing import Any, Dict, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from common import ensure_peer_packages, fmt_mb, fmt_time, kcbx_site, machine, proc_status_kb, run_worker  # noqa: E402

COUNTY = "640422"
ACTOR = {"level": "county", "unit_code": COUNTY, "person": "县教育局信息中心"}
PROFILE = "guyuan-2021"
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


# Data

def roster_ids(n: int):
    """n distinct valid resident IDs of children in grades 1-9 of the 2025-2026 school year,
    with their grade (unique for n < 9 * 365 * 999)."""
    import numpy as np
    i = np.arange(n, dtype=np.int64)
    grade = (i % 9 + 1).astype(np.int8)
    # Entered grade 1 in September (2025 - grade + 1): born 1 Sept (entry - 7) .. 31 Aug (entry - 6).
    entry = 2025 - grade.astype(np.int64) + 1
    first = np.array([(dt.date(int(y) - 7, 9, 1) - dt.date(1970, 1, 1)).days for y in range(2017 - 8, 2026)], dtype=np.int64)
    birth = first[entry - (2017 - 8)] + (i // 9) % 365
    seq = (i // 9 // 365) % 999 + 1
    dates = np.datetime64("1970-01-01") + birth.astype("timedelta64[D]")
    ymd = np.char.replace(np.datetime_as_string(dates, unit="D"), "-", "")
    first17 = np.char.add(np.char.add(COUNTY, ymd), np.char.zfill(seq.astype(str), 3))
    digits = first17.astype("S17").view(np.uint8).reshape(n, 17) - ord("0")
    check = np.frombuffer(b"10X98765432", dtype="S1")[(digits.astype(np.int64) @ np.array(WEIGHTS)) % 11].astype(str)
    return np.char.add(first17, check), grade, np.datetime_as_string(dates, unit="D"), seq


def write_data(work: str, n: int, as_of: dt.date, seed: int) -> Dict[str, Any]:
    import duckdb
    import numpy as np
    import pandas as pd
    import bench_data
    ids, grade, birth, seq = roster_ids(n)
    town = (np.arange(n) // 7 % 20)
    stage = np.where(grade <= 6, "P", "J")
    school = np.char.add(np.char.add("S", np.char.zfill(town.astype(str), 2)), stage)
    roster = pd.DataFrame({
        "resident_id": ids, "registry_number": np.char.add("G", ids), "name": np.char.add("学生", np.arange(n).astype(str)),
        "sex": np.where(seq % 2 == 1, 1, 2), "birth_date": birth, "address": "西吉县", "region_code": COUNTY,
        "school_id": school, "school_name": np.char.add(school, "学校"),
        "township_code": np.char.add(COUNTY, (100 + town).astype(str)), "grade": grade, "registration": "enrolled",
    })
    child, day, kind = bench_data.generate(n, as_of=as_of, seed=seed)
    con = duckdb.connect()
    con.register("roster", roster)
    con.execute(f"COPY roster TO '{work}/roster.csv' (HEADER)")
    con.register("ids", pd.DataFrame({"child": np.arange(n, dtype=np.int32), "student": ids}))
    con.register("m", pd.DataFrame({"child": child, "day": day, "kind": kind}))
    # One file per school week, as schools upload attendance (each file one import, one transaction).
    weeks = sorted({(dt.date(1970, 1, 1) + dt.timedelta(days=int(d))).isocalendar()[:2] for d in np.unique(day)})
    for k, (y, w) in enumerate(weeks):
        lo = (dt.date.fromisocalendar(y, w, 1) - dt.date(1970, 1, 1)).days
        con.execute(f"""COPY (SELECT ids.student, strftime(DATE '1970-01-01' + m.day::INTEGER, '%Y-%m-%d') AS date, m.kind
                        FROM m JOIN ids USING (child) WHERE m.day BETWEEN {lo} AND {lo + 6} ORDER BY m.child, m.day)
                        TO '{work}/marks-{k:02d}.csv' (HEADER)""")
    con.close()
    with bench_data.kcbx_calendar() as cal:
        cal.save(os.path.join(work, "calendar.json"))
    return {"students": n, "marks": int(len(child)), "as_of": as_of.isoformat(),
            "roster_csv_mb": os.path.getsize(f"{work}/roster.csv") / 2**20,
            "weeks": len(weeks), "marks_csv_mb": sum(os.path.getsize(os.path.join(work, f)) for f in os.listdir(work)
                                                     if f.startswith("marks-")) / 2**20}


# Workers

def worker(phase: str, work: str, as_of: str, appends: int) -> None:
    import kcbx
    path = os.path.join(work, "ledger.kcbx")
    out: Dict[str, Any] = {"phase": phase}
    with kcbx.Policy.builtin(PROFILE) as policy, kcbx.Ledger.open(path, policy, ACTOR) as led:
        if phase == "import":
            led.set_calendar_file(os.path.join(work, "calendar.json"))
            head0 = led.head()[0]
            t = time.perf_counter()
            r = led.import_students_csv(os.path.join(work, "roster.csv"))
            out["roster_s"] = time.perf_counter() - t
            out["roster_events"] = led.head()[0] - head0
            out["roster_result"] = dataclasses.asdict(r)
            out["marks_s"], out["marks_changed"] = 0.0, 0
            for f in sorted(f for f in os.listdir(work) if f.startswith("marks-")):
                t = time.perf_counter()
                r = led.import_marks_csv(os.path.join(work, f))
                out["marks_s"] += time.perf_counter() - t
                out["marks_changed"] += r.changed
        elif phase == "sweep":
            day = dt.date.fromisoformat(as_of)
            t = time.perf_counter()
            s = led.sweep(day)
            out["sweep_s"] = time.perf_counter() - t
            out["summary"] = {"classified": s.classified, "opened": len(s.opened),
                              "statuses": s.statuses, "skipped": len(s.skipped)}
            head = led.head()
            t = time.perf_counter()
            again = led.sweep(day)
            out["resweep_s"] = time.perf_counter() - t
            out["resweep_changes"] = len(again.opened) + len(again.promoted) + len(again.flagged)
            out["resweep_unchanged"] = led.head() == head
        elif phase == "verify":
            t = time.perf_counter()
            out["events"] = led.verify()
            out["verify_s"] = time.perf_counter() - t
        elif phase == "appends":
            case = led.cases()[0].id
            day = dt.date.fromisoformat(as_of)
            head0 = led.head()[0]
            t = time.perf_counter()
            for k in range(appends):
                led.record_action(case, action="note", date=day, note=f"基准测试 {k}")
            out["appends_s"] = time.perf_counter() - t
            out["appends"] = led.head()[0] - head0
    out["peak_kb"] = proc_status_kb("VmHWM")
    out["file_mb"] = os.path.getsize(path) / 2**20
    print(json.dumps(out, ensure_ascii=False))


def run_phase(phase: str, work: str, args: argparse.Namespace, site: Optional[str]) -> Dict[str, Any]:
    return run_worker(os.path.abspath(__file__), phase, [phase, "--work", work, "--as-of", args.as_of,
                                                         "--appends", str(args.appends)], site)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--students", type=int, default=1_000_000)
    ap.add_argument("--as-of", default="2025-09-30", help="sweep date; marks run from 1 Sept to this date")
    ap.add_argument("--appends", type=int, default=500, help="one-event transactions to time")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="20,000 students, results to a temporary folder")
    ap.add_argument("--kcbx", choices=["checkout", "installed"], default="checkout")
    ap.add_argument("--out", help="markdown file (default bench/results/ledger.md; json next to it)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.work, args.as_of, args.appends)
        return
    if args.quick:
        args.students = 20_000
    out = args.out or (os.path.join(tempfile.gettempdir(), "kcbx-bench", "ledger.md") if args.quick
                       else os.path.join(HERE, "results", "ledger.md"))
    ensure_peer_packages()
    site = kcbx_site(args.kcbx)
    work = tempfile.mkdtemp(prefix="kcbx-ledger-bench-", dir=os.environ.get("KCBX_BENCH_TMP"))
    try:
        print(f"ledger bench: generating {args.students:,} students, marks to {args.as_of} in {work}", flush=True)
        t = time.perf_counter()
        data = write_data(work, args.students, dt.date.fromisoformat(args.as_of), args.seed)
        data["generate_s"] = time.perf_counter() - t
        phases = {ph: run_phase(ph, work, args, site) for ph in ("import", "sweep", "verify", "appends")}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results = {"machine": machine(), "data": data, "phases": phases, "profile": PROFILE}
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(os.path.splitext(out)[0] + ".json", "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, indent=2)
    with open(out, "w", encoding="utf-8") as f:
        f.write(markdown(results))
    print(markdown(results))


def markdown(r: Dict[str, Any]) -> str:
    d, p, m = r["data"], r["phases"], r["machine"]
    imp, sw, ve, ap = p["import"], p["sweep"], p["verify"], p["appends"]
    rate = lambda n, s: f"{n / s:,.0f}/s" if s > 0 else "–"  # noqa: E731
    rows = [
        ("durable appends, one event per transaction (`record_action`, fsync per commit)",
         f"{ap['appends']:,} events", fmt_time(ap["appends_s"]), rate(ap["appends"], ap["appends_s"]), fmt_mb(ap["peak_kb"])),
        ("durable appends, batched (`import_students_csv`: one `student.upserted` event per child, one transaction)",
         f"{imp['roster_events']:,} events", fmt_time(imp["roster_s"]), rate(imp["roster_events"], imp["roster_s"]), fmt_mb(imp["peak_kb"])),
        (f"attendance import (`import_marks_csv`, one file and transaction per school week: {d['weeks']})", f"{d['marks']:,} marks", fmt_time(imp["marks_s"]),
         rate(d["marks"], imp["marks_s"]), "(same process)"),
        (f"full sweep as of {d['as_of']} (classify everyone, open cases)", f"{sw['summary']['classified']:,} students",
         fmt_time(sw["sweep_s"]), rate(sw["summary"]["classified"], sw["sweep_s"]), fmt_mb(sw["peak_kb"])),
        ("the same sweep again (records nothing)", f"{sw['resweep_changes']} changes", fmt_time(sw["resweep_s"]),
         rate(sw["summary"]["classified"], sw["resweep_s"]), "(same process)"),
        ("verify (hash chain + projections rebuilt from events)", f"{ve['events']:,} events", fmt_time(ve["verify_s"]),
         rate(ve["events"], ve["verify_s"]), fmt_mb(ve["peak_kb"])),
    ]
    lines = [f"## Ledger: {d['students']:,} students", "",
             f"Machine: {m['cpu']}, {m['nproc']} cores, {m['memory']}; {m['date']}; commit {m['commit']}. "
             f"Profile `{r['profile']}`; SQLite WAL, `synchronous=FULL`; ledger file {ve['file_mb']:,.0f} MB after the sweep. "
             f"Data: {d['students']:,} students, {d['marks']:,} marks (1 Sept – {d['as_of']}), generated in {d['generate_s']:.0f} s "
             "(not timed). Command: `python3 bench/ledger.py" + ("" if d["students"] == 1_000_000 else f" --students {d['students']}") + "`.",
             "", "| operation | size | time | rate | peak RSS |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {a} | {b} | {c} | {e} | {f} |" for a, b, c, e, f in rows]
    st = sw["summary"]["statuses"] or {}
    lines += ["", f"Sweep outcome: {sw['summary']['opened']:,} cases opened; statuses "
              + ", ".join(f"{k} {v:,}" for k, v in sorted(st.items(), key=lambda kv: -kv[1]))
              + f"; {sw['summary']['skipped']} skipped. Second sweep unchanged head: {sw['resweep_unchanged']}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
