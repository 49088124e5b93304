"""Resident IDs, registry numbers and school age (DOMAIN.md §1; seeds 000 and 001)."""
from __future__ import annotations

import datetime as dt

import pytest
from conftest import make_id

import kcbx
from kcbx import IdProblem, RegistryKind, Sex, Stage

# ---- resident ID (身份证号, GB 11643-1999) --------------------------------------------------


def test_check_character_of_the_standard_example():
    # GB 11643-1999's worked example 11010519491231002X: MOD 11-2 remainder 2 -> 'X'.
    assert kcbx.resident_id_check_character("11010519491231002") == "X"


def test_valid_guyuan_id(guyuan_boy, today):
    rid = kcbx.parse_resident_id(guyuan_boy, as_of=today)
    assert rid == kcbx.ResidentID(guyuan_boy, "640402", dt.date(2019, 9, 1), Sex.MALE)
    assert str(rid) == guyuan_boy


@pytest.mark.parametrize("sequence, sex", [("001", Sex.MALE), ("002", Sex.FEMALE), ("019", Sex.MALE), ("120", Sex.FEMALE)])
def test_sex_comes_from_the_17th_digit(sequence, sex):
    # DOMAIN.md §1: 3-digit sequence, odd = male, even = female (only its last digit counts).
    assert kcbx.parse_resident_id(make_id("640402", "20150301", sequence)).sex is sex


def _id_with_check_x() -> str:
    for n in range(1000):
        first17 = f"64040220160101{n:03d}"
        if kcbx.resident_id_check_character(first17) == "X":
            return first17 + "X"
    raise AssertionError("no sequence gives check character X")


def test_lower_case_x_is_accepted_and_normalized():
    upper = _id_with_check_x()
    rid = kcbx.parse_resident_id(upper[:17] + "x")
    assert rid.text == upper and rid.birth_date == dt.date(2016, 1, 1)


def test_region_code_is_six_digits():
    rid = kcbx.parse_resident_id(make_id("110105", "19491231", "002"))
    assert rid.region_code == "110105" and len(rid.region_code) == 6


def test_birth_date_on_as_of_is_accepted():
    assert kcbx.parse_resident_id(make_id("640402", "20250908", "001"), as_of=dt.date(2025, 9, 8))


def _part(text: str, as_of: dt.date | None = None) -> IdProblem:
    with pytest.raises(kcbx.InvalidResidentID) as e:
        kcbx.parse_resident_id(text, as_of=as_of)
    assert e.value.status == kcbx.Status.INVALID_INPUT and e.value.message
    return e.value.part


@pytest.mark.parametrize("text", ["", "64040220190901001", "6404022019090100111", "640402 2019090100 1"])
def test_wrong_length(text):
    assert _part(text) is IdProblem.LENGTH


@pytest.mark.parametrize("text", ["64040220190901A011", "X40402201909010011", "6404022019090100 1", "64040220190901001Y"])
def test_wrong_characters(text):
    assert _part(text) is IdProblem.CHARACTERS


@pytest.mark.parametrize("region", ["000000", "990402", "100000"])
def test_wrong_region(region):
    # The first two digits must be a GB/T 2260 province code.
    assert _part(make_id(region, "20190901", "001")) is IdProblem.REGION


@pytest.mark.parametrize("birth", ["20230230", "20231301", "20230000", "18991231"])
def test_wrong_birth_date(birth):
    # 30 February does not exist; month 13 and day 0 neither; before 1900 is refused.
    assert _part(make_id("640402", birth, "001")) is IdProblem.BIRTH_DATE


def test_birth_date_after_as_of(today):
    assert _part(make_id("640402", "20250909", "001"), as_of=today) is IdProblem.BIRTH_DATE


def test_wrong_check_character(guyuan_boy):
    wrong = "0" if guyuan_boy[-1] != "0" else "1"
    with pytest.raises(kcbx.InvalidResidentID) as e:
        kcbx.parse_resident_id(guyuan_boy[:17] + wrong)
    assert e.value.part is IdProblem.CHECKSUM and "MOD 11-2" in e.value.message


def test_bad_argument_types_and_nul():
    with pytest.raises(TypeError):
        kcbx.parse_resident_id(640402201909010011)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        kcbx.parse_resident_id("640402201909010011", as_of="2025-09-08")  # type: ignore[arg-type]
    with pytest.raises(kcbx.InvalidInput):  # C would see only the part before the NUL
        kcbx.parse_resident_id(make_id("640402", "20190901", "001") + "\0junk")


