/* C host test of the attendance import from columns (issue 13; docs/ledger.md "Attendance
 * marks"): kcbx_ledger_import_marks (C arrays) and kcbx_ledger_import_marks_arrow (record
 * batches, each released before the next is asked for) store, count and refuse what
 * kcbx_ledger_import_marks_csv does with the same marks of the sample county; an Arrow stream
 * is read once, so a roster or calendar change during the import is a storage error and a
 * re-import completes the batch. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "options.h"
#include "files.h"
#include "ledger_helpers.h"
#include "arrow_producer.h"

/* The sample's marks as columns: keys (NUL-terminated, for the arrays), the same keys as one
 * Arrow utf8 column (offsets + text), dates YYYYMMDD, kind codes. */
typedef struct {
    int64_t n;
    char **keys;
    int32_t *offsets;
    char *text;
    int32_t *dates;
    int8_t *kinds;
} marks_t;

static int8_t kind_code(const char *s) {
    static const char *labels[] = {"present", "approved_leave", "unexcused", "late", "left_early"};
    for (int8_t k = 0; k < 5; k++)
        if (strcmp(s, labels[k]) == 0) return k;
    return -1;
}

static marks_t read_marks(const char *path) {
    marks_t m;
    memset(&m, 0, sizeof m);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL, "the sample attendance opens");
    if (!f) return m;
    char line[256];
    int64_t cap = 0;
    size_t text_len = 0, text_cap = 0;
    if (!fgets(line, sizeof line, f)) { fclose(f); return m; }  /* header */
    while (fgets(line, sizeof line, f)) {
        char *d = strchr(line, ','), *k = d ? strchr(d + 1, ',') : NULL;
        if (!k) continue;
        *d++ = '\0';
        *k++ = '\0';
        k[strcspn(k, "\r\n")] = '\0';
        if (m.n == cap) {
            cap = cap ? cap * 2 : 4096;
            m.keys = realloc(m.keys, (size_t)cap * sizeof *m.keys);
            m.offsets = realloc(m.offsets, (size_t)(cap + 1) * sizeof *m.offsets);
            m.dates = realloc(m.dates, (size_t)cap * sizeof *m.dates);
            m.kinds = realloc(m.kinds, (size_t)cap * sizeof *m.kinds);
        }
        size_t len = strlen(line);
        if (text_len + len > text_cap) {
            text_cap = (text_cap + len) * 2;
            m.text = realloc(m.text, text_cap);
        }
        m.offsets[m.n] = (int32_t)text_len;
        memcpy(m.text + text_len, line, len);
        text_len += len;
        m.keys[m.n] = strdup(line);
        m.dates[m.n] = (int32_t)(atoi(d) * 10000 + atoi(d + 5) * 100 + atoi(d + 8));
        m.kinds[m.n] = kind_code(k);
        m.n++;
        m.offsets[m.n] = (int32_t)text_len;
    }
    fclose(f);
    return m;
}

static void free_marks(marks_t *m) {
    for (int64_t i = 0; i < m->n; i++) free(m->keys[i]);
    free(m->keys); free(m->offsets); free(m->text); free(m->dates); free(m->kinds);
}

/* A producer of the marks as batches of about n/60 rows: student utf8, date int32, kind int8. */
static void marks_producer(producer *p, const marks_t *m, int64_t n) {
    memset(p, 0, sizeof *p);
    add(p, "student", "u", n, 3, NULL, m->offsets, m->text);
    add(p, "date", "i", n, 2, NULL, m->dates, NULL);
    add(p, "kind", "c", n, 2, NULL, m->kinds, NULL);
    cut_every(p, n, n / 60 + 1);
}

static const char *sample_dir;
static const kcbx_policy *policy;

/* A ledger at `path` with the sample's calendar and roster, opened by the county. */
static kcbx_ledger *seeded(const char *path) { return ledger_seeded(path, policy, sample_dir); }

