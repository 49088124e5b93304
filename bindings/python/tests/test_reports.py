"""Statutory reports from the ledger (seed 001 附件1, seed 000 附件3, rates with seed 003's target) and
reconciliation findings fed into the ledger, through Python, on the bundled sample county."""
import csv
import datetime as dt
import pathlib

import pytest

import kcbx

DATA = pathlib.Path(__file__).resolve().parents[3] / "data" / "sample"
AS_OF = dt.date(2025, 10, 20)
COUNTY = {"level": "county", "unit_code": "640422", "person": "县教育局王老师"}


def planted(*patterns: str) -> set:
    with open(DATA / "planted.csv", encoding="utf-8-sig") as f:
        return {r["resident_id"] for r in csv.DictReader(f) if r["pattern"] in patterns}


def roster() -> list:
    with open(DATA / "roster.csv", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def open_sample(path, profile="guyuan-2021", actor=COUNTY, marks=True):
    with kcbx.Policy.builtin(profile) as policy:
        led = kcbx.Ledger.open(path, policy, actor)
    led.set_calendar_file(DATA / "calendar.json")
    led.import_students_csv(DATA / "roster.csv")
    if marks:
        led.import_marks_csv(DATA / "attendance.csv")
    return led


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory):
    return tmp_path_factory.mktemp("reports") / "xiji.kcbx"


@pytest.fixture(scope="module")
def sample(sample_file):
    led = open_sample(sample_file)
    yield led
    led.close()


def test_attachment_1_counts_the_planted_children(sample):
    """001 附件1 填表说明1–3: suspected = away more than a week, dropouts more than a month more;
    out-of-school children count as dropouts under A/B."""
    r = sample.report("guyuan-attachment-1", AS_OF)
    assert r.headers[:5] == ["学段", "应到校人数", "请假未到校人数", "疑似辍学人数", "辍学人数"]
    assert r.headers[-20:] == [chr(c) for c in range(ord("A"), ord("T") + 1)]
    assert [row[0] for row in r.rows] == ["小学", "初中", "合计"]
    assert r.title == "固原市义务教育控辍保学摸底排查统计报表" and r.as_of == AS_OF and r.unit
    total = r.row("合计")
    enrolled = sum(1 for s in roster() if s["registration"] == "enrolled")
    assert int(total["应到校人数"]) == enrolled
    assert int(total["A"]) + int(total["B"]) == len(planted("out_of_school"))
    away = planted("suspected", "dropout", "leave_in_streak")
    unverified = int(total["辍学人数"]) - len(planted("out_of_school"))
    assert int(total["疑似辍学人数"]) + unverified == len(away)
    assert int(total["疑似辍学人数"]) >= len(planted("suspected")) and unverified >= len(planted("dropout"))
    assert any("原因待核实" in n for n in r.notes)
    for col in ["应到校人数", "疑似辍学人数", "辍学人数", "A", "B"]:
        assert int(r.row("小学")[col]) + int(r.row("初中")[col]) == int(total[col])


def test_a_sweep_does_not_change_the_report_for_its_date(tmp_path):
    """Cases opened by the sweep agree with the marks: the report is the same before and after."""
    with open_sample(tmp_path / "l.kcbx") as led:
        before = led.report("guyuan-attachment-1", AS_OF)
        led.sweep(AS_OF)
        assert led.report("guyuan-attachment-1", AS_OF).rows == before.rows
        # Earlier, before anyone was away a week, nothing is suspected.
        early = led.report("guyuan-attachment-1", dt.date(2025, 9, 5)).row("合计")
        assert early["疑似辍学人数"] == 0


def test_units_and_jurisdiction(sample, sample_file):
    townships = {}
    for s in roster():
        if s["registration"] == "enrolled":
            townships[s["township_code"]] = townships.get(s["township_code"], 0) + 1
    code, n = sorted(townships.items())[0]
    r = sample.report("guyuan-attachment-1", AS_OF, unit=f"township:{code}")
    assert int(r.row("合计")["应到校人数"]) == n
    with pytest.raises(kcbx.PermissionDenied):
        sample.report("rates", AS_OF, unit="city:640400")
    with pytest.raises(kcbx.InvalidInput, match="unit"):
        sample.report("rates", AS_OF, unit=code)  # 9 digits: school or township? the prefix is required
    with pytest.raises(kcbx.InvalidInput, match="kind"):
        sample.report("attachment-9", AS_OF)
    with kcbx.Policy.builtin("guyuan-2021") as policy, \
            kcbx.Ledger.open(sample_file, policy, {"level": "township", "unit_code": code, "person": "马专干"}) as town:
        assert int(town.report("guyuan-attachment-1", AS_OF).row("合计")["应到校人数"]) == n
        other = sorted(townships)[1]
        with pytest.raises(kcbx.PermissionDenied):
            town.report("guyuan-attachment-1", AS_OF, unit=f"township:{other}")


