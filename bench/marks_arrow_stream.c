/* The attendance import from an Arrow stream (kcbx_ledger_import_marks_arrow) whose producer reads a
 * marks CSV lazily: each record batch (student utf8, date int32 YYYYMMDD, kind int8) is made when the
 * library asks for it and freed when the library releases it, so the process's peak RSS is the
 * library's memory plus the batches it holds at once. Prints the call's CPU seconds, marks a CPU
 * second, the counts, peak RSS and the most batches alive at once (bench/profiles/columns.md).
 *
 *   cc -O2 -std=c99 -Iinclude bench/marks_arrow_stream.c -Lout/lib -l:libkcbx.so.0 -Wl,-rpath,$PWD/out/lib -o /tmp/marks_arrow_stream
 *   /tmp/marks_arrow_stream COPY.kcbx /work/data/c50000/county/attendance.csv guyuan-2021 640422 [ROWS_A_BATCH]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "kcbx.h"

typedef struct {
    FILE *f;
    int64_t rows_a_batch;
    int live, max_live, given;
} source;

typedef struct {
    source *src;
    int32_t *offsets;
    char *text;
    int32_t *dates;
    int8_t *kinds;
    const void *buffers[3][3];
    struct ArrowArray children[3];
    struct ArrowArray *child_ptrs[3];
} batch;

static double cpu(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec * 1e-6 + (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec * 1e-6;
}

static int8_t kind_of(const char *s) {
    static const char *labels[] = {"present", "approved_leave", "unexcused", "late", "left_early"};
    for (int8_t k = 0; k < 5; k++)
        if (strcmp(s, labels[k]) == 0) return k;
    return (int8_t)atoi(s);
}

static void release_child(struct ArrowArray *a) { a->release = NULL; }
static void release_batch(struct ArrowArray *a) {
    batch *b = (batch *)a->private_data;
    for (int i = 0; i < 3; i++)
        if (b->children[i].release) b->children[i].release(&b->children[i]);
    b->src->live--;
    free(b->offsets); free(b->text); free(b->dates); free(b->kinds); free(b);
    a->release = NULL;
}

static const char *names[3] = {"student", "date", "kind"}, *formats[3] = {"u", "i", "c"};
static struct ArrowSchema child_schemas[3];
static struct ArrowSchema *child_schema_ptrs[3];
static void release_schema_child(struct ArrowSchema *s) { s->release = NULL; }
static void release_schema(struct ArrowSchema *s) { s->release = NULL; }

static int get_schema(struct ArrowArrayStream *st, struct ArrowSchema *out) {
    (void)st;
    for (int i = 0; i < 3; i++) {
        memset(&child_schemas[i], 0, sizeof child_schemas[i]);
        child_schemas[i].format = formats[i];
        child_schemas[i].name = names[i];
        child_schemas[i].release = release_schema_child;
        child_schema_ptrs[i] = &child_schemas[i];
    }
    memset(out, 0, sizeof *out);
    out->format = "+s";
    out->name = "";
    out->n_children = 3;
    out->children = child_schema_ptrs;
    out->release = release_schema;
    return 0;
}

static int get_next(struct ArrowArrayStream *st, struct ArrowArray *out) {
    source *src = (source *)st->private_data;
    static const void *no_buffers[1] = {NULL};
    memset(out, 0, sizeof *out);
    batch *b = calloc(1, sizeof *b);
    int64_t cap = src->rows_a_batch, n = 0;
    size_t text_len = 0, text_cap = (size_t)cap * 20;
    b->src = src;
    b->offsets = malloc((size_t)(cap + 1) * sizeof *b->offsets);
    b->text = malloc(text_cap);
    b->dates = malloc((size_t)cap * sizeof *b->dates);
    b->kinds = malloc((size_t)cap * sizeof *b->kinds);
    b->offsets[0] = 0;
    char line[512];
    while (n < cap && fgets(line, sizeof line, src->f)) {
        char *d = strchr(line, ','), *k = d ? strchr(d + 1, ',') : NULL;
        if (!k) continue;
        *d++ = '\0';
        *k++ = '\0';
        k[strcspn(k, "\r\n,")] = '\0';
        size_t len = strlen(line);
        if (text_len + len > text_cap) { text_cap = (text_cap + len) * 2; b->text = realloc(b->text, text_cap); }
        memcpy(b->text + text_len, line, len);
        text_len += len;
        b->dates[n] = (int32_t)(atoi(d) * 10000 + atoi(d + 5) * 100 + atoi(d + 8));
        b->kinds[n] = kind_of(k);
        n++;
        b->offsets[n] = (int32_t)text_len;
    }
    if (n == 0) {  /* end of stream: release stays NULL */
        free(b->offsets); free(b->text); free(b->dates); free(b->kinds); free(b);
        return 0;
    }
    const void *cols[3][3] = {{NULL, b->offsets, b->text}, {NULL, b->dates, NULL}, {NULL, b->kinds, NULL}};
    for (int i = 0; i < 3; i++) {
        memcpy(b->buffers[i], cols[i], sizeof cols[i]);
        memset(&b->children[i], 0, sizeof b->children[i]);
        b->children[i].length = n;
        b->children[i].n_buffers = i == 0 ? 3 : 2;
        b->children[i].buffers = b->buffers[i];
        b->children[i].release = release_child;
        b->child_ptrs[i] = &b->children[i];
    }
    out->length = n;
    out->n_buffers = 1;
    out->buffers = no_buffers;
    out->n_children = 3;
    out->children = b->child_ptrs;
    out->release = release_batch;
    out->private_data = b;
    src->given++;
    if (++src->live > src->max_live) src->max_live = src->live;
    return 0;
}

