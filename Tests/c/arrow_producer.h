/* A producer of Arrow record batches for the C host tests (the Arrow C stream interface,
 * docs/arrow.md): columns of caller-owned buffers, handed out as batches cut at rows
 * cut[k] ..< cut[k + 1] (a batch's offset selects its rows out of the whole columns). Each
 * column's `array` is a template the test may spoil (length, offset, null count, buffers,
 * dictionary) to play a hostile producer; counters say what the consumer released and how
 * many batches it held; `schema_error`, `next_error` and `schema_format` make callbacks fail;
 * `on_next` (when set) is called before each batch is handed out, as another writer would act.
 * Used by test_arrow.c and test_arrow_stream.c. */
#ifndef KCBX_TEST_ARROW_PRODUCER_H
#define KCBX_TEST_ARROW_PRODUCER_H

#include <errno.h>
#include <stdint.h>
#include <string.h>

#define MAXCOL 10
#define MAXBATCH 64

typedef struct {
    const char *name, *format, *dict_format;
    struct ArrowArray array;        /* template of every batch's child: length, offset, null_count, n_buffers */
    const void *buffers[6];
    struct ArrowArray dict;         /* for dictionary columns (dict_format set) */
    const void *dict_buffers[3];
} column;

typedef struct {
    int n, batches, given, live, max_live_at_next;
    int schema_error;               /* get_schema fails with EIO */
    int next_error;                 /* get_next fails with EIO when asked for batch next_error - 1 */
    const char *schema_format;      /* NULL: "+s" */
    void (*on_next)(void *ctx, int batch);  /* called before batch `batch` is handed out; NULL: nothing */
    void *on_next_ctx;
    int64_t cut[MAXBATCH + 1];      /* batch k is rows cut[k] ..< cut[k + 1] */
    column cols[MAXCOL];
    struct ArrowSchema child_schemas[MAXCOL], dict_schemas[MAXCOL];
    struct ArrowSchema *child_schema_ptrs[MAXCOL];
    struct ArrowArray arrays[MAXBATCH][MAXCOL], dicts[MAXBATCH][MAXCOL];
    struct ArrowArray *array_ptrs[MAXBATCH][MAXCOL];
    int stream_released, schema_released, arrays_released;
} producer;

static void release_schema(struct ArrowSchema *s) {
    producer *p = (producer *)s->private_data;
    if (p) p->schema_released++;
    s->release = NULL;
}
static void release_child_schema(struct ArrowSchema *s) { s->release = NULL; }
static void release_child_array(struct ArrowArray *a) { a->release = NULL; }
static void release_batch(struct ArrowArray *a) {
    producer *p = (producer *)a->private_data;
    for (int i = 0; i < (int)a->n_children; i++)
        if (a->children[i]->release) a->children[i]->release(a->children[i]);
    p->live--;
    p->arrays_released++;
    a->release = NULL;
}

static int get_schema(struct ArrowArrayStream *st, struct ArrowSchema *out) {
    producer *p = (producer *)st->private_data;
    if (p->schema_error) return EIO;
    for (int i = 0; i < p->n; i++) {
        struct ArrowSchema *c = &p->child_schemas[i];
        memset(c, 0, sizeof *c);
        c->format = p->cols[i].format;
        c->name = p->cols[i].name;
        c->flags = ARROW_FLAG_NULLABLE;
        c->release = release_child_schema;
        if (p->cols[i].dict_format) {
            memset(&p->dict_schemas[i], 0, sizeof p->dict_schemas[i]);
            p->dict_schemas[i].format = p->cols[i].dict_format;
            p->dict_schemas[i].release = release_child_schema;
            c->dictionary = &p->dict_schemas[i];
        }
        p->child_schema_ptrs[i] = c;
    }
    memset(out, 0, sizeof *out);
    out->format = p->schema_format ? p->schema_format : "+s";
    out->name = "";
    out->n_children = p->n;
    out->children = p->child_schema_ptrs;
    out->release = release_schema;
    out->private_data = p;
    return 0;
}

static int get_next(struct ArrowArrayStream *st, struct ArrowArray *out) {
    producer *p = (producer *)st->private_data;
    static const void *no_buffers[1] = {NULL};
    if (p->next_error && p->given == p->next_error - 1) return EIO;
    memset(out, 0, sizeof *out);
    if (p->live > p->max_live_at_next) p->max_live_at_next = p->live;
    if (p->given >= p->batches) return 0;   /* end: release stays NULL */
    int k = p->given++;
    if (p->on_next) p->on_next(p->on_next_ctx, k);
    for (int i = 0; i < p->n; i++) {
        column *c = &p->cols[i];
        struct ArrowArray *a = &p->arrays[k][i];
        *a = c->array;
        a->buffers = c->buffers;
        a->release = release_child_array;
        if (c->dict_format) {
            struct ArrowArray *d = &p->dicts[k][i];
            *d = c->dict;
            d->buffers = c->dict_buffers;
            d->release = release_child_array;
            a->dictionary = d;
        }
        p->array_ptrs[k][i] = a;
    }
    out->length = p->cut[k + 1] - p->cut[k];
    out->offset = p->cut[k];
    out->n_buffers = 1;
    out->buffers = no_buffers;
    out->n_children = p->n;
    out->children = p->array_ptrs[k];
    out->release = release_batch;
    out->private_data = p;
    p->live++;
    return 0;
}

static const char *last_error(struct ArrowArrayStream *st) { (void)st; return "the disk went away"; }
static void release_stream(struct ArrowArrayStream *st) {
    ((producer *)st->private_data)->stream_released++;
    st->release = NULL;
}

static struct ArrowArrayStream stream_of(producer *p) {
    struct ArrowArrayStream s;
    s.get_schema = get_schema;
    s.get_next = get_next;
    s.get_last_error = last_error;
    s.release = release_stream;
    s.private_data = p;
    return s;
}

/* A column of `length` rows: n_buffers of b0 (validity), b1, b2. */
static inline column *add(producer *p, const char *name, const char *format, int64_t length, int n_buffers,
                   const void *b0, const void *b1, const void *b2) {
    column *c = &p->cols[p->n++];
    memset(c, 0, sizeof *c);
    c->name = name;
    c->format = format;
    c->array.length = length;
    c->array.n_buffers = n_buffers;
    c->buffers[0] = b0; c->buffers[1] = b1; c->buffers[2] = b2;
    return c;
}

/* One batch: rows offset ..< offset + length. */
static inline void one_batch(producer *p, int64_t offset, int64_t length) {
    p->batches = 1;
    p->cut[0] = offset;
    p->cut[1] = offset + length;
}

/* Batches of `size` rows out of `total` (the last shorter), at most MAXBATCH. */
static inline void cut_every(producer *p, int64_t total, int64_t size) {
    p->batches = 0;
    p->cut[0] = 0;
    for (int64_t at = 0; at < total && p->batches < MAXBATCH; at += size) p->cut[++p->batches] = at + size < total ? at + size : total;
}

#endif