def test_rates_state_formulas_and_check_huarongs_target(tmp_path):
    """巩固率 with Huarong's ≥ 98% target (seed 003 一、工作目标); the formulas are in the report."""
    with open_sample(tmp_path / "h.kcbx", profile="huarong-2024") as led:
        r = led.report("rates", AS_OF)
    assert r.headers == ["指标", "分子", "分母", "比率", "公式", "目标", "是否达标"]
    c = r.row("九年义务教育巩固率")
    cohort = [s for s in roster() if dt.date(2010, 9, 1) <= dt.date.fromisoformat(s["birth_date"]) <= dt.date(2011, 8, 31)]
    assert int(c["分母"]) == sum(1 for s in cohort if s["registration"] != "elsewhere")
    lost = {s["resident_id"] for s in cohort} & planted("dropout", "out_of_school")
    maybe = {s["resident_id"] for s in cohort} & planted("leave_in_streak")
    assert int(c["分母"]) - int(c["分子"]) - len(lost) in range(len(maybe) + 1)
    rate = int(c["分子"]) / int(c["分母"])
    assert c["比率"] == f"{rate * 100:.2f}%"
    assert c["目标"].startswith("≥ 98.00%（huarong-2024") and c["是否达标"] == ("是" if rate >= 0.98 else "否")
    assert "该队列" in c["公式"] and r.row("入学率")["公式"].startswith("入学率 = ")
    assert r.row("辍学率")["公式"].startswith("辍学率 = ")


def test_baiyin_attachment_3_lists_the_children_turning_6(sample):
    """000 二（一）: 截止当年8月31日年满六周岁."""
    r = sample.report("baiyin-attachment-3", AS_OF)
    expected = {s["name"] for s in roster() if dt.date(2018, 9, 1) <= dt.date.fromisoformat(s["birth_date"]) <= dt.date(2019, 8, 31)}
    assert expected and {row["姓名"] for row in r} == expected
    assert all("*" in row["身份证号"] for row in r), "IDs are masked unless asked for"


