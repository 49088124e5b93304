#!/usr/bin/env python3
"""Every benchmark in one command (`make bench`): classification (run.py: KCBX vs pandas and
DuckDB, scaling 10k-5M, call overheads), the ledger (ledger.py: durable appends, import, a
1,000,000-student sweep, verify) and reconciliation (reconcile.py: a 5,000,000-child province,
KCBX vs pandas and DuckDB). Each writes bench/results/<name>.md and .json; this script then
gathers them into bench/RESULTS.md.

    python3 bench/suite.py               # everything, full size (about 40 minutes on 2 cores)
    python3 bench/suite.py --only ledger # one benchmark, then RESULTS.md again
    python3 bench/suite.py --gather      # only rebuild RESULTS.md from bench/results/
    python3 bench/suite.py --quick       # small sizes, results in /tmp (a smoke test)
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BENCHES = [("classification", "run.py", "Classification: statuses of every child (DOMAIN.md §2)"),
           ("ledger", "ledger.py", "Ledger (台账): appends, import, sweep, verify (DOMAIN.md §4)"),
           ("ledger_cli", "ledger_cli.py", "Ledger at county scale: each CLI command against a plain sqlite3 script (issue 13)"),
           ("reconciliation", "reconcile.py", "Reconciliation 四查三比对 (DOMAIN.md §5)")]


def gather(folder: str, out: str) -> None:
    parts = ["# KCBX benchmark results", "",
             "Made by `python3 bench/suite.py` (`make bench`) from the per-benchmark results in `bench/results/`. "
             "Every figure is measured in one run against the peers an analyst would otherwise use (pandas, DuckDB) "
             "on the same generated data; machine and date are given in each section.", ""]
    for name, script, title in BENCHES:
        path = os.path.join(folder, f"{name}.md")
        parts.append(f"- [{title}](#{name}) — `python3 bench/{script}`")
    parts.append("")
    for name, script, title in BENCHES:
        path = os.path.join(folder, f"{name}.md")
        parts += [f'<a id="{name}"></a>', ""]
        if not os.path.isfile(path):
            parts += [f"# {title}", "", f"Not run yet: `python3 bench/{script}`.", ""]
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read().strip()
        # Each section is one top-level heading in the gathered file.
        lines = text.splitlines()
        if not lines or not lines[0].startswith("# "):
            lines.insert(0, f"# {title}")
            lines = [lines[0]] + [("#" + l if l.startswith("#") else l) for l in lines[1:]]
        parts += lines + [""]
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(parts))
    print(f"wrote {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", choices=[b[0] for b in BENCHES], action="append")
    ap.add_argument("--gather", action="store_true", help="only rebuild RESULTS.md")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    folder = os.path.join(tempfile.gettempdir(), "kcbx-bench") if args.quick else os.path.join(HERE, "results")
    if not args.gather:
        for name, script, _ in BENCHES:
            if args.only and name not in args.only:
                continue
            cmd = [sys.executable, os.path.join(HERE, script)] + (["--quick"] if args.quick else [])
            print(f"== {name}: {' '.join(cmd[1:])}", flush=True)
            subprocess.run(cmd, check=True)
    gather(folder, os.path.join(folder, "RESULTS.md") if args.quick else os.path.join(HERE, "RESULTS.md"))


if __name__ == "__main__":
    main()
