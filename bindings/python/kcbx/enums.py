"""Integer enums mirroring the kcbx.h enums; every value is read from the compiled header."""
from __future__ import annotations

from enum import IntEnum

from ._native import lib

__all__ = ["Status", "IdProblem", "Sex", "Stage", "RegistryKind", "DurationUnit", "Provenance"]


class Status(IntEnum):
    """kcbx_status: what every fallible call returns."""
    OK = lib.KCBX_STATUS_OK
    INVALID_INPUT = lib.KCBX_STATUS_INVALID_INPUT
    NOT_FOUND = lib.KCBX_STATUS_NOT_FOUND
    PERMISSION_DENIED = lib.KCBX_STATUS_PERMISSION_DENIED
    RULE_VIOLATION = lib.KCBX_STATUS_RULE_VIOLATION
    INTEGRITY = lib.KCBX_STATUS_INTEGRITY
    STORAGE = lib.KCBX_STATUS_STORAGE
    INTERNAL_ERROR = lib.KCBX_STATUS_INTERNAL_ERROR


class IdProblem(IntEnum):
    """kcbx_id_problem: which part of a resident ID is wrong."""
    NONE = lib.KCBX_ID_PROBLEM_NONE
    LENGTH = lib.KCBX_ID_PROBLEM_LENGTH
    CHARACTERS = lib.KCBX_ID_PROBLEM_CHARACTERS
    REGION = lib.KCBX_ID_PROBLEM_REGION
    BIRTH_DATE = lib.KCBX_ID_PROBLEM_BIRTH_DATE
    CHECKSUM = lib.KCBX_ID_PROBLEM_CHECKSUM


class Sex(IntEnum):
    """kcbx_sex (GB/T 2261.1 codes)."""
    UNKNOWN = lib.KCBX_SEX_UNKNOWN
    MALE = lib.KCBX_SEX_MALE
    FEMALE = lib.KCBX_SEX_FEMALE


class Stage(IntEnum):
    """kcbx_stage: school stage (学段)."""
    PRESCHOOL = lib.KCBX_STAGE_PRESCHOOL
    PRIMARY = lib.KCBX_STAGE_PRIMARY
    JUNIOR = lib.KCBX_STAGE_JUNIOR
    BEYOND = lib.KCBX_STAGE_BEYOND


class RegistryKind(IntEnum):
    """kcbx_registry_kind: `G` + resident ID or `L` + temporary number."""
    RESIDENT = lib.KCBX_REGISTRY_KIND_RESIDENT
    TEMPORARY = lib.KCBX_REGISTRY_KIND_TEMPORARY


class DurationUnit(IntEnum):
    """kcbx_duration_unit; OFF means the rule is not in force."""
    OFF = lib.KCBX_DURATION_UNIT_OFF
    CALENDAR_DAYS = lib.KCBX_DURATION_UNIT_CALENDAR_DAYS
    SCHOOL_DAYS = lib.KCBX_DURATION_UNIT_SCHOOL_DAYS
    CALENDAR_MONTHS = lib.KCBX_DURATION_UNIT_CALENDAR_MONTHS


class Provenance(IntEnum):
    """kcbx_provenance: where a policy value came from."""
    DOCUMENT = lib.KCBX_PROVENANCE_DOCUMENT
    DEFAULTED = lib.KCBX_PROVENANCE_DEFAULTED
    FILE = lib.KCBX_PROVENANCE_FILE
