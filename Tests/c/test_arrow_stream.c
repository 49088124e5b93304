/* C host test of Arrow streams of many batches (issue 14, docs/arrow.md "Streams of many
 * batches" and "Reconciliation"): a small C producer hands out record batches of hand-filled
 * columns cut at arbitrary rows (inside a child's marks, empty batches, a batch inside one
 * child), and
 *  - kcbx_classify_arrow_table gives the same table (every column, ids, conflicts) from many
 *    batches as from one, releasing each batch before asking for the next (at most one batch
 *    held when get_next is called); unsorted batches fall back to reading the stream whole and
 *    still agree; a key that goes back after sorted batches is refused naming its row;
 *  - kcbx_reconcile_arrow over the sample registries (data/sample, parsed here into text and
 *    int8 columns, batches of 300 rows) gives the same findings and summary, cell by cell, as
 *    kcbx_reconcile_csv over the same files.
 * Seed: 004 二（三）2 (three unexcused school days raise the three-line report, dongchuan-2025);
 * 004 二（二） (四查三比对). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "files.h"
#include "arrow_producer.h"

static const char *CAL_JSON =
    "{\"kcbx_calendar\": 1, \"name\": \"test 2025-2026\", \"school_years\": [{\"school_year\": 2025,"
    " \"terms\": [{\"name\": \"autumn\", \"start\": \"2025-09-01\", \"end\": \"2026-01-16\"},"
    "            {\"name\": \"spring\", \"start\": \"2026-03-02\", \"end\": \"2026-07-10\"}],"
    " \"holidays\": [{\"name\": \"国庆节、中秋节\", \"from\": \"2025-10-01\", \"to\": \"2025-10-08\"}],"
    " \"make_up_days\": [\"2025-09-28\", \"2025-10-11\"]}]}";

/* ---- classification: many batches against one -------------------------------------------------- */

#define CHILDREN 40
#define DAYS 20
#define NMARKS (CHILDREN * DAYS + 1)
static int32_t mark_child[NMARKS], mark_date[NMARKS];
static int8_t mark_kind[NMARKS];
static int32_t text_offsets[NMARKS + 1];
static char text_keys[NMARKS * 8];

/* Children 100, 103, 106, ... (sorted keys), each with the 20 school days of September 1-26
 * 2025 (date32); every fifth child absent without leave on its last 3 + c % 4 days (the
 * three-line report), some leave and late marks, and child 7 with a duplicate mark (present,
 * then unexcused on 2025-09-12) at marks 149-150. */
static void make_marks(void) {
    int m = 0;
    for (int c = 0; c < CHILDREN; c++) {
        int day = 0;
        for (int w = 0; w < 4; w++)
            for (int d = 0; d < 5; d++, day++) {
                mark_child[m] = 100 + 3 * c;
                mark_date[m] = 20332 + 7 * w + d;   /* 2025-09-01 is day 20332 */
                mark_kind[m] = (c % 5 == 0 && day >= DAYS - 3 - c % 4) ? 2 : ((c + day) % 13 == 0 ? 1 : ((c * 7 + day) % 17 == 0 ? 3 : 0));
                m++;
                if (c == 7 && day == 9) {   /* the duplicate: same day, later mark wins */
                    mark_child[m] = mark_child[m - 1]; mark_date[m] = mark_date[m - 1]; mark_kind[m] = 2;
                    m++;
                }
            }
    }
    text_offsets[0] = 0;
    for (int i = 0; i < NMARKS; i++) {
        int n = snprintf(text_keys + text_offsets[i], 8, "k%04d", mark_child[i]);   /* text keys sort as the numbers do */
        text_offsets[i + 1] = text_offsets[i] + n;
    }
}

static void mark_producer(producer *p, int text) {
    memset(p, 0, sizeof *p);
    if (text) add(p, "child", "u", NMARKS, 3, NULL, text_offsets, text_keys);
    else add(p, "child", "i", NMARKS, 2, NULL, mark_child, NULL);
    add(p, "date", "tdD", NMARKS, 2, NULL, mark_date, NULL);
    add(p, "kind", "c", NMARKS, 2, NULL, mark_kind, NULL);
}

static kcbx_policy *pol;
static kcbx_calendar *cal;

