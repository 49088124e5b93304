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


# Helpers for the Arrow PyCapsule interface (kcbx/_arrow.py), compiled into the extension: the
# stream behind a result's capsule, the capsule's destructor, and a one-batch stream built from
# an (ArrowSchema, ArrowArray) pair (`__arrow_c_array__`). Python.h comes first in cffi's module.
ARROW_HELPERS_CDEF = """
struct ArrowArrayStream *kcbx_py_stream_new(void);
void kcbx_py_stream_free(struct ArrowArrayStream *s);
void kcbx_py_stream_capsule_free(void *capsule);
int kcbx_py_stream_from_array(struct ArrowSchema *schema, struct ArrowArray *array, struct ArrowArrayStream *out);
int kcbx_py_text_stream(int n_columns, const char **names, int64_t rows, const int32_t **offsets, const char **data,
                        struct ArrowArrayStream *out);
"""
ARROW_HELPERS = r"""
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct ArrowArrayStream *kcbx_py_stream_new(void) {
    return (struct ArrowArrayStream *)calloc(1, sizeof(struct ArrowArrayStream));
}

static void kcbx_py_stream_free(struct ArrowArrayStream *s) {
    if (s == NULL) return;
    if (s->release != NULL) s->release(s);
    free(s);
}

/* PyCapsule destructor of an "arrow_array_stream" capsule we made: releases the stream unless
   the consumer moved it out (release NULL), then frees the struct. */
static void kcbx_py_stream_capsule_free(void *capsule) {
    struct ArrowArrayStream *s = (struct ArrowArrayStream *)PyCapsule_GetPointer((PyObject *)capsule, "arrow_array_stream");
    if (s == NULL) { PyErr_Clear(); return; }
    if (s->release != NULL) s->release(s);
    free(s);
}

struct kcbx_py_one_batch { struct ArrowSchema schema; struct ArrowArray array; };

/* The schema is moved out on the first call (kcbx asks once). */
static int kcbx_py_one_get_schema_copy(struct ArrowArrayStream *s, struct ArrowSchema *out) {
    struct kcbx_py_one_batch *b = (struct kcbx_py_one_batch *)s->private_data;
    if (b->schema.release == NULL) return EINVAL;
    *out = b->schema; b->schema.release = NULL;   /* moved */
    return 0;
}

static int kcbx_py_one_get_next(struct ArrowArrayStream *s, struct ArrowArray *out) {
    struct kcbx_py_one_batch *b = (struct kcbx_py_one_batch *)s->private_data;
    *out = b->array; b->array.release = NULL;   /* moved; the next call gives the end */
    return 0;
}

static const char *kcbx_py_one_error(struct ArrowArrayStream *s) { (void)s; return NULL; }

static void kcbx_py_one_release(struct ArrowArrayStream *s) {
    struct kcbx_py_one_batch *b = (struct kcbx_py_one_batch *)s->private_data;
    if (b->schema.release != NULL) b->schema.release(&b->schema);
    if (b->array.release != NULL) b->array.release(&b->array);
    free(b);
    s->release = NULL;
}

/* Moves `schema` and `array` (a struct array: one record batch) into a stream of one batch. */
/* One batch of utf8 columns over buffers the caller keeps alive during the call (names, offsets
   and bytes are borrowed); the structs are freed when both the schema and the batch are released. */
struct kcbx_py_text { int refs, n; struct ArrowSchema *field_ptrs[16]; struct ArrowSchema fields[16];
                      struct ArrowArray *col_ptrs[16]; struct ArrowArray cols[16]; const void *bufs[16][3]; const void *none[1]; };

static void kcbx_py_text_unref(struct kcbx_py_text *t) { if (--t->refs == 0) free(t); }
static void kcbx_py_text_child_schema_release(struct ArrowSchema *s) { s->release = NULL; }
static void kcbx_py_text_child_array_release(struct ArrowArray *a) { a->release = NULL; }
static void kcbx_py_text_schema_release(struct ArrowSchema *s) {
    struct kcbx_py_text *t = (struct kcbx_py_text *)s->private_data;
    s->release = NULL;
    kcbx_py_text_unref(t);
}
static void kcbx_py_text_array_release(struct ArrowArray *a) {
    struct kcbx_py_text *t = (struct kcbx_py_text *)a->private_data;
    a->release = NULL;
    kcbx_py_text_unref(t);
}

static int kcbx_py_stream_from_array(struct ArrowSchema *schema, struct ArrowArray *array, struct ArrowArrayStream *out);

static int kcbx_py_text_stream(int n_columns, const char **names, int64_t rows, const int32_t **offsets, const char **data,
                               struct ArrowArrayStream *out) {
    struct ArrowSchema schema;
    struct ArrowArray array;
    struct kcbx_py_text *t;
    int i;
    if (n_columns < 0 || n_columns > 16) return EINVAL;
    t = (struct kcbx_py_text *)calloc(1, sizeof *t);
    if (t == NULL) return ENOMEM;
    t->refs = 2; t->n = n_columns;
    for (i = 0; i < n_columns; i++) {
        t->fields[i].format = "u"; t->fields[i].name = names[i]; t->fields[i].flags = 2;
        t->fields[i].release = kcbx_py_text_child_schema_release; t->field_ptrs[i] = &t->fields[i];
        t->bufs[i][0] = NULL; t->bufs[i][1] = offsets[i]; t->bufs[i][2] = data[i];
        t->cols[i].length = rows; t->cols[i].n_buffers = 3; t->cols[i].buffers = t->bufs[i];
        t->cols[i].release = kcbx_py_text_child_array_release; t->col_ptrs[i] = &t->cols[i];
    }
    memset(&schema, 0, sizeof schema);
    schema.format = "+s"; schema.name = ""; schema.n_children = n_columns; schema.children = t->field_ptrs;
    schema.release = kcbx_py_text_schema_release; schema.private_data = t;
    memset(&array, 0, sizeof array);
    array.length = rows; array.n_buffers = 1; array.buffers = t->none; array.n_children = n_columns;
    array.children = t->col_ptrs; array.release = kcbx_py_text_array_release; array.private_data = t;
    if (kcbx_py_stream_from_array(&schema, &array, out) != 0) { free(t); return ENOMEM; }
    return 0;
}

static int kcbx_py_stream_from_array(struct ArrowSchema *schema, struct ArrowArray *array, struct ArrowArrayStream *out) {
    struct kcbx_py_one_batch *b = (struct kcbx_py_one_batch *)calloc(1, sizeof *b);
    if (b == NULL) return ENOMEM;
    b->schema = *schema; schema->release = NULL;
    b->array = *array; array->release = NULL;
    out->get_schema = kcbx_py_one_get_schema_copy;
    out->get_next = kcbx_py_one_get_next;
    out->get_last_error = kcbx_py_one_error;
    out->release = kcbx_py_one_release;
    out->private_data = b;
    return 0;
}
"""

CDEF = read_cdef()
ffibuilder = FFI()
ffibuilder.cdef(CDEF + ARROW_HELPERS_CDEF)
ffibuilder.set_source(
    "kcbx._kcbx_cffi",
    '#include "kcbx.h"\n\n' + function_declarations(CDEF) + "\n" + ARROW_HELPERS,
    include_dirs=[INCLUDE_DIR],
    library_dirs=[LIB_DIR],
    libraries=["kcbx"],
    # libkcbx.so.0 is installed next to the extension; $ORIGIN finds it without LD_LIBRARY_PATH.
    extra_link_args=["-Wl,-rpath,$ORIGIN"],
)

if __name__ == "__main__":  # show what cffi is given
    print(CDEF)
    print(function_declarations(CDEF))
