"""The same classification written the way an analyst would without KCBX: pandas and DuckDB SQL.

Both implement KCBX's documented streak rule (DOMAIN.md §2 [interpretation]; ChildKernel.swift;
docs/calendar-format.md, "How classification uses the calendar") for the benchmark's input: one
term, at most one mark per child and day, no approved-leave spans beyond the mark's own day.

* Only marks on or before the as-of date count. A child with none is "attendance unknown" (5).
* The open streak starts at the first unexcused mark after the child's last day present
  (present, late or left early).
* Its clock counts calendar days: each unexcused school day x counts itself and the non-school
  days after it up to its next school day in the term (the calendar's `seg_end`), cut at the
  as-of date. A leave day and an unmarked day (unknown, DOMAIN.md §7) count nothing, nor do the
  weekends after them: leave pauses the clock without ending the streak.
* Three-line alert (2): unexcused school days in the streak >= `alert_school_days` (Dongchuan, 004).
* Suspected (3): clock > `suspected_days` (001 附件1 填表说明1); the suspected date Q is the
  (suspected_days + 1)-th counted day.
* Dropout (4): the days counted after Q exceed the calendar days from Q to the same day
  `dropout_months` later (001 附件1 填表说明2), i.e. clock - (suspected_days + 1) > that span.
* Else on leave (1) when the latest mark is approved leave, else in school (0).

Status codes: 0 in school, 1 on leave, 2 three-line alert, 3 suspected, 4 dropout, 5 unknown.
`calendar` is bench_data.calendar_table(): per day number `day`, `school`, `seg_end`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

UNKNOWN = 5


def classify_pandas(child, day, kind, as_of_day: int, calendar, suspected_days: int, dropout_months: int,
                    alert_school_days: int, n_children: int) -> np.ndarray:
    df = pd.DataFrame({"child": child, "day": day, "kind": kind}, copy=False)
    df = df[df.day <= as_of_day]
    present_like = df.kind.isin([0, 3, 4])
    last_present = df.day.where(present_like).groupby(df.child).transform("max").fillna(-1)
    last = df.loc[df.groupby("child").day.idxmax(), ["child", "kind"]]
    tail = df[df.day > last_present]
    start = tail[tail.kind == 2].groupby("child").day.min().rename("start")
    streak = tail.join(start, on="child", how="inner")
    streak = streak[streak.day >= streak.start].sort_values(["child", "day"])
    seg_end = pd.Series(calendar["seg_end"], index=calendar["day"])
    unexcused = streak.kind == 2
    seg = np.where(unexcused, np.minimum(seg_end.reindex(streak.day).to_numpy(), as_of_day + 1) - streak.day.to_numpy(), 0)
    streak = streak.assign(seg=seg, unexcused=unexcused.astype(np.int32))
    streak["before"] = streak.groupby("child").seg.cumsum() - streak.seg
    hit = streak[(streak.unexcused == 1) & (streak.before <= suspected_days) & (streak.before + streak.seg > suspected_days)]
    suspected_at = (hit.day + suspected_days - hit.before).groupby(hit.child).first()
    agg = streak.groupby("child").agg(clock=("seg", "sum"), unexcused=("unexcused", "sum"))
    agg = agg.join(suspected_at.rename("suspected_at"))
    q = pd.to_datetime(agg.suspected_at.fillna(0), unit="D")
    month_days = ((q + pd.DateOffset(months=dropout_months)) - q).dt.days
    status = np.full(n_children, UNKNOWN, dtype=np.int8)
    status[last.child.to_numpy()] = np.where(last.kind.to_numpy() == 1, 1, 0)
    st = np.zeros(len(agg), dtype=np.int8)
    if alert_school_days > 0:
        st = np.where(agg.unexcused >= alert_school_days, 2, st)
    suspected = agg.clock > suspected_days
    st = np.where(suspected, 3, st)
    st = np.where(suspected & (agg.clock - (suspected_days + 1) > month_days), 4, st)
    idx = agg.index.to_numpy()
    keep = st > 0
    status[idx[keep]] = st[keep]
    return status


def classify_duckdb(con, child, day, kind, as_of_day: int, calendar, suspected_days: int, dropout_months: int,
                    alert_school_days: int, n_children: int, marks_sql: str = "") -> np.ndarray:
    """`marks_sql` (a SELECT of child, day as a day number, kind), when given, is the input instead
    of the arrays: e.g. a read_parquet(...) query, so that DuckDB reads the file itself."""
    cal = pd.DataFrame({"day": calendar["day"], "seg_end": calendar["seg_end"]})
    if marks_sql:
        con.execute(f"CREATE OR REPLACE TEMP VIEW marks AS {marks_sql}")
    else:
        con.register("marks", pd.DataFrame({"child": child, "day": day, "kind": kind}, copy=False))
    con.register("cal", cal)
    alert = alert_school_days if alert_school_days > 0 else 2 ** 31 - 1
    t = suspected_days
    rows = con.execute(f"""
        WITH m AS (SELECT child, day, kind FROM marks WHERE day <= {as_of_day}),
        lp AS (SELECT child, max(day) FILTER (WHERE kind IN (0, 3, 4)) AS last_present,
                      arg_max(kind, day) AS last_kind
               FROM m GROUP BY child),
        tail AS (SELECT m.child, m.day, m.kind FROM m JOIN lp USING (child)
                 WHERE m.day > coalesce(lp.last_present, -1)),
        st AS (SELECT child, min(day) AS start FROM tail WHERE kind = 2 GROUP BY child),
        streak AS (SELECT tail.child, tail.day, tail.kind,
                          CASE WHEN tail.kind = 2 THEN least(cal.seg_end, {as_of_day} + 1) - tail.day ELSE 0 END AS seg
                   FROM tail JOIN st USING (child) JOIN cal USING (day)
                   WHERE tail.day >= st.start),
        cum AS (SELECT *, sum(seg) OVER (PARTITION BY child ORDER BY day) - seg AS before FROM streak),
        agg AS (SELECT child, sum(seg) AS clock, count(*) FILTER (WHERE kind = 2) AS unexcused,
                       max(CASE WHEN kind = 2 AND before <= {t} AND before + seg > {t} THEN day + {t} - before END) AS q
                FROM cum GROUP BY child),
        cls AS (SELECT child, clock, unexcused,
                       CAST(CAST(DATE '1970-01-01' + CAST(q AS INTEGER) + INTERVAL {dropout_months} MONTH AS DATE)
                            - (DATE '1970-01-01' + CAST(q AS INTEGER)) AS BIGINT) AS month_days
                FROM agg)
        SELECT lp.child,
               CASE WHEN cls.clock > {t} AND cls.clock - ({t} + 1) > cls.month_days THEN 4
                    WHEN cls.clock > {t} THEN 3
                    WHEN cls.unexcused >= {alert} THEN 2
                    WHEN lp.last_kind = 1 THEN 1
                    ELSE 0 END AS status
        FROM lp LEFT JOIN cls USING (child)
    """).fetchnumpy()
    if marks_sql:
        con.execute("DROP VIEW marks")
    else:
        con.unregister("marks")
    con.unregister("cal")
    status = np.full(n_children, UNKNOWN, dtype=np.int8)
    status[rows["child"]] = rows["status"]
    return status
