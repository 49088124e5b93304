"""Exceptions for kcbx_status codes; `check()` turns a failed call into the right one."""
from __future__ import annotations

from typing import Any, ClassVar, Dict, List, Optional, Type

from ._native import ffi, lib
from .enums import IdProblem

__all__ = [
    "KcbxError", "InvalidInput", "NotFound", "PermissionDenied", "RuleViolation",
    "IntegrityError", "StorageError", "InternalError", "InvalidResidentID",
    "check", "error_for", "last_error_message", "last_error_field", "last_error_rule",
]


class KcbxError(Exception):
    """A kcbx_* call failed: `status` is the kcbx_status code, `message` names field and rule;
    `field` (the input or thing the error is about) and `rule` (what it must satisfy, or the
    clause a domain rule cites) are the parts kcbx_last_error_field() / kcbx_last_error_rule()
    give, "" when the error names none."""
    default_status: ClassVar[int] = lib.KCBX_STATUS_INTERNAL_ERROR
    status: int
    message: str
    #: For a refused import: every bad field (kcbx.ImportProblem: row, field, rule); else empty.
    problems: List[Any]
    field: str
    rule: str

    def __init__(self, message: str, status: Optional[int] = None, *, field: str = "", rule: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.problems = []
        self.status = self.default_status if status is None else status
        self.field = field
        self.rule = rule


class InvalidInput(KcbxError, ValueError):
    """KCBX_STATUS_INVALID_INPUT: a value breaks a format or value rule."""
    default_status = lib.KCBX_STATUS_INVALID_INPUT


class NotFound(KcbxError, LookupError):
    """KCBX_STATUS_NOT_FOUND: a named profile, file, student or case does not exist."""
    default_status = lib.KCBX_STATUS_NOT_FOUND


class PermissionDenied(KcbxError):
    """KCBX_STATUS_PERMISSION_DENIED."""
    default_status = lib.KCBX_STATUS_PERMISSION_DENIED


class RuleViolation(KcbxError):
    """KCBX_STATUS_RULE_VIOLATION: a domain rule refuses the operation."""
    default_status = lib.KCBX_STATUS_RULE_VIOLATION


class IntegrityError(KcbxError):
    """KCBX_STATUS_INTEGRITY: stored data failed verification."""
    default_status = lib.KCBX_STATUS_INTEGRITY


class StorageError(KcbxError):
    """KCBX_STATUS_STORAGE: a file or SQLite operation failed."""
    default_status = lib.KCBX_STATUS_STORAGE


class InternalError(KcbxError):
    """KCBX_STATUS_INTERNAL_ERROR: an unexpected failure in the library."""
    default_status = lib.KCBX_STATUS_INTERNAL_ERROR


class InvalidResidentID(InvalidInput):
    """A resident ID is invalid; `part` says which part (length, characters, region, …)."""
    part: IdProblem

    def __init__(self, message: str, part: IdProblem, status: Optional[int] = None, *, field: str = "",
                 rule: str = "") -> None:
        super().__init__(message, status, field=field, rule=rule)
        self.part = part


_BY_STATUS: Dict[int, Type[KcbxError]] = {
    cls.default_status: cls
    for cls in (InvalidInput, NotFound, PermissionDenied, RuleViolation, IntegrityError, StorageError, InternalError)
}


def last_error_message() -> str:
    """kcbx_last_error_message() for this thread (owned by the library: not freed)."""
    return str(ffi.string(lib.kcbx_last_error_message()).decode("utf-8", "replace"))


def last_error_field() -> str:
    """kcbx_last_error_field() for this thread: the field the last failed call was about, or ""."""
    return str(ffi.string(lib.kcbx_last_error_field()).decode("utf-8", "replace"))


def last_error_rule() -> str:
    """kcbx_last_error_rule() for this thread: the rule the last failed call broke, or ""."""
    return str(ffi.string(lib.kcbx_last_error_rule()).decode("utf-8", "replace"))


def error_for(status: int, message: str, field: str = "", rule: str = "") -> KcbxError:
    """The exception for a non-OK `status` (a plain KcbxError for a code this module does not know)."""
    return _BY_STATUS.get(status, KcbxError)(message or f"kcbx status {status}", status, field=field, rule=rule)


def check(status: int) -> None:
    """Raises the exception for a non-OK `status`, carrying the library's message.
    Call it right after the kcbx_* call: the message is replaced by the next call."""
    if status != lib.KCBX_STATUS_OK:
        raise error_for(status, last_error_message(), last_error_field(), last_error_rule())