static int same_counts(const kcbx_import_result *a, const kcbx_import_result *b) {
    return count_of(a, KCBX_IMPORT_COUNT_ROWS) == count_of(b, KCBX_IMPORT_COUNT_ROWS)
        && count_of(a, KCBX_IMPORT_COUNT_CHANGED) == count_of(b, KCBX_IMPORT_COUNT_CHANGED)
        && count_of(a, KCBX_IMPORT_COUNT_UNCHANGED) == count_of(b, KCBX_IMPORT_COUNT_UNCHANGED)
        && count_of(a, KCBX_IMPORT_COUNT_CONFLICTS) == count_of(b, KCBX_IMPORT_COUNT_CONFLICTS);
}

/* The problems of a refused import as "row|field|rule" lines, rows shifted by `shift`. */
static char *problems_text(const kcbx_import_result *r, int shift) {
    kcbx_report *t = NULL;
    int64_t rows = 0;
    size_t cap = 4096, len = 0;
    char *out = calloc(cap, 1);
    if (!r || kcbx_import_result_problems(r, &t) != KCBX_STATUS_OK || kcbx_report_rows(t, &rows) != KCBX_STATUS_OK) {
        kcbx_report_free(t);
        return out;
    }
    for (int64_t i = 0; i < rows; i++) {
        char *cells[3] = {NULL, NULL, NULL};
        for (int c = 0; c < 3; c++) kcbx_report_cell(t, i, c, &cells[c]);
        size_t need = len + 64 + (cells[1] ? strlen(cells[1]) : 0) + (cells[2] ? strlen(cells[2]) : 0);
        if (need > cap) { cap = need * 2; out = realloc(out, cap); }
        len += (size_t)snprintf(out + len, cap - len, "%d|%s|%s\n", (cells[0] ? atoi(cells[0]) : 0) + shift,
                                cells[1] ? cells[1] : "", cells[2] ? cells[2] : "");
        for (int c = 0; c < 3; c++) kcbx_string_free(cells[c]);
    }
    kcbx_report_free(t);
    return out;
}

/* The second handle that changes the calendar while the first one reads its stream. */
typedef struct { const char *path; int at; int changed; } change_t;

static void change_calendar(void *ctx, int batch) {
    change_t *c = (change_t *)ctx;
    char file[1200];
    kcbx_ledger *other = NULL;
    int32_t changed = 0;
    if (batch != c->at) return;
    snprintf(file, sizeof file, "%s/calendar.json", sample_dir);
    char *cal = read_file(file);
    char *name = cal ? strstr(cal, "\"name\" : \"") : NULL;
    if (name && open_as(c->path, policy, "county", "640422", "县教育局李老师", NULL, &other) == KCBX_STATUS_OK) {
        memcpy(name + 10, "X", 1);  /* the calendar's name, one character changed */
        if (kcbx_ledger_set_calendar_json(other, cal, &changed) == KCBX_STATUS_OK && changed) c->changed = 1;
    }
    kcbx_ledger_free(other);
    free(cal);
}