@pytest.mark.parametrize("first17", ["", "1101051949123100", "110105194912310021", "1101051949123100X"])
def test_check_character_needs_17_digits(first17):
    with pytest.raises(kcbx.InvalidInput) as e:
        kcbx.resident_id_check_character(first17)
    assert "first17" in e.value.message

# ---- student registry number (学籍号, seed 001 attachment 2) ----------------------------------


def test_g_number_holds_a_resident_id(guyuan_boy, today):
    n = kcbx.parse_registry_number("G" + guyuan_boy, as_of=today)
    assert (n.kind, n.body, n.text) == (RegistryKind.RESIDENT, guyuan_boy, "G" + guyuan_boy)
    assert n.resident_id == kcbx.parse_resident_id(guyuan_boy)


def test_lower_case_prefix_accepted(guyuan_boy):
    assert kcbx.parse_registry_number("g" + guyuan_boy).kind is RegistryKind.RESIDENT


def test_g_number_with_a_bad_id_names_the_part(guyuan_boy, today):
    wrong = "0" if guyuan_boy[-1] != "0" else "1"
    with pytest.raises(kcbx.InvalidResidentID) as e:
        kcbx.parse_registry_number("G" + guyuan_boy[:17] + wrong)
    assert e.value.part is IdProblem.CHECKSUM and "registry_number" in e.value.message
    with pytest.raises(kcbx.InvalidResidentID) as e:
        kcbx.parse_registry_number("G" + make_id("640402", "20260101", "001"), as_of=today)
    assert e.value.part is IdProblem.BIRTH_DATE


def test_l_number_is_a_temporary_number():
    n = kcbx.parse_registry_number("Lgy2025a017")
    assert (n.kind, n.body, n.resident_id, str(n)) == (RegistryKind.TEMPORARY, "GY2025A017", None, "LGY2025A017")


@pytest.mark.parametrize("text", ["", "L", "L" + "1" * 31, "L12-34", "X640402201909010011", "640402201909010011"])
def test_malformed_registry_numbers(text):
    with pytest.raises(kcbx.InvalidInput) as e:
        kcbx.parse_registry_number(text)
    assert not isinstance(e.value, kcbx.InvalidResidentID) and "registry_number" in e.value.message

# ---- school age (seed 000: 截止当年8月31日年满六周岁; 6-15周岁) ----------------------------------


def test_born_31_august_enters_at_six_that_autumn():
    a = kcbx.school_age(dt.date(2019, 8, 31), dt.date(2025, 9, 1))
    assert a == kcbx.SchoolAge(age=6, entry_year=2025, compulsory=True, grade=1, stage=Stage.PRIMARY)


def test_born_1_september_waits_a_year():
    a = kcbx.school_age(dt.date(2019, 9, 1), dt.date(2025, 9, 1))
    assert (a.entry_year, a.age, a.grade, a.stage) == (2026, 6, 0, Stage.PRESCHOOL)
    assert not a.compulsory   # 6 today, but not of school age until 1 September 2026 (issue 12)
    assert kcbx.school_age(dt.date(2019, 9, 1), dt.date(2026, 9, 1)).grade == 1


@pytest.mark.parametrize("on, age, compulsory", [
    (dt.date(2016, 3, 14), 5, False),
    (dt.date(2016, 3, 15), 6, False),   # 6, but school age starts with the entry autumn (issue 12)
    (dt.date(2016, 9, 1), 6, True),
    (dt.date(2026, 3, 14), 15, True), (dt.date(2026, 3, 15), 16, False),
])
def test_compulsory_age_is_entry_autumn_to_16(on, age, compulsory):
    a = kcbx.school_age(dt.date(2010, 3, 15), on)
    assert (a.age, a.compulsory) == (age, compulsory)


@pytest.mark.parametrize("on, grade, stage", [
    (dt.date(2024, 6, 30), 6, Stage.PRIMARY),   # school year 2023: grade 6
    (dt.date(2024, 9, 1), 7, Stage.JUNIOR),     # the school year turns on 1 September
    (dt.date(2027, 6, 30), 9, Stage.JUNIOR),
    (dt.date(2027, 9, 1), 10, Stage.BEYOND),
])
def test_expected_grade_and_stage(on, grade, stage):
    a = kcbx.school_age(dt.date(2012, 5, 10), on)  # enters grade 1 in autumn 2018
    assert (a.entry_year, a.grade, a.stage) == (2018, grade, stage)


def test_date_before_birth_is_refused():
    with pytest.raises(kcbx.InvalidInput):
        kcbx.school_age(dt.date(2019, 9, 1), dt.date(2019, 8, 31))
