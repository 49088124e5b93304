"""Arrow in and out (issue 14, docs/arrow.md): classify_many takes any object exporting the Arrow
PyCapsule interface (pyarrow, polars, pandas through pyarrow, DuckDB) and its results export it
(pyarrow.table, polars.from_arrow, duckdb.sql). kcbx itself imports no pyarrow (test_package
checks the import). The outcomes are those of the numpy path, which test_classification.py ties
to the seeds (001 附件1 填表说明1-2, 004 二（三）2)."""
from __future__ import annotations

import datetime as dt
import resource
import subprocess
import sys

import pytest
from test_calendar import calendar_2025
from test_classification import columns, sample

import kcbx
from kcbx import ChildStatus, InvalidInput, classify_many

pa = pytest.importorskip("pyarrow")
np = pytest.importorskip("numpy")

D = dt.date
AS_OF = D(2025, 10, 20)
EPOCH = D(1970, 1, 1)


@pytest.fixture(scope="module")
def cal() -> kcbx.Calendar:
    return calendar_2025()


@pytest.fixture(scope="module")
def county(cal):
    rows, _ = sample(cal, 60, seed=7)
    child, date, kind, lf, lt = columns(rows)
    reference = classify_many("guyuan-2021", cal, AS_OF, child, date, kind, leave_from=lf, leave_to=lt)
    return child, date, kind, lf, lt, reference


def arrow_marks(child, date, kind, lf=None, lt=None):
    cols = {"child": pa.array(child, pa.int32()), "date": pa.array(date, pa.date32()), "kind": pa.array(kind, pa.int8())}
    if lf is not None:
        cols["leave_from"] = pa.array(lf, pa.date32())
        cols["leave_to"] = pa.array(lt, pa.date32())
    return pa.table(cols)


def test_a_pyarrow_table_classifies_as_the_numpy_path_with_no_copy(cal, county):
    child, date, kind, lf, lt, reference = county
    table = classify_many("guyuan-2021", cal, AS_OF, arrow_marks(child, date, kind, lf, lt))
    # child 0,0,..,1,.. dense int32, date32, int8: read in place; the leave spans have nulls ("no
    # date"), which become the encoding's none value in a converted copy.
    assert table.converted == ("leave_from", "leave_to")
    assert table.rows() == reference.rows()
    assert table.conflict_count == reference.conflict_count > 0


def test_a_record_batch_and_a_reader_are_accepted(cal, county):
    child, date, kind, lf, lt, reference = county
    t = arrow_marks(child, date, kind, lf, lt)
    assert classify_many("guyuan-2021", cal, AS_OF, t.to_batches()[0]).rows() == reference.rows()   # __arrow_c_array__
    reader = pa.RecordBatchReader.from_batches(t.schema, t.to_batches(max_chunksize=97))
    many = classify_many("guyuan-2021", cal, AS_OF, reader)   # several batches sorted by child: one at a time
    assert many.rows() == reference.rows() and many.streamed_batches > 1 and "date" not in many.converted


def test_yyyymmdd_integers_text_kinds_and_dictionaries(cal, county):
    child, date, kind, lf, lt, reference = county
    labels = [kcbx.MarkKind(k).name.lower() for k in kind]
    t = pa.table({"child": pa.array(child, pa.int64()),
                  "date": pa.array([d.year * 10000 + d.month * 100 + d.day for d in date], pa.int32()),
                  "kind": pa.array(labels).dictionary_encode(),
                  "leave_from": pa.array(lf, pa.date32()), "leave_to": pa.array(lt, pa.date32())})
    assert classify_many("guyuan-2021", cal, AS_OF, t).rows() == reference.rows()
    chinese = {0: "到校", 1: "请假", 2: "无故缺勤", 3: "迟到", 4: "早退"}
    t2 = t.set_column(2, "kind", pa.array([chinese[k] for k in kind], pa.large_string()))
    assert classify_many("guyuan-2021", cal, AS_OF, t2).rows() == reference.rows()


