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

from .bulk import classify_many
from .calendar import Calendar, Term
from .child import (
    Classification,
    MarkConflict,
    Risk,
    Streak,
    classify,
    describe_rule,
    reason_for_out_of_school,
)
from .enums import (
    Alert,
    CaseKind,
    CaseStatus,
    ChildFact,
    ChildStatus,
    DateEncoding,
    DurationUnit,
    IdProblem,
    ImportCount,
    MarkKind,
    Provenance,
    Reason,
    Registration,
    RegistryKind,
    RiskFlag,
    Rule,
    Sex,
    SpecialGroup,
    Stage,
    Status,
    TableColumn,
)
from .errors import (
    IntegrityError,
    InternalError,
    InvalidInput,
    InvalidResidentID,
    KcbxError,
    NotFound,
    PermissionDenied,
    RuleViolation,
    StorageError,
    check,
)
from .escalation import DueReport, EscalationSummary, Obligation, ObligationState, due_reports
from .facts import ChildFacts, Mark
from .identity import (
    RegistryNumber,
    ResidentID,
    SchoolAge,
    parse_registry_number,
    parse_resident_id,
    resident_id_check_character,
    school_age,
)
from .ledger import Ledger, generate_signing_key, signing_public_key
from .notices import notice_fields, render_notice, write_docx
from .policy import Duration, Policy
from .records import (
    Actor,
    AlreadyOpen,
    Case,
    ClosureCheck,
    Event,
    ImportConflict,
    ImportProblem,
    ImportResult,
    IntakeResult,
    LedgerProfile,
    SweepResult,
)
from .reports import Reconciliation, Report, reconcile
from .supervision import AuditCheck, AuditFinding, AuditResult, HomeVerificationResult, SpotCheckDraw
from .table import ClassificationTable, TableConflict, TableRow


def version() -> str:
    """The version of the loaded library, e.g. "0.3.0"."""
    return str(ffi.string(lib.kcbx_version()).decode("ascii"))


def abi_version() -> int:
    """The ABI version of the loaded library (equal to the header's KCBX_ABI_VERSION)."""
    return int(lib.kcbx_abi_version())


__version__ = version()

__all__ = [
    "version", "abi_version", "__version__",
    "Status", "CaseKind", "CaseStatus", "IdProblem", "ImportCount", "Sex", "Stage", "RegistryKind", "DurationUnit", "Provenance",
    "KcbxError", "InvalidInput", "NotFound", "PermissionDenied", "RuleViolation",
    "IntegrityError", "StorageError", "InternalError", "InvalidResidentID", "check",
    "ResidentID", "parse_resident_id", "resident_id_check_character",
    "RegistryNumber", "parse_registry_number", "SchoolAge", "school_age",
    "Duration", "Policy", "Ledger", "Actor", "Case", "ClosureCheck", "Event", "ImportProblem", "ImportConflict", "ImportResult",
    "IntakeResult", "AlreadyOpen", "LedgerProfile", "SweepResult", "generate_signing_key", "signing_public_key",
    "Obligation", "ObligationState", "EscalationSummary", "DueReport", "due_reports",
    "render_notice", "notice_fields", "write_docx", "Report", "Reconciliation", "reconcile",
    "Calendar", "Term",
    "AuditCheck", "AuditFinding", "AuditResult", "HomeVerificationResult", "SpotCheckDraw",
    "ChildStatus", "MarkKind", "Registration", "Alert", "RiskFlag", "ChildFact", "SpecialGroup", "Rule", "Reason",
    "DateEncoding", "TableColumn", "Mark", "ChildFacts", "Streak", "Risk", "MarkConflict", "Classification",
    "classify", "TableRow", "TableConflict", "ClassificationTable", "classify_many",
    "describe_rule", "reason_for_out_of_school",
]