static kcbx_table *classify(producer *p) {
    kcbx_table *t = NULL;
    struct ArrowArrayStream in = stream_of(p);
    kcbx_status s = kcbx_classify_arrow_table(pol, cal, 20250930, &in, NULL, &t);
    CHECK(s == KCBX_STATUS_OK, "classified");
    if (s != KCBX_STATUS_OK) fprintf(stderr, "  %s\n", kcbx_last_error_message());
    CHECK(p->stream_released == 1 && p->live == 0, "the stream and every batch released");
    return t;
}

/* Every column, id and conflict of `a` and `b` agree. */
static void same_tables(kcbx_table *a, kcbx_table *b, const char *what) {
    int64_t na = -1, nb = -2, ca = -1, cb = -2;
    int same = 1;
    if (!a || !b) { CHECK(0, what); return; }
    kcbx_table_rows(a, &na); kcbx_table_rows(b, &nb);
    CHECK(na == CHILDREN && nb == CHILDREN, "one row per child");
    int64_t ida[CHILDREN], idb[CHILDREN];
    int32_t va[CHILDREN], vb[CHILDREN];
    kcbx_table_copy_child_ids(a, ida, CHILDREN); kcbx_table_copy_child_ids(b, idb, CHILDREN);
    if (memcmp(ida, idb, sizeof ida) != 0) same = 0;
    for (kcbx_table_column c = KCBX_TABLE_COLUMN_STATUS; c <= KCBX_TABLE_COLUMN_PROPOSED_REASON; c++) {
        kcbx_table_copy_column(a, c, KCBX_DATE_ENCODING_YYYYMMDD, va, CHILDREN);
        kcbx_table_copy_column(b, c, KCBX_DATE_ENCODING_YYYYMMDD, vb, CHILDREN);
        if (memcmp(va, vb, sizeof va) != 0) { same = 0; fprintf(stderr, "  column %d differs\n", (int)c); }
    }
    kcbx_table_conflict_count(a, &ca); kcbx_table_conflict_count(b, &cb);
    CHECK(ca == 1 && cb == 1, "the duplicate mark is one conflict");
    if (ca == 1 && cb == 1) {
        int64_t ra, rb, xa, xb, ka, kb;
        int32_t da, db;
        kcbx_table_conflict(a, 0, &ra, &da, &xa, &ka);
        kcbx_table_conflict(b, 0, &rb, &db, &xb, &kb);
        CHECK(ra == 7 && da == 20250912 && xa == 149 && ka == 150, "conflict: child row 7, 2025-09-12, mark 149 replaced by 150");
        if (ra != rb || da != db || xa != xb || ka != kb) same = 0;
    }
    CHECK(same, what);
}

static void test_classify_batches(void) {
    producer one, many;
    int64_t status0 = -1;
    make_marks();
    mark_producer(&one, 0);
    one_batch(&one, 0, NMARKS);
    kcbx_table *whole = classify(&one);
    /* 004 二（三）2: child 0 (key 100) was absent without leave on its last 3 school days. */
    if (whole) kcbx_table_value(whole, 0, KCBX_TABLE_COLUMN_STATUS, &status0);
    CHECK(status0 == KCBX_CHILD_STATUS_THREE_LINE_ALERT, "child 100: three_line_alert");

    /* Cuts inside a child's marks (5, 10), an empty batch (30..30), a batch inside child 1
     * (marks 20-39: 22..30), the duplicate pair split (149 | 150), and the last mark alone. */
    static const int64_t cuts[] = {0, 5, 10, 22, 30, 30, 150, 156, 400, 800, NMARKS};
    mark_producer(&many, 0);
    many.batches = (int)(sizeof cuts / sizeof cuts[0]) - 1;
    memcpy(many.cut, cuts, sizeof cuts);
    kcbx_table *streamed = classify(&many);
    same_tables(whole, streamed, "int32 keys: ten batches give the table of one batch");
    CHECK(many.max_live_at_next <= 1, "at most one batch held when the next is asked for (no copy of the stream)");
    kcbx_table_free(streamed);

    /* Batches of 7 marks: 115 batches would exceed this producer; 64 batches of 13. */
    mark_producer(&many, 0);
    cut_every(&many, NMARKS, 13);
    CHECK(many.batches == 62, "62 batches of 13 marks");
    streamed = classify(&many);
    same_tables(whole, streamed, "int32 keys: batches of 13 marks");
    CHECK(many.max_live_at_next <= 1, "batches of 13: one batch held at a time");
    kcbx_table_free(streamed);

    /* Text keys, one batch against many. */
    mark_producer(&one, 1);
    one_batch(&one, 0, NMARKS);
    kcbx_table *text_whole = classify(&one);
    mark_producer(&many, 1);
    many.batches = (int)(sizeof cuts / sizeof cuts[0]) - 1;
    memcpy(many.cut, cuts, sizeof cuts);
    streamed = classify(&many);
    same_tables(text_whole, streamed, "text keys: ten batches give the table of one batch");
    CHECK(many.max_live_at_next <= 1, "text keys: one batch held at a time");
    kcbx_table_free(streamed);
    kcbx_table_free(text_whole);
    kcbx_table_free(whole);
}

