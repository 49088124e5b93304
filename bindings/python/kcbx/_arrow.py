"""The Arrow PyCapsule interface (https://arrow.apache.org/docs/format/CDataInterface/PyCapsuleInterface.html)
without pyarrow: any object with `__arrow_c_stream__` (pyarrow Table / RecordBatchReader, polars
DataFrame, pandas DataFrame, DuckDB relation) or `__arrow_c_array__` (a record batch) is handed
to the library as a `struct ArrowArrayStream *`, and results export one through a capsule.
Capsules are read and made with ctypes.pythonapi; the destructor is C in the extension."""
from __future__ import annotations

import ctypes
import struct
from typing import Any, Callable, Dict, List, Optional, Tuple

from ._native import ffi, lib

__all__ = ["is_arrow", "input_stream", "export_capsule", "StreamCapsule", "TextStream", "schema_metadata", "text_column"]

_STREAM = b"arrow_array_stream"
_SCHEMA = b"arrow_schema"
_ARRAY = b"arrow_array"

_api = ctypes.pythonapi
_api.PyCapsule_GetPointer.restype = ctypes.c_void_p
_api.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
_api.PyCapsule_New.restype = ctypes.py_object
_api.PyCapsule_New.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
_api.PyCapsule_IsValid.restype = ctypes.c_int
_api.PyCapsule_IsValid.argtypes = [ctypes.py_object, ctypes.c_char_p]

_DESTRUCTOR = int(ffi.cast("uintptr_t", ffi.addressof(lib, "kcbx_py_stream_capsule_free")))


def is_arrow(obj: Any) -> bool:
    """True when `obj` exports the Arrow PyCapsule interface (a stream or a record batch)."""
    return obj is not None and (hasattr(obj, "__arrow_c_stream__") or hasattr(obj, "__arrow_c_array__"))


def _pointer(capsule: Any, name: bytes) -> int:
    if not _api.PyCapsule_IsValid(capsule, name):
        raise TypeError(f"expected a PyCapsule named {name.decode()!r}")
    return int(_api.PyCapsule_GetPointer(capsule, name))


class StreamCapsule:
    """An input stream for one library call: the capsule (whose destructor releases the stream
    if the library did not consume it) and the `struct ArrowArrayStream *` inside it."""

    def __init__(self, obj: Any, field: str) -> None:
        self.keep: Tuple[Any, ...]
        if hasattr(obj, "__arrow_c_stream__"):
            capsule = obj.__arrow_c_stream__()
            self.keep = (capsule,)
            self.ptr = ffi.cast("struct ArrowArrayStream *", _pointer(capsule, _STREAM))
        elif hasattr(obj, "__arrow_c_array__"):
            schema_capsule, array_capsule = obj.__arrow_c_array__()
            schema = ffi.cast("struct ArrowSchema *", _pointer(schema_capsule, _SCHEMA))
            array = ffi.cast("struct ArrowArray *", _pointer(array_capsule, _ARRAY))
            stream = ffi.gc(lib.kcbx_py_stream_new(), _free_stream)
            if stream == ffi.NULL:
                raise MemoryError("kcbx: no memory for an Arrow stream")
            if lib.kcbx_py_stream_from_array(schema, array, stream) != 0:
                raise MemoryError("kcbx: no memory for an Arrow stream")
            self.keep = (schema_capsule, array_capsule, stream)
            self.ptr = stream
        else:
            raise TypeError(f"{field}: {type(obj).__name__} does not export the Arrow PyCapsule interface")


