"""The attendance import from Python columns (Ledger.import_marks with a pyarrow table, or with
--numpy a dict of numpy arrays), timed alone: a marks CSV is read into a pyarrow table first
(student as text, date as date32, kind as int8 codes, or labels with --labels), then one call
imports it into a ledger copy the caller made. Prints the call's CPU seconds (user + sys), marks a
CPU second, the counts, peak RSS and the RSS before the call (bench/profiles/columns.md).

    python3 bench/marks_arrow.py COPY.kcbx /work/data/c50000/county/attendance.csv guyuan-2021 640422 [--batch N] [--numpy]
"""
import argparse
import resource
import sys

import kcbx
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

LABELS = ["present", "approved_leave", "unexcused", "late", "left_early"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("ledger")
    ap.add_argument("csv")
    ap.add_argument("profile")
    ap.add_argument("unit")
    ap.add_argument("--labels", action="store_true", help="kinds as text labels (else int8 codes)")
    ap.add_argument("--batch", type=int, default=0, help="rows a record batch (0: as pyarrow read them)")
    ap.add_argument("--numpy", action="store_true", help="a dict of numpy arrays (keys, dates YYYYMMDD, kind codes)")
    a = ap.parse_args()
    t = pacsv.read_csv(a.csv, convert_options=pacsv.ConvertOptions(column_types={"student": pa.string(), "date": pa.date32(), "kind": pa.string()}))
    if not a.labels:
        codes = pc.index_in(t.column("kind"), value_set=pa.array(LABELS)).cast(pa.int8())
        t = t.set_column(2, "kind", codes)
    if a.batch:
        t = pa.Table.from_batches(t.to_batches(max_chunksize=a.batch))
    marks: object = t
    if a.numpy:
        import numpy as np
        days = t.column("date").cast(pa.int32()).to_numpy()  # days since 1970
        ymd = np.datetime64("1970-01-01") + days.astype("timedelta64[D]")
        y = ymd.astype("datetime64[Y]").astype(int) + 1970
        mo = ymd.astype("datetime64[M]").astype(int) % 12 + 1
        d = (ymd - ymd.astype("datetime64[M]")).astype(int) + 1
        marks = {"student": t.column("student").to_numpy(zero_copy_only=False),
                 "date": (y * 10000 + mo * 100 + d).astype(np.int32), "kind": t.column("kind").to_numpy()}
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    actor = {"level": "county", "unit_code": a.unit, "person": "县教育局信息中心"}
    with kcbx.Policy.builtin(a.profile) as policy, kcbx.Ledger.open(a.ledger, policy, actor) as led:
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        r = led.import_marks(marks)
        r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    print(f"rows {r.rows} changed {r.changed} unchanged {r.unchanged} conflicts {len(r.conflicts)} cpu {cpu:.2f} s "
          f"{t.num_rows / cpu:.0f} marks/s peak_rss {r1.ru_maxrss} KB table_rss {before} KB batches {len(t.to_batches())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