def test_csv_dataframe_and_excel(tmp_path, sample):
    r = sample.report("guyuan-attachment-1", AS_OF)
    r.to_csv(tmp_path / "a1.csv")
    raw = (tmp_path / "a1.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + "学段,应到校人数".encode())
    df = r.to_dataframe()
    assert list(df.columns) == r.headers and df.attrs["as_of"] == AS_OF and len(df) == 3
    openpyxl = pytest.importorskip("openpyxl")
    r.to_excel(tmp_path / "a1.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "a1.xlsx").active
    assert ws["A1"].value == "固原市义务教育控辍保学摸底排查统计报表"
    assert ws["A2"].value.startswith("填报单位") and any(
        str(c.value).startswith("填报日期：2025年10月20日") for c in ws[2] if c.value)
    header = [c.value for c in ws[3]]
    assert header[:5] == ["学段", "应到校人数", "请假未到校人数", "疑似辍学人数", "辍学人数"]
    assert header[5] == "其中：辍学学生分类" and [c.value for c in ws[4]][5:25] == r.headers[5:25]
    assert ws["A5"].value == "小学" and isinstance(ws["B5"].value, int)
    assert ws["A7"].value == "合计" and ws["B7"].value == int(r.row("合计")["应到校人数"])
    assert any(c.value == "填表说明：" for c in ws["A"])


def test_findings_go_into_the_ledger_in_one_call(tmp_path):
    """Out-of-school and not-attending children get cases, attributed, idempotently (000 二（二）)."""
    found = kcbx.reconcile(DATA / "household.csv", DATA / "students.csv", AS_OF, region="640422", attending=DATA / "attending.csv")
    with open_sample(tmp_path / "i.kcbx", marks=False) as led:
        s = led.intake(found, AS_OF, note="秋季学期四查三比对")
        cases = led.cases(full_ids=True)
        assert {c.student for c in cases if c.kind is kcbx.CaseKind.OUT_OF_SCHOOL} == planted("out_of_school")
        assert {c.student for c in cases if c.kind is kcbx.CaseKind.SUSPECTED_DROPOUT} == planted("suspected", "dropout")
        assert sorted(s.opened) == sorted(c.id for c in cases)
        assert led.history(cases[0].id)[0].actor.person == COUNTY["person"]
        again = led.intake(found.findings, AS_OF)
        assert again.opened == [] and len(again.already_open) == len(cases)
        # The report as of the reconciliation date counts the new cases.
        total = led.report("guyuan-attachment-1", AS_OF).row("合计")
        assert int(total["疑似辍学人数"]) == len(planted("suspected", "dropout"))
        with pytest.raises(kcbx.InvalidInput, match="kind"):
            led.intake([{"kind": "lost", "resident_id": "1"}], AS_OF)


def test_reconcile_reports_progress():
    seen = []
    kcbx.reconcile(DATA / "household.csv", DATA / "students.csv", AS_OF, region="640422", attending=DATA / "attending.csv",
                   progress=lambda phase, done, total: seen.append((phase, done, total)))
    phases = [p for p, _, _ in seen]
    reads = [(d, t) for p, d, t in seen if p == "read"]
    assert reads[-1] == (3, 3) and all(a[0] < b[0] for a, b in zip(reads, reads[1:])), "files read, counting up to all three"
    assert phases[:len(reads)] == ["read"] * len(reads)
    assert {"household", "students", "out_of_school", "poverty"} <= set(phases)
    assert ("household", 1992, 1992) in seen
    assert phases.index("household") < phases.index("students") < phases.index("out_of_school")

    def boom(phase, done, total):
        raise RuntimeError("stop")
    with pytest.raises(RuntimeError, match="stop"):
        kcbx.reconcile(DATA / "household.csv", DATA / "students.csv", AS_OF, region="640422", progress=boom)


def test_census_disabled_and_left_behind_inputs():
    """Seed 000 二（一） (township census), 四（二）（三） (left-behind, disabled lists) in 四查三比对."""
    r = kcbx.reconcile(DATA / "household.csv", DATA / "students.csv", AS_OF, region="640422", attending=DATA / "attending.csv",
                       poverty=DATA / "poverty.csv", census=DATA / "household.csv", disabled=DATA / "poverty.csv",
                       left_behind=DATA / "three_kinds.csv")
    assert r.count("乡镇排摸适龄儿童少年数（户籍无记录）") == 0 and r.count("duplicate") == 0
    assert r.count("残疾适龄儿童少年数") == r.count("脱贫户适龄儿童少年数") > 0
    assert r.count("比对一 户籍—学籍：失学") == len(planted("out_of_school"))
    assert r.count("比对二 学籍—在校：人籍不一致（疑似辍学）") == len(planted("suspected", "dropout"))


def test_reconcile_takes_columnar_inputs():
    """DataFrames, dicts of columns and sets of IDs give the same findings as the CSV files."""
    pd = pytest.importorskip("pandas")
    from_files = kcbx.reconcile(DATA / "household.csv", DATA / "students.csv", AS_OF, region="640422", attending=DATA / "attending.csv")
    household = pd.read_csv(DATA / "household.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    with open(DATA / "students.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    students = {k: [r[k] for r in rows] for k in rows[0]}
    with open(DATA / "attending.csv", encoding="utf-8-sig") as f:
        attending = {r["resident_id"] for r in csv.DictReader(f)}
    columnar = kcbx.reconcile(household, students, AS_OF, region="640422", attending=attending)
    assert sorted(columnar.findings.rows) == sorted(from_files.findings.rows)
    assert columnar.summary.rows == from_files.summary.rows
    with pytest.raises(ValueError, match="different lengths"):
        kcbx.reconcile({"resident_id": ["1", "2"], "name": ["甲"]}, students, AS_OF, region="640422")
    with pytest.raises(kcbx.InvalidInput, match="region_code"):
        kcbx.reconcile({"resident_id": ["1"], "name": ["甲"]}, students, AS_OF, region="640422")
