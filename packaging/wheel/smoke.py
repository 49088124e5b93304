"""Smoke test of an installed kcbx wheel (packaging/wheel/test.sh runs it in a fresh venv with no
Swift toolchain and no C compiler): the bundled library loads, the versions agree, a child of the
sample county is classified, and the sample county goes through a ledger to a statutory report.
    python smoke.py VERSION DATA_DIR WORK_DIR
"""
import csv
import datetime as dt
import importlib.metadata
import pathlib
import sys

import kcbx

version, data, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
AS_OF = dt.date(2025, 10, 20)

# One version: the library, the package and the wheel's metadata.
assert kcbx.version() == kcbx.__version__ == importlib.metadata.version("kcbx") == version, (
    kcbx.version(), kcbx.__version__, importlib.metadata.version("kcbx"), version)
assert "site-packages" in kcbx.__file__, kcbx.__file__

# Classify the first child of the sample attendance (seed 001 附件1: the sample's marks).
with open(data / "attendance.csv", encoding="utf-8-sig") as f:
    rows = list(csv.DictReader(f))
first = rows[0]["student"]
marks = [(dt.date.fromisoformat(r["date"]), r["kind"]) for r in rows if r["student"] == first]
calendar = kcbx.Calendar.from_file(data / "calendar.json")
result = kcbx.classify("guyuan-2021", calendar, AS_OF, marks)
assert isinstance(result.status, kcbx.ChildStatus), result

# The sample county through a ledger: import, sweep, report.
county = {"level": "county", "unit_code": "640422", "person": "wheel smoke test"}
with kcbx.Policy.builtin("guyuan-2021") as policy, kcbx.Ledger.open(work / "xiji.kcbx", policy, county) as ledger:
    assert ledger.set_calendar_file(data / "calendar.json")
    ledger.import_students_csv(data / "roster.csv")
    ledger.import_marks_csv(data / "attendance.csv")
    swept = ledger.sweep(AS_OF)
    report = ledger.report("guyuan-attachment-1", AS_OF)
    assert len(report) > 0 and ledger.cases(), (swept, report)
print(f"wheel smoke: kcbx {kcbx.version()} from {pathlib.Path(kcbx.__file__).parent}: "
      f"{first} {result.status.name}, sweep {swept.statuses}, report {len(report)} rows")
