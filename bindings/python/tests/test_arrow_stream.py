"""Arrow streams of many batches (issue 14, docs/arrow.md "Streams of many batches" and
"Reconciliation"): a stream sorted by child is classified batch by batch, each batch released
before the next is read, with the table of one batch (pyarrow readers, a Parquet file through
iter_batches, polars chunks, pandas through pyarrow); reconcile() takes registries as Arrow
objects with the findings and summary of the CSV path on data/sample. Outcomes are tied to the
seeds by test_classification.py (001 附件1 填表说明1-2, 004 二（三）2) and test_reconcile.py
(004 二（二） 四查三比对); here they must only be equal across the input paths."""
from __future__ import annotations

import datetime as dt
import os

import pytest
from test_calendar import calendar_2025
from test_classification import columns, sample

import kcbx
from kcbx import InvalidInput, classify_many

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pc = pytest.importorskip("pyarrow.csv")

D = dt.date
AS_OF = D(2025, 10, 20)
SAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "data", "sample")


@pytest.fixture(scope="module")
def cal() -> kcbx.Calendar:
    return calendar_2025()


@pytest.fixture(scope="module")
def marks(cal):
    """60 generated children, marks grouped by child and sorted by date (with duplicates and leave spans)."""
    rows, _ = sample(cal, 60, seed=11)
    child, date, kind, lf, lt = columns(rows)
    return pa.table({"child": pa.array(child, pa.int32()), "date": pa.array(date, pa.date32()), "kind": pa.array(kind, pa.int8()),
                     "leave_from": pa.array(lf, pa.date32()), "leave_to": pa.array(lt, pa.date32())})


def rows_and_conflicts(table):
    return table.rows(), [(c.row, c.date, c.replaced_mark, c.kept_mark) for c in table.conflicts]


