"""Classification of children as of a date (DOMAIN.md §2, §7). The names live in modules by
concept (enums, facts, child, table, bulk); this module keeps `kcbx.classification` imports working."""
from __future__ import annotations

from .bulk import classify_many
from .child import Classification, MarkConflict, Risk, Streak, classify, describe_rule, reason_for_out_of_school
from .enums import (
    Alert,
    ChildFact,
    ChildStatus,
    DateEncoding,
    MarkKind,
    Reason,
    Registration,
    RiskFlag,
    Rule,
    SpecialGroup,
    TableColumn,
)
from .facts import ChildFacts, Mark
from .table import ClassificationTable, TableConflict, TableRow

__all__ = [
    "ChildStatus", "MarkKind", "Registration", "Alert", "RiskFlag", "ChildFact", "SpecialGroup", "Rule",
    "Reason", "DateEncoding", "TableColumn",
    "Mark", "ChildFacts", "Streak", "Risk", "MarkConflict", "Classification", "classify",
    "TableRow", "TableConflict", "ClassificationTable", "classify_many",
    "describe_rule", "reason_for_out_of_school",
]