def test_text_keys_are_children_in_key_order(cal, county):
    child, date, kind, lf, lt, reference = county
    keys = [f"G640422{c:05d}" for c in child]
    t = pa.table({"child": keys, "date": pa.array(date, pa.date32()), "kind": pa.array(kind, pa.int8())})
    table = classify_many("guyuan-2021", cal, AS_OF, t.take(np.random.default_rng(1).permutation(len(child))))
    assert table.keys == sorted(set(keys))
    by_key = {k: r for k, r in zip(table.keys, table.rows())}
    ref = reference.rows()
    for c in range(len(ref)):
        assert by_key[f"G640422{c:05d}"].status is ref[c].status
    out = pa.table(table)
    assert out.column("child").to_pylist() == table.keys


def test_unsorted_integer_keys_follow_key_order_and_are_kept(cal, county):
    child, date, kind, _, _, reference = county
    ids = [640422_2019_0000 + 7 * c for c in child]
    t = pa.table({"child": pa.array(ids, pa.int64()), "date": pa.array(date, pa.date32()), "kind": pa.array(kind, pa.int8())})
    table = classify_many("guyuan-2021", cal, AS_OF, t.take(np.random.default_rng(2).permutation(len(ids))))
    assert list(table.child_ids()) == sorted(set(ids))
    ref = classify_many("guyuan-2021", cal, AS_OF, child, date, kind).rows()
    assert [r.status for r in table.rows()] == [r.status for r in ref]


def test_children_table_gives_facts_and_rows(cal):
    # 000/002: deferral only with the expert panel's opinion; seed 001 附件1 填表说明3 A: out of school.
    marks = pa.table({"child": pa.array([20, 20], pa.int64()), "date": pa.array([D(2025, 9, 1), D(2025, 9, 2)], pa.date32()),
                      "kind": pa.array([0, 0], pa.int8())})
    children = pa.table({"child": pa.array([10, 20, 30], pa.int64()),
                         "birth_date": pa.array([D(2015, 3, 1), D(2014, 5, 1), D(2016, 1, 1)], pa.date32()),
                         "registration": pa.array([1, 0, 2], pa.int8()),
                         "expert_opinion": [None, None, "专家组意见 2025-03"]})
    t = classify_many("guyuan-2021", cal, AS_OF, marks, children=children)
    assert list(t.child_ids()) == [10, 20, 30]
    assert [r.status for r in t.rows()] == [ChildStatus.OUT_OF_SCHOOL, ChildStatus.IN_SCHOOL, ChildStatus.DEFERRED]
    with pytest.raises(kcbx.RuleViolation):
        classify_many("guyuan-2021", cal, AS_OF, marks, children=children.drop_columns(["expert_opinion"]))
    stray = pa.table({"child": pa.array([99], pa.int64()), "date": pa.array([D(2025, 9, 1)], pa.date32()), "kind": pa.array([0], pa.int8())})
    with pytest.raises(InvalidInput, match=r"marks\.child\[0\].*99 is not in the children"):
        classify_many("guyuan-2021", cal, AS_OF, stray, children=children)


