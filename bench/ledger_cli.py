#!/usr/bin/env python3
"""The ledger at county scale, command by command, against the floor (issue 13).

    python3 bench/ledger_cli.py                       # 50,000 children (kcbx synth), one run
    python3 bench/ledger_cli.py --children 1000000    # a city
    python3 bench/ledger_cli.py --kcbx /path/to/kcbx  # another build (e.g. the one before a change)
    BENCH_CHILDREN="50000 1000000" make bench         # the sizes from the environment when none is given

Generates a county with `kcbx synth --children N` (not timed), then runs, each as its own
process timed wall-clock with its peak RSS (ru_maxrss of the child): `kcbx import` of the
calendar, the roster and the attendance; the same attendance again (must record nothing);
`kcbx verify` (full, and incremental from the roster's head), `due`, `report`, `sweep`, `cases`,
`due` and `escalate` after the sweep; two writers on one file (bench/ledger_two_writers.py: the
CLI importing attendance while Python records actions); and the floor, bench/ledger_floor.py (a plain
Python sqlite3 script doing the same durable storage work: WAL, synchronous=FULL, one
transaction a file, SHA-256 chained over 5,000-mark chunks) on the same files.
Results: bench/results/ledger_cli.md and .json (bench/suite.py gathers them into RESULTS.md).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any, Dict, List

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from common import fmt_mb, fmt_time  # noqa: E402

ACTOR = "county:640422:县教育局信息中心"
PROFILE = "guyuan-2021"
AS_OF = "2025-10-20"


def timed(cmd: List[str], env: Dict[str, str]) -> Dict[str, Any]:
    """Runs cmd (output to files, so a long listing never blocks it); wall seconds, peak RSS (KB)
    of that process, stdout tail."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        s = time.perf_counter() - t
        out.seek(0), err.seek(0)
        o, e = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({code}):\n{e[-2000:]}")
    return {"s": s, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_kb": usage.ru_maxrss, "stdout": o[-4000:], "stderr": e[-1000:]}


def run(kcbx: str, children: int, work: str) -> Dict[str, Any]:
    env = dict(os.environ, KCBX_ACTOR=ACTOR)
    data = os.path.join(work, "county")
    t = time.perf_counter()
    subprocess.run([kcbx, "synth", "--children", str(children), "--out", data, "--as-of", AS_OF, "--quiet"],
                   check=True, stdout=subprocess.DEVNULL, env=env)
    gen_s = time.perf_counter() - t
    marks = sum(1 for _ in open(os.path.join(data, "attendance.csv"), encoding="utf-8-sig")) - 1
    roster = sum(1 for _ in open(os.path.join(data, "roster.csv"), encoding="utf-8-sig")) - 1
    led = os.path.join(work, "ledger.kcbx")
    L = ["--ledger", led]
    steps: Dict[str, Any] = {}
    steps["calendar"] = timed([kcbx, "import", *L, "--policy", PROFILE, "--calendar", os.path.join(data, "calendar.json"), "--quiet"], env)
    steps["students"] = timed([kcbx, "import", *L, "--students", os.path.join(data, "roster.csv"), "--quiet"], env)
    steps["students_again"] = timed([kcbx, "import", *L, "--students", os.path.join(data, "roster.csv"), "--quiet"], env)
    anchor = timed([kcbx, "head", *L], env)["stdout"].strip()  # SEQ:HASH
    two = os.path.join(work, "two-writers.kcbx")  # roster, no attendance: for the two-writer run
    shutil.copy(led, two)
    steps["attendance"] = timed([kcbx, "import", *L, "--attendance", os.path.join(data, "attendance.csv"), "--quiet"], env)
    head = timed([kcbx, "head", *L], env)["stdout"]
    steps["attendance_again"] = timed([kcbx, "import", *L, "--attendance", os.path.join(data, "attendance.csv"), "--quiet"], env)
    steps["attendance_again"]["records_nothing"] = timed([kcbx, "head", *L], env)["stdout"] == head
    file_mb = os.path.getsize(led) / 2**20
    steps["verify"] = timed([kcbx, "verify", *L], env)
    steps["verify_since"] = timed([kcbx, "verify", *L, "--anchor", anchor, "--since-anchor"], env)
    steps["due"] = timed([kcbx, "due", *L, "--as-of", AS_OF, "--limit", "5"], env)
    steps["report"] = timed([kcbx, "report", *L, "--as-of", AS_OF], env)
    steps["sweep"] = timed([kcbx, "sweep", *L, "--as-of", AS_OF, "--quiet"], env)
    steps["cases"] = timed([kcbx, "cases", *L, "--format", "csv"], env)
    steps["due_after_sweep"] = timed([kcbx, "due", *L, "--as-of", AS_OF, "--format", "csv"], env)
    steps["escalate"] = timed([kcbx, "escalate", *L, "--as-of", AS_OF], env)
    tw = timed([sys.executable, os.path.join(HERE, "ledger_two_writers.py"), two, os.path.join(data, "roster.csv"),
                os.path.join(data, "attendance.csv"), "--kcbx", kcbx], env)
    two_writers = json.loads(tw["stdout"].strip().splitlines()[-1])
    floor = os.path.join(work, "floor.db")
    f = timed([sys.executable, os.path.join(HERE, "ledger_floor.py"), floor, "--students", os.path.join(data, "roster.csv"),
               "--attendance", os.path.join(data, "attendance.csv")], env)
    fl = {json.loads(line)["step"]: json.loads(line) for line in f["stdout"].splitlines() if line.startswith("{")}
    return {"children": children, "roster": roster, "marks": marks, "generate_s": gen_s, "file_mb": file_mb,
            "floor_file_mb": os.path.getsize(floor) / 2**20, "steps": steps, "floor": fl, "floor_peak_kb": f["peak_kb"],
            "load_before": os.getloadavg(), "two_writers": two_writers}


def machine() -> Dict[str, str]:
    """The machine, date and commit (standard library only: this benchmark needs no peer packages)."""
    cpu, mem_kb = "unknown", 0
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), cpu)
    with open("/proc/meminfo", encoding="ascii") as f:
        mem_kb = next((int(l.split()[1]) for l in f if l.startswith("MemTotal:")), 0)
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu, "nproc": str(os.cpu_count()), "memory": f"{mem_kb / 2**20:.1f} GiB", "commit": commit or "unknown",
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def targets(runs: List[Dict[str, Any]]) -> List[str]:
    """Issue 13's targets, each judged on this run's CPU seconds: met or missed, with the figure."""
    lines = ["### Issue 13's targets, judged on this run (CPU seconds)", "",
             "| target | " + " | ".join(f"{r['children']:,} children" for r in runs) + " |",
             "|---|" + "---|" * len(runs)]

    def row(name: str, judge: Any) -> None:
        cells = []
        for r in runs:
            ok, text = judge(r)
            cells.append(f"{text}: {'met' if ok else '**missed**'}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")

    def cpu(r: Dict[str, Any], step: str) -> float:
        return float(r["steps"][step]["cpu_s"])

    def rate(r: Dict[str, Any], step: str, n: int) -> float:
        return n / cpu(r, step) if cpu(r, step) > 0 else 0.0

    def floor_ratio(r: Dict[str, Any]) -> float:
        f = r["floor"].get("attendance", {}).get("cpu_s")
        return float(f) / cpu(r, "attendance") if f else 0.0

    row("attendance import ≥ 1,000,000 marks/s and ≥ 5× the floor",
        lambda r: (rate(r, "attendance", r["marks"]) >= 1e6 and floor_ratio(r) >= 5,
                   f"{rate(r, 'attendance', r['marks']):,.0f}/s, {floor_ratio(r):.1f}×"))
    row("attendance import peak memory < 256 MB",
        lambda r: (r["steps"]["attendance"]["peak_kb"] < 256 * 1024, fmt_mb(r["steps"]["attendance"]["peak_kb"])))
    row("roster import ≥ 200,000 students/s",
        lambda r: (rate(r, "students", r["roster"]) >= 2e5, f"{rate(r, 'students', r['roster']):,.0f}/s"))
    row("re-import of the unchanged roster at least as fast",
        lambda r: (cpu(r, "students_again") <= cpu(r, "students"), f"{fmt_time(cpu(r, 'students_again'))}"))
    row("re-import of the attendance at least as fast, recording nothing",
        lambda r: (cpu(r, "attendance_again") <= cpu(r, "attendance") and r["steps"]["attendance_again"]["records_nothing"],
                   f"{fmt_time(cpu(r, 'attendance_again'))} against {fmt_time(cpu(r, 'attendance'))}"))
    row("verify ≥ 1,000,000 marks/s", lambda r: (rate(r, "verify", r["marks"]) >= 1e6, f"{rate(r, 'verify', r['marks']):,.0f}/s"))
    for step, name in (("due", "due"), ("escalate", "escalate"), ("report", "report"), ("cases", "cases"), ("sweep", "sweep")):
        limit = lambda r: 0.5 if r["children"] <= 50_000 else 10.0  # noqa: E731
        row(f"{name} < 0.5 s (50,000) / < 10 s (1,000,000)",
            lambda r, step=step, limit=limit: (cpu(r, step) < limit(r), fmt_time(cpu(r, step))))
    row("≤ 40 bytes a mark on disk (the whole file)",
        lambda r: (r["file_mb"] * 2**20 / max(r["marks"], 1) <= 40, f"{r['file_mb'] * 2**20 / max(r['marks'], 1):.0f} B"))
    row("two writers: nothing lost, no wait past the busy timeout",
        lambda r: (r["two_writers"]["lost"] == 0 and r["two_writers"]["refused_busy"] == 0
                   and r["two_writers"]["longest_wait_s"] < r["two_writers"]["busy_timeout_s"],
                   f"{r['two_writers']['lost']} lost, longest wait {fmt_time(r['two_writers']['longest_wait_s'])}"))
    return lines + [""]


