"""Ledger file format v2: a ledger written by v1 code (Tests/fixtures/ledger-v1) is upgraded in
place when opened read-write and answers what v1 code answered (docs/ledger.md, "File format v2")."""
import json
import os
import pathlib
import shutil
import sqlite3
import stat

import pytest
from conftest import stored_marks

import kcbx

FIXTURES = pathlib.Path(__file__).resolve().parents[3] / "Tests" / "fixtures" / "ledger-v1"
COUNTY = {"level": "county", "unit_code": "640422", "person": "王老师"}


def copy(tmp_path: pathlib.Path) -> pathlib.Path:
    p = tmp_path / "v1.kcbx"
    shutil.copyfile(FIXTURES / "ledger-v1.kcbx", p)
    return p


def schema_version(p: pathlib.Path) -> str:
    with sqlite3.connect(p) as con:
        return con.execute("SELECT value FROM ledger_meta WHERE key = 'schema_version'").fetchone()[0]


def test_v1_file_is_migrated_and_answers_as_v1_code_did(tmp_path):
    p = copy(tmp_path)
    assert schema_version(p) == "1"
    expected = json.loads((FIXTURES / "expected-verify.json").read_text(encoding="utf-8"))
    cases = json.loads((FIXTURES / "expected-cases.json").read_text(encoding="utf-8"))
    with kcbx.Policy.builtin("guyuan-2021") as policy, kcbx.Ledger.open(p, policy, COUNTY) as led:
        assert schema_version(p) == "4"
        assert led.head() == (expected["head_seq"], expected["head_hash"])
        assert led.verify((expected["head_seq"], expected["head_hash"])) == expected["events"]
        got = led.cases()
        assert [c.id for c in got] == [c["id"] for c in cases]
        by_id = {c.id: c for c in got}
        assert by_id[1].plan == "一人一案" and by_id[1].person == "李校长", "persuasion as the v1 actions left it"
        # new marks after the migration go into one packed event; the same marks again record nothing
        key = "640422201908270140"
        r = led.import_marks([{"student": key, "date": "2025-10-21", "kind": "unexcused"}])
        assert r.changed == 1
        head = led.head()
        assert led.import_marks([{"student": key, "date": "2025-10-21", "kind": "unexcused"}]).changed == 0
        assert led.head() == head
        assert led.verify() == expected["events"] + 1
    with sqlite3.connect(p) as con:
        payload = con.execute("SELECT payload FROM events ORDER BY seq DESC LIMIT 1").fetchone()[0]
        assert payload.startswith("packed-marks-v2:")


def test_read_only_v1_file_is_refused_saying_how_to_upgrade(tmp_path):
    p = copy(tmp_path)
    os.chmod(p, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    try:
        with kcbx.Policy.builtin("guyuan-2021") as policy:
            with pytest.raises(kcbx.StorageError, match=r"file format v1.*open it once where it can be written"):
                kcbx.Ledger.open(p, policy, COUNTY)
        assert schema_version(p) == "1"
    finally:
        os.chmod(p, stat.S_IRUSR | stat.S_IWUSR)


def test_audit_trail_shows_packed_marks_as_marks_with_masked_keys(tmp_path):
    """The stored payload is packed (the chain hashes that text); `events()` shows its marks with the
    student key, masked unless full IDs are granted (DOMAIN.md §7: one masking rule)."""
    p = copy(tmp_path)
    key = "640422201908270140"
    with kcbx.Policy.builtin("guyuan-2021") as policy, kcbx.Ledger.open(p, policy, COUNTY) as led:
        led.import_marks([{"student": key, "date": "2025-10-22", "kind": "unexcused"}])
        shown = [e for e in led.events(after=0, limit=100_000) if e.kind == "attendance.recorded"][-1]
        assert isinstance(shown.payload, dict)
        marks = shown.payload["marks"]
        assert [(m["d"], m["k"]) for m in marks] == [(20251022, 2)]
        assert marks[0]["s"] != key and marks[0]["s"].endswith(key[-4:]), "masked by default"
        full = [e for e in led.events(after=0, limit=100_000, full_ids=True) if e.kind == "attendance.recorded"][-1]
        assert full.payload["marks"][0]["s"] == key


def test_v3_file_is_migrated_to_month_rows_with_every_mark(tmp_path):
    """File format v4 (docs/ledger.md): a file v3 code wrote (Tests/fixtures/ledger-v3) keeps every
    mark, span and slip as one `mark_months` row a child and month; it verifies with v3's head and
    importing its marks again records nothing."""
    v3 = FIXTURES.parent / "ledger-v3"
    p = tmp_path / "v3.kcbx"
    shutil.copyfile(v3 / "ledger-v3.kcbx", p)
    assert schema_version(p) == "3"
    expected = json.loads((v3 / "expected-verify.json").read_text(encoding="utf-8"))
    marks = json.loads((v3 / "expected-marks.json").read_text(encoding="utf-8"))
    with kcbx.Policy.builtin("guyuan-2021") as policy, kcbx.Ledger.open(p, policy, COUNTY) as led:
        assert schema_version(p) == "4"
        assert led.verify((expected["head_seq"], expected["head_hash"])) == expected["events"]
        assert stored_marks(p) == [(m["student"], m["day"], m["kind"]) for m in marks]
        with sqlite3.connect(p) as con:
            leaves = con.execute("SELECT day, leave_from, leave_to, slip FROM mark_leaves ORDER BY day").fetchall()
        assert leaves == sorted((m["day"], m["leave_from"], m["leave_to"], m["slip"]) for m in marks if m["slip"] or m["leave_from"])
        rows = [{"student": m["student"], "date": f"{m['day'] // 10000}-{m['day'] // 100 % 100:02}-{m['day'] % 100:02}",
                 "kind": m["kind"]} for m in marks if not m["slip"] and not m["leave_from"]]
        assert led.import_marks(rows).changed == 0
