#!/usr/bin/env python3
"""Classification from a Parquet file, file read included (issue 14): the analyst's path.

    python3 bench/parquet.py --children 1000000           # one run per engine
    python3 bench/parquet.py --children 100000 --quick     # results to a temporary folder

The marks of bench_data.generate (one term, grouped by child and sorted by date) are written once
to Parquet as an analyst's export would hold them: `child` int32, `day` date32, `kind` int8
(a second file has `kind` as text labels, "present", "unexcused", ...). Each engine runs in its
own process, reads the file itself and classifies every child as of the term's end:

* kcbx-stream: pyarrow.parquet.ParquetFile(path).iter_batches() as a RecordBatchReader →
          kcbx.classify_many (each batch classified and released before the next is decoded:
          the file is never whole in memory)
* kcbx:   pyarrow.parquet.read_table(path) → kcbx.classify_many(policy, calendar, as_of, table)
          (the Arrow PyCapsule interface; the library reads the columns in place)
* duckdb: peers.classify_duckdb over `read_parquet(path)` (DuckDB reads the file itself)
* pandas: pandas.read_parquet(path) → peers.classify_pandas
* polars: polars.read_parquet(path) → kcbx.classify_many(..., frame) (KCBX fed by polars)

Statuses must agree with KCBX's (bench/run.py's mapping) or the run fails. Results:
bench/results/parquet.md and .json, and a section of bench/RESULTS.md by hand.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from typing import Any, Dict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from common import fmt_mb, fmt_time, kcbx_site, machine, proc_status_kb, run_worker  # noqa: E402

PROFILE = "dongchuan-2025"
ENGINES = {
    "kcbx-stream": "KCBX: `pq.ParquetFile(path).iter_batches()` → `kcbx.classify_many(reader)` (batch by batch)",
    "kcbx": "KCBX: `pq.read_table` → `kcbx.classify_many(table)` (Arrow C stream)",
    "kcbx-labels": "KCBX, `kind` as text labels (dictionary-encoded by Parquet)",
    "kcbx-polars": "KCBX: `polars.read_parquet` → `kcbx.classify_many(frame)`",
    "duckdb": "DuckDB SQL over `read_parquet` (peers.classify_duckdb)",
    "pandas": "pandas: `pd.read_parquet` → peers.classify_pandas",
}


def write_data(children: int, seed: int, folder: str) -> Dict[str, Any]:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq
    import bench_data
    done = os.path.join(folder, "meta.json")
    if os.path.exists(done):
        with open(done) as f:
            return json.load(f)
    os.makedirs(folder, exist_ok=True)
    child, day, kind = bench_data.generate(children, seed=seed)
    labels = np.array(["present", "approved_leave", "unexcused", "late", "left_early"])
    t = pa.table({"child": child, "day": pa.array(day, pa.date32()), "kind": kind})
    pq.write_table(t, os.path.join(folder, "marks.parquet"))
    # Labels as a dictionary over the int8 codes (a numpy array of strings takes 24 GB at 5M children).
    text = pa.DictionaryArray.from_arrays(pa.array(kind, pa.int8()), pa.array(labels))
    pq.write_table(t.set_column(2, "kind", text), os.path.join(folder, "marks_labels.parquet"))
    np.savez(os.path.join(folder, "calendar.npz"), **bench_data.calendar_table())
    meta = {"children": children, "marks": int(len(child)), "as_of": bench_data.AS_OF.isoformat(),
            "as_of_day": bench_data.day_number(bench_data.AS_OF),
            "parquet_mb": os.path.getsize(os.path.join(folder, "marks.parquet")) / 2**20}
    with open(done, "w") as f:
        json.dump(meta, f)
    return meta


def cpu_seconds() -> float:
    import resource
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def worker(engine: str, folder: str) -> None:
    import numpy as np
    cpu0 = cpu_seconds()
    import run as bench_run
    with open(os.path.join(folder, "meta.json")) as f:
        meta = json.load(f)
    as_of = dt.date.fromisoformat(meta["as_of"])
    path = os.path.join(folder, "marks_labels.parquet" if engine == "kcbx-labels" else "marks.parquet")
    out: Dict[str, Any] = {"engine": engine}
    if engine.startswith("kcbx"):
        import kcbx
        import bench_data
        calendar, policy = bench_data.kcbx_calendar(), kcbx.Policy.builtin(PROFILE)
        if engine == "kcbx-polars":
            import polars as pl
        else:
            import pyarrow.parquet as pq
        t0, cpu0 = time.perf_counter(), cpu_seconds()
        if engine == "kcbx-polars":
            source = pl.read_parquet(path).rename({"day": "date"})
        elif engine == "kcbx-stream":
            import pyarrow as pa
            pf = pq.ParquetFile(path)
            names = ["child", "date", "kind"]
            schema = pa.schema([f.with_name(n) for f, n in zip(pf.schema_arrow, names)])
            source = pa.RecordBatchReader.from_batches(
                schema, (pa.RecordBatch.from_arrays(b.columns, schema=schema) for b in pf.iter_batches()))
        else:
            source = pq.read_table(path).rename_columns(["child", "date", "kind"])
        t1 = time.perf_counter()
        table = kcbx.classify_many(policy, calendar, as_of, source)
        t2 = time.perf_counter()
        status = table.column(kcbx.TableColumn.STATUS)
        out.update(classify=t2 - t1, converted=list(table.converted), streamed_batches=table.streamed_batches)
        if engine != "kcbx-stream":   # the streamed file is read inside the call
            out["read"] = t1 - t0
        mapping = np.full(256, 99, dtype=np.int8)
        for k, v in bench_run.KCBX_TO_PEER.items():
            mapping[k] = v
        status = mapping[status]
    else:
        import peers
        r = bench_run.rules(PROFILE)
        cal = dict(np.load(os.path.join(folder, "calendar.npz")))
        n = meta["children"]
        if engine == "duckdb":
            import duckdb
            con = duckdb.connect()
            t0, cpu0 = time.perf_counter(), cpu_seconds()
            status = peers.classify_duckdb(con, None, None, None, meta["as_of_day"], cal, r["suspected_days"], r["dropout_months"],
                                           r["alert_school_days"], n,
                                           marks_sql=f"SELECT child, CAST(day - DATE '1970-01-01' AS INTEGER) AS day, kind "
                                                     f"FROM read_parquet('{path}')")
            out["threads"] = int(con.execute("SELECT current_setting('threads')").fetchall()[0][0])
        else:
            import pandas as pd
            t0, cpu0 = time.perf_counter(), cpu_seconds()
            df = pd.read_parquet(path)
            day = df["day"].to_numpy(dtype="datetime64[D]").astype(np.int32)
            status = peers.classify_pandas(df["child"].to_numpy(), day, df["kind"].to_numpy(), meta["as_of_day"], cal,
                                           r["suspected_days"], r["dropout_months"], r["alert_school_days"], n)
    out["seconds"] = time.perf_counter() - t0
    out["cpu_seconds"] = cpu_seconds() - cpu0   # all threads; the machine may be shared (see the report)
    out["peak_kb"] = proc_status_kb("VmHWM")
    np.save(os.path.join(folder, f"status_{engine}.npy"), np.asarray(status, dtype=np.int8))
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--children", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--quick", action="store_true", help="results to a temporary folder")
    ap.add_argument("--kcbx", choices=["checkout", "installed"], default="checkout")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.data)
        return
    import numpy as np
    site = kcbx_site(args.kcbx)
    folder = os.path.join(os.path.expanduser("~"), ".cache", "kcbx-bench", f"parquet-{args.children}-{args.seed}")
    meta = write_data(args.children, args.seed, folder)
    print(f"parquet bench: {meta['children']:,} children, {meta['marks']:,} marks, {meta['parquet_mb']:.0f} MB Parquet", flush=True)
    engines = [e for e in args.engines.split(",") if e]
    runs = {e: run_worker(os.path.abspath(__file__), e, [e, "--data", folder], site) for e in engines}
    ref = np.load(os.path.join(folder, f"status_{engines[0]}.npy"))
    agree = {e: bool(np.array_equal(ref, np.load(os.path.join(folder, f"status_{e}.npy")))) for e in engines}
    results = {"machine": machine(), "data": meta, "runs": runs, "agree": agree, "profile": PROFILE,
               "load": " ".join(f"{x:.1f}" for x in os.getloadavg())}
    out = (os.path.join(tempfile.gettempdir(), "kcbx-bench", "parquet.md") if args.quick
           else os.path.join(HERE, "results", f"parquet-{args.children}.md"))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(os.path.splitext(out)[0] + ".json", "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2)
    with open(out, "w", encoding="utf-8") as f:
        f.write(markdown(results))
    print(markdown(results))
    if not all(agree.values()):
        sys.exit(f"parquet bench: statuses disagree: {agree}")


def markdown(r: Dict[str, Any]) -> str:
    d, runs = r["data"], r["runs"]
    lines = [f"### Classification from Parquet, file read included: {d['children']:,} children, {d['marks']:,} marks "
             f"({d['parquet_mb']:.0f} MB), {r['profile']}, one run", "",
             "| engine | time | of which read | CPU time (all threads) | peak RSS | statuses agree |", "|---|---:|---:|---:|---:|:---:|"]
    for e, x in runs.items():
        read = fmt_time(x["read"]) if "read" in x else ""
        cpu = fmt_time(x["cpu_seconds"]) if "cpu_seconds" in x else ""
        lines.append(f"| {ENGINES[e]} | {fmt_time(x['seconds'])} | {read} | {cpu} | {fmt_mb(x['peak_kb'])} | {'yes' if r['agree'][e] else 'NO'} |")
    k = runs.get("kcbx-stream") or runs.get("kcbx")
    if k:
        for peer in ("duckdb", "pandas"):
            if peer in runs:
                lines.append(f"\nKCBX vs {peer}: {runs[peer]['seconds'] / k['seconds']:.1f}× faster"
                             f" (input columns converted by KCBX: {', '.join(k['converted']) or 'none'}).")
    lines.append(f"\nLoad average when the run ended: {r.get('load', '?')} (wall times on a shared machine; CPU time "
                 "is that of the timed part, all threads).")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
