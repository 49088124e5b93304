"""Resident IDs (身份证号), student registry numbers (学籍号) and school age (DOMAIN.md §1)."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Optional, Tuple

from ._dates import date_from_c, date_to_c
from ._native import c_string, ffi, lib, take_string
from .enums import IdProblem, RegistryKind, Sex, Stage
from .errors import InvalidResidentID, check, error_for, last_error_field, last_error_message, last_error_rule

__all__ = [
    "ResidentID", "parse_resident_id", "resident_id_check_character",
    "RegistryNumber", "parse_registry_number", "SchoolAge", "school_age",
]


@dataclass(frozen=True)
class ResidentID:
    """A validated 18-character resident ID (GB 11643-1999)."""
    text: str  # normalized: a lower-case check character `x` is upper-cased
    region_code: str  # 6 digits, GB/T 2260, e.g. "640402"
    birth_date: _dt.date
    sex: Sex  # from the 17th digit: odd male, even female

    def __str__(self) -> str:
        return self.text


def _id_call(text: bytes, as_of: int) -> Tuple[int, int, int, int, int]:
    region, birth, sex, problem = (ffi.new("int32_t *") for _ in range(4))
    status = lib.kcbx_resident_id_parse(text, as_of, region, birth, sex, problem)
    return int(status), int(region[0]), int(birth[0]), int(sex[0]), int(problem[0])


def parse_resident_id(text: str, as_of: Optional[_dt.date] = None) -> ResidentID:
    """Validates `text` (birth date must not be after `as_of` when given).
    Raises InvalidResidentID whose `.part` names the wrong part."""
    raw = c_string(text, "resident_id")
    status, region, birth, sex, problem = _id_call(raw, date_to_c(as_of, "as_of"))
    if status != lib.KCBX_STATUS_OK and problem != lib.KCBX_ID_PROBLEM_NONE:
        raise InvalidResidentID(last_error_message(), IdProblem(problem), status, field=last_error_field(),
                                rule=last_error_rule())
    check(status)
    birth_date = date_from_c(birth)
    assert birth_date is not None
    return ResidentID(text.upper(), f"{region:06d}", birth_date, Sex(sex))


def resident_id_check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character ('0'-'9' or 'X') for 17 digits."""
    out = ffi.new("char *")
    check(lib.kcbx_resident_id_check_character(c_string(first17, "first17"), out))
    return str(out[0].decode("ascii"))


@dataclass(frozen=True)
class RegistryNumber:
    """A student registry number (学籍号): `G` + resident ID or `L` + temporary number (seed 001)."""
    kind: RegistryKind
    body: str  # the resident ID, or the temporary number (upper-cased)
    resident_id: Optional[ResidentID] = None  # for `G` numbers

    @property
    def text(self) -> str:
        return ("G" if self.kind == RegistryKind.RESIDENT else "L") + self.body

    def __str__(self) -> str:
        return self.text


def parse_registry_number(text: str, as_of: Optional[_dt.date] = None) -> RegistryNumber:
    """Parses a registry number. A `G` number with a bad resident ID raises InvalidResidentID
    (with `.part`); other malformed numbers raise InvalidInput."""
    raw = c_string(text, "registry_number")
    c_as_of = date_to_c(as_of, "as_of")
    kind, body = ffi.new("int32_t *"), ffi.new("char **")
    status = lib.kcbx_registry_number_parse(raw, c_as_of, kind, body)
    if status != lib.KCBX_STATUS_OK:
        message, field, rule = last_error_message(), last_error_field(), last_error_rule()
        if raw[:1] in (b"G", b"g"):
            # The C call reports no ID problem; ask the ID parser which part is wrong.
            problem = _id_call(raw[1:], c_as_of)[4]
            if problem != lib.KCBX_ID_PROBLEM_NONE:
                raise InvalidResidentID(message, IdProblem(problem), status, field=field, rule=rule)
        raise error_for(status, message, field, rule)
    body_text = take_string(body[0])
    if kind[0] == lib.KCBX_REGISTRY_KIND_RESIDENT:
        return RegistryNumber(RegistryKind.RESIDENT, body_text, parse_resident_id(body_text, as_of))
    return RegistryNumber(RegistryKind(kind[0]), body_text)


@dataclass(frozen=True)
class SchoolAge:
    """School age on a date (DOMAIN.md §1, seed 000)."""
    age: int  # completed years
    entry_year: int  # autumn of entry to grade 1: the year the child is 6 on 31 August
    compulsory: bool  # should be in compulsory education: from 1 September of entry_year until 16
    grade: int  # expected grade if on time: <= 0 before entry, 1-9 compulsory, > 9 after
    stage: Stage


def school_age(birth_date: _dt.date, on: _dt.date) -> SchoolAge:
    """School age of a child born on `birth_date`, on the date `on` (not before birth)."""
    age, entry, compulsory, grade, stage = (ffi.new("int32_t *") for _ in range(5))
    check(lib.kcbx_school_age(date_to_c(birth_date, "birth_date"), date_to_c(on, "on"),
                              age, entry, compulsory, grade, stage))
    return SchoolAge(age[0], entry[0], bool(compulsory[0]), grade[0], Stage(stage[0]))
