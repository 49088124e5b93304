#!/usr/bin/env python3
"""Classification benchmark: KCBX (kcbx.classify_many from Python, zero-copy numpy) against the
pandas and DuckDB peers (bench/peers.py) on the same generated data (bench/bench_data.py), with
peak memory per engine, C ABI and Python call overhead, and a profile of KCBX's call.

    python3 bench/run.py                     # 1,000,000 children + the 10k/100k/1M series
    python3 bench/run.py --children 200000 --scaling 10000,200000
    python3 bench/run.py --quick             # 20k children, series 5k/20k, no perf profile

Each engine runs in its own subprocess (`--worker`), which loads the saved input, times the
classification (best of --repeat), and reports its peak RSS (VmHWM); the statuses every engine
produces are compared child by child (KCBX's codes mapped to the peers' 0..5) and any
disagreement fails the run. Results go to bench/results/classification.md and .json (bench/suite.py
gathers every benchmark's results into bench/RESULTS.md).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any, Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from common import (ensure_peer_packages, fmt_mb, fmt_time, kcbx_site, machine, proc_status_kb,  # noqa: E402
                    reset_peak, worker_env)

# KCBX status code -> peer code (peers.py): the attendance statuses 0-4 are the same codes;
# attendance unknown (KCBX 14: no mark at all) is the peers' 5. Registry statuses cannot occur
# in the benchmark (no registry facts) and map to 99, which fails the comparison.
KCBX_TO_PEER = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 14: 5}
PEER_LABELS = ["in school 在校", "on leave 请假", "three-line alert 三线报告", "suspected 疑似辍学", "dropout 辍学",
               "attendance unknown 考勤缺失"]
ENGINE_TITLES = {
    "kcbx": "KCBX `kcbx.classify_many` (Python, zero-copy numpy)",
    "kcbx-shuffled": "KCBX, same marks in random order",
    "kcbx-int64": "KCBX, int64 columns (converted by the wrapper)",
    "kcbx-yyyymmdd": "KCBX, dates as int32 YYYYMMDD (zero-copy)",
    "duckdb": "DuckDB SQL (peers.classify_duckdb)",
    "pandas": "pandas (peers.classify_pandas)",
}


# Workers (run in their own process)

def load_input(data: str, shuffled: bool = False):
    import numpy as np
    prefix = "shuffled_" if shuffled else ""
    child = np.load(os.path.join(data, prefix + "child.npy"))
    day = np.load(os.path.join(data, prefix + "day.npy"))
    kind = np.load(os.path.join(data, prefix + "kind.npy"))
    cal = dict(np.load(os.path.join(data, "calendar.npz")))
    with open(os.path.join(data, "meta.json"), encoding="utf-8") as f:
        meta = json.load(f)
    return child, day, kind, cal, meta


def rules(profile: str) -> Dict[str, int]:
    """The thresholds the peers need, read from the KCBX policy profile (units checked)."""
    import kcbx
    p = kcbx.Policy.builtin(profile)
    s, d, a = p.duration("suspected_after"), p.duration("dropout_after_suspected"), p.duration("three_line_alert_after")
    if s is None or s.unit != kcbx.DurationUnit.CALENDAR_DAYS or d is None or d.unit != kcbx.DurationUnit.CALENDAR_MONTHS \
            or (a is not None and a.unit != kcbx.DurationUnit.SCHOOL_DAYS):
        raise SystemExit(f"{profile}: the peers implement suspected_after in calendar days, dropout_after_suspected in "
                         f"calendar months and three_line_alert_after in school days; this profile has {s}, {d}, {a}")
    return {"suspected_days": s.amount, "dropout_months": d.amount, "alert_school_days": 0 if a is None else a.amount}


def worker(args: argparse.Namespace) -> None:
    import numpy as np
    engine = args.worker
    if engine == "calls":
        print(json.dumps(measure_python_calls(args.profile)))
        return
    if engine.startswith("kcbx"):
        import kcbx
        from kcbx._native import ffi, lib
        import bench_data
    elif engine == "duckdb":
        import duckdb
        import pandas  # noqa: F401 (the peer's input frame)
        import peers
    elif engine == "pandas":
        import pandas  # noqa: F401
        import peers
    child, day, kind, cal, meta = load_input(args.data, shuffled=engine == "kcbx-shuffled")
    encoding_name = "DAY_NUMBER"
    if engine == "kcbx-int64":
        child, day, kind = child.astype(np.int64), day.astype(np.int64), kind.astype(np.int64)
    elif engine == "kcbx-yyyymmdd":
        d64 = day.astype("datetime64[D]")
        months = d64.astype("datetime64[M]")
        day = ((d64.astype("datetime64[Y]").astype(np.int64) + 1970) * 10000 + (months.astype(np.int64) % 12 + 1) * 100
               + (d64 - months).astype(np.int64) + 1).astype(np.int32)
        del d64, months
        encoding_name = "YYYYMMDD"
    n, as_of_day = meta["children"], meta["as_of_day"]
    as_of = dt.date(1970, 1, 1) + dt.timedelta(days=as_of_day)
    reset_peak()  # the peak from here on: not loading or preparing the input
    baseline = proc_status_kb("VmRSS")
    times: List[float] = []
    out: Dict[str, Any] = {"engine": engine}
    status = None
    if engine.startswith("kcbx"):
        calendar = bench_data.kcbx_calendar()
        policy = kcbx.Policy.builtin(args.profile)
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            table = kcbx.classify_many(policy, calendar, as_of, child, day, kind,
                                       date_encoding=kcbx.DateEncoding[encoding_name], n_children=n)
            status = table.column(kcbx.TableColumn.STATUS)
            times.append(time.perf_counter() - t0)
            out["converted"] = list(table.converted)
            table.close()
        # The library call alone, from the same arrays (what the Python layer adds is the rest).
        raw = []
        if engine not in ("kcbx-int64", "kcbx-yyyymmdd"):
            ctl = open(args.perf_ctl, "w") if args.perf_ctl else None
            ack = open(args.perf_ack) if args.perf_ack else None
            for _ in range(args.repeat):
                handle = ffi.new("kcbx_table **")
                if ctl:
                    ctl.write("enable\n"); ctl.flush(); ack.readline()
                t0 = time.perf_counter()
                opts = ffi.new("kcbx_classify_many_options *")
                kcbx.check(lib.kcbx_classify_many_options_init(opts, lib.KCBX_CLASSIFY_MANY_OPTIONS_VERSION))
                opts.encoding, opts.n_children, opts.n_marks = lib.KCBX_DATE_ENCODING_DAY_NUMBER, n, len(child)
                cols = (ffi.from_buffer("int32_t[]", child), ffi.from_buffer("int32_t[]", day), ffi.from_buffer("int8_t[]", kind))
                opts.mark_child, opts.mark_dates, opts.mark_kinds = cols
                rc = lib.kcbx_classify_many(policy._ptr, calendar._ptr, meta["as_of_yyyymmdd"], opts, handle)
                raw.append(time.perf_counter() - t0)
                if ctl:
                    ctl.write("disable\n"); ctl.flush(); ack.readline()
                kcbx.check(rc)
                lib.kcbx_table_free(handle[0])
        out["raw_times"] = raw
        mapping = np.full(256, 99, dtype=np.int8)
        for k, v in KCBX_TO_PEER.items():
            mapping[k] = v
        status = mapping[status]
    else:
        r = meta["rules"]
        if engine == "duckdb":
            con = duckdb.connect()
            out["threads"] = int(con.execute("SELECT current_setting('threads')").fetchall()[0][0])
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            if engine == "duckdb":
                status = peers.classify_duckdb(con, child, day, kind, as_of_day, cal, r["suspected_days"], r["dropout_months"],
                                               r["alert_school_days"], n)
            else:
                status = peers.classify_pandas(child, day, kind, as_of_day, cal, r["suspected_days"], r["dropout_months"],
                                               r["alert_school_days"], n)
            times.append(time.perf_counter() - t0)
    np.save(args.result, np.asarray(status, dtype=np.int8))
    out.update(times=times, rss_input_kb=baseline, vmhwm_kb=proc_status_kb("VmHWM"))
    print(json.dumps(out))


def run_worker(engine: str, data: str, profile: str, repeat: int, site: Optional[str], perf: Optional[List[str]] = None,
               extra: Optional[List[str]] = None) -> Dict[str, Any]:
    result = os.path.join(data, f"status_{engine}.npy")
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", engine, "--data", data, "--profile", profile,
           "--repeat", str(repeat), "--result", result] + (extra or [])
    if perf:
        cmd = perf + cmd
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run(cmd, env=worker_env(site), capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"worker {engine} failed (exit {proc.returncode})")
    line = [l for l in proc.stdout.splitlines() if l.startswith("{")][-1]
    out = json.loads(line)
    out["ru_maxrss_children_kb"] = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    out["status_file"] = result
    return out


# Python and C call overhead

def measure_python_calls(profile: str) -> Dict[str, float]:
    import timeit
    import kcbx
    from kcbx._native import ffi, lib
    import bench_data
    cal = bench_data.kcbx_calendar()
    policy = kcbx.Policy.builtin(profile)
    days = bench_data.school_days()
    term = [(d, kcbx.MarkKind.PRESENT) for d in days]
    out_i32 = ffi.new("int32_t *")
    ptr = cal._ptr
    cases = {
        "lib.kcbx_abi_version() (raw cffi)": lambda: lib.kcbx_abi_version(),
        "kcbx.abi_version()": kcbx.abi_version,
        "lib.kcbx_calendar_is_school_day (raw cffi)": lambda: lib.kcbx_calendar_is_school_day(ptr, 20250908, out_i32),
        "Calendar.is_school_day(date)": lambda: cal.is_school_day(dt.date(2025, 9, 8)),
        "kcbx.classify(), no marks": lambda: kcbx.classify(policy, cal, bench_data.AS_OF, ()),
        f"kcbx.classify(), one term ({len(term)} marks)": lambda: kcbx.classify(policy, cal, bench_data.AS_OF, term),
        "kcbx.classify_many(), 1 child, 1 mark": lambda: kcbx.classify_many(policy, cal, bench_data.AS_OF, [0], [20260115], [0]),
    }
    result = {}
    for name, fn in cases.items():
        timer = timeit.Timer(fn)
        number, _ = timer.autorange()
        number = max(number, 1)
        best = min(timer.repeat(repeat=5, number=number)) / number
        result[name] = best * 1e9
    return result


def measure_c_calls(site: Optional[str]) -> Dict[str, float]:
    if site:
        libdir = os.path.join(site, "kcbx")
    else:
        import kcbx
        libdir = os.path.dirname(kcbx.__file__)
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if not cc:
        return {}
    exe = os.path.join(tempfile.mkdtemp(prefix="kcbx-abi-"), "abi_overhead")
    subprocess.run([cc, "-O2", "-std=c99", "-I", os.path.join(REPO, "include"), os.path.join(HERE, "abi_overhead.c"),
                    "-L", libdir, "-l:libkcbx.so.0", f"-Wl,-rpath,{libdir}", "-o", exe], check=True)
    out = subprocess.run([exe, "20000000"], capture_output=True, text=True, check=True, env=worker_env(None)).stdout
    shutil.rmtree(os.path.dirname(exe), ignore_errors=True)
    return {line.split()[0]: float(line.split()[1]) for line in out.splitlines() if line.strip()}


# Profile of the KCBX call (perf)

def demangle(names: List[str]) -> List[str]:
    swift = shutil.which("swift")
    if not swift:
        return names
    try:
        out = subprocess.run([swift, "demangle", "--simplified", "--compact"], input="\n".join(names), capture_output=True,
                             text=True, timeout=60).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return names
    return out if len(out) == len(names) else names


def short_symbol(name: str) -> str:
    """"closure #1 in BulkRun.validateMarks(offsets:…)" -> "BulkRun.validateMarks (closure)"."""
    closure = False
    m = re.match(r"(?:closure #\d+(?: \(.*?\))? in )+(.*)", name)
    if m:
        name, closure = m.group(1), True
    name = re.sub(r"^(specialized|merged) ", "", name)
    name = re.sub(r"\(.*", "", name).strip()
    return (name + " (closure)" if closure else name)[:90]


def perf_profile(data: str, profile: str, site: Optional[str]) -> Optional[List[Dict[str, Any]]]:
    perf = shutil.which("perf")
    if not perf:
        return None
    work = tempfile.mkdtemp(prefix="kcbx-perf-")
    ctl, ack, rec = (os.path.join(work, n) for n in ("ctl", "ack", "perf.data"))
    os.mkfifo(ctl)
    os.mkfifo(ack)
    try:
        run_worker("kcbx", data, profile, 3, site,
                   perf=[perf, "record", "-q", "-F", "1999", "-D", "-1", f"--control=fifo:{ctl},{ack}", "-o", rec, "--"],
                   extra=["--perf-ctl", ctl, "--perf-ack", ack])
        report = subprocess.run([perf, "report", "-i", rec, "--no-children", "--sort", "dso,symbol", "--stdio", "-g", "none",
                                 "--percent-limit", "0.1"], capture_output=True, text=True).stdout
    except (SystemExit, OSError) as e:
        print(f"perf profile skipped: {e}", flush=True)
        return None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = []
    for line in report.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[[.k]\]\s+(.*\S)", line)
        if m:
            symbol = re.split(r"\s{2,}", m.group(3))[0].strip()  # drop perf's padding and empty columns
            rows.append({"percent": float(m.group(1)), "dso": m.group(2), "symbol": symbol})
    names = demangle([r["symbol"] for r in rows])
    for r, n in zip(rows, names):
        r["function"] = short_symbol(n)
    return rows


PERF_GROUPS = {
    "pass1": "pass 1 — check every mark, date → calendar offset (`BulkRun.validateMarks`)",
    "pass2": "pass 2 — gather each child's marks, duplicates, facts, store the row (`BulkRun.classifyChildren`)",
    "kernel": "the streak rule per child (`ChildKernel`)",
    "os": "operating system: page faults, zeroing and unmapping fresh buffers",
    "table": "result table (`ClassificationTable`)",
    "kcbx": "other KCBX code",
    "python": "Python interpreter",
    "other": "other libraries",
}


def perf_group(row: Dict[str, Any]) -> str:
    f, dso = row["function"], row["dso"]
    if dso.startswith("[kernel"):
        return "os"
    if "kcbx" not in dso:
        return "python" if "python" in dso else "other"
    if "validateMarks" in f:
        return "pass1"
    if "ChildKernel" in f:
        return "kernel"
    if any(x in f for x in ("classifyChildren", "childFacts", "sortScratch", "insertionSort", "group", "Scratch")):
        return "pass2"
    return "table" if "ClassificationTable" in f else "kcbx"


# The run

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--children", type=int, default=1_000_000, help="main size (default 1,000,000)")
    ap.add_argument("--scaling", default="10000,100000,1000000,5000000", help="comma-separated sizes of the scaling series")
    ap.add_argument("--pandas-max", type=int, default=1_000_000,
                    help="largest size pandas runs at (its peak memory is ~4 GB per million children; default 1,000,000)")
    ap.add_argument("--profile", default="dongchuan-2025", help="policy profile (default dongchuan-2025: every status occurs)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per engine and size (best is reported)")
    ap.add_argument("--check-profile", default="guyuan-2021", help="second profile, agreement only (at the smallest size)")
    ap.add_argument("--no-variants", action="store_true", help="skip the shuffled, YYYYMMDD and int64 KCBX runs")
    ap.add_argument("--no-perf", action="store_true", help="skip the perf profile of the KCBX call")
    ap.add_argument("--quick", action="store_true", help="20k children, series 5k/20k, no perf")
    ap.add_argument("--kcbx", choices=["checkout", "installed"], default="checkout",
                    help="build kcbx from this checkout into a cache (default) or use the installed package")
    ap.add_argument("--out", help="where to write the table (default bench/results/classification.md; with --quick a temporary file), "
                                    "results.json goes next to it")
    ap.add_argument("--seed", type=int, default=7)
    # worker mode
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("--perf-ctl", help=argparse.SUPPRESS)
    ap.add_argument("--perf-ack", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args)
        return
    if args.quick:
        args.children, args.scaling, args.no_perf = 20_000, "5000,20000", True
    if args.out is None:
        args.out = os.path.join(tempfile.gettempdir(), "kcbx-bench", "classification.md") if args.quick \
            else os.path.join(HERE, "results", "classification.md")
        os.makedirs(os.path.dirname(args.out), exist_ok=True)
    started = time.perf_counter()
    ensure_peer_packages()
    import numpy as np
    import bench_data
    site = kcbx_site(args.kcbx)
    if site:
        sys.path.insert(0, site)
    import kcbx

    sizes = sorted({int(s) for s in args.scaling.split(",") if s.strip()} | {args.children})
    calendar = bench_data.calendar_table()
    kc = bench_data.kcbx_calendar()
    kcbx_school = np.array([kc.is_school_day(bench_data.EPOCH + dt.timedelta(days=int(x))) for x in calendar["day"]], dtype=np.int8)
    if not np.array_equal(kcbx_school, calendar["school"]):
        raise SystemExit("bench_data.calendar_table() and the KCBX calendar disagree on school days")
    as_of = bench_data.AS_OF
    info = machine()
    info["kcbx"] = f"{kcbx.version()} (ABI {kcbx.abi_version()}) from {'this checkout' if site else kcbx.__file__}"
    print(f"machine: {info['cpu']}, {info['nproc']} cores, {info['memory']}; kcbx {info['kcbx']}", flush=True)

    work = tempfile.mkdtemp(prefix="kcbx-bench-")
    results: Dict[str, Any] = {"machine": info, "profile": args.profile, "as_of": as_of.isoformat(), "sizes": {}, "pandas_max": args.pandas_max}
    try:
        for n in sizes:
            data = os.path.join(work, str(n))
            os.makedirs(data)
            t0 = time.perf_counter()
            child, day, kind = bench_data.generate(n, as_of, seed=args.seed)
            gen = time.perf_counter() - t0
            np.save(os.path.join(data, "child.npy"), child)
            np.save(os.path.join(data, "day.npy"), day)
            np.save(os.path.join(data, "kind.npy"), kind)
            np.savez(os.path.join(data, "calendar.npz"), **calendar)
            r = rules(args.profile)
            meta = {"children": n, "marks": int(len(child)), "as_of_day": bench_data.day_number(as_of),
                    "as_of_yyyymmdd": as_of.year * 10000 + as_of.month * 100 + as_of.day, "rules": r}
            with open(os.path.join(data, "meta.json"), "w", encoding="utf-8") as f:
                json.dump(meta, f)
            engines = ["kcbx", "duckdb"] + (["pandas"] if n <= args.pandas_max else [])
            if n == args.children and not args.no_variants:
                perm = np.random.default_rng(args.seed + 1).permutation(len(child))
                for name, col in (("child", child), ("day", day), ("kind", kind)):
                    np.save(os.path.join(data, f"shuffled_{name}.npy"), col[perm])
                del perm
                engines[1:1] = ["kcbx-shuffled", "kcbx-yyyymmdd", "kcbx-int64"]
            del child, day, kind
            print(f"{n:,} children, {meta['marks']:,} marks (generated in {gen:.1f} s)", flush=True)
            size: Dict[str, Any] = {"marks": meta["marks"], "engines": {}}
            reference = None
            for engine in engines:
                res = run_worker(engine, data, args.profile, args.repeat, site)
                status = np.load(res.pop("status_file"))
                if reference is None:
                    reference = status
                    size["counts"] = np.bincount(status, minlength=6).tolist()
                    if (status > 5).any():
                        raise SystemExit(f"KCBX produced a status the peers do not have for {int((status > 5).sum())} children")
                else:
                    bad = np.nonzero(status != reference)[0]
                    if len(bad):
                        raise SystemExit(f"{engine} disagrees with KCBX on {len(bad):,} of {n:,} children, e.g. child "
                                         f"{int(bad[0])}: KCBX {int(reference[bad[0]])}, {engine} {int(status[bad[0]])}")
                res["agrees"] = True
                size["engines"][engine] = res
                raw = f", raw C call {fmt_time(min(res['raw_times']))}" if res.get("raw_times") else ""
                print(f"  {engine:14s} best {fmt_time(min(res['times']))}{raw}, peak {fmt_mb(res['vmhwm_kb'])}"
                      f" (input {fmt_mb(res['rss_input_kb'])})", flush=True)
            if n == min(sizes) and args.check_profile and args.check_profile != args.profile:
                with open(os.path.join(data, "meta.json"), "w", encoding="utf-8") as f:
                    json.dump(dict(meta, rules=rules(args.check_profile)), f)
                check = [np.load(run_worker(e, data, args.check_profile, 1, site)["status_file"]) for e in ("kcbx", "duckdb", "pandas")]
                if not (np.array_equal(check[0], check[1]) and np.array_equal(check[0], check[2])):
                    raise SystemExit(f"the engines disagree under {args.check_profile}")
                results["check_profile"] = {"profile": args.check_profile, "children": n, "counts": np.bincount(check[0], minlength=6).tolist()}
                print(f"  agreement under {args.check_profile} at {n:,} children: identical", flush=True)
                with open(os.path.join(data, "meta.json"), "w", encoding="utf-8") as f:
                    json.dump(meta, f)
            if n == args.children and not args.no_perf:
                results["perf"] = perf_profile(data, args.profile, site)
            results["sizes"][str(n)] = size
            shutil.rmtree(data, ignore_errors=True)
        calls_out = subprocess.run([sys.executable, os.path.abspath(__file__), "--worker", "calls", "--profile", args.profile],
                                   env=worker_env(site), capture_output=True, text=True, check=True).stdout
        results["python_calls_ns"] = json.loads(calls_out.strip().splitlines()[-1])
        results["c_calls_ns"] = measure_c_calls(site)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["total_seconds"] = time.perf_counter() - started
    info["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results["command"] = "python3 bench/run.py " + " ".join(a for a in sys.argv[1:])
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(os.path.splitext(args.out)[0] + ".json", "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1, ensure_ascii=False)
    write_markdown(results, args)
    print(f"wrote {args.out} ({results['total_seconds']:.0f} s in all)")


def write_markdown(results: Dict[str, Any], args: argparse.Namespace) -> None:
    info = results["machine"]
    main_n = str(args.children)
    main = results["sizes"][main_n]
    eng = main["engines"]
    best = {e: min(r["times"]) for e, r in eng.items()}
    k = best["kcbx"]
    lines = [
        "# Classification benchmark results",
        "",
        f"Generated by `{results['command'].strip()}` on {info['date']} in {results['total_seconds']:.0f} s.",
        "",
        f"**Machine:** {info['cpu']}, {info['nproc']} cores (`nproc`), {info['memory']} RAM; Linux {info['kernel']}; "
        f"Python {info['python']}, numpy {info['numpy']}, pandas {info['pandas']}, DuckDB {info['duckdb']}; "
        f"kcbx {info['kcbx']}, commit {info['commit']}. Load average (1/5/15 min) {info['load_before']} before the "
        f"run (the run's own load: {info.get('load_after', '?')} after).",
        "",
        f"**Data** (`bench/bench_data.py`, seed {args.seed}): one autumn term, 2025-09-01 .. {results['as_of']} "
        f"(94 school days with the National Day and New Year holidays and their make-up days), one mark per child and "
        f"school day, ~0.2% unrecorded; profile `{results['profile']}` (suspected after 7 calendar days, dropout one "
        f"calendar month later, three-line alert after 3 school days); classified as of {results['as_of']}. Every engine "
        "produced the same status for every child (checked child by child, KCBX codes mapped to the peers' codes).",
        "",
        f"## Main run: {int(main_n):,} children, {main['marks']:,} marks",
        "",
        "| engine | best of " + str(args.repeat) + " | median | KCBX is faster by | peak RSS (VmHWM) | peak above input |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for e, r in eng.items():
        times = r["times"]
        ratio = "—" if e == "kcbx" else f"{best[e] / k:.1f}×"
        lines.append(f"| {ENGINE_TITLES[e]} | {fmt_time(min(times))} | {fmt_time(statistics.median(times))} | {ratio} | "
                     f"{fmt_mb(r['vmhwm_kb'])} | {fmt_mb(r['vmhwm_kb'] - r['rss_input_kb'])} |")
    raw = min(eng["kcbx"]["raw_times"])
    lines += [
        f"| of which the library call `kcbx_classify_many` alone | {fmt_time(raw)} | "
        f"{fmt_time(statistics.median(eng['kcbx']['raw_times']))} | | | |",
        "",
        "Times are wall-clock seconds from the input columns in memory to a status per child in a numpy array "
        "(KCBX: `classify_many` + `table.column(STATUS)`; DuckDB: register the frame, query, fetch, scatter; pandas: "
        f"the whole function). DuckDB used {eng['duckdb'].get('threads', '?')} threads and KCBX its Dispatch pool "
        f"({info['nproc']} cores); pandas runs on one core. Peak RSS is the worker process's VmHWM (each engine runs in "
        "its own process; the peak is reset after imports and loading the input, so it covers the timed runs); "
        "\"above input\" subtracts the RSS at that point "
        f"({fmt_mb(eng['kcbx']['rss_input_kb'])} for KCBX: the three input arrays and the interpreter).",
        "",
        "**Targets:**",
        f"- faster than DuckDB: KCBX is **{best['duckdb'] / k:.1f}×** faster — "
        f"{'met' if best['duckdb'] > k else 'MISSED'}.",
        f"- at least 20× faster than pandas: KCBX is **{best['pandas'] / k:.1f}×** faster — "
        f"{'met' if best['pandas'] >= 20 * k else 'MISSED'}"
        + ("" if best["pandas"] >= 20 * k else
           f" (it would need {fmt_time(best['pandas'] / 20)}; the library call alone is {fmt_time(raw)}, so the Python "
           f"layer is not the gap: see the profile below)") + ".",
        *([f"- marks in random order (the library regroups them by child first): {fmt_time(best['kcbx-shuffled'])}, "
           f"{best['kcbx-shuffled'] / k:.1f}× the sorted time and {best['duckdb'] / best['kcbx-shuffled']:.1f}× faster than DuckDB."]
          if "kcbx-shuffled" in best else []),
        f"- the Python layer (argument checks, zero-copy views, the status column copy) adds "
        f"{fmt_time(max(0.0, k - raw))} to the library call ({max(0.0, k - raw) / k * 100:.0f}% of KCBX's time).",
        "",
        "Status counts (identical in every engine):",
        "",
        "| status | children |",
        "|---|---:|",
    ]
    for label, c in zip(PEER_LABELS, main["counts"]):
        lines.append(f"| {label} | {c:,} |")
    if results.get("check_profile"):
        cp = results["check_profile"]
        lines += ["", f"Agreement was also checked under `{cp['profile']}` (no three-line alert) at {cp['children']:,} "
                      f"children: identical statuses ({', '.join(f'{l.split()[0]} {c:,}' for l, c in zip(PEER_LABELS, cp['counts']) if c)})."]
    lines += ["", "## Scaling series", "",
              "| children | marks | KCBX | DuckDB | pandas | DuckDB ÷ KCBX | pandas ÷ KCBX | KCBX ns/mark | peak KCBX | peak DuckDB | peak pandas |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, s in sorted(results["sizes"].items(), key=lambda kv: int(kv[0])):
        e = s["engines"]
        b = {x: min(e[x]["times"]) for x in ("kcbx", "duckdb", "pandas") if x in e}
        skipped = "not run (memory)"
        pandas_t = fmt_time(b["pandas"]) if "pandas" in b else skipped
        pandas_r = f"{b['pandas'] / b['kcbx']:.1f}×" if "pandas" in b else "–"
        pandas_m = fmt_mb(e["pandas"]["vmhwm_kb"]) if "pandas" in e else "–"
        lines.append(f"| {int(n):,} | {s['marks']:,} | {fmt_time(b['kcbx'])} | {fmt_time(b['duckdb'])} | {pandas_t} | "
                     f"{b['duckdb'] / b['kcbx']:.1f}× | {pandas_r} | {b['kcbx'] * 1e9 / s['marks']:.1f} | "
                     f"{fmt_mb(e['kcbx']['vmhwm_kb'])} | {fmt_mb(e['duckdb']['vmhwm_kb'])} | {pandas_m} |")
    lines += ["", f"pandas runs up to {results.get('pandas_max', 1_000_000):,} children (about 4 GB of peak memory per "
              "million children on this 24 GB machine). Linear growth shows as a steady KCBX ns/mark."]
    lines += ["", "## Call overhead", "", "From C (`bench/abi_overhead.c`, `-O2`, best of 5 × 20M calls):", "",
              "| call | ns per call |", "|---|---:|"]
    for name, ns in results.get("c_calls_ns", {}).items():
        lines.append(f"| `{name}` | {ns:.1f} |")
    lines += ["", "From Python (`timeit`, best of 5):", "", "| call | per call |", "|---|---:|"]
    for name, ns in results["python_calls_ns"].items():
        lines.append(f"| `{name}` | {ns:,.0f} ns |" if ns < 10_000 else f"| `{name}` | {ns / 1000:,.1f} µs |")
    perf = results.get("perf")
    if perf:
        groups: Dict[str, float] = {}
        for r in perf:
            groups[perf_group(r)] = groups.get(perf_group(r), 0.0) + r["percent"]
        lines += ["", "## Where KCBX's time goes", "",
                  f"`perf record` of the library call alone (`kcbx_classify_many`, {int(main_n):,} children, sorted "
                  "input, 3 calls; sampling enabled only around the call):", "",
                  "| share of samples | part of the call |", "|---:|---|"]
        for key, pct in sorted(groups.items(), key=lambda kv: -kv[1]):
            lines.append(f"| {pct:.1f}% | {PERF_GROUPS[key]} |")
        lines += ["", "Functions with at least 0.7% of the samples:", "", "| share | where | function |", "|---:|---|---|"]
        for r in perf:
            if r["percent"] >= 0.7:
                lines.append(f"| {r['percent']:.1f}% | {os.path.basename(r['dso'])} | `{r['function']}` |")
    if perf and best["pandas"] < 20 * k:
        g = groups
        lines += ["", "**Why the pandas target is missed.** The Python layer is not the gap: the library call itself "
                  f"takes {fmt_time(raw)} for {main['marks']:,} marks ({raw * 1e9 / main['marks']:.1f} ns per mark on "
                  f"{info['nproc']} cores). Of that, pass 1 (checking every mark and converting its date to a calendar "
                  f"offset, written to a new {main['marks'] * 4 / 2**20:,.0f} MB offsets buffer) takes "
                  f"{g.get('pass1', 0):.0f}%, pass 2 (copying each child's marks into a scratch buffer, resolving "
                  f"duplicates, storing the row) {g.get('pass2', 0):.0f}%, the operating system's page faults on that "
                  f"fresh buffer {g.get('os', 0):.0f}%, and the streak rule itself only {g.get('kernel', 0):.0f}%. "
                  "Reaching 20× needs the bulk path to read each mark once: for input already grouped by child, "
                  "validate and classify a child's marks in the same pass (no O(marks) offsets buffer, no copy into "
                  "scratch), and keep the kernel as it is. Date decoding is not the cost: YYYYMMDD input runs as fast "
                  "as day numbers."]
    lines += ["", "## Notes", "", NOTES.strip(), ""]
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


NOTES = """
- The peers implement KCBX's documented rule exactly (bench/peers.py docstring): the streak's
  clock counts each unexcused school day with the non-school days up to its next school day, so
  leave days and unrecorded days pause it (with the weekends after them); the suspected date is
  the 8th counted day; dropout compares the days counted after it with one calendar month. The
  first version of the peers used "as-of - start + 1 - leave days", which overcounts when a day
  inside the streak is unrecorded (DOMAIN.md §7: unknown, not absent) or a weekend follows leave.
- KCBX's rows include its validation (every mark must be a school day in the calendar, not in the
  future, a known kind), which the peers do not do, and a full result row per child (since, rule,
  alerts, risk flags, streak, term counts, missing days, conflicts), not only the status.
- "int64 columns" shows the cost of the wrapper's conversion when the caller's arrays are not
  already int32/int8 (e.g. pandas' default int64): the zero-copy path needs `astype` up front.
"""


if __name__ == "__main__":
    main()
