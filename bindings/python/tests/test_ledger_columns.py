"""The attendance import from columns through Python (issue 13; docs/ledger.md "Attendance marks"): an Arrow
table or stream is imported record batch by record batch and stores, counts and refuses what the CSV import of
the same marks does (DOMAIN.md §7); a stream is read once, so a calendar change by another writer while it is
read is a StorageError, and importing again completes the batch."""
import pathlib
import shutil
from typing import Iterator, List, Tuple

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest
from conftest import stored_marks

import kcbx

DATA = pathlib.Path(__file__).resolve().parents[3] / "data" / "sample"
COUNTY = {"level": "county", "unit_code": "640422", "person": "县教育局王老师"}
LABELS = ["present", "approved_leave", "unexcused", "late", "left_early"]


def seeded(path: pathlib.Path) -> None:
    with kcbx.Policy.builtin("guyuan-2021") as p, kcbx.Ledger.open(path, p, COUNTY) as led:
        assert led.set_calendar_file(DATA / "calendar.json")
        led.import_students_csv(DATA / "roster.csv")


def sample_table() -> pa.Table:
    """The sample's attendance as columns: student text, date date32, kind int8 codes."""
    t = pacsv.read_csv(DATA / "attendance.csv", convert_options=pacsv.ConvertOptions(
        column_types={"student": pa.string(), "date": pa.date32(), "kind": pa.string()}))
    return t.set_column(2, "kind", pc.index_in(t.column("kind"), value_set=pa.array(LABELS)).cast(pa.int8()))


def counts(r: kcbx.ImportResult) -> Tuple[int, int, int, int]:
    return (r.rows, r.changed, r.unchanged, len(r.conflicts))


def test_arrow_batches_store_what_the_csv_stores(tmp_path: pathlib.Path) -> None:
    by_csv, by_arrow = tmp_path / "csv.kcbx", tmp_path / "arrow.kcbx"
    seeded(by_csv)
    shutil.copy(by_csv, by_arrow)
    table = sample_table()
    batches = table.to_batches(max_chunksize=1000)
    assert len(batches) > 50
    with kcbx.Policy.builtin("guyuan-2021") as p:
        with kcbx.Ledger.open(by_csv, p, COUNTY) as led:
            a = led.import_marks_csv(DATA / "attendance.csv")
        with kcbx.Ledger.open(by_arrow, p, COUNTY) as led:
            b = led.import_marks(pa.RecordBatchReader.from_batches(table.schema, batches))
            assert led.verify() > 0
            again = led.import_marks_csv(DATA / "attendance.csv")
    assert a.rows == table.num_rows and a.changed > 0
    assert counts(b) == counts(a), "the CSV import's rows, changed, unchanged and conflicts"
    assert again.changed == 0 and again.unchanged == a.changed, "the CSV after the stream changes nothing"
    assert stored_marks(by_arrow) == stored_marks(by_csv), "the same marks stored"


def test_bad_rows_from_arrow_are_named_as_the_csv_names_them(tmp_path: pathlib.Path) -> None:
    # DOMAIN.md §7: a Saturday, no date, no kind, a key on no roster are refused by name; nothing is recorded.
    path = tmp_path / "l.kcbx"
    seeded(path)
    key = sample_table().column("student")[0].as_py()
    rows = [(key, 20250908, 0), (key, 20250906, 0), (key, 20250230, 0), (key, 20250909, 9), ("640422000000000000", 20250908, 2)]
    bad = tmp_path / "bad.csv"
    bad.write_text("student,date,kind\n" + "".join(f"{s},{d},{k}\n" for s, d, k in rows), encoding="utf-8")
    table = pa.table({"student": [r[0] for r in rows], "date": pa.array([r[1] for r in rows], pa.int32()),
                      "kind": pa.array([r[2] for r in rows], pa.int8())})
    with kcbx.Policy.builtin("guyuan-2021") as p, kcbx.Ledger.open(path, p, COUNTY) as led:
        head = led.head()
        with pytest.raises(kcbx.InvalidInput) as by_csv:
            led.import_marks_csv(bad)
        with pytest.raises(kcbx.InvalidInput) as by_arrow:
            led.import_marks(pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=2)))
        assert led.head() == head
    csv_problems = [(q.row, q.field, q.rule) for q in by_csv.value.problems]
    arrow_problems = [(q.row + 1, q.field, q.rule) for q in by_arrow.value.problems]  # the CSV counts its header
    assert [r for r, _, _ in csv_problems] == [3, 4, 5, 6]
    assert csv_problems[1] == (4, "date", "'20250230' is not a date YYYY-MM-DD")
    assert arrow_problems == csv_problems


