"""cffi build script (API / out-of-line mode) for the `kcbx._kcbx_cffi` extension.

The cdef is derived from include/kcbx.h at build time, never copied by hand: comments,
include guards, `#include`s and the C++ `extern "C"` wrapper are dropped; `#define NAME <int>`
becomes `#define NAME ...`. The extension compiles `#include "kcbx.h"` followed by the cdef's
function prototypes, so the C compiler checks every declaration against the real header, and
every constant (enum values, KCBX_ABI_VERSION) takes its value from the header, not the cdef.
"""
from __future__ import annotations

import os
import re

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
INCLUDE_DIR = os.path.join(REPO, "include")
HEADER = os.path.join(INCLUDE_DIR, "kcbx.h")
LIB_DIR = os.path.join(REPO, "out", "lib")

_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)  # whichever kind starts first
_CPLUSPLUS_BLOCK = re.compile(r"^[ \t]*#[ \t]*ifdef[ \t]+__cplusplus\b.*?^[ \t]*#[ \t]*endif\b[^\n]*", re.S | re.M)
_INT_DEFINE = re.compile(r"^#\s*define\s+([A-Za-z_]\w*)\s+\(?-?(?:0[xX][0-9a-fA-F]+|\d+)[uUlL]*\)?\s*$")


def header_to_cdef(text: str) -> str:
    """Turns the text of kcbx.h into declarations cffi's cdef accepts."""
    text = _COMMENT.sub("", text)
    text = _CPLUSPLUS_BLOCK.sub("", text)
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            m = _INT_DEFINE.match(stripped)
            if m:  # integer macro: let cffi take the value from the header
                out.append(f"#define {m.group(1)} ...")
            continue  # include guards, #include, other directives
        out.append(line.rstrip())
    return "\n".join(out) + "\n"


def function_declarations(cdef: str) -> str:
    """The cdef's function prototypes, to be compiled after the header: C rejects a
    redeclaration whose type differs, so the compiler checks every one against kcbx.h."""
    text = re.sub(r"^#[^\n]*", "", cdef, flags=re.M)
    text = re.sub(r"\{[^{}]*\}", "{}", text)  # enum bodies
    statements = (s.strip() for s in text.split(";"))
    return "\n".join(s + ";" for s in statements if "(" in s and not s.startswith("typedef"))


def read_cdef(path: str = HEADER) -> str:
    with open(path, encoding="utf-8") as f:
        return header_to_cdef(f.read())


CDEF = read_cdef()
ffibuilder = FFI()
ffibuilder.cdef(CDEF)
ffibuilder.set_source(
    "kcbx._kcbx_cffi",
    '#include "kcbx.h"\n\n' + function_declarations(CDEF),
    include_dirs=[INCLUDE_DIR],
    library_dirs=[LIB_DIR],
    libraries=["kcbx"],
    # libkcbx.so.0 is installed next to the extension; $ORIGIN finds it without LD_LIBRARY_PATH.
    extra_link_args=["-Wl,-rpath,$ORIGIN"],
)

if __name__ == "__main__":  # show what cffi is given
    print(CDEF)
    print(function_declarations(CDEF))