static const char *last_error(struct ArrowArrayStream *st) { (void)st; return "read error"; }
static void release_stream(struct ArrowArrayStream *st) { st->release = NULL; }

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s LEDGER MARKS.csv PROFILE UNIT_CODE [ROWS_A_BATCH]\n", argv[0]);
        return 2;
    }
    source src = {fopen(argv[2], "r"), argc > 5 ? atoll(argv[5]) : 65536, 0, 0, 0};
    char header[256];
    if (!src.f || src.rows_a_batch < 1 || !fgets(header, sizeof header, src.f)) return 2;
    kcbx_policy *policy = NULL;
    kcbx_ledger *ledger = NULL;
    kcbx_import_result *r = NULL;
    kcbx_actor actor = KCBX_ACTOR_INIT;
    actor.level = "county";
    actor.unit_code = argv[4];
    actor.person = "县教育局信息中心";
    if (kcbx_policy_builtin(argv[3], &policy) != KCBX_STATUS_OK || kcbx_ledger_open(argv[1], policy, &actor, &ledger) != KCBX_STATUS_OK) {
        fprintf(stderr, "open: %s\n", kcbx_last_error_message());
        return 1;
    }
    struct ArrowArrayStream s = {get_schema, get_next, last_error, release_stream, &src};
    double t0 = cpu();
    kcbx_status st = kcbx_ledger_import_marks_arrow(ledger, &s, &r);
    double t = cpu() - t0;
    int64_t rows = -1, changed = -1, unchanged = -1, conflicts = -1;
    kcbx_import_result_count(r, KCBX_IMPORT_COUNT_ROWS, &rows);
    kcbx_import_result_count(r, KCBX_IMPORT_COUNT_CHANGED, &changed);
    kcbx_import_result_count(r, KCBX_IMPORT_COUNT_UNCHANGED, &unchanged);
    kcbx_import_result_count(r, KCBX_IMPORT_COUNT_CONFLICTS, &conflicts);
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    printf("status %d rows %lld changed %lld unchanged %lld conflicts %lld cpu %.2f s (CSV parsing in the producer included) %.0f marks/s "
           "peak_rss %ld KB batches %d max_alive %d\n",
           (int)st, (long long)rows, (long long)changed, (long long)unchanged, (long long)conflicts, t, (double)rows / t, u.ru_maxrss,
           src.given, src.max_live);
    if (st != KCBX_STATUS_OK) fprintf(stderr, "%s\n", kcbx_last_error_message());
    kcbx_import_result_free(r);
    kcbx_ledger_free(ledger);
    kcbx_policy_free(policy);
    fclose(src.f);
    return st == KCBX_STATUS_OK ? 0 : 1;
}