class TextStream:
    """A stream of one batch of utf8 columns made here from Python strings (a CSV file or a list
    of IDs beside Arrow inputs): `ptr` is the `struct ArrowArrayStream *`; the buffers live as
    long as this object."""

    def __init__(self, columns: Dict[str, List[str]], field: str) -> None:
        if len(columns) > 16:
            raise ValueError(f"{field}: more than 16 columns")
        rows = {len(v) for v in columns.values()}
        if len(rows) > 1:
            raise ValueError(f"{field}: columns have different lengths {sorted(rows)}")
        n_rows = rows.pop() if rows else 0
        names = [ffi.new("char[]", k.encode("utf-8")) for k in columns]
        offsets: List[Any] = []
        data: List[Any] = []
        for values in columns.values():
            encoded = [v.encode("utf-8") for v in values]
            bounds = [0]
            for e in encoded:
                bounds.append(bounds[-1] + len(e))
            if bounds[-1] > 2**31 - 1:
                raise ValueError(f"{field}: more than 2 GB of text in one column")
            offsets.append(ffi.new("int32_t[]", bounds))
            data.append(ffi.new("char[]", b"".join(encoded) or b"\0"))
        c_names, c_offsets, c_data = ffi.new("char *[]", names), ffi.new("int32_t *[]", offsets), ffi.new("char *[]", data)
        stream = ffi.gc(lib.kcbx_py_stream_new(), _free_stream)
        if stream == ffi.NULL or lib.kcbx_py_text_stream(len(names), c_names, n_rows, c_offsets, c_data, stream) != 0:
            raise MemoryError("kcbx: no memory for an Arrow stream")
        self.keep: Tuple[Any, ...] = (names, offsets, data, c_names, c_offsets, c_data, stream)
        self.ptr = stream


def _free_stream(s: Any) -> None:
    lib.kcbx_py_stream_free(s)


def input_stream(obj: Any, field: str) -> StreamCapsule:
    return StreamCapsule(obj, field)


def export_capsule(fill: Callable[[Any], None]) -> Any:
    """A new "arrow_array_stream" capsule; `fill(stream)` writes the stream (raising on error)."""
    stream = lib.kcbx_py_stream_new()
    if stream == ffi.NULL:
        raise MemoryError("kcbx: no memory for an Arrow stream")
    address = int(ffi.cast("uintptr_t", stream))
    capsule = _api.PyCapsule_New(address, _STREAM, _DESTRUCTOR)  # owns the struct from here on
    fill(stream)
    return capsule


def _stream_schema(stream: Any) -> Any:
    schema = ffi.new("struct ArrowSchema *")
    if stream.get_schema(stream, schema) != 0:
        raise RuntimeError("kcbx: the Arrow stream gave no schema")
    def release(s: Any) -> None:
        if s.release != ffi.NULL:
            s.release(s)
    return ffi.gc(schema, release)


def schema_metadata(stream: Any) -> Dict[str, str]:
    """The key/value metadata of a stream's schema (Arrow's int32-length encoding)."""
    schema = _stream_schema(stream)
    if schema.metadata == ffi.NULL:
        return {}
    head = ffi.unpack(ffi.cast("char *", schema.metadata), 4)
    (n,) = struct.unpack("<i", head)
    pos = 4
    out: Dict[str, str] = {}
    for _ in range(n):
        pair: List[str] = []
        for _ in range(2):
            (size,) = struct.unpack("<i", ffi.unpack(ffi.cast("char *", schema.metadata) + pos, 4))
            pos += 4
            pair.append(ffi.unpack(ffi.cast("char *", schema.metadata) + pos, size).decode("utf-8"))
            pos += size
        out[pair[0]] = pair[1]
    return out


def text_column(stream: Any, index: int) -> Optional[List[str]]:
    """Column `index` of a stream of our own making (one batch) as strings when it is utf8, else None."""
    schema = _stream_schema(stream)
    if ffi.string(schema.children[index].format) != b"u":
        return None
    array = ffi.new("struct ArrowArray *")
    if stream.get_next(stream, array) != 0 or array.release == ffi.NULL:
        return []
    try:
        col = array.children[index]
        offsets = ffi.cast("int32_t *", col.buffers[1])
        data = ffi.cast("char *", col.buffers[2])
        bounds = ffi.unpack(offsets, int(col.length) + 1)
        blob = ffi.unpack(data, bounds[-1]) if bounds[-1] else b""
        return [blob[a:b].decode("utf-8") for a, b in zip(bounds, bounds[1:])]
    finally:
        array.release(array)
