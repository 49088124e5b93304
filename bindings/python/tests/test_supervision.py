"""The bulletin (通报: 001 二（二）, 002 二（二）, 003 四（二）, 004 三（四）), the 五长 accountability
list (001 二（六）) and report duties filed, through Python, on the bundled sample county; every
workbook printed as the forms are filed (A4 landscape, one page wide, headers on every page)."""
import csv
import datetime as dt
import pathlib
import re
import shutil
import subprocess

import pytest

import kcbx

DATA = pathlib.Path(__file__).resolve().parents[3] / "data" / "sample"
AS_OF = dt.date(2025, 10, 20)
OCT = (dt.date(2025, 10, 1), dt.date(2025, 10, 31))
COUNTY = {"level": "county", "unit_code": "640422", "person": "县教育局王老师"}
PROFILES = ["baiyin-2020", "guyuan-2021", "fujian-2020", "huarong-2024", "dongchuan-2025"]


def planted(*patterns: str) -> set:
    with open(DATA / "planted.csv", encoding="utf-8-sig") as f:
        return {r["resident_id"] for r in csv.DictReader(f) if r["pattern"] in patterns}


def county_ledger(path, profile="guyuan-2021"):
    with kcbx.Policy.builtin(profile) as policy:
        led = kcbx.Ledger.open(path, policy, COUNTY)
    led.set_calendar_file(DATA / "calendar.json")
    led.import_students_csv(DATA / "roster.csv")
    found = kcbx.reconcile(DATA / "household.csv", DATA / "students.csv", AS_OF, region="640422", attending=DATA / "attending.csv")
    led.intake(found, AS_OF, note="秋季学期四查三比对")
    return led


@pytest.fixture(scope="module")
def guyuan(tmp_path_factory):
    led = county_ledger(tmp_path_factory.mktemp("bulletin") / "g.kcbx")
    led.escalate(dt.date(2025, 11, 5))
    yield led
    led.close()


def in_period(event, start, end):
    day = event.payload.get("date") if isinstance(event.payload, dict) else None
    return day is not None and start <= dt.date.fromisoformat(day) <= end


@pytest.mark.parametrize("profile", PROFILES)
def test_bulletin_counts_equal_the_ledger_events(tmp_path, profile):
    """Each figure of the bulletin is the number of the ledger's events of its kind dated in the period."""
    with county_ledger(tmp_path / "b.kcbx", profile) as led:
        events = [e for c in led.cases() for e in led.history(c.id)]
        total = led.report("bulletin", date_from=OCT[0], date_to=OCT[1]).row("合计")

        def count(kind, case_kind=None):
            return sum(1 for e in events if e.kind == kind and in_period(e, *OCT)
                       and (case_kind is None or e.payload.get("kind") == case_kind))

        assert int(total["新增失学"]) == count("case.opened", "out_of_school") == len(planted("out_of_school"))
        assert int(total["新增疑似辍学"]) == count("case.opened", "suspected_dropout") == len(planted("suspected", "dropout"))
        assert int(total["新增辍学"]) == count("case.opened", "dropout") + count("case.promoted", "dropout")
        assert int(total["劝返复学"]) == count("case.returned") and int(total["销号"]) == count("case.closed")
        assert int(total["期末在案"]) == len(led.cases())
        assert total["动态清零"] == "否"
        parts = sum(int(total[k]) for k in ("按时完成", "逾期完成", "仍逾期", "未到期"))
        assert parts == int(total["应办事项"])
        # September: nothing happened yet.
        sept = led.bulletin(dt.date(2025, 9, 1), dt.date(2025, 9, 30)).row("合计")
        assert sept["新增失学"] == 0 and sept["期末在案"] == 0
        assert ("考评排名" in led.bulletin(*OCT).headers) == (profile == "dongchuan-2025")


def test_accountability_names_the_owner_of_each_overdue_obligation(guyuan):
    """001 二（六）: every overdue obligation on a 失学/辍学 case names its unit and the 五长 of that level."""
    end = dt.date(2025, 11, 30)
    acc = guyuan.accountability(OCT[0], end)
    ids = {c.id for c in guyuan.cases() if c.kind.label in ("out_of_school", "dropout")}
    overdue = [o for o in guyuan.due(end) if o.case_id in ids and o.done_on is None and end > o.original_due_on]
    assert overdue
    listed = {(r["事项"], r["责任单位"], r["截止日期"]) for r in list(acc)}
    for o in overdue:
        assert (o.action_label, o.original_owner.label, o.original_due_on.isoformat()) in listed
    township = [r for r in list(acc) if r["责任层级"] == "乡镇（街道）"]
    assert township and all("乡（镇）长" in r["责任人"] and "村民委员会主任" in r["责任人"] for r in township)
    assert any(r["责任层级"] == "县（区）" and "县（区）长" in r["责任人"] for r in list(acc))
    assert all(r["依据"] for r in list(acc))


