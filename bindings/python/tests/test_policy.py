"""Policy profiles: the five built-ins hold what their documents say (DOMAIN.md table, seeds
000-004), defaults fill the rest, files round-trip and are validated by name."""
from __future__ import annotations

import gc
import json
import threading

import pytest

import kcbx
from kcbx import Duration, DurationUnit, Policy, Provenance

BUILTINS = {  # DOMAIN.md: seed file -> jurisdiction, region code, document, profile id
    "baiyin-2020": ("620402", "白政办发〔2020〕28号"),
    "guyuan-2021": ("640400", "固政办发〔2021〕28号"),
    "fujian-2020": ("350000", "闽教基〔2020〕14号"),
    "huarong-2024": ("420703", "华容教督室函〔2024〕3号"),
    "dongchuan-2025": ("530113", "东教体发〔2025〕8号"),
}


def test_names_are_the_five_builtins():
    assert Policy.names() == list(BUILTINS)


@pytest.mark.parametrize("name", list(BUILTINS))
def test_builtin_metadata(name):
    with Policy.builtin(name) as p:
        assert (p.id, p.region_code, p.document) == (name, *BUILTINS[name])
        assert p.jurisdiction


def test_guyuan_suspected_after_one_week_from_001():
    p = Policy.builtin("guyuan-2021")
    assert p.duration("suspected_after") == Duration(7, DurationUnit.CALENDAR_DAYS)
    kind, citation = p.provenance("suspected_after")
    assert kind is Provenance.DOCUMENT and "001" in citation


def test_guyuan_dropout_one_month_after_suspected_001_note_2():
    assert Policy.builtin("guyuan-2021").duration("dropout_after_suspected") == Duration(1, DurationUnit.CALENDAR_MONTHS)


def test_three_line_alert_is_dongchuan_only_004():
    d = Policy.builtin("dongchuan-2025")
    assert d.duration("three_line_alert_after") == Duration(3, DurationUnit.SCHOOL_DAYS)
    kind, citation = d.provenance("three_line_alert_after")
    assert kind is Provenance.DOCUMENT and "004" in citation
    assert Policy.builtin("guyuan-2021").duration("three_line_alert_after") is None


def test_huarong_consolidation_target_98_percent_003():
    h = Policy.builtin("huarong-2024")
    assert h.number("consolidation_target") == pytest.approx(0.98)
    assert h.provenance("consolidation_target")[0] is Provenance.DOCUMENT
    assert Policy.builtin("guyuan-2021").number("consolidation_target") is None


def test_baiyin_suspected_after_is_defaulted():
    # Seed 000 is silent on the one-week rule: DOMAIN.md's default fills it.
    b = Policy.builtin("baiyin-2020")
    assert b.duration("suspected_after") == Duration(7, DurationUnit.CALENDAR_DAYS)
    kind, citation = b.provenance("suspected_after")
    assert kind is Provenance.DEFAULTED and "DOMAIN.md" in citation


def test_flags_and_numbers_are_kept_apart():
    p = Policy.builtin("guyuan-2021")
    assert p.flag("dual_line") is True  # 双线 (001)
    assert p.number("closure_attended_days") == 20 and p.number("closure_window_days") == 30
    with pytest.raises(kcbx.InvalidInput):
        p.flag("chronic_absence_share")
    with pytest.raises(kcbx.InvalidInput):
        p.number("dual_line")


def test_unknown_or_mistyped_keys_are_invalid_input():
    p = Policy.builtin("guyuan-2021")
    with pytest.raises(kcbx.InvalidInput, match="suspected_afer"):
        p.duration("suspected_afer")
    with pytest.raises(kcbx.InvalidInput, match="not a duration"):
        p.duration("consolidation_target")
    with pytest.raises(kcbx.InvalidInput, match="no_such_key"):
        p.provenance("no_such_key")


def test_unknown_builtin_is_not_found():
    with pytest.raises(kcbx.NotFound, match="nowhere-2030") as e:
        Policy.builtin("nowhere-2030")
    assert e.value.status == kcbx.Status.NOT_FOUND


def test_to_json_round_trips_through_a_file(tmp_path):
    original = Policy.builtin("dongchuan-2025")
    path = tmp_path / "dongchuan.json"
    path.write_text(original.to_json(), encoding="utf-8")
    loaded = Policy.from_file(path)
    assert loaded.to_dict() == original.to_dict()
    assert loaded.provenance("three_line_alert_after") == original.provenance("three_line_alert_after")
    assert Policy.from_json(original.to_json()).to_dict() == original.to_dict()


def test_example_county_file(repo):
    # examples/policies/county-2026.json extends guyuan-2021 and adopts Dongchuan's alert.
    p = Policy.from_file(str(repo / "examples" / "policies" / "county-2026.json"))
    assert (p.id, p.region_code) == ("xiji-county-2026", "640422")
    assert p.duration("three_line_alert_after") == Duration(3, DurationUnit.SCHOOL_DAYS)
    assert p.provenance("three_line_alert_after")[0] is Provenance.FILE
    assert p.number("chronic_absence_share") == pytest.approx(0.08)
    assert p.provenance("suspected_after")[0] is Provenance.DOCUMENT  # inherited from 001


def _profile(**parameters) -> str:
    return json.dumps({"id": "t", "extends": "guyuan-2021", "parameters": parameters})


@pytest.mark.parametrize("text, field", [
    (_profile(suspected_afer=7), "parameters.suspected_afer"),
    (json.dumps({"id": "t", "extends": "guyuan-2021", "colour": "red"}), "colour"),
    (_profile(suspected_after={"amount": -1, "unit": "calendar_days"}), "parameters.suspected_after"),
    (_profile(suspected_after={"amount": 3, "unit": "fortnights"}), "parameters.suspected_after.unit"),
    (json.dumps({"id": "t"}), "region_code"),
    ('{"id": "t", "extends": ', "JSON"),
])
def test_invalid_files_name_the_field(tmp_path, text, field):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(kcbx.InvalidInput) as e:
        Policy.from_file(path)
    assert field in e.value.message
    with pytest.raises(kcbx.InvalidInput):
        Policy.from_json(text)


def test_missing_file_is_not_found(tmp_path):
    with pytest.raises(kcbx.NotFound):
        Policy.from_file(tmp_path / "absent.json")


def test_closed_policy_raises_instead_of_crashing():
    p = Policy.builtin("guyuan-2021")
    p.close()
    p.close()  # a second close is harmless
    assert p.closed and "closed" in repr(p)
    for use in (lambda: p.duration("suspected_after"), p.to_json, lambda: p.id,
                lambda: p.provenance("suspected_after"), lambda: p.flag("dual_line")):
        with pytest.raises(ValueError, match="closed"):
            use()


def test_context_manager_closes():
    with Policy.builtin("fujian-2020") as p:
        assert p.duration("suspected_after") is not None
    assert p.closed
    with pytest.raises(ValueError):
        with p:
            pass


def test_handles_are_freed_by_garbage_collection():
    for _ in range(200):
        Policy.builtin("huarong-2024").duration("suspected_after")
    gc.collect()


def test_shared_reads_and_per_thread_errors():
    p = Policy.builtin("dongchuan-2025")
    failures = []

    def work(i: int) -> None:
        for _ in range(50):
            if p.duration("three_line_alert_after") != Duration(3, DurationUnit.SCHOOL_DAYS):
                failures.append("value")
            try:
                p.duration(f"bogus_{i}")
            except kcbx.InvalidInput as e:
                if f"bogus_{i}" not in e.message:  # the last error is per thread
                    failures.append(e.message)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
