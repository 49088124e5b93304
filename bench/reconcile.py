#!/usr/bin/env python3
"""Reconciliation benchmark (issue 6): a province's household registry against its student
registry (四查三比对, seed 004 二（二）) with KCBX and with the same comparison written in pandas and
DuckDB (bench/reconcile_peers.py), on the same CSV files, in one run.

    python3 bench/reconcile.py                         # 5,000,000 children, 宁夏 (22 counties)
    python3 bench/reconcile.py --children 1000000 --counties 5
    python3 bench/reconcile.py --quick                 # 100,000 children (writes to /tmp)

The province comes from `kcbx synth --counties N --no-attendance` (deterministic, planted
out-of-school children, identity conflicts, mistyped IDs, migrants), cached under
~/.cache/kcbx-bench. Each engine runs in its own process, reading the CSV files itself (what an
analyst's script does), and reports its time and peak RSS (VmHWM). The four counts every engine
computes (out-of-school candidates, unregistered students, identity conflicts, duplicates) must
agree, or the run fails. KCBX also produces every finding with its reason and the 四查 summary,
which the peers do not. Results: bench/results/reconciliation.md and .json.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any, Dict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from common import ensure_peer_packages, fmt_mb, fmt_time, kcbx_site, machine, proc_status_kb, run_worker  # noqa: E402

AS_OF = dt.date(2025, 10, 20)
REGION = "64"  # 宁夏: the province's prefix
ENGINES = {"kcbx": "KCBX `kcbx.reconcile` (CSV paths → libkcbx)",
           "kcbx-pyarrow": "KCBX: `pyarrow.csv.read_csv` → `kcbx.reconcile(tables)` (Arrow streams)",
           "kcbx-polars": "KCBX: `polars.read_csv` → `kcbx.reconcile(frames)` (Arrow streams)",
           "duckdb": "DuckDB SQL (reconcile_peers.reconcile_duckdb)",
           "pandas": "pandas (reconcile_peers.reconcile_pandas)"}
# Identifier columns read as text (a reader's type guess from the first rows would make them integers).
TEXT_IDS = ("resident_id", "registry_number")


def kcbx_binary() -> str:
    subprocess.run(["make", "-s", "-C", REPO, "cli"], check=True, stdout=subprocess.DEVNULL)
    return os.path.join(REPO, os.environ.get("OUT", "out"), "bin", "kcbx")


def province(children: int, counties: int, seed: int) -> Dict[str, Any]:
    cache = os.path.join(os.path.expanduser("~"), ".cache", "kcbx-bench", f"province-{children}-{counties}-{seed}")
    if not os.path.isfile(os.path.join(cache, "done.json")):
        print(f"setup: kcbx synth --children {children} --counties {counties} --no-attendance → {cache}", flush=True)
        shutil.rmtree(cache, ignore_errors=True)
        t = time.perf_counter()
        subprocess.run([kcbx_binary(), "synth", "--out", cache, "--children", str(children), "--counties", str(counties),
                        "--seed", str(seed), "--as-of", AS_OF.isoformat(), "--no-attendance", "--quiet"], check=True)
        info = {"generate_s": time.perf_counter() - t}
        for name in ("household", "students"):
            with open(os.path.join(cache, f"{name}.csv"), "rb") as f:
                info[f"{name}_rows"] = sum(1 for _ in f) - 1
            info[f"{name}_mb"] = os.path.getsize(os.path.join(cache, f"{name}.csv")) / 2**20
        with open(os.path.join(cache, "done.json"), "w") as f:
            json.dump(info, f)
    with open(os.path.join(cache, "done.json")) as f:
        info = json.load(f)
    info["dir"] = cache
    return info


def worker(engine: str, data: str) -> None:
    import reconcile_peers as rp
    import resource
    household, students = os.path.join(data, "household.csv"), os.path.join(data, "students.csv")
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t = time.perf_counter()
    if engine.startswith("kcbx"):
        import kcbx
        h: Any = household
        s: Any = students
        if engine == "kcbx-pyarrow":
            import pyarrow as pa
            import pyarrow.csv as pc
            opts = pc.ConvertOptions(column_types={c: pa.string() for c in TEXT_IDS})
            h, s = pc.read_csv(household, convert_options=opts), pc.read_csv(students, convert_options=opts)
        elif engine == "kcbx-polars":
            import polars as pl
            h = pl.read_csv(household, schema_overrides={"resident_id": pl.String})
            s = pl.read_csv(students, schema_overrides={c: pl.String for c in TEXT_IDS})
        report = kcbx.reconcile(h, s, AS_OF, region=REGION)
        elapsed = time.perf_counter() - t
        counts = rp.kcbx_counts(report)
        extra = {"findings": len(report.findings.rows)}
    elif engine == "pandas":
        counts = rp.reconcile_pandas(household, students, AS_OF, REGION)
        elapsed, extra = time.perf_counter() - t, {}
    else:
        counts = rp.reconcile_duckdb(household, students, AS_OF, REGION)
        elapsed, extra = time.perf_counter() - t, {}
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    print(json.dumps({"engine": engine, "seconds": elapsed, "cpu_seconds": cpu, "counts": counts,
                      "peak_kb": proc_status_kb("VmHWM"), **extra}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--children", type=int, default=5_000_000)
    ap.add_argument("--counties", type=int, default=22)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--quick", action="store_true", help="100,000 children in 2 counties, results to a temporary folder")
    ap.add_argument("--kcbx", choices=["checkout", "installed"], default="checkout")
    ap.add_argument("--out", help="markdown file (default bench/results/reconciliation.md; json next to it)")
    ap.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset of " + ", ".join(ENGINES))
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.data)
        return
    if args.quick:
        args.children, args.counties = 100_000, 2
    out = args.out or (os.path.join(tempfile.gettempdir(), "kcbx-bench", "reconciliation.md") if args.quick
                       else os.path.join(HERE, "results", "reconciliation.md"))
    ensure_peer_packages()
    site = kcbx_site(args.kcbx)
    data = province(args.children, args.counties, args.seed)
    print(f"reconcile bench: {data['household_rows']:,} household rows vs {data['students_rows']:,} student rows", flush=True)
    runs = {e: run_worker(os.path.abspath(__file__), e, [e, "--data", data["dir"]], site) for e in ENGINES
            if e in args.engines.split(",")}
    agree = all(r["counts"] == runs["kcbx"]["counts"] for r in runs.values())
    results = {"machine": machine(), "data": {k: v for k, v in data.items() if k != "dir"}, "children": args.children,
               "counties": args.counties, "as_of": AS_OF.isoformat(), "runs": runs, "agree": agree}
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(os.path.splitext(out)[0] + ".json", "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, indent=2)
    with open(out, "w", encoding="utf-8") as f:
        f.write(markdown(results))
    print(markdown(results))
    if not agree:
        sys.exit("reconcile bench: the engines disagree: " + json.dumps({e: r["counts"] for e, r in runs.items()}))


def markdown(r: Dict[str, Any]) -> str:
    m, d, runs = r["machine"], r["data"], r["runs"]
    k = runs["kcbx"]
    lines = [f"## Reconciliation: {r['children']:,} children, {r['counties']} counties", "",
             f"Machine: {m['cpu']}, {m['nproc']} cores, {m['memory']}; {m['date']}; commit {m['commit']}. "
             f"Input: household registry {d['household_rows']:,} rows ({d['household_mb']:,.0f} MB CSV), student registry "
             f"{d['students_rows']:,} rows ({d['students_mb']:,.0f} MB), from `kcbx synth --counties {r['counties']} --no-attendance` "
             f"({d['generate_s']:.0f} s, not timed); as of {r['as_of']}, region prefix {REGION}. Each engine reads the CSV files "
             "itself; one run each; peak RSS of its process. Command: `python3 bench/reconcile.py"
             + ("" if r["children"] == 5_000_000 else f" --children {r['children']} --counties {r['counties']}") + "`.",
             " Wall time depends on the machine's load; CPU time (user + system, all threads) of the engine's process beside it.",
             "", "| engine | wall time | KCBX faster by | CPU time | peak RSS |", "|---|---:|---:|---:|---:|"]
    for e, title in ENGINES.items():
        if e not in runs:
            continue
        x = runs[e]
        ratio = "–" if e == "kcbx" else f"{x['seconds'] / k['seconds']:.1f}×"
        cpu = fmt_time(x["cpu_seconds"]) if "cpu_seconds" in x else "–"
        lines.append(f"| {title} | {fmt_time(x['seconds'])} | {ratio} | {cpu} | {fmt_mb(x['peak_kb'])} |")
    c = k["counts"]
    lines += ["", f"Every engine found the same counts ({'agree' if r['agree'] else 'DISAGREE'}): "
              f"{c['out_of_school_candidates']:,} out-of-school candidates, {c['unregistered_students']:,} registered students "
              f"without household registration, {c['identity_conflicts']:,} identity conflicts, {c['duplicates']:,} duplicates. "
              f"KCBX's run also returns {k['findings']:,} findings with their reasons (out of school with proposed code A/B, "
              "near matches with a score, studying elsewhere, invalid IDs, age mismatches) and the 四查 summary; the peers "
              "compute only the four counts.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