int main(void) {
    const char *tmp = getenv("TMPDIR");
    char dir[1100], sample[1200], csv[1300], bad_csv[700], paths[4][600];
    kcbx_policy *pol = NULL;
    kcbx_import_result *by_csv = NULL, *by_arrays = NULL, *by_arrow = NULL, *r = NULL;
    int64_t events = 0, first_bad = -1;

    snprintf(dir, sizeof dir, "%s", __FILE__);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    snprintf(sample, sizeof sample, "%s/../../data/sample", dir);
    snprintf(csv, sizeof csv, "%s/attendance.csv", sample);
    snprintf(bad_csv, sizeof bad_csv, "%s/columns-bad.csv", tmp ? tmp : "/tmp");
    for (int i = 0; i < 4; i++) snprintf(paths[i], sizeof paths[i], "%s/columns-%d.kcbx", tmp ? tmp : "/tmp", i);
    sample_dir = sample;
    CHECK_OK(kcbx_policy_builtin("guyuan-2021", &pol));
    policy = pol;
    marks_t m = read_marks(csv);
    CHECK(m.n > 50000, "the sample has its 62,912 marks");

    /* The same marks three ways: the counts agree, and each ledger then holds the CSV's marks
     * (importing the CSV into it changes nothing). */
    kcbx_ledger *a = seeded(paths[0]), *b = seeded(paths[1]), *c = seeded(paths[2]);
    CHECK_OK(kcbx_ledger_import_marks_csv(a, csv, &by_csv));
    CHECK_OK(kcbx_ledger_import_marks(b, m.n, (const char *const *)m.keys, m.dates, m.kinds, &by_arrays));
    producer p;
    marks_producer(&p, &m, m.n);
    struct ArrowArrayStream s = stream_of(&p);
    CHECK_OK(kcbx_ledger_import_marks_arrow(c, &s, &by_arrow));
    CHECK(count_of(by_csv, KCBX_IMPORT_COUNT_ROWS) == m.n && count_of(by_csv, KCBX_IMPORT_COUNT_CHANGED) > 0, "the CSV import");
    CHECK(same_counts(by_arrays, by_csv), "C arrays: the CSV import's rows, changed, unchanged and conflicts");
    CHECK(same_counts(by_arrow, by_csv), "Arrow: the CSV import's rows, changed, unchanged and conflicts");
    CHECK(p.batches > 50 && p.given == p.batches && p.arrays_released == p.batches && p.stream_released == 1,
          "every batch read once and released, and the stream released");
    CHECK(p.max_live_at_next == 0, "no batch is held when the next is asked for: one batch in memory");
    kcbx_ledger *both[2] = {b, c};
    for (int i = 0; i < 2; i++) {
        CHECK_OK(kcbx_ledger_import_marks_csv(both[i], csv, &r));
        CHECK(count_of(r, KCBX_IMPORT_COUNT_CHANGED) == 0
                  && count_of(r, KCBX_IMPORT_COUNT_UNCHANGED) == count_of(by_csv, KCBX_IMPORT_COUNT_CHANGED),
              "the CSV after the columns changes nothing: the same marks are stored");
        kcbx_import_result_free(r); r = NULL;
        CHECK_OK(kcbx_ledger_verify(both[i], 0, NULL, &events, &first_bad));
        CHECK(first_bad == 0, "the ledger imported from columns verifies");
    }

    /* Bad rows (DOMAIN.md §7): a Saturday, no date, no kind, a key on no roster. Refused with
     * the CSV's problems (CSV rows count the header), nothing recorded. */
    {
        const char *keys[5] = {m.keys[0], m.keys[0], m.keys[0], m.keys[0], "640422000000000000"};
        int32_t dates[5] = {20250908, 20250906, 20250230, 20250909, 20250908};
        int8_t kinds[5] = {0, 0, 0, 9, 2};
        FILE *f = fopen(bad_csv, "w");
        fprintf(f, "student,date,kind\n");
        for (int i = 0; i < 5; i++) fprintf(f, "%s,%d,%d\n", keys[i], dates[i], kinds[i]);
        fclose(f);
        kcbx_ledger *d = seeded(paths[3]);
        kcbx_import_result *rc = NULL, *ra = NULL, *rw = NULL;
        CHECK_STATUS(kcbx_ledger_import_marks_csv(d, bad_csv, &rc), KCBX_STATUS_INVALID_INPUT);
        CHECK_STATUS(kcbx_ledger_import_marks(d, 5, keys, dates, kinds, &ra), KCBX_STATUS_INVALID_INPUT);
        int32_t offsets[6] = {0};
        char text[128] = "";
        for (int i = 0; i < 5; i++) { strcat(text, keys[i]); offsets[i + 1] = (int32_t)strlen(text); }
        memset(&p, 0, sizeof p);
        add(&p, "student", "u", 5, 3, NULL, offsets, text);
        add(&p, "date", "i", 5, 2, NULL, dates, NULL);
        add(&p, "kind", "c", 5, 2, NULL, kinds, NULL);
        cut_every(&p, 5, 2);
        s = stream_of(&p);
        CHECK_STATUS(kcbx_ledger_import_marks_arrow(d, &s, &rw), KCBX_STATUS_INVALID_INPUT);
        char *pc = problems_text(rc, 0), *pa = problems_text(ra, 1), *pw = problems_text(rw, 1);
        CHECK(contains(pc, "3|date|2025-09-06 is not a school day") && contains(pc, "4|date|'20250230' is not a date YYYY-MM-DD")
                  && contains(pc, "5|kind|'9' is not a mark kind") && contains(pc, "6|student|"),
              "the CSV names each bad row");
        CHECK(strcmp(pa, pc) == 0, "C arrays: the CSV's problems, in its words");
        CHECK(strcmp(pw, pc) == 0, "Arrow (batches of 2 rows): the CSV's problems, in its words");
        if (strcmp(pa, pc) != 0 || strcmp(pw, pc) != 0) fprintf(stderr, "csv:\n%sarrays:\n%sarrow:\n%s", pc, pa, pw);
        free(pc); free(pa); free(pw);
        kcbx_import_result_free(rc); kcbx_import_result_free(ra); kcbx_import_result_free(rw);
        rc = ra = rw = NULL;
        /* A key that is not UTF-8 (an overlong form, a surrogate) or a NULL key stops the call by
         * name, in the arrays and in Arrow, as the String reading did. */
        const char *bad_keys[3] = {m.keys[0], m.keys[0], "64042220\xed\xa0\x80"};
        CHECK_STATUS(kcbx_ledger_import_marks(d, 3, bad_keys, dates, kinds, &ra), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("students[2]: must be valid UTF-8");
        bad_keys[1] = NULL;
        CHECK_STATUS(kcbx_ledger_import_marks(d, 3, bad_keys, dates, kinds, NULL), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("students[1]: must not be NULL");
        char bad_text[64];
        int32_t bad_offsets[3] = {0, 18, 18 + 3};
        memcpy(bad_text, m.keys[0], 18);
        memcpy(bad_text + 18, "\xc0\xaf" "7", 3);
        memset(&p, 0, sizeof p);
        add(&p, "student", "u", 2, 3, NULL, bad_offsets, bad_text);
        add(&p, "date", "i", 2, 2, NULL, dates, NULL);
        add(&p, "kind", "c", 2, 2, NULL, kinds, NULL);
        one_batch(&p, 0, 2);
        s = stream_of(&p);
        CHECK_STATUS(kcbx_ledger_import_marks_arrow(d, &s, &rw), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("marks.student[1]: is not valid UTF-8");
        kcbx_import_result_free(ra); kcbx_import_result_free(rw);
        kcbx_ledger_free(d);
    }

    /* A stream is read once: the calendar changed by another writer while the stream is read
     * stops the import with a storage error (nothing of it is written: the change came before
     * the first part); the stream is not asked for again; importing again completes it. */
    {
        kcbx_ledger *e = seeded(paths[3]);
        change_t change = {paths[3], 3, 0};
        marks_producer(&p, &m, m.n);
        p.on_next = change_calendar;
        p.on_next_ctx = &change;
        s = stream_of(&p);
        CHECK_STATUS(kcbx_ledger_import_marks_arrow(e, &s, &r), KCBX_STATUS_STORAGE);
        CHECK_ERROR_MENTIONS("cannot be read again");
        CHECK_ERROR_MENTIONS("import them again");
        CHECK(change.changed == 1 && p.given == p.batches && p.stream_released == 1, "the stream was read to its end once, and released");
        kcbx_import_result_free(r); r = NULL;
        marks_producer(&p, &m, m.n);
        s = stream_of(&p);
        CHECK_OK(kcbx_ledger_import_marks_arrow(e, &s, &r));
        CHECK(count_of(r, KCBX_IMPORT_COUNT_CHANGED) == count_of(by_csv, KCBX_IMPORT_COUNT_CHANGED), "importing again completes the batch");
        kcbx_import_result_free(r); r = NULL;
        CHECK_OK(kcbx_ledger_verify(e, 0, NULL, &events, &first_bad));
        CHECK(first_bad == 0, "and the ledger verifies");
        kcbx_ledger_free(e);
    }

    kcbx_import_result_free(by_csv); kcbx_import_result_free(by_arrays); kcbx_import_result_free(by_arrow);
    kcbx_ledger_free(a); kcbx_ledger_free(b); kcbx_ledger_free(c);
    kcbx_policy_free(pol);
    free_marks(&m);
    for (int i = 0; i < 4; i++) ledger_fresh(paths[i]);
    remove(bad_csv);
    CHECK_SUMMARY();
}
