"""Policy profiles: one jurisdiction's rules (DOMAIN.md §2-§3, docs/policy-format.md)."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple, Union

from ._handle import NativeHandle
from ._native import c_path, c_string, ffi, lib, take_string
from .enums import DurationUnit, Provenance
from .errors import InvalidInput, check

__all__ = ["Duration", "Policy"]


@dataclass(frozen=True)
class Duration:
    """A policy duration, e.g. 7 calendar days or 3 school days."""
    amount: int
    unit: DurationUnit

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.name.lower()}"


class Policy(NativeHandle):
    """A policy profile handle (kcbx_policy *). Open one with `builtin`, `from_file` or
    `from_json`. The handle is freed by `close()`, by leaving a `with` block, or when the object
    is garbage-collected; a closed Policy raises ValueError. Reading from several threads is
    safe; do not close it while another thread uses it."""

    def __init__(self, _handle: Any) -> None:
        self._handle: Any = _handle  # cdata from ffi.gc, None once closed
        self._doc: Optional[Dict[str, Any]] = None

    # Opening

    @classmethod
    def _open(cls, fn: Any, arg: bytes) -> Policy:
        out = ffi.new("kcbx_policy **")
        check(fn(arg, out))
        return cls(ffi.gc(out[0], lib.kcbx_policy_free))

    @classmethod
    def names(cls) -> List[str]:
        """The ids of the built-in profiles."""
        out = ffi.new("char **")
        check(lib.kcbx_policy_names_json(out))
        return list(json.loads(take_string(out[0])))

    @classmethod
    def builtin(cls, name: str) -> Policy:
        """A built-in profile by id, e.g. "guyuan-2021"; NotFound for an unknown id."""
        return cls._open(lib.kcbx_policy_builtin, c_string(name, "name"))

    @classmethod
    def from_file(cls, path: Union[str, os.PathLike[str]]) -> Policy:
        """Loads and validates a profile file; InvalidInput names the offending field."""
        return cls._open(lib.kcbx_policy_from_file, c_path(path))

    @classmethod
    def from_json(cls, text: str) -> Policy:
        """Parses and validates profile JSON text."""
        return cls._open(lib.kcbx_policy_from_json, c_string(text, "json"))

    # Lifetime

    def __repr__(self) -> str:
        return "<kcbx.Policy closed>" if self.closed else f"<kcbx.Policy {self.id!r}>"

    # The whole profile

    def to_json(self) -> str:
        """The profile in the file format, every value with provenance (loads back unchanged)."""
        out = ffi.new("char **")
        check(lib.kcbx_policy_to_json(self._ptr, out))
        return take_string(out[0])

    def to_dict(self) -> Dict[str, Any]:
        """`to_json()` parsed."""
        doc: Dict[str, Any] = json.loads(self.to_json())
        return doc

    def _cached(self) -> Dict[str, Any]:
        _ = self._ptr
        if self._doc is None:
            self._doc = self.to_dict()  # a profile never changes after it is opened
        return self._doc

    @property
    def id(self) -> str:
        return str(self._cached()["id"])

    @property
    def jurisdiction(self) -> str:
        return str(self._cached()["jurisdiction"])

    @property
    def region_code(self) -> str:
        return str(self._cached()["region_code"])

    @property
    def document(self) -> str:
        return str(self._cached()["document"])

    # Parameters

    def _value(self, key: str) -> Any:
        return self._cached()["parameters"][key].get("value")

    def duration(self, key: str) -> Optional[Duration]:
        """A duration parameter such as "suspected_after"; None when the rule is off."""
        amount, unit = ffi.new("int32_t *"), ffi.new("int32_t *")
        check(lib.kcbx_policy_duration(self._ptr, c_string(key, "key"), amount, unit))
        if unit[0] == lib.KCBX_DURATION_UNIT_OFF:
            return None
        return Duration(amount[0], DurationUnit(unit[0]))

    def _number(self, key: str) -> Optional[float]:
        value, is_set = ffi.new("double *"), ffi.new("int32_t *")
        check(lib.kcbx_policy_number(self._ptr, c_string(key, "key"), value, is_set))
        return value[0] if is_set[0] else None

    def number(self, key: str) -> Optional[float]:
        """A number parameter such as "consolidation_target"; None when the rule is off."""
        result = self._number(key)
        if isinstance(self._value(key), bool):
            raise InvalidInput(f"key: '{key}' is a flag, not a number; use flag()")
        return result

    def flag(self, key: str) -> bool:
        """A true/false parameter such as "dual_line"."""
        result = self._number(key)
        if not isinstance(self._value(key), bool):
            raise InvalidInput(f"key: '{key}' is a number, not a flag; use number()")
        return bool(result)

    def provenance(self, key: str) -> Tuple[Provenance, str]:
        """Where a parameter's value came from, and its citation (seed file and clause, the
        DOMAIN.md default, or the profile file)."""
        kind, citation = ffi.new("int32_t *"), ffi.new("char **")
        status = lib.kcbx_policy_provenance(self._ptr, c_string(key, "key"), kind, citation)
        try:
            check(status)  # reads the error message before any other kcbx_* call
        finally:
            text = take_string(citation[0])  # NULL on failure; freed either way
        return Provenance(kind[0]), text
