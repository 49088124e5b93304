"""Issue 11 through Python: input that could be misread is refused naming the file and row, JSON
duplicate keys are refused, and reconciliation returns in workers forked from this process."""
import datetime as dt
import pathlib
import subprocess
import sys

import pytest

import kcbx

DATA = pathlib.Path(__file__).resolve().parents[3] / "data" / "sample"
AS_OF = dt.date(2025, 10, 20)


FORKED = """
import datetime as dt, multiprocessing, sys
import kcbx
DATA = sys.argv[1]

def out_of_school(_=0):
    r = kcbx.reconcile(DATA + "/household.csv", DATA + "/students.csv", dt.date(2025, 10, 20), region="640422",
                       attending=DATA + "/attending.csv", poverty=DATA + "/poverty.csv",
                       three_kinds=DATA + "/three_kinds.csv")
    return len(r.of_kind("out_of_school"))

def forked_runs(n):
    with multiprocessing.get_context("fork").Pool(50, maxtasksperchild=1) as pool:
        return pool.map_async(out_of_school, range(n), chunksize=1).get(timeout=90)

if __name__ == "__main__":
    before = forked_runs(150)          # the library's first reconciliation runs in the workers
    expected = out_of_school()      # then the parent's own
    after = forked_runs(50)
    print(expected, set(before), set(after))
    sys.exit(0 if set(before) == set(after) == {expected} and expected > 0 else 1)
"""


def test_reconcile_returns_in_every_forked_worker(tmp_path):
    # A fresh interpreter forks 150 workers (50 at a time, one reconciliation each) before it has
    # reconciled anything, then reconciles, then forks 50 more: a worker that hangs fails the run
    # at its timeout (the old parallel read hung in swift_once in a few forked workers per 1,000).
    script = tmp_path / "forked.py"
    script.write_text(FORKED, encoding="utf-8")
    run = subprocess.run([sys.executable, str(script), str(DATA)], capture_output=True, text=True, timeout=400)
    assert run.returncode == 0, run.stdout + run.stderr


def _household(tmp_path: pathlib.Path, line: int, edit) -> pathlib.Path:
    lines = (DATA / "household.csv").read_bytes().split(b"\r\n")
    lines[line - 1] = edit(lines[line - 1])
    path = tmp_path / "household.csv"
    path.write_bytes(b"\r\n".join(lines))
    return path


@pytest.mark.parametrize("line, edit, message", [
    (5, lambda b: b'"' + b, "household.csv row 5: has an unterminated quote"),
    (1, lambda b: b + b",name", "household.csv row 1: column name 'name' appears twice"),
    (7, lambda b: b + b",640423", "household.csv row 7: has 6 cells but the header has 5 columns"),
    (9, lambda b: b.replace(b",", b",\x00", 1), "household.csv row 9: contains a NUL byte"),
])
def test_tampered_household_file_is_refused_naming_the_row(tmp_path, line, edit, message):
    with pytest.raises(kcbx.InvalidInput) as e:
        kcbx.reconcile(_household(tmp_path, line, edit), DATA / "students.csv", AS_OF, region="640422")
    assert message in str(e.value)


def test_policy_file_with_a_duplicate_key_is_refused(tmp_path):
    path = tmp_path / "dup.json"
    path.write_text('{"id": "county", "extends": "guyuan-2021", "parameters": {'
                    '"suspected_after": {"amount": 300, "unit": "calendar_days"}, '
                    '"suspected_after": {"amount": 7, "unit": "calendar_days"}}}', encoding="utf-8")
    with pytest.raises(kcbx.InvalidInput) as e:
        kcbx.Policy.from_file(path)
    assert "parameters.suspected_after is a duplicate key" in str(e.value)


def test_json_nul_escape_is_refused():
    with pytest.raises(kcbx.InvalidInput) as e:
        kcbx.Policy.from_json('{"id": "a\\u0000b", "extends": "guyuan-2021"}')
    assert "\\u0000" in str(e.value)