def test_a_stream_is_read_once_and_a_calendar_change_while_reading_it_is_a_storage_error(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "l.kcbx"
    seeded(path)
    table = sample_table()
    batches = table.to_batches(max_chunksize=5000)
    changed = tmp_path / "calendar.json"
    changed.write_text((DATA / "calendar.json").read_text(encoding="utf-8").replace('"name" : "', '"name" : "X', 1), encoding="utf-8")
    given: List[int] = []

    def stream(led2: kcbx.Ledger) -> Iterator[pa.RecordBatch]:
        for i, b in enumerate(batches):
            if i == 3:
                assert led2.set_calendar_file(changed), "another writer changes the calendar meanwhile"
            given.append(i)
            yield b

    with kcbx.Policy.builtin("guyuan-2021") as p, kcbx.Ledger.open(path, p, COUNTY) as led, \
            kcbx.Ledger.open(path, p, {**COUNTY, "person": "县教育局李老师"}) as other:
        with pytest.raises(kcbx.StorageError, match=r"cannot be read again.*import them again"):
            led.import_marks(pa.RecordBatchReader.from_batches(table.schema, stream(other)))
        assert given == list(range(len(batches))), "every batch was asked for once"
        again = led.import_marks(table)
        with_csv = led.import_marks_csv(DATA / "attendance.csv")
        assert led.verify() > 0
    assert again.changed == table.num_rows - len(again.conflicts), "importing again completes the batch"
    assert with_csv.changed == 0


def test_numpy_columns_and_a_dataframe_store_what_the_csv_stores(tmp_path: pathlib.Path) -> None:
    # A dict of numpy columns (keys, dates YYYYMMDD or datetime64, kind codes) goes to the C arrays without a
    # Python row per mark: the same counts and marks as the CSV import of the same file.
    import numpy as np
    import pandas as pd
    by_csv = tmp_path / "csv.kcbx"
    seeded(by_csv)
    paths = [tmp_path / f"cols{i}.kcbx" for i in range(3)]
    for p in paths:
        shutil.copy(by_csv, p)
    table = sample_table()
    keys = table.column("student").to_numpy(zero_copy_only=False)
    days = table.column("date").to_numpy()  # datetime64[D]
    ymd = np.array([d.year * 10000 + d.month * 100 + d.day for d in table.column("date").to_pylist()], dtype=np.int32)
    kinds = table.column("kind").to_numpy()
    inputs = [{"student": keys, "date": ymd, "kind": kinds}, {"student": keys, "date": days, "kind": kinds.astype(np.int64)},
              pd.DataFrame({"student": keys, "date": ymd.astype(np.int64), "kind": kinds})]
    with kcbx.Policy.builtin("guyuan-2021") as p:
        with kcbx.Ledger.open(by_csv, p, COUNTY) as led:
            a = led.import_marks_csv(DATA / "attendance.csv")
        for path, marks in zip(paths, inputs):
            with kcbx.Ledger.open(path, p, COUNTY) as led:
                assert counts(led.import_marks(marks)) == counts(a)
                assert led.import_marks_csv(DATA / "attendance.csv").changed == 0
            assert stored_marks(path) == stored_marks(by_csv)


def test_bad_numpy_columns_are_refused_as_the_row_path_refuses_them(tmp_path: pathlib.Path) -> None:
    # DOMAIN.md §7: a Saturday is refused by the library naming its row (rows from 1, the CSV's minus its header);
    # a kind outside 0-4, a float key and a key with a NUL are refused before the call, as ever.
    import numpy as np
    path = tmp_path / "l.kcbx"
    seeded(path)
    key = sample_table().column("student")[0].as_py()
    keys = np.array([key, key, key], dtype=object)
    with kcbx.Policy.builtin("guyuan-2021") as p, kcbx.Ledger.open(path, p, COUNTY) as led:
        head = led.head()
        with pytest.raises(kcbx.InvalidInput) as e:
            led.import_marks({"student": keys, "date": np.array([20250908, 20250906, 20250909], np.int32),
                              "kind": np.array([0, 0, 2], np.int8)})
        assert [(q.row, q.field) for q in e.value.problems] == [(2, "date")]
        assert "2025-09-06 is not a school day" in e.value.problems[0].rule
        with pytest.raises(kcbx.InvalidInput, match=r"marks\[1\]\.kind: 9 is not a mark kind"):
            led.import_marks({"student": keys, "date": np.array([20250908, 20250909, 20250910], np.int32),
                              "kind": np.array([0, 9, 2], np.int8)})
        with pytest.raises(kcbx.InvalidInput, match="student"):
            led.import_marks({"student": np.array([6.404222019082701e+17] * 3), "date": np.array([20250908] * 3, np.int32),
                              "kind": np.array([0, 0, 0], np.int8)})
        with pytest.raises(kcbx.InvalidInput, match=r"marks\[2\]\.student: must not contain NUL"):
            led.import_marks({"student": np.array([key, key, key + "\0"], dtype=object),
                              "date": np.array([20250908, 20250909, 20250910], np.int32), "kind": np.array([0, 0, 0], np.int8)})
        assert led.head() == head, "nothing of a refused batch is recorded"
