#!/usr/bin/env python3
"""The Spark recipe's cost on one machine (issue 14): reconciliation of a synthetic province
(`kcbx synth --no-attendance`, cached by bench/reconcile.py) with examples/spark/kcbx_spark.py
in PySpark local mode (local[2]) beside the single-machine `kcbx.reconcile` on the same CSV
files; the findings must agree. It shows Spark's overhead, not a win: the recipe is for a
cluster.

    python3 bench/reconcile_spark.py --children 1000000 --counties 5
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import sys
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
AS_OF, REGION = dt.date(2025, 10, 20), "64"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--children", type=int, default=1_000_000)
    ap.add_argument("--counties", type=int, default=5)
    ap.add_argument("--seed", type=int, default=2025)
    args = ap.parse_args()
    import reconcile as rb
    import kcbx
    from pyspark.sql import SparkSession
    data = rb.province(args.children, args.counties, args.seed)["dir"]
    h, s = os.path.join(data, "household.csv"), os.path.join(data, "students.csv")
    t = time.perf_counter()
    one = kcbx.reconcile(h, s, AS_OF, region=REGION)
    single = time.perf_counter() - t
    spec = importlib.util.spec_from_file_location("kcbx_spark", os.path.join(REPO, "examples", "spark", "kcbx_spark.py"))
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (SparkSession.builder.master("local[2]").appName("kcbx-bench").config("spark.ui.enabled", "false")
             .config("spark.driver.memory", "4g").config("spark.sql.shuffle.partitions", "8").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    t = time.perf_counter()
    findings, summary = recipe.reconcile(recipe.read_registry(spark, h), recipe.read_registry(spark, s), AS_OF, REGION)
    got = Counter(tuple(r[1:]) for r in findings.collect())
    counts = {r["项目"]: r["数量"] for r in summary.collect()}
    on_spark = time.perf_counter() - t
    spark.stop()
    expected = Counter(tuple(f[c] for c in recipe.FINDING_COLUMNS) for f in one.findings)
    agree = got == expected and counts == {i["项目"]: i["数量"] for i in one.summary}
    print(f"| {args.children:,} children | single machine `kcbx.reconcile` {single:.1f} s | Spark local[2] recipe {on_spark:.1f} s "
          f"| {sum(expected.values()):,} findings, {'equal' if agree else 'DIFFERENT'} |")
    if not agree:
        sys.exit("the Spark run differs from the single-machine run")


if __name__ == "__main__":
    main()