def markdown(r: Dict[str, Any], kcbx: str) -> str:
    m = r["machine"]
    lines = ["## Ledger at county scale, command by command, against the floor", "",
             f"Made by `python3 bench/ledger_cli.py` (`make bench-ledger`) on {m['date']}; {m['cpu']}, {m['nproc']} cores, "
             f"{m['memory']}; commit {m['commit']}; kcbx `{kcbx}`. Load average when the run ended: "
             + m.get("load_after", " ".join(f"{x:.1f}" for x in os.getloadavg()))
             + " (the machine is shared: compare KCBX with the floor of the same run, not across runs).", ""]
    for run_ in r["runs"]:
        st, fl = run_["steps"], run_["floor"]
        n, mk = run_["roster"], run_["marks"]
        rate = lambda k, s: f"{k / s:,.0f}/s" if s > 0 else "–"  # noqa: E731
        rows = [
            ("import --students (roster)", f"{n:,} students", st["students"], n, fl.get("students", {}).get("s")),
            ("import --students again (unchanged)", f"{n:,} students", st["students_again"], n, None),
            ("import --attendance", f"{mk:,} marks", st["attendance"], mk, fl.get("attendance", {}).get("s")),
            ("import --attendance again (records nothing: "
             + ("yes" if st["attendance_again"]["records_nothing"] else "**NO**") + ")", f"{mk:,} marks", st["attendance_again"], mk, None),
            ("verify (chain + projections replayed)", f"{mk:,} marks", st["verify"], mk, None),
            ("verify --since-anchor (the attendance's events after the roster's head)", f"{mk:,} marks", st["verify_since"], mk, None),
            (f"due --as-of {AS_OF}", "", st["due"], 0, None),
            (f"report --as-of {AS_OF}", "", st["report"], 0, None),
            (f"sweep --as-of {AS_OF}", f"{n:,} students", st["sweep"], n, None),
            ("cases (after the sweep)", "", st["cases"], 0, None),
            (f"due --as-of {AS_OF} (after the sweep, every row as CSV)", "", st["due_after_sweep"], 0, None),
            (f"escalate --as-of {AS_OF} (after the sweep)", "", st["escalate"], 0, None),
        ]
        lines += [f"### {run_['children']:,} children ({n:,} on the roster, {mk:,} marks)", "",
                  "| command | size | KCBX wall | KCBX CPU | rate (CPU) | peak RSS | floor wall | floor CPU | floor rate (CPU) | KCBX speed ÷ floor speed (CPU) |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for name, size, s, k, f in rows:
            fc = fl.get("students" if "students" in name else "attendance", {}).get("cpu_s") if f else None
            lines.append(f"| {name} | {size} | {fmt_time(s['s'])} | {fmt_time(s['cpu_s'])} | {rate(k, s['cpu_s']) if k else ''} | {fmt_mb(s['peak_kb'])} | "
                         + (f"{fmt_time(f)} | {fmt_time(fc)} | {rate(k, fc)} | {fc / s['cpu_s']:.2f}×" if f and fc else " | | | ") + " |")
        lines += ["", f"Ledger file after the imports: {run_['file_mb']:,.0f} MB ({run_['file_mb'] * 2**20 / max(mk, 1):,.0f} bytes a mark); "
                  f"the floor's: {run_['floor_file_mb']:,.0f} MB; floor peak RSS {fmt_mb(run_['floor_peak_kb'])}. "
                  f"Data generated in {run_['generate_s']:.0f} s (not timed).", ""]
        tw = run_["two_writers"]
        lines += ["Two writers on one file (`bench/ledger_two_writers.py`): `kcbx import --attendance` of the "
                  f"{mk:,} marks (checked whole, then written in parts of about a second of write lock each) while a Python process records guardian contacts through the binding, "
                  "one durable event per call:", "",
                  "| actions tried | acknowledged | refused busy (caller told) | lost | longest wait | median wait | busy timeout | import wall | all marks in |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
                  f"| {tw['actions_tried']:,} | {tw['acknowledged']:,} | {tw['refused_busy']:,} | **{tw['lost']}** | "
                  f"{fmt_time(tw['longest_wait_s'])} | {fmt_time(tw['median_wait_s'])} | {fmt_time(tw['busy_timeout_s'])} | "
                  f"{fmt_time(tw['import_s'])} | {'yes' if tw['marks_in_file'] == tw['marks'] and tw['import_rc'] == 0 else '**NO**'} |", ""]
    lines += targets(r["runs"])
    for name in ("ledger_cli_before.md", "ledger_profile.md"):  # earlier runs (before/after), then the profile
        notes = os.path.join(HERE, name)
        if os.path.isfile(notes):
            with open(notes, encoding="utf-8") as f:
                lines += ["", f.read().strip(), ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--children", type=int, action="append", help="county size(s); default 50,000")
    ap.add_argument("--kcbx", default=os.path.join(ROOT, "out", "bin", "kcbx"))
    ap.add_argument("--out", default=os.path.join(HERE, "results", "ledger_cli.md"))
    ap.add_argument("--quick", action="store_true", help="10,000 children (bench/suite.py --quick)")
    ap.add_argument("--render", action="store_true", help="only write the markdown again from the run's .json")
    args = ap.parse_args()
    if args.render:
        with open(os.path.splitext(args.out)[0] + ".json", encoding="utf-8") as f:
            results = json.load(f)
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(markdown(results, results["kcbx"].replace(ROOT + os.sep, "")))
        return
    # make bench BENCH_CHILDREN="50000 1000000" (bench/suite.py passes no sizes): the sizes from the environment.
    env_sizes = [int(x) for x in os.environ.get("BENCH_CHILDREN", "").replace(",", " ").split()]
    runs = []
    for n in args.children or env_sizes or ([10_000] if args.quick else [50_000]):
        work = tempfile.mkdtemp(prefix="kcbx-ledger-cli-", dir=os.environ.get("KCBX_BENCH_TMP"))
        try:
            print(f"ledger_cli: {n:,} children in {work}", flush=True)
            runs.append(run(args.kcbx, n, work))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    results = {"machine": machine(), "runs": runs, "kcbx": args.kcbx}
    results["machine"]["load_after"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(os.path.splitext(args.out)[0] + ".json", "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, indent=2)
    text = markdown(results, os.path.relpath(args.kcbx, ROOT) if args.kcbx.startswith(ROOT) else args.kcbx)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