/* A first batch not sorted by child: the stream is read whole (every batch held) and the table
 * is still right; a key going back after sorted batches is refused naming its row. */
static void test_classify_unsorted(void) {
    static int32_t child[NMARKS], date[NMARKS];
    static int8_t kind[NMARKS];
    producer p;
    /* The marks with the first two children swapped: keys 103.. then 100.. in the first batch. */
    memcpy(child, mark_child + DAYS, DAYS * sizeof(int32_t)); memcpy(child + DAYS, mark_child, DAYS * sizeof(int32_t));
    memcpy(date, mark_date + DAYS, DAYS * sizeof(int32_t)); memcpy(date + DAYS, mark_date, DAYS * sizeof(int32_t));
    memcpy(kind, mark_kind + DAYS, DAYS); memcpy(kind + DAYS, mark_kind, DAYS);
    memcpy(child + 2 * DAYS, mark_child + 2 * DAYS, (NMARKS - 2 * DAYS) * sizeof(int32_t));
    memcpy(date + 2 * DAYS, mark_date + 2 * DAYS, (NMARKS - 2 * DAYS) * sizeof(int32_t));
    memcpy(kind + 2 * DAYS, mark_kind + 2 * DAYS, NMARKS - 2 * DAYS);
    memset(&p, 0, sizeof p);
    add(&p, "child", "i", NMARKS, 2, NULL, child, NULL);
    add(&p, "date", "tdD", NMARKS, 2, NULL, date, NULL);
    add(&p, "kind", "c", NMARKS, 2, NULL, kind, NULL);
    cut_every(&p, NMARKS, 100);
    kcbx_table *t = classify(&p);
    int64_t id0 = -1, status0 = -1;
    if (t) { kcbx_table_value(t, 0, KCBX_TABLE_COLUMN_CHILD_ID, &id0); kcbx_table_value(t, 0, KCBX_TABLE_COLUMN_STATUS, &status0); }
    CHECK(id0 == 100 && status0 == KCBX_CHILD_STATUS_THREE_LINE_ALERT, "unsorted first batch: read whole, rows in key order");
    CHECK(p.max_live_at_next >= 2, "unsorted first batch: the stream is held whole");
    kcbx_table_free(t);

    /* Sorted in its first batch (rows 0-99), then key 100 again at row 500. */
    memcpy(child, mark_child, sizeof child); memcpy(date, mark_date, sizeof date); memcpy(kind, mark_kind, sizeof kind);
    child[500] = 100;
    memset(&p, 0, sizeof p);
    add(&p, "child", "i", NMARKS, 2, NULL, child, NULL);
    add(&p, "date", "tdD", NMARKS, 2, NULL, date, NULL);
    add(&p, "kind", "c", NMARKS, 2, NULL, kind, NULL);
    cut_every(&p, NMARKS, 100);
    struct ArrowArrayStream in = stream_of(&p);
    kcbx_table *bad = NULL;
    CHECK_STATUS(kcbx_classify_arrow_table(pol, cal, 20250930, &in, NULL, &bad), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("marks.child[500]");
    CHECK(p.stream_released == 1 && p.live == 0, "refused: the stream and its batches released");
    CHECK(bad == NULL, "no table on failure");

    /* A bad kind in a later batch is named by its row in the whole stream. */
    memcpy(child, mark_child, sizeof child);
    kind[437] = 9;
    memset(&p, 0, sizeof p);
    add(&p, "child", "i", NMARKS, 2, NULL, child, NULL);
    add(&p, "date", "tdD", NMARKS, 2, NULL, date, NULL);
    add(&p, "kind", "c", NMARKS, 2, NULL, kind, NULL);
    cut_every(&p, NMARKS, 100);
    in = stream_of(&p);
    CHECK_STATUS(kcbx_classify_arrow_table(pol, cal, 20250930, &in, NULL, &bad), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("marks.kind[437]");
}

/* ---- reconciliation: Arrow streams against the CSV files --------------------------------------- */

typedef struct {
    int rows, cols;
    char *names[12];
    int32_t *offsets[12];
    char *data[12];
    int8_t *int8s[12];
} csv_columns;

/* A sample CSV (UTF-8 with a BOM, no quoting) as utf8 columns. */
static int read_csv(const char *path, csv_columns *out) {
    char *text = read_file(path);
    if (!text) return 0;
    char *p = text;
    if ((unsigned char)p[0] == 0xEF) p += 3;
    memset(out, 0, sizeof *out);
    size_t len = strlen(p);
    int lines = 0;
    for (size_t i = 0; i < len; i++) if (p[i] == '\n') lines++;
    char *line = strtok(p, "\r\n");
    /* header */
    char *h = line;
    while (h && out->cols < 12) {
        char *comma = strchr(h, ',');
        if (comma) *comma = 0;
        out->names[out->cols] = calloc(strlen(h) + 1, 1);
        memcpy(out->names[out->cols], h, strlen(h));
        out->offsets[out->cols] = calloc((size_t)lines + 2, sizeof(int32_t));
        out->data[out->cols] = calloc(len + 1, 1);
        out->cols++;
        h = comma ? comma + 1 : NULL;
    }
    while ((line = strtok(NULL, "\r\n")) != NULL) {
        char *f = line;
        for (int c = 0; c < out->cols; c++) {
            char *comma = f ? strchr(f, ',') : NULL;
            if (comma) *comma = 0;
            size_t n = f ? strlen(f) : 0;
            int32_t at = out->offsets[c][out->rows];
            memcpy(out->data[c] + at, f ? f : "", n);
            out->offsets[c][out->rows + 1] = at + (int32_t)n;
            f = comma ? comma + 1 : NULL;
        }
        out->rows++;
    }
    free(text);
    return 1;
}

static void free_csv(csv_columns *c) {
    for (int i = 0; i < c->cols; i++) { free(c->names[i]); free(c->offsets[i]); free(c->data[i]); free(c->int8s[i]); }
}

/* A producer of the CSV's columns in batches of 300 rows; column `int8_column` (may be NULL)
 * goes as int8 integers instead of text. */
static void csv_producer(producer *p, csv_columns *c, const char *int8_column) {
    memset(p, 0, sizeof *p);
    for (int i = 0; i < c->cols; i++) {
        if (int8_column && strcmp(c->names[i], int8_column) == 0) {
            free(c->int8s[i]);
            c->int8s[i] = calloc((size_t)c->rows + 1, 1);
            for (int r = 0; r < c->rows; r++) {   /* the cell's digits (cells are not NUL-terminated) */
                int v = 0;
                for (int32_t k = c->offsets[i][r]; k < c->offsets[i][r + 1]; k++) v = v * 10 + (c->data[i][k] - '0');
                c->int8s[i][r] = (int8_t)v;
            }
            add(p, c->names[i], "c", c->rows, 2, NULL, c->int8s[i], NULL);
        } else {
            add(p, c->names[i], "u", c->rows, 3, NULL, c->offsets[i], c->data[i]);
        }
    }
    cut_every(p, c->rows, 300);
}

static void same_reports(kcbx_report *a, kcbx_report *b, const char *what) {
    int64_t ra = -1, rb = -2, ca = -1, cb = -2;
    int same = 1;
    kcbx_report_rows(a, &ra); kcbx_report_rows(b, &rb);
    kcbx_report_columns(a, &ca); kcbx_report_columns(b, &cb);
    if (ra != rb || ca != cb) same = 0;
    for (int64_t r = 0; same && r < ra; r++)
        for (int64_t c = 0; c < ca; c++) {
            char *x = NULL, *y = NULL;
            kcbx_report_cell(a, r, c, &x); kcbx_report_cell(b, r, c, &y);
            if (!x || !y || strcmp(x, y) != 0) { same = 0; fprintf(stderr, "  row %lld column %lld: %s | %s\n", (long long)r, (long long)c, x, y); }
            kcbx_string_free(x); kcbx_string_free(y);
            if (!same) break;
        }
    CHECK(same, what);
}

static void test_reconcile(void) {
    csv_columns hh, st, att, pov, three;
    producer ph, ps, pa, pp, pt;
    kcbx_report *csv_findings = NULL, *csv_summary = NULL, *arrow_findings = NULL, *arrow_summary = NULL;
    kcbx_reconcile_options co = KCBX_RECONCILE_OPTIONS_INIT;
    kcbx_reconcile_arrow_options ao = KCBX_RECONCILE_ARROW_OPTIONS_INIT;
    int64_t rows = 0;
    CHECK(read_csv("data/sample/household.csv", &hh) && read_csv("data/sample/students.csv", &st)
          && read_csv("data/sample/attending.csv", &att) && read_csv("data/sample/poverty.csv", &pov)
          && read_csv("data/sample/three_kinds.csv", &three), "the sample registries read");
    co.attending_csv = "data/sample/attending.csv"; co.poverty_csv = "data/sample/poverty.csv";
    co.three_kinds_csv = "data/sample/three_kinds.csv";
    CHECK_OK(kcbx_reconcile_csv("640422", 20250915, "data/sample/household.csv", "data/sample/students.csv", &co,
                                &csv_findings, &csv_summary));

    csv_producer(&ph, &hh, NULL);
    csv_producer(&ps, &st, "grade");
    csv_producer(&pa, &att, NULL);
    csv_producer(&pp, &pov, NULL);
    csv_producer(&pt, &three, NULL);
    struct ArrowArrayStream h = stream_of(&ph), s = stream_of(&ps), a = stream_of(&pa), pv = stream_of(&pp), t = stream_of(&pt);
    ao.attending = &a; ao.poverty = &pv; ao.three_kinds = &t;
    CHECK_OK(kcbx_reconcile_arrow("640422", 20250915, &h, &s, &ao, &arrow_findings, &arrow_summary));
    CHECK(ph.stream_released == 1 && ps.stream_released == 1 && pa.stream_released == 1 && pp.stream_released == 1
          && pt.stream_released == 1 && ph.live == 0 && ps.live == 0, "every stream consumed");
    CHECK(ph.batches >= 6 && ph.max_live_at_next <= 1, "the household registry read batch by batch");
    if (csv_findings && arrow_findings) {
        kcbx_report_rows(arrow_findings, &rows);
        CHECK(rows > 0, "the sample has findings");
        same_reports(csv_findings, arrow_findings, "findings: Arrow streams equal the CSV files");
        same_reports(csv_summary, arrow_summary, "summary: Arrow streams equal the CSV files");
    }
    kcbx_report_free(arrow_findings); kcbx_report_free(arrow_summary);

    /* A bad grade is named by stream, column and row over the whole stream. */
    ps.given = 0; ps.stream_released = 0; ps.live = 0;
    for (int i = 0; i < st.cols; i++) if (st.int8s[i]) st.int8s[i][1000] = 12;
    csv_producer(&ph, &hh, NULL);
    h = stream_of(&ph);
    s = stream_of(&ps);
    arrow_findings = NULL;
    CHECK_STATUS(kcbx_reconcile_arrow("640422", 20250915, &h, &s, NULL, &arrow_findings, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("students.grade[1000]");
    CHECK(ps.stream_released == 1 && ph.stream_released == 1, "refused: both streams released");

    /* A missing required column is named. */
    csv_producer(&ph, &hh, NULL);
    ph.cols[0].name = "id";
    h = stream_of(&ph);
    csv_producer(&ps, &st, "grade");
    s = stream_of(&ps);
    CHECK_STATUS(kcbx_reconcile_arrow("640422", 20250915, &h, &s, NULL, &arrow_findings, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("household.resident_id");

    kcbx_report_free(csv_findings); kcbx_report_free(csv_summary);
    free_csv(&hh); free_csv(&st); free_csv(&att); free_csv(&pov); free_csv(&three);
}

int main(void) {
    kcbx_policy_builtin("dongchuan-2025", &pol);
    kcbx_calendar_from_json(CAL_JSON, &cal);
    test_classify_batches();
    test_classify_unsorted();
    test_reconcile();
    kcbx_policy_free(pol);
    kcbx_calendar_free(cal);
    CHECK_SUMMARY();
}
