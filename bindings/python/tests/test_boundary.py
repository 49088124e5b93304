"""Issue 11 at the Python boundary: day numbers far outside any calendar are refused (they
killed the interpreter in table.row(0)), identifier columns read as floats are refused by name
(pandas reads an ID column with a missing value as float64), a missing child key is no child."""
import datetime as dt
import pathlib
import subprocess
import sys
import textwrap

import pytest
from test_calendar import CALENDAR_JSON

import kcbx
from kcbx import ChildStatus, DateEncoding, MarkKind, classify_many

DATA = pathlib.Path(__file__).resolve().parents[3] / "data" / "sample"
AS_OF = dt.date(2025, 9, 15)
P = MarkKind.PRESENT
MON = 20339  # 2025-09-08 as a day number


@pytest.fixture(scope="module")
def cal():
    return kcbx.Calendar.from_json(CALENDAR_JSON)


@pytest.mark.parametrize("day", [2 ** 31 - 1, 2932897, -719163, -(2 ** 31) + 1, 10 ** 9])
def test_day_numbers_outside_0001_to_9999_are_refused_not_fatal(cal, day):
    with pytest.raises(kcbx.InvalidInput, match=r"birth_date\[0\].*0001-01-01"):
        classify_many("guyuan-2021", cal, AS_OF, [0], [MON], [P], birth_dates=[day], date_encoding=DateEncoding.DAY_NUMBER)
    with pytest.raises(kcbx.InvalidInput, match=r"marks\.date\[0\]"):
        classify_many("guyuan-2021", cal, AS_OF, [0], [day], [P], date_encoding=DateEncoding.DAY_NUMBER)


def test_day_number_birth_date_reading_back_does_not_kill_the_interpreter(cal):
    # The defect killed the process (SIGILL) in table.row(0): run it in a child interpreter.
    code = textwrap.dedent(f"""
        import datetime as dt, kcbx
        cal = kcbx.Calendar.from_json({CALENDAR_JSON!r})
        try:
            t = kcbx.classify_many("guyuan-2021", cal, dt.date(2025, 9, 15), [], [], [], n_children=1,
                                   birth_dates=[-10 ** 9], registrations=[kcbx.Registration.NONE],
                                   date_encoding=kcbx.DateEncoding.DAY_NUMBER)
            t.row(0)
            print("accepted")
        except kcbx.InvalidInput as e:
            print("refused:", e)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("refused:") and "birth_date[0]" in out.stdout


def test_a_real_day_number_birth_date_still_classifies(cal):
    t = classify_many("guyuan-2021", cal, AS_OF, [0], [MON], [P], birth_dates=[16071], date_encoding=DateEncoding.DAY_NUMBER)
    assert t.row(0).status is ChildStatus.IN_SCHOOL


def test_a_nan_child_key_is_refused_naming_the_row(cal):
    d = dt.date(2025, 9, 8)
    with pytest.raises(kcbx.InvalidInput, match=r"child\[1\]: is missing"):
        classify_many("guyuan-2021", cal, AS_OF, ["G1", None, "G1"], [d, d, d], [P, P, P])
    with pytest.raises(kcbx.InvalidInput, match=r"child\[1\]: is missing"):
        classify_many("guyuan-2021", cal, AS_OF, ["G1", float("nan")], [d, d], [P, P])
    with pytest.raises(kcbx.InvalidInput, match=r"child\[0\]: is the float 1\.5"):
        classify_many("guyuan-2021", cal, AS_OF, [1.5], [d], [P])


def test_float_child_columns_are_refused_by_dtype(cal):
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    d = dt.date(2025, 9, 8)
    with pytest.raises(kcbx.InvalidInput, match=r"child: dtype float64 .*row 1 is missing"):
        classify_many("guyuan-2021", cal, AS_OF, np.array([0.0, np.nan]), [d, d], [P, P])
    df = pd.DataFrame({"child": ["G1", None], "date": [d, d], "kind": [0, 0]})
    with pytest.raises(kcbx.InvalidInput, match=r"child\[1\]: is missing"):
        classify_many("guyuan-2021", cal, AS_OF, df)
    df = pd.DataFrame({"child": [7, None], "date": [d, d], "kind": [0, 0]})  # pandas makes it float64
    with pytest.raises(kcbx.InvalidInput, match=r"child: dtype float64"):
        classify_many("guyuan-2021", cal, AS_OF, df)
    with pytest.raises(kcbx.InvalidInput, match=r"child_ids: dtype float64"):
        classify_many("guyuan-2021", cal, AS_OF, [0], [d], [P], child_ids=np.array([640422201908270123.0]))


def test_reconcile_refuses_resident_ids_read_as_float64():
    pd = pytest.importorskip("pandas")
    household = pd.read_csv(DATA / "household.csv", dtype={"resident_id": str})
    students = pd.read_csv(DATA / "students.csv", dtype=str)
    lossy = household.copy()
    lossy.loc[3, "resident_id"] = None
    lossy["resident_id"] = pd.to_numeric(lossy["resident_id"].str.replace("X", "", regex=False), errors="coerce")
    assert str(lossy["resident_id"].dtype) == "float64"
    with pytest.raises(kcbx.InvalidInput, match=r"household: column 'resident_id' has dtype float64"):
        kcbx.reconcile(lossy, students, dt.date(2025, 10, 20), region="640422")
    # An object column holding a NaN (a missing value) names the row.
    holed = students.copy()
    holed.loc[5, "resident_id"] = float("nan")
    with pytest.raises(kcbx.InvalidInput, match=r"students: column 'resident_id' row 5 is missing"):
        kcbx.reconcile(household, holed, dt.date(2025, 10, 20), region="640422")
    # ID lists and dicts of columns: floats are refused too.
    with pytest.raises(kcbx.InvalidInput, match=r"attending: column 'resident_id' has dtype float64"):
        kcbx.reconcile(household, students, dt.date(2025, 10, 20), region="640422", attending=pd.Series([6.404222019082701e+17]))
    with pytest.raises(kcbx.InvalidInput, match=r"poverty: column 'resident_id' row 0 is the float"):
        kcbx.reconcile(household, students, dt.date(2025, 10, 20), region="640422", poverty=[6.404222019082701e+17])
    with pytest.raises(kcbx.InvalidInput, match=r"household: column 'region_code' row 0"):
        kcbx.reconcile({"resident_id": ["640422201908270123"], "name": ["甲"], "region_code": [640422.0]},
                       students, dt.date(2025, 10, 20), region="640422")
    # Text columns still reconcile.
    assert kcbx.reconcile(household, students, dt.date(2025, 10, 20), region="640422").count("户籍适龄儿童少年数") > 0

