"""Status codes map to exception classes carrying kcbx_last_error_message()."""
from __future__ import annotations

import datetime as dt

import pytest

import kcbx
from kcbx import Status

CLASSES = {
    Status.INVALID_INPUT: kcbx.InvalidInput, Status.NOT_FOUND: kcbx.NotFound,
    Status.PERMISSION_DENIED: kcbx.PermissionDenied, Status.RULE_VIOLATION: kcbx.RuleViolation,
    Status.INTEGRITY: kcbx.IntegrityError, Status.STORAGE: kcbx.StorageError,
    Status.INTERNAL_ERROR: kcbx.InternalError,
}


def test_check_ok_returns_none():
    assert kcbx.check(Status.OK) is None


@pytest.mark.parametrize("status", list(CLASSES))
def test_check_raises_the_class_of_each_status(status):
    with pytest.raises(CLASSES[status]) as e:
        kcbx.check(status)
    assert e.value.status == status and isinstance(e.value, kcbx.KcbxError)


def test_unknown_status_still_raises_kcbx_error():
    with pytest.raises(kcbx.KcbxError) as e:
        kcbx.check(99)
    assert type(e.value) is kcbx.KcbxError and e.value.status == 99


def test_check_carries_the_library_message():
    # on_date before birth_date: kcbx_school_age fails; the message names the field.
    with pytest.raises(kcbx.InvalidInput) as e:
        kcbx.school_age(dt.date(2020, 1, 1), dt.date(2019, 12, 31))
    assert e.value.status == Status.INVALID_INPUT
    assert e.value.message == str(e.value) and "on_date" in e.value.message


def test_hierarchy():
    assert issubclass(kcbx.InvalidResidentID, kcbx.InvalidInput)
    assert all(issubclass(c, kcbx.KcbxError) for c in CLASSES.values())
    assert issubclass(kcbx.InvalidInput, ValueError) and issubclass(kcbx.NotFound, LookupError)


def test_errors_carry_field_and_rule():
    # Issue 12: the parts a host needs without parsing text (kcbx_last_error_field / _rule).
    with pytest.raises(kcbx.InvalidInput) as e:
        kcbx.school_age(dt.date(2020, 1, 1), dt.date(2019, 12, 31))
    assert e.value.field == "on_date"
    assert e.value.rule and e.value.rule in e.value.message
    with pytest.raises(kcbx.NotFound) as nf:
        kcbx.Policy.builtin("no-such-profile")
    assert nf.value.field and nf.value.rule == "not found"
    # A successful call leaves nothing behind.
    kcbx.school_age(dt.date(2019, 1, 1), dt.date(2025, 9, 1))
    assert kcbx.errors.last_error_field() == "" and kcbx.errors.last_error_rule() == ""


def test_resident_id_errors_carry_field_and_rule():
    with pytest.raises(kcbx.InvalidResidentID) as e:
        kcbx.parse_resident_id("53011320160310011X")
    assert e.value.field and e.value.rule
