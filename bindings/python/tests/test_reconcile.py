"""四查三比对 through Python (seed 004 二（二）; 000 二（二）, 三（一）) on the bundled sample county."""
import csv
import datetime as dt
import pathlib

import pytest

import kcbx

DATA = pathlib.Path(__file__).resolve().parents[3] / "data" / "sample"
AS_OF = dt.date(2025, 10, 20)


def planted(pattern: str) -> set:
    with open(DATA / "planted.csv", encoding="utf-8-sig") as f:
        return {r["resident_id"] for r in csv.DictReader(f) if r["pattern"] == pattern}


@pytest.fixture(scope="module")
def result() -> kcbx.Reconciliation:
    return kcbx.reconcile(DATA / "household.csv", DATA / "students.csv", AS_OF, region="640422",
                          attending=DATA / "attending.csv", poverty=DATA / "poverty.csv",
                          three_kinds=DATA / "three_kinds.csv")


def ids(result: kcbx.Reconciliation, kind: str) -> set:
    return {f["身份证号"] for f in result.of_kind(kind)}


def test_every_planted_out_of_school_child_is_found_with_reason_a_or_b(result):
    assert ids(result, "out_of_school") == planted("out_of_school")
    assert {f["建议辍学分类"] for f in result.of_kind("out_of_school")} <= {"A", "B"}


def test_registered_but_absent_children_are_suspected(result):
    assert ids(result, "registered_not_attending") == planted("suspected") | planted("dropout")


def test_mistyped_ids_are_near_matches_not_joined(result):
    near = result.of_kind("near_match")
    assert {f["身份证号"] for f in near} == planted("id_typo")
    assert all(f["相关身份证号"] and f["相关身份证号"] != f["身份证号"] for f in near)


def test_summary_counts(result):
    assert result.count("out_of_school") == len(planted("out_of_school"))
    assert result.count("duplicate") == 0
    assert result.count("户籍适龄儿童少年数") > 1900


def test_report_exports(result, tmp_path):
    out = tmp_path / "findings.csv"
    result.findings.to_csv(out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert result.findings.headers[0] == "类别"


def test_bad_inputs_name_the_problem(tmp_path):
    with pytest.raises(kcbx.NotFound):
        kcbx.reconcile(tmp_path / "none.csv", DATA / "students.csv", AS_OF, region="640422")
    with pytest.raises(kcbx.InvalidInput, match="resident_id"):
        kcbx.reconcile(DATA / "schools.csv", DATA / "students.csv", AS_OF, region="640422")
    bad = tmp_path / "students.csv"
    bad.write_text("registry_number,resident_id,name,school_id,school_region_code,grade\nG1,1,x,s,640422,11\n", encoding="utf-8")
    with pytest.raises(kcbx.InvalidInput, match="row 2 grade"):
        kcbx.reconcile(DATA / "household.csv", bad, AS_OF, region="640422")