def test_errors_name_the_column_and_row(cal):
    ok = {"child": pa.array([0, 0, 1], pa.int32()), "date": pa.array([D(2025, 9, 1), D(2025, 9, 2), D(2025, 9, 1)], pa.date32()),
          "kind": pa.array([0, 2, 0], pa.int8())}
    with pytest.raises(InvalidInput, match=r"marks\.kind\[1\]"):
        classify_many("guyuan-2021", cal, AS_OF, pa.table({**ok, "kind": pa.array([0, None, 0], pa.int8())}))
    with pytest.raises(InvalidInput, match=r"marks\.kind\[2\].*\"skipped\" is not a mark kind"):
        classify_many("guyuan-2021", cal, AS_OF, pa.table({**ok, "kind": ["present", "unexcused", "skipped"]}))
    with pytest.raises(InvalidInput, match=r"marks\.date\[1\]"):   # 6 September 2025 is a Saturday
        classify_many("guyuan-2021", cal, AS_OF, pa.table({**ok, "date": pa.array([D(2025, 9, 1), D(2025, 9, 6), D(2025, 9, 1)], pa.date32())}))
    with pytest.raises(InvalidInput, match=r"marks.*no column kind"):
        classify_many("guyuan-2021", cal, AS_OF, pa.table({"child": ok["child"], "date": ok["date"]}))
    with pytest.raises(InvalidInput, match=r"marks\.date.*not a date"):
        classify_many("guyuan-2021", cal, AS_OF, pa.table({**ok, "date": pa.array([1.5, 2.5, 3.5])}))
    with pytest.raises(InvalidInput, match=r"marks\.child\[2\].*null"):
        classify_many("guyuan-2021", cal, AS_OF, pa.table({**ok, "child": pa.array([0, 0, None], pa.int64())}))


def test_results_go_to_pyarrow_polars_pandas_and_duckdb(cal, county):
    child, date, kind, lf, lt, reference = county
    table = classify_many("guyuan-2021", cal, AS_OF, arrow_marks(child, date, kind, lf, lt))
    at = pa.table(table)
    assert at.num_rows == len(reference)
    assert at.column("status").to_pylist() == [r.status.label for r in reference.rows()]
    assert at.column("since").to_pylist() == [r.since for r in reference.rows()]
    assert at.schema.metadata[b"kcbx:as_of"] == b"2025-10-20"
    assert pa.table(table).equals(at)   # exported again, independently
    df = table.to_dataframe()
    assert list(df["status"]) == [int(r.status) for r in reference.rows()]
    pl = pytest.importorskip("polars")
    p = pl.DataFrame(table)   # polars reads __arrow_c_stream__
    assert p["status"].cast(pl.Utf8).to_list() == [r.status.label for r in reference.rows()]
    duckdb = pytest.importorskip("duckdb")
    result = table  # noqa: F841 - duckdb finds it by name (its __arrow_c_stream__)
    counts = dict(duckdb.connect().sql("select status::varchar as s, count(*) as n from result group by all").fetchall())
    assert counts == {s.label: n for s, n in reference.counts().items() if n}


def test_polars_pandas_and_duckdb_inputs(cal, county):
    child, date, kind, lf, lt, reference = county
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame({"child": pl.Series(child, dtype=pl.Int32), "date": pl.Series(date, dtype=pl.Date),
                          "kind": pl.Series([kcbx.MarkKind(k).name.lower() for k in kind]).cast(pl.Categorical),
                          "leave_from": pl.Series(lf, dtype=pl.Date), "leave_to": pl.Series(lt, dtype=pl.Date)})
    assert classify_many("guyuan-2021", cal, AS_OF, frame).rows() == reference.rows()
    pd = pytest.importorskip("pandas")
    pdf = pd.DataFrame({"child": np.array(child, np.int32), "date": pd.to_datetime(date).date, "kind": np.array(kind, np.int8)})
    via_arrow = classify_many("guyuan-2021", cal, AS_OF, pa.Table.from_pandas(pdf, preserve_index=False))
    assert via_arrow.rows() == classify_many("guyuan-2021", cal, AS_OF, child, date, kind).rows()
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    rel = con.sql("select * from frame order by child, date")
    assert classify_many("guyuan-2021", cal, AS_OF, rel).rows() == reference.rows()


