"""The household-registry vs student-registry comparison (四查三比对, seed 004 二（二）) as an
analyst would write it without KCBX: pandas and DuckDB SQL over the same CSV files
(docs/data-formats.md). Both compute the same counts as `kcbx.reconcile`:

- out-of-school candidates: household children registered in the region, with a valid resident
  ID (GB 11643 check character, a real birth date not after the as-of date), aged 6-15 on the
  as-of date (whole years), with no student registration anywhere (KCBX splits these into
  `out_of_school` and the household side of `near_match`);
- unregistered students: students enrolled at a school of the region whose ID is not in the
  household registry (KCBX: `migrant` plus the student side of `near_match`);
- identity conflicts: same ID in both registries, different name or birth date;
- duplicates: an ID repeated within the household registry or within the student registry.
"""
from __future__ import annotations

import datetime as dt
from typing import Dict

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def reconcile_pandas(household: str, students: str, as_of: dt.date, region: str) -> Dict[str, int]:
    import numpy as np
    import pandas as pd
    h = pd.read_csv(household, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    s = pd.read_csv(students, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    h["resident_id"] = h["resident_id"].str.upper()
    s["resident_id"] = s["resident_id"].str.upper()
    dup = int(h["resident_id"].duplicated().sum()) + int(s.loc[s["resident_id"] != "", "resident_id"].duplicated().sum())
    h = h.drop_duplicates("resident_id")
    s = s[s["resident_id"] != ""].drop_duplicates("resident_id")
    # Valid IDs: 17 digits + check character, a real birth date not after as_of.
    rid = h["resident_id"]
    shape = rid.str.fullmatch(r"\d{17}[\dX]")
    d17 = rid.where(shape, "0" * 18).str[:17]
    total = sum(d17.str[i].astype(np.int64) * w for i, w in enumerate(WEIGHTS))
    check_ok = shape & (total % 11).map(lambda k: CHECK[k]).eq(rid.str[17])
    birth = pd.to_datetime(rid.str[6:14], format="%Y%m%d", errors="coerce")
    valid = check_ok & birth.notna() & (birth <= pd.Timestamp(as_of))
    # Whole years of age on as_of.
    age = as_of.year - birth.dt.year - ((birth.dt.month > as_of.month) | ((birth.dt.month == as_of.month) & (birth.dt.day > as_of.day)))
    local_h = h["region_code"].str.startswith(region)
    school_age = valid & local_h & age.between(6, 15)
    in_students = h["resident_id"].isin(s["resident_id"])
    out_of_school = int((school_age & ~in_students).sum())
    local_enrolled = s["school_region_code"].str.startswith(region) & (s["status"] == "enrolled")
    unregistered = int((local_enrolled & ~s["resident_id"].isin(h["resident_id"])).sum())
    both = h.merge(s, on="resident_id", suffixes=("_h", "_s"))
    bh, bs = both["birth_date_h"], both["birth_date_s"]
    conflicts = int(((both["name_h"] != both["name_s"]) | ((bh != "") & (bs != "") & (bh != bs))).sum())
    return {"out_of_school_candidates": out_of_school, "unregistered_students": unregistered,
            "identity_conflicts": conflicts, "duplicates": dup}


def reconcile_duckdb(household: str, students: str, as_of: dt.date, region: str) -> Dict[str, int]:
    import duckdb
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    opts = "header = true, all_varchar = true"
    con.execute(f"CREATE TEMP TABLE h0 AS SELECT upper(resident_id) AS rid, * EXCLUDE (resident_id) FROM read_csv('{household}', {opts})")
    con.execute(f"CREATE TEMP TABLE s0 AS SELECT upper(resident_id) AS rid, * EXCLUDE (resident_id) FROM read_csv('{students}', {opts})")
    dup = con.execute("""SELECT (SELECT count(*) - count(DISTINCT rid) FROM h0)
                              + (SELECT count(*) - count(DISTINCT rid) FROM s0 WHERE rid <> '')""").fetchone()[0]
    con.execute("CREATE TEMP TABLE h AS SELECT * FROM h0 QUALIFY row_number() OVER (PARTITION BY rid) = 1")
    con.execute("CREATE TEMP TABLE s AS SELECT * FROM s0 WHERE rid <> '' QUALIFY row_number() OVER (PARTITION BY rid) = 1")
    weighted = " + ".join(f"CAST(substr(rid, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(WEIGHTS))
    a = as_of.isoformat()
    out_of_school = con.execute(f"""
        WITH v AS (
            SELECT rid, region_code, try_strptime(substr(rid, 7, 8), '%Y%m%d')::DATE AS birth
            FROM h WHERE regexp_full_match(rid, '[0-9]{{17}}[0-9X]')
              AND substr('{CHECK}', (({weighted}) % 11) + 1, 1) = substr(rid, 18, 1))
        SELECT count(*) FROM v
        WHERE birth IS NOT NULL AND birth <= DATE '{a}' AND starts_with(region_code, '{region}')
          AND date_diff('year', birth, DATE '{a}') - CASE WHEN strftime(birth, '%m%d') > strftime(DATE '{a}', '%m%d') THEN 1 ELSE 0 END
              BETWEEN 6 AND 15
          AND NOT EXISTS (SELECT 1 FROM s WHERE s.rid = v.rid)""").fetchone()[0]
    unregistered = con.execute(f"""
        SELECT count(*) FROM s WHERE starts_with(school_region_code, '{region}') AND status = 'enrolled'
          AND NOT EXISTS (SELECT 1 FROM h WHERE h.rid = s.rid)""").fetchone()[0]
    conflicts = con.execute("""
        SELECT count(*) FROM h JOIN s USING (rid)
        WHERE h.name <> s.name OR (h.birth_date <> '' AND s.birth_date <> '' AND h.birth_date <> s.birth_date)""").fetchone()[0]
    con.close()
    return {"out_of_school_candidates": int(out_of_school), "unregistered_students": int(unregistered),
            "identity_conflicts": int(conflicts), "duplicates": int(dup)}


def kcbx_counts(report) -> Dict[str, int]:
    """The same four counts from a kcbx.Reconciliation."""
    by_kind: Dict[str, list] = {}
    for f in report.findings:
        by_kind.setdefault(f["类别"], []).append(f)
    near = by_kind.get("near_match", [])
    return {"out_of_school_candidates": len(by_kind.get("out_of_school", [])) + len({f["身份证号"] for f in near}),
            "unregistered_students": len(by_kind.get("migrant", [])) + len({f["相关身份证号"] for f in near}),
            "identity_conflicts": len(by_kind.get("identity_conflict", [])),
            "duplicates": len(by_kind.get("duplicate", []))}