def test_duty_filed_shows_in_the_duty_table(guyuan):
    guyuan.record_duty_filed("county_monthly_summary", dt.date(2025, 10, 31), dt.date(2025, 11, 3), note="月汇总已报市局")
    duties = guyuan.report("bulletin-duties", date_from=OCT[0], date_to=OCT[1])
    assert duties.row("county_monthly_summary")["状态"] == "逾期报送"
    with pytest.raises(kcbx.InvalidInput, match="due"):
        guyuan.record_duty_filed("county_monthly_summary", dt.date(2025, 10, 30), dt.date(2025, 11, 3))
    with pytest.raises(kcbx.InvalidInput, match="date_to"):
        guyuan.report("bulletin", date_from=OCT[1], date_to=OCT[0])
    with pytest.raises(kcbx.InvalidInput, match="date_to"):
        guyuan.report("bulletin", date_from=OCT[0])


# --- Printed as the forms are filed ----------------------------------------------------------

KINDS = ["guyuan-attachment-1", "guyuan-attachment-2", "baiyin-attachment-3", "baiyin-attachment-4", "rates",
         "bulletin", "bulletin-obligations", "bulletin-duties", "accountability"]


def report_of(led, kind):
    if kind in ("bulletin", "bulletin-obligations", "bulletin-duties", "accountability"):
        return led.report(kind, date_from=OCT[0], date_to=dt.date(2025, 11, 30))
    return led.report(kind, AS_OF)


@pytest.mark.parametrize("kind", KINDS)
def test_every_workbook_sets_its_page(tmp_path, guyuan, kind):
    openpyxl = pytest.importorskip("openpyxl")
    r = report_of(guyuan, kind)
    r.to_excel(tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    header_rows = 4 if kind == "guyuan-attachment-1" else 3
    assert ws.print_title_rows.replace("$", "") == f"1:{header_rows}"
    last = [c.value for c in ws["A"] if c.value]
    assert last[-1].startswith("单位负责人（签字）") and "填表说明：" in last


def pdf_tools():
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftotext") or not shutil.which("pdfinfo"):
        pytest.skip("LibreOffice (soffice) and poppler-utils (pdftotext, pdfinfo) are not installed: "
                    "apt-get install libreoffice-calc-nogui poppler-utils (scripts/ensure-deps.sh --pdf)")
    return soffice


@pytest.fixture(scope="module")
def printed(tmp_path_factory, guyuan):
    """Every report kind as a workbook, converted to PDF in one LibreOffice run: {kind: (report, pages)}."""
    pytest.importorskip("openpyxl")
    soffice = pdf_tools()
    d = tmp_path_factory.mktemp("printed")
    reports = {k: report_of(guyuan, k) for k in KINDS}
    for k, r in reports.items():
        r.to_excel(d / f"{k}.xlsx")
    subprocess.run([soffice, f"-env:UserInstallation=file://{d / 'lo-profile'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(d)] + [str(d / f"{k}.xlsx") for k in KINDS], check=True, capture_output=True, timeout=600)
    return {k: (r, d / f"{k}.pdf") for k, r in reports.items()}


def pages(pdf: pathlib.Path) -> list:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return [p for p in text.split("\f") if p.strip()]


@pytest.mark.parametrize("kind", KINDS)
def test_printed_pdf_keeps_the_form_together(printed, kind):
    """Guyuan 附件1 used to split across two portrait pages (A–E, then F–T): every report now prints
    one page wide, A4 landscape, the header row on every page, notes and seal line on the last."""
    r, pdf = printed[kind]
    ps = pages(pdf)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    w, h = (float(x) for x in size.split(":")[1].split("pts")[0].split(" x "))
    assert w > h and abs(w - 841.89) < 2 and abs(h - 595.3) < 2, size  # A4 landscape
    # One page wide: every page holds the first and the last column's header (repeated rows).
    for i, p in enumerate(ps):
        flat = p.replace(" ", "").replace("\n", "")
        assert r.headers[0] in flat and r.headers[-1] in flat, f"page {i + 1} of {len(ps)} lacks the header row"
    assert "填表说明" in ps[-1].replace(" ", "") and "单位负责人" in ps[-1].replace(" ", "")
    if kind in ("guyuan-attachment-1", "rates", "bulletin", "bulletin-obligations"):
        assert len(ps) == 1, f"{kind} printed on {len(ps)} pages"
    if kind == "guyuan-attachment-1":
        assert "应到校人数" in ps[0].replace(" ", "") and re.search(r"\bA\s+B\s+C\b.*\bS\s+T\b", ps[0])  # A–T on the page
