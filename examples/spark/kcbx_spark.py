"""KCBX on Apache Spark (issue 14, "national scale on an existing engine"): the nation's
~160M children do not fit one machine's classification plus reconciliation comfortably, and
provinces already run Spark. Spark schedules; KCBX does the rules, one partition at a time.
No scheduler or cluster code here: two functions over DataFrames (docs/spark.md).

- `classify(marks, ...)`: marks repartitioned by child, so every mark of a child is in one
  partition; `DataFrame.mapInArrow` calls `kcbx.classify_many` once per partition on the
  partition's Arrow columns and yields one Arrow batch of statuses.
- `reconcile(household, students, ...)`: both registries keyed by the region part of the
  resident ID (its first six characters, upper-cased — every exact match and every near match
  shares it), co-grouped (`groupBy(...).cogroup(...).applyInPandas`), each group reconciled by
  `kcbx.reconcile`; findings and counts come back as one DataFrame each.

The workers need `kcbx` installed (pip install kcbx, or the wheel shipped with --py-files /
an environment archive). Results equal the single-machine run on the same data (the test
bindings/python/tests/test_spark.py proves it in local mode).
"""
from __future__ import annotations

import datetime as dt
from typing import Iterator, Tuple

CLASSIFY_SCHEMA = "child long, status int, since date, streak_start date, streak_unexcused_days int, missing_days int"
RECONCILE_SCHEMA = ("part string, kind string, resident_id string, name string, detail string, "
                    "proposed_reason string, related_id string, score string, basis string")
FINDING_COLUMNS = ["类别", "身份证号", "姓名", "情况", "建议辍学分类", "相关身份证号", "匹配度", "依据"]


def classify(marks, policy: str, calendar_json: str, as_of: dt.date, partitions: int = 0):
    """Statuses of every child (one row per child) from marks with columns `child` (integer),
    `date` (date) and `kind` (small integer mark code, docs/data-formats.md). `policy` is a
    built-in profile name or a profile JSON text; `calendar_json` the calendar as JSON
    (kcbx.Calendar.to_json / docs/calendar-format.md), both shipped to the workers as text."""
    parts = marks.repartition(partitions, "child") if partitions else marks.repartition("child")
    parts = parts.sortWithinPartitions("child", "date")

    def per_partition(batches: Iterator) -> Iterator:
        import numpy as np
        import pyarrow as pa
        import kcbx
        table = pa.Table.from_batches(list(batches))
        if table.num_rows == 0:
            return
        calendar = kcbx.Calendar.from_json(calendar_json)
        child = table.column("child").to_numpy()
        date = table.column("date")
        if not pa.types.is_date32(date.type):  # a timestamp (pandas datetime64 through Spark): its UTC day
            date = date.cast(pa.date32())
        days = date.cast(pa.int32()).to_numpy()   # date32: days since 1970-01-01
        kind = table.column("kind").cast(pa.int8()).to_numpy()
        result = kcbx.classify_many(policy, calendar, as_of, child, days, kind, factorize=True,
                                    date_encoding=kcbx.DateEncoding.DAY_NUMBER)
        cols = result.to_numpy(dates="datetime64")
        yield pa.RecordBatch.from_pydict({
            "child": pa.array(np.asarray(result.keys, dtype=np.int64)),
            "status": pa.array(np.asarray(cols["status"], dtype=np.int32)),
            "since": pa.array(cols["since"].astype("datetime64[D]"), type=pa.date32()),
            "streak_start": pa.array(cols["streak_start"].astype("datetime64[D]"), type=pa.date32()),
            "streak_unexcused_days": pa.array(np.asarray(cols["streak_unexcused_days"], dtype=np.int32)),
            "missing_days": pa.array(np.asarray(cols["missing_days"], dtype=np.int32)),
        })

    return parts.mapInArrow(per_partition, CLASSIFY_SCHEMA)


def _partition_key(column):
    from pyspark.sql import functions as F
    return F.substring(F.upper(F.trim(F.coalesce(column, F.lit("")))), 1, 6)


def reconcile(household, students, as_of: dt.date, region: str) -> Tuple[object, object]:
    """四查三比对 of the two registries (columns of docs/data-formats.md, all strings) on
    Spark: returns (findings, summary) DataFrames — findings with the columns of
    `RECONCILE_SCHEMA` (`part` = "finding"), summary with `项目` and `数量` summed over the
    groups. Rows keep their file order inside a group (a duplicate ID's finding names the
    later record, as on one machine)."""
    from pyspark.sql import functions as F
    h = household.withColumn("_row", F.monotonically_increasing_id()).withColumn("_part", _partition_key(F.col("resident_id")))
    s = students.withColumn("_row", F.monotonically_increasing_id()).withColumn("_part", _partition_key(F.col("resident_id")))

    def per_group(hp, sp):
        import pandas as pd
        import kcbx
        hp = hp.sort_values("_row").drop(columns=["_row", "_part"]).fillna("")
        sp = sp.sort_values("_row").drop(columns=["_row", "_part"]).fillna("")
        r = kcbx.reconcile(hp, sp, as_of, region=region)
        rows = [["finding"] + [str(f[c]) for c in FINDING_COLUMNS] for f in r.findings]
        rows += [["count", item["项目"], "", "", str(item["数量"]), "", "", "", ""] for item in r.summary]
        return pd.DataFrame(rows, columns=["part", "kind", "resident_id", "name", "detail", "proposed_reason",
                                           "related_id", "score", "basis"])

    out = h.groupBy("_part").cogroup(s.groupBy("_part")).applyInPandas(per_group, RECONCILE_SCHEMA).cache()
    findings = out.where(F.col("part") == "finding")
    counts = out.where(F.col("part") == "count").select(F.col("kind").alias("项目"), F.col("detail").alias("数量"))
    # "未比对" (not compared) stays as it is; numbers are summed over the groups.
    number = F.col("数量").try_cast("long")
    summary = counts.groupBy("项目").agg(F.sum(number).alias("n"), F.first("数量").alias("text")).select(
        "项目", F.coalesce(F.col("n").cast("string"), F.col("text")).alias("数量"))
    return findings, summary


def read_registry(spark, path: str):
    """A registry CSV as strings (every column kept as text: IDs keep their digits), the
    UTF-8 byte-order mark of a header dropped. Spark's CSV reader is not KCBX's strict one:
    check a file once with `kcbx reconcile` (or load Parquet) before trusting it at scale."""
    df = spark.read.option("header", True).option("inferSchema", False).option("encoding", "UTF-8").csv(path)
    return df.toDF(*[c.lstrip("\ufeff") for c in df.columns])
