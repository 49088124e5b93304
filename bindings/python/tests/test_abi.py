"""The ABI 2 contract from Python (issue 12, docs/abi.md): options structs with versions, table
results, the parts of an error. Through the cffi layer, as a host would."""
import datetime as dt
import pathlib

import pytest

import kcbx
from kcbx._native import ffi, lib
from kcbx.reports import Report

DATA = pathlib.Path(__file__).resolve().parents[3] / "data" / "sample"
AS_OF = dt.date(2025, 10, 20)
COUNTY = {"level": "county", "unit": "640422", "person": "县教育局王老师"}


def test_options_structs_have_a_version_and_an_init_function():
    opts = ffi.new("kcbx_classify_options *")
    kcbx.check(lib.kcbx_classify_options_init(opts, lib.KCBX_CLASSIFY_OPTIONS_VERSION))
    assert opts.version == lib.KCBX_CLASSIFY_OPTIONS_VERSION and opts.n_marks == 0
    with pytest.raises(kcbx.InvalidInput) as e:
        kcbx.check(lib.kcbx_reconcile_options_init(ffi.new("kcbx_reconcile_options *"), 99))
    assert e.value.field == "version"


def test_an_unknown_options_version_is_refused_naming_it():
    with kcbx.Policy.builtin("guyuan-2021") as p, kcbx.Calendar.from_file(DATA / "calendar.json") as cal:
        opts = ffi.new("kcbx_classify_options *")
        opts.version = lib.KCBX_CLASSIFY_OPTIONS_VERSION + 1
        out = ffi.new("kcbx_classification **")
        with pytest.raises(kcbx.InvalidInput) as e:
            kcbx.check(lib.kcbx_classify(p._ptr, cal._ptr, 20250915, opts, out))
        assert e.value.field == "options.version" and "KCBX_CLASSIFY_OPTIONS_INIT" in e.value.rule
        assert out[0] == ffi.NULL


def test_policy_names_and_cases_come_back_as_tables(tmp_path):
    out = ffi.new("kcbx_report **")
    kcbx.check(lib.kcbx_policy_names(out))
    names = Report._take(out[0])
    assert [r["id"] for r in names] == kcbx.Policy.names()
    with kcbx.Policy.builtin("guyuan-2021") as policy, kcbx.Ledger.open(tmp_path / "xiji.kcbx", policy, COUNTY) as led:
        led.set_calendar_file(DATA / "calendar.json")
        led.import_students_csv(DATA / "roster.csv")
        led.import_marks_csv(DATA / "attendance.csv")
        led.sweep(AS_OF)
        kcbx.check(lib.kcbx_ledger_cases(led._ptr, ffi.NULL, out))
        table = Report._take(out[0])
        as_json = led.cases()
        assert len(table.rows) == len(as_json) > 0
        assert {r["status"] for r in table} == {c.status.label for c in as_json}
        first = as_json[0].id
        kcbx.check(lib.kcbx_ledger_case_history(led._ptr, first, 0, out))
        history = Report._take(out[0])
        assert len(history.rows) == len(led.history(first)) and history.headers[6] == "actor.level"
        kcbx.check(lib.kcbx_due_list(led._ptr, 20251020, ffi.NULL, 0, out))
        due = Report._take(out[0])
        assert len(due.rows) == len(led.due(AS_OF))