@pytest.mark.parametrize("size", [1, 13, 97, 1000])
def test_batches_of_a_reader_give_the_table_of_one_batch(cal, marks, size):
    whole = classify_many("guyuan-2021", cal, AS_OF, marks)
    assert whole.streamed_batches == 0 and whole.conflict_count > 0
    reader = pa.RecordBatchReader.from_batches(marks.schema, marks.to_batches(max_chunksize=size))
    many = classify_many("guyuan-2021", cal, AS_OF, reader)
    assert many.streamed_batches == -(-marks.num_rows // size)
    assert rows_and_conflicts(many) == rows_and_conflicts(whole)
    # date32 and int8 were read in the producer's memory, batch by batch.
    assert "date" not in many.converted and "kind" not in many.converted


def test_text_keys_and_labels_stream_too(cal, marks):
    keys = pa.array([f"G640422{c:05d}" for c in marks.column("child").to_pylist()])
    labels = pa.array([kcbx.MarkKind(k).name.lower() for k in marks.column("kind").to_pylist()]).dictionary_encode()
    t = marks.set_column(0, "child", keys).set_column(2, "kind", labels)
    whole = classify_many("guyuan-2021", cal, AS_OF, t.combine_chunks())
    many = classify_many("guyuan-2021", cal, AS_OF, pa.RecordBatchReader.from_batches(t.schema, t.to_batches(max_chunksize=50)))
    assert many.streamed_batches > 1
    assert many.keys == whole.keys and rows_and_conflicts(many) == rows_and_conflicts(whole)


def test_a_parquet_file_streams_through_iter_batches(cal, marks, tmp_path):
    path = str(tmp_path / "marks.parquet")
    pq.write_table(marks, path, row_group_size=300)
    whole = classify_many("guyuan-2021", cal, AS_OF, pq.read_table(path))
    pf = pq.ParquetFile(path)
    many = classify_many("guyuan-2021", cal, AS_OF, pa.RecordBatchReader.from_batches(pf.schema_arrow, pf.iter_batches(batch_size=256)))
    assert many.streamed_batches > 1
    assert rows_and_conflicts(many) == rows_and_conflicts(whole)
    # The iterator itself (pyarrow batches) streams the same way.
    direct = classify_many("guyuan-2021", cal, AS_OF, pf.iter_batches(batch_size=256))
    assert direct.streamed_batches == many.streamed_batches
    assert rows_and_conflicts(direct) == rows_and_conflicts(whole)


def test_polars_chunks_and_pandas_through_pyarrow(cal, marks):
    pl = pytest.importorskip("polars")
    pd = pytest.importorskip("pandas")
    whole = classify_many("guyuan-2021", cal, AS_OF, marks)
    n = marks.num_rows
    parts = [pl.from_arrow(marks.slice(a, 400)) for a in range(0, n, 400)]
    frame = pl.concat(parts, rechunk=False)
    assert frame.n_chunks() > 1
    from_polars = classify_many("guyuan-2021", cal, AS_OF, frame)   # polars may hand its chunks over as one batch
    assert rows_and_conflicts(from_polars) == rows_and_conflicts(whole)
    df = marks.to_pandas()
    assert isinstance(df, pd.DataFrame)
    t = pa.Table.from_pandas(df, preserve_index=False)
    from_pandas = classify_many("guyuan-2021", cal, AS_OF, pa.RecordBatchReader.from_batches(t.schema, t.to_batches(max_chunksize=500)))
    assert from_pandas.streamed_batches > 1
    assert rows_and_conflicts(from_pandas) == rows_and_conflicts(whole)


def test_memory_is_one_batch_not_the_stream(cal, marks):
    """40 batches made on demand: pyarrow's allocation never holds more than the batch being made
    and the one being classified (the whole-stream path held all 40)."""
    n_children = 60
    base = marks.combine_chunks()
    schema = base.schema
    seen = []

    def batches():
        for k in range(40):
            child = pa.compute.add(base.column("child"), pa.scalar(k * n_children, pa.int32())).cast(pa.int32())
            b = pa.RecordBatch.from_arrays([child.combine_chunks()] + [base.column(i).combine_chunks() for i in range(1, 5)], schema=schema)
            seen.append(pa.total_allocated_bytes())
            yield b

    one = base.nbytes
    table = classify_many("guyuan-2021", cal, AS_OF, pa.RecordBatchReader.from_batches(schema, batches()))
    assert table.streamed_batches == 40 and len(table) == 40 * n_children
    assert max(seen) - seen[0] < 3 * one, (max(seen), one)
    ref = classify_many("guyuan-2021", cal, AS_OF, base).rows()
    got = table.rows()
    assert [r.status for r in got[-n_children:]] == [r.status for r in ref]
    assert list(table.child_ids())[n_children] == n_children


def test_an_unsorted_first_batch_is_read_whole_and_a_key_going_back_is_refused(cal, marks):
    whole = classify_many("guyuan-2021", cal, AS_OF, marks)
    n = marks.num_rows
    first_child = marks.column("child").to_pylist().count(0)
    shuffled = pa.concat_tables([marks.slice(first_child, 200), marks.slice(0, first_child), marks.slice(first_child + 200)])
    shuffled = shuffled.combine_chunks()   # child 0 inside the first batch of 300
    read_whole = classify_many("guyuan-2021", cal, AS_OF, pa.RecordBatchReader.from_batches(marks.schema, shuffled.to_batches(max_chunksize=300)))
    assert read_whole.streamed_batches == 0
    assert read_whole.rows() == whole.rows()
    # Sorted in its first batch, then child 0 again at row n - 1.
    late = pa.concat_tables([marks.slice(first_child), marks.slice(0, 1)]).combine_chunks()
    with pytest.raises(InvalidInput, match=rf"marks\.child\[{n - first_child}\]: key 0 comes after"):
        classify_many("guyuan-2021", cal, AS_OF, pa.RecordBatchReader.from_batches(marks.schema, late.to_batches(max_chunksize=300)))
    # Two sorted halves concatenated in the other order: a reader is refused as above, an
    # in-memory pyarrow table (or polars frame) is classified again as one batch.
    half = marks.column("child").to_pylist().index(30)
    swapped = pa.concat_tables([marks.slice(half), marks.slice(0, half)])
    assert swapped.column("child").num_chunks == 2
    again = classify_many("guyuan-2021", cal, AS_OF, swapped)
    assert again.streamed_batches == 0 and again.rows() == whole.rows()


# ---- reconciliation from Arrow -------------------------------------------------------------------

def sample_path(name: str) -> str:
    return os.path.join(SAMPLE, name)


@pytest.fixture(scope="module")
def by_csv():
    return kcbx.reconcile(sample_path("household.csv"), sample_path("students.csv"), D(2025, 9, 15), region="640422",
                          attending=sample_path("attending.csv"), poverty=sample_path("poverty.csv"),
                          three_kinds=sample_path("three_kinds.csv"))


def same(a: kcbx.Reconciliation, b: kcbx.Reconciliation) -> bool:
    return a.findings.rows == b.findings.rows and a.summary.rows == b.summary.rows and a.findings.headers == b.findings.headers


def test_reconcile_from_pyarrow_tables_equals_the_csv_path(by_csv):
    # pyarrow's CSV reader guesses: birth_date date32, region and school codes and grade int64.
    hh, st = pc.read_csv(sample_path("household.csv")), pc.read_csv(sample_path("students.csv"))
    assert pa.types.is_date32(hh.schema.field("birth_date").type) and pa.types.is_int64(st.schema.field("grade").type)
    students = pa.RecordBatchReader.from_batches(st.schema, st.to_batches(max_chunksize=250))
    r = kcbx.reconcile(hh, students, D(2025, 9, 15), region="640422", attending=pc.read_csv(sample_path("attending.csv")),
                       poverty=sample_path("poverty.csv"), three_kinds=[*pc.read_csv(sample_path("three_kinds.csv")).column(0).to_pylist()])
    assert len(by_csv.findings) > 0
    assert same(r, by_csv)


def test_reconcile_from_polars_pandas_and_duckdb(by_csv):
    pl = pytest.importorskip("polars")
    pd = pytest.importorskip("pandas")
    duckdb = pytest.importorskip("duckdb")
    lists = dict(attending=sample_path("attending.csv"), poverty=sample_path("poverty.csv"), three_kinds=sample_path("three_kinds.csv"))
    r_pl = kcbx.reconcile(pl.read_csv(sample_path("household.csv")), pl.read_csv(sample_path("students.csv")), D(2025, 9, 15),
                          region="640422", **lists)
    assert same(r_pl, by_csv)
    hh = pa.Table.from_pandas(pd.read_csv(sample_path("household.csv"), dtype=str, encoding="utf-8-sig"), preserve_index=False)
    st = pa.Table.from_pandas(pd.read_csv(sample_path("students.csv"), dtype=str, encoding="utf-8-sig"), preserve_index=False)
    assert same(kcbx.reconcile(hh, st, D(2025, 9, 15), region="640422", **lists), by_csv)
    r_dd = kcbx.reconcile(duckdb.read_csv(sample_path("household.csv")), duckdb.read_csv(sample_path("students.csv")),
                          D(2025, 9, 15), region="640422", attending=duckdb.read_csv(sample_path("attending.csv")),
                          poverty=sample_path("poverty.csv"), three_kinds=sample_path("three_kinds.csv"))
    assert same(r_dd, by_csv)
    # Results into pyarrow, polars and DuckDB.
    findings = pa.table(r_dd)
    assert findings.num_rows == len(by_csv.findings)
    assert pl.DataFrame(findings).height == len(by_csv.findings)
    kinds = dict(duckdb.sql("select 类别, count(*) from findings group by all").fetchall())
    assert kinds == {k: len(by_csv.of_kind(k)) for k in kinds}


def test_reconcile_arrow_errors_name_the_stream_column_and_row():
    st = pc.read_csv(sample_path("students.csv"))
    bad = st.set_column(st.schema.get_field_index("grade"), "grade",
                        pa.array([12 if i == 700 else g for i, g in enumerate(st.column("grade").to_pylist())], pa.int64()))
    with pytest.raises(InvalidInput, match=r"students\.grade\[700\]"):
        kcbx.reconcile(pc.read_csv(sample_path("household.csv")), pa.RecordBatchReader.from_batches(bad.schema, bad.to_batches(max_chunksize=300)),
                       D(2025, 9, 15), region="640422")
    with pytest.raises(InvalidInput, match=r"household\.resident_id"):
        kcbx.reconcile(pc.read_csv(sample_path("household.csv")).drop_columns(["resident_id"]), st, D(2025, 9, 15), region="640422")