def test_report_tables_export_arrow():
    # Findings and the 四查 summary (seed 004 二（二）) go out as Arrow: counts as int64, text as utf8.
    from test_reconcile import AS_OF as REC_AS_OF
    from test_reconcile import DATA
    rec = kcbx.reconcile(DATA / "household.csv", DATA / "students.csv", REC_AS_OF, region="640422")
    for report in (rec.findings, rec.summary):
        at = pa.table(report)
        assert at.column_names == report.headers
        assert at.num_rows == len(report)
        assert [[str(v) for v in row.values()] for row in at.to_pylist()] == [[str(c) for c in r] for r in report.rows]
        assert at.schema.metadata[b"kcbx:title"].decode() == report.title
    duckdb = pytest.importorskip("duckdb")
    findings = rec.findings  # noqa: F841 - duckdb finds it by name
    ((n,),) = duckdb.connect().sql("select count(*) from findings").fetchall()
    assert n == len(rec.findings)


def test_a_big_table_is_classified_without_copying_a_mark_column(cal):
    # Issue 14: a big pyarrow table passed to classify_many copies no mark column. 20M marks:
    # the date column alone is 80 MB; the library's own working set for sorted input is the
    # marks' calendar offsets (4 bytes a mark) plus the table. A copy of child, date and kind
    # would add 180 MB more; the bound allows the offsets and 40 MB of slack.
    days = np.array([(d - EPOCH).days for d in cal.school_days(D(2025, 9, 1), D(2025, 10, 17))], np.int32)
    n_children = 20_000_000 // len(days)
    child = np.repeat(np.arange(n_children, dtype=np.int32), len(days))
    date = np.tile(days, n_children)
    kind = np.zeros(len(child), np.int8)
    kind[::17] = 2
    t = pa.table({"child": child, "date": pa.array(date, pa.date32()), "kind": kind})
    assert t.column("date").num_chunks == 1
    del child, date, kind
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    table = classify_many("guyuan-2021", cal, AS_OF, t)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
    assert table.converted == ()
    assert len(table) == n_children
    assert grown < 4 * t.num_rows + 40_000_000, f"peak grew by {grown / 1e6:.0f} MB for {t.num_rows} marks"


def test_kcbx_does_not_import_pyarrow():
    code = "import sys, kcbx; assert 'pyarrow' not in sys.modules and 'polars' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_ledger_imports_students_and_marks_from_arrow(tmp_path):
    # The bundled county's roster and attendance (DOMAIN.md §4) read as Arrow and imported in one call each: the
    # same marks as the CSV import, so importing the CSV afterwards changes nothing.
    import pyarrow.csv as pacsv
    from test_ledger import COUNTY, DATA
    marks = pacsv.read_csv(DATA / "attendance.csv",
                           convert_options=pacsv.ConvertOptions(column_types={"student": pa.string(), "date": pa.date32()}))
    with open(DATA / "roster.csv", encoding="utf-8-sig") as f:
        header = f.readline().strip().split(",")
    roster = pacsv.read_csv(DATA / "roster.csv", convert_options=pacsv.ConvertOptions(
        column_types={h: pa.string() for h in header}, strings_can_be_null=False))
    with kcbx.Policy.builtin("guyuan-2021") as policy, kcbx.Ledger.open(tmp_path / "xiji.kcbx", policy, COUNTY) as led:
        assert led.set_calendar_file(DATA / "calendar.json")
        added = led.import_students(roster)
        assert added.added == roster.num_rows
        assert led.import_students_csv(DATA / "roster.csv").unchanged == roster.num_rows
        with pytest.raises(InvalidInput, match=r"students\.shoe_size: is not a roster column"):
            led.import_students(roster.append_column("shoe_size", pa.array([1] * roster.num_rows)))
        first = led.import_marks(marks)
        assert first.rows == marks.num_rows and first.changed == marks.num_rows
        again = led.import_marks_csv(DATA / "attendance.csv")
        assert again.changed == 0 and again.unchanged == marks.num_rows
        bad = marks.slice(0, 2).set_column(2, "kind", pa.array(["present", "skipped"]))
        with pytest.raises(InvalidInput, match=r"marks\.kind\[1\]"):
            led.import_marks(bad)
