"""The lifetime every wrapper of a kcbx_* handle shares: freed by close(), by leaving a `with`
block, or by garbage collection (ffi.gc); a closed wrapper raises ValueError."""
from __future__ import annotations

from typing import Any, TypeVar

from ._native import ffi

H = TypeVar("H", bound="NativeHandle")


class NativeHandle:
    """Base of Policy, Calendar, Ledger and ClassificationTable: owns one ffi.gc'd handle."""
    _handle: Any

    @property
    def closed(self) -> bool:
        return self._handle is None

    def close(self) -> None:
        """Frees the handle now. Calling it again does nothing."""
        handle, self._handle = self._handle, None
        if handle is not None:
            ffi.release(handle)

    def __enter__(self: H) -> H:
        _ = self._ptr  # refuse to enter a closed handle
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def _ptr(self) -> Any:
        if self._handle is None:
            raise ValueError(f"operation on a closed kcbx.{type(self).__name__}")
        return self._handle
