"""KCBX (控辍保学) for Python: resident IDs, registry numbers, school age and policy profiles,
over the libkcbx C API (bundled next to the extension as libkcbx.so.0)."""
from __future__ import annotations

from ._native import ffi, lib

if lib.kcbx_abi_version() != lib.KCBX_ABI_VERSION:
    raise ImportError(
        f"kcbx: the loaded libkcbx has ABI version {lib.kcbx_abi_version()}, but this package was "
        f"built against kcbx.h with KCBX_ABI_VERSION {lib.KCBX_ABI_VERSION}; reinstall the package "
        "(python3 -m pip install --force-reinstall ./bindings/python)"
    )

from .enums import DurationUnit, IdProblem, Provenance, RegistryKind, Sex, Stage, Status  # noqa: E402
from .errors import (  # noqa: E402
    IntegrityError, InternalError, InvalidInput, InvalidResidentID, KcbxError, NotFound,
    PermissionDenied, RuleViolation, StorageError, check,
)
from .identity import (  # noqa: E402
    RegistryNumber, ResidentID, SchoolAge, parse_registry_number, parse_resident_id,
    resident_id_check_character, school_age,
)
from .policy import Duration, Policy  # noqa: E402
from .ledger import Ledger, generate_signing_key, signing_public_key  # noqa: E402
from .escalation import DueReport, EscalationSummary, Obligation, due_reports  # noqa: E402
from .notices import notice_fields, render_notice, write_docx  # noqa: E402
from .reports import Reconciliation, Report, reconcile  # noqa: E402
from .calendar import Calendar, Term  # noqa: E402
from .classification import (  # noqa: E402
    Alert, ChildFact, ChildFacts, ChildStatus, Classification, ClassificationTable, DateEncoding, Mark, MarkConflict,
    MarkKind, Reason, Registration, Risk, RiskFlag, Rule, SpecialGroup, Streak, TableColumn, TableConflict, TableRow,
    classify, classify_many, describe_rule, reason_for_out_of_school,
)


def version() -> str:
    """The version of the loaded library, e.g. "0.2.0"."""
    return str(ffi.string(lib.kcbx_version()).decode("ascii"))


def abi_version() -> int:
    """The ABI version of the loaded library (equal to the header's KCBX_ABI_VERSION)."""
    return int(lib.kcbx_abi_version())


__version__ = version()

__all__ = [
    "version", "abi_version", "__version__",
    "Status", "IdProblem", "Sex", "Stage", "RegistryKind", "DurationUnit", "Provenance",
    "KcbxError", "InvalidInput", "NotFound", "PermissionDenied", "RuleViolation",
    "IntegrityError", "StorageError", "InternalError", "InvalidResidentID", "check",
    "ResidentID", "parse_resident_id", "resident_id_check_character",
    "RegistryNumber", "parse_registry_number", "SchoolAge", "school_age",
    "Duration", "Policy", "Ledger", "generate_signing_key", "signing_public_key", "Obligation", "EscalationSummary", "DueReport", "due_reports",
    "render_notice", "notice_fields", "write_docx", "Report", "Reconciliation", "reconcile",
    "Calendar", "Term",
    "ChildStatus", "MarkKind", "Registration", "Alert", "RiskFlag", "ChildFact", "SpecialGroup", "Rule", "Reason",
    "DateEncoding", "TableColumn", "Mark", "ChildFacts", "Streak", "Risk", "MarkConflict", "Classification",
    "classify", "TableRow", "TableConflict", "ClassificationTable", "classify_many",
    "describe_rule", "reason_for_out_of_school",
]
