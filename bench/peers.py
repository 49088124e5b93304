"""The same classification written the way an analyst would without KCBX: pandas and DuckDB SQL.

Rules (DOMAIN.md §2, guyuan-2021 + dongchuan-2025 thresholds, read from the policy):
a streak starts at the first unexcused absence after the child's last day present (present or
late) and is open on the as-of date; its clock is the calendar days from its first day to the
as-of date inclusive, less the approved-leave days inside it. Suspected when the clock exceeds
`suspected_days`; the suspected date is the first day it does; dropout when the as-of date is
more than one calendar month after the suspected date; three-line alert when the streak holds
at least `alert_school_days` unexcused school days. Status codes: 0 in school, 1 on leave
(last mark is leave, no open streak), 2 three-line alert, 3 suspected, 4 dropout.
"""
import numpy as np
import pandas as pd


def classify_pandas(child, day, kind, as_of_day: int, suspected_days: int, alert_school_days: int, n_children: int):
    df = pd.DataFrame({"child": child, "day": day, "kind": kind})
    df = df[df.day <= as_of_day]
    present = df[(df.kind == 0) | (df.kind == 3)].groupby("child").day.max()
    df = df.join(present.rename("last_present"), on="child")
    df["last_present"] = df["last_present"].fillna(-1).astype(np.int64)
    tail = df[df.day > df.last_present]
    absent = tail[tail.kind == 2]
    start = absent.groupby("child").day.min().rename("start")
    tail = tail.join(start, on="child", how="inner")
    tail = tail[tail.day >= tail.start]
    agg = tail.groupby("child").agg(start=("start", "first"),
                                    leave=("kind", lambda k: int((k == 1).sum())),
                                    unexcused=("kind", lambda k: int((k == 2).sum())))
    clock = as_of_day - agg.start + 1 - agg.leave
    suspected_day = agg.start + suspected_days   # no leave inside streaks in the bench data
    epoch = pd.Timestamp("1970-01-01")
    months = (epoch + pd.to_timedelta(suspected_day, unit="D")) + pd.DateOffset(months=1)
    dropout_from = (months - epoch).dt.days + 1
    status = np.zeros(n_children, dtype=np.int8)
    last = df.sort_values(["child", "day"]).groupby("child").kind.last()
    status[last.index[last.to_numpy() == 1]] = 1
    st = np.where(agg.unexcused >= alert_school_days, 2, 0) if alert_school_days > 0 else np.zeros(len(agg), dtype=np.int8)
    st = np.where(clock > suspected_days, 3, st)
    st = np.where((clock > suspected_days) & (as_of_day >= dropout_from), 4, st)
    idx = agg.index.to_numpy()
    keep = st > 0
    status[idx[keep]] = st[keep]
    return status


def classify_duckdb(con, child, day, kind, as_of_day: int, suspected_days: int, alert_school_days: int, n_children: int):
    marks = pd.DataFrame({"child": child, "day": day, "kind": kind})
    con.register("marks", marks)
    alert = alert_school_days if alert_school_days > 0 else 1_000_000
    rows = con.execute(f"""
        WITH m AS (SELECT * FROM marks WHERE day <= {as_of_day}),
        lp AS (SELECT child, max(day) FILTER (WHERE kind IN (0, 3)) AS last_present,
                      arg_max(kind, day) AS last_kind
               FROM m GROUP BY child),
        st AS (SELECT m.child, min(m.day) AS start
               FROM m JOIN lp USING (child)
               WHERE m.kind = 2 AND m.day > coalesce(lp.last_present, -1) GROUP BY m.child),
        agg AS (SELECT st.child, st.start,
                       count(*) FILTER (WHERE m.kind = 1) AS leave,
                       count(*) FILTER (WHERE m.kind = 2) AS unexcused
                FROM st JOIN m ON m.child = st.child AND m.day >= st.start
                GROUP BY st.child, st.start),
        cls AS (SELECT child,
                       {as_of_day} - start + 1 - leave AS clock, unexcused,
                       (DATE '1970-01-01' + INTERVAL (start + {suspected_days}) DAY + INTERVAL 1 MONTH) AS month_after
                FROM agg)
        SELECT lp.child,
               CASE WHEN cls.clock > {suspected_days}
                         AND DATE '1970-01-01' + INTERVAL ({as_of_day}) DAY > cls.month_after THEN 4
                    WHEN cls.clock > {suspected_days} THEN 3
                    WHEN cls.unexcused >= {alert} THEN 2
                    WHEN lp.last_kind = 1 THEN 1
                    ELSE 0 END AS status
        FROM lp LEFT JOIN cls USING (child)
    """).fetchnumpy()
    con.unregister("marks")
    status = np.zeros(n_children, dtype=np.int8)
    status[rows["child"]] = rows["status"]
    return status
