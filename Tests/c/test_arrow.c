/* C host test of the Arrow C data and stream interfaces (issue 14, docs/arrow.md): a small C
 * producer of hand-filled structs feeds kcbx_classify_arrow, the result is read back as a
 * consumer would, tables and reports come out as streams, and hostile producers (lengths,
 * offsets, null counts, buffers, dictionaries, string views, failing callbacks) are refused
 * with the column and row named, never read out of bounds (valgrind runs this program).
 * Seed: 004 二（三）2 (three unexcused school days raise the three-line report, dongchuan-2025). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "arrow_producer.h"

static const char *CAL_JSON =
    "{\"kcbx_calendar\": 1, \"name\": \"test 2025-2026\", \"school_years\": [{\"school_year\": 2025,"
    " \"terms\": [{\"name\": \"autumn\", \"start\": \"2025-09-01\", \"end\": \"2026-01-16\"},"
    "            {\"name\": \"spring\", \"start\": \"2026-03-02\", \"end\": \"2026-07-10\"}],"
    " \"holidays\": [{\"name\": \"国庆节、中秋节\", \"from\": \"2025-10-01\", \"to\": \"2025-10-08\"}],"
    " \"make_up_days\": [\"2025-09-28\", \"2025-10-11\"]}]}";

/* Marks of two children: child 0 unexcused Mon 8 - Wed 10 September 2025, child 1 present. */
static const int32_t CHILD[] = {0, 0, 0, 1, 1};
static const int32_t DATE_DAYS[] = {20339, 20340, 20341, 20339, 20340};   /* date32: 2025-09-08 ... */
static const int32_t DATE_YMD[] = {20250908, 20250909, 20250910, 20250908, 20250909};
static const int8_t KIND[] = {2, 2, 2, 0, 0};
/* The same kinds as text (utf8) and as a dictionary. */
static const int32_t KIND_OFFSETS[] = {0, 9, 18, 27, 34, 41};
static const char KIND_TEXT[] = "unexcusedunexcusedunexcusedpresentpresent";
static const int8_t KIND_DICT_INDEX[] = {1, 1, 1, 0, 0};
static const int32_t DICT_OFFSETS[] = {0, 7, 19};
static const char DICT_TEXT[] = "present无故缺勤";

static void marks(producer *p, int64_t n) {
    memset(p, 0, sizeof *p);
    one_batch(p, 0, n);
    add(p, "child", "i", n, 2, NULL, CHILD, NULL);
    add(p, "date", "tdD", n, 2, NULL, DATE_DAYS, NULL);
    add(p, "kind", "c", n, 2, NULL, KIND, NULL);
}

static kcbx_status classify(producer *p, struct ArrowArrayStream *out) {
    static kcbx_policy *pol;
    static kcbx_calendar *cal;
    struct ArrowArrayStream in = stream_of(p);
    if (!pol) { kcbx_policy_builtin("dongchuan-2025", &pol); kcbx_calendar_from_json(CAL_JSON, &cal); }
    if (!p) { kcbx_policy_free(pol); kcbx_calendar_free(cal); pol = NULL; cal = NULL; return KCBX_STATUS_OK; }
    return kcbx_classify_arrow(pol, cal, 20250910, &in, NULL, out);
}

/* ---- reading a result stream as a consumer ---------------------------------------------------- */

static int field_index(struct ArrowSchema *s, const char *name) {
    int i;
    for (i = 0; i < (int)s->n_children; i++) if (strcmp(s->children[i]->name, name) == 0) return i;
    return -1;
}

static void check_result(struct ArrowArrayStream *out, const char *what) {
    struct ArrowSchema schema;
    struct ArrowArray batch, end;
    int st, since, child;
    CHECK(out->release != NULL, what);
    if (out->release == NULL) return;
    CHECK(out->get_schema(out, &schema) == 0, "get_schema");
    CHECK(strcmp(schema.format, "+s") == 0 && schema.n_children == 14, "14 columns");
    st = field_index(&schema, "status"); since = field_index(&schema, "since"); child = field_index(&schema, "child");
    CHECK(st >= 0 && since >= 0 && child >= 0, "child, status and since columns");
    CHECK(strcmp(schema.children[st]->format, "c") == 0 && schema.children[st]->dictionary != NULL
          && strcmp(schema.children[st]->dictionary->format, "u") == 0, "status: dictionary<int8, utf8>");
    CHECK(strcmp(schema.children[since]->format, "tdD") == 0, "since: date32");
    CHECK(out->get_next(out, &batch) == 0 && batch.release != NULL && batch.length == 2, "one batch of 2 children");
    if (batch.release) {
        struct ArrowArray *s = batch.children[st], *d = s->dictionary;
        const int8_t *codes = (const int8_t *)s->buffers[1];
        const int32_t *off = (const int32_t *)d->buffers[1];
        const char *text = (const char *)d->buffers[2];
        const int32_t *days = (const int32_t *)batch.children[since]->buffers[1];
        const int64_t *ids = (const int64_t *)batch.children[child]->buffers[1];
        /* 004 二（三）2: the third unexcused school day raises the three-line alert. */
        CHECK(off[codes[0] + 1] - off[codes[0]] == 16 && memcmp(text + off[codes[0]], "three_line_alert", 16) == 0,
              "child 0: three_line_alert");
        CHECK(memcmp(text + off[codes[1]], "in_school", 9) == 0, "child 1: in_school");
        CHECK(days[0] == 20341, "child 0: since 2025-09-10 (date32 20341)");
        CHECK(ids[0] == 0 && ids[1] == 1, "child ids 0 and 1");
        batch.release(&batch);
        CHECK(batch.release == NULL, "batch released");
    }
    CHECK(out->get_next(out, &end) == 0 && end.release == NULL, "end of stream");
    schema.release(&schema);
    out->release(out);
    CHECK(out->release == NULL, "stream released");
}

static void test_classify(void) {
    producer p;
    struct ArrowArrayStream out;
    marks(&p, 5);
    CHECK_OK(classify(&p, &out));
    CHECK(p.stream_released == 1 && p.schema_released == 1 && p.arrays_released == 1, "the library released what it consumed");
    check_result(&out, "classified from int32 keys, date32, int8 kinds");

    /* YYYYMMDD dates, utf8 kind labels. */
    marks(&p, 5);
    p.cols[1].format = "i"; p.cols[1].buffers[1] = DATE_YMD;
    p.cols[2].format = "u"; p.cols[2].array.n_buffers = 3;
    p.cols[2].buffers[1] = KIND_OFFSETS; p.cols[2].buffers[2] = KIND_TEXT;
    CHECK_OK(classify(&p, &out));
    check_result(&out, "YYYYMMDD dates, text kinds");

    /* Kinds as dictionary<int8, utf8> with a Chinese label; two batches of the same columns is
     * not this data, so one batch sliced by the batch offset. */
    marks(&p, 5);
    p.cols[2].dict_format = "u";
    p.cols[2].buffers[1] = KIND_DICT_INDEX;
    p.cols[2].dict.length = 2; p.cols[2].dict.n_buffers = 3;
    p.cols[2].dict_buffers[1] = DICT_OFFSETS; p.cols[2].dict_buffers[2] = DICT_TEXT;
    CHECK_OK(classify(&p, &out));
    check_result(&out, "dictionary kinds with 无故缺勤");

    /* The table handle path and its export, twice. */
    {
        kcbx_policy *pol = NULL;
        kcbx_calendar *cal = NULL;
        kcbx_table *t = NULL;
        struct ArrowArrayStream in, o1, o2;
        int64_t n = 0;
        kcbx_policy_builtin("dongchuan-2025", &pol);
        kcbx_calendar_from_json(CAL_JSON, &cal);
        marks(&p, 5);
        in = stream_of(&p);
        CHECK_OK(kcbx_classify_arrow_table(pol, cal, 20250910, &in, NULL, &t));
        CHECK_OK(kcbx_table_rows(t, &n));
        CHECK(n == 2, "table of 2");
        CHECK_OK(kcbx_table_to_arrow(t, &o1));
        CHECK_OK(kcbx_table_to_arrow(t, &o2));
        kcbx_table_free(t);   /* the streams do not depend on the table */
        check_result(&o1, "table export 1");
        check_result(&o2, "table export 2");
        kcbx_policy_free(pol);
        kcbx_calendar_free(cal);
    }
}

static void test_report(void) {
    kcbx_report *findings = NULL, *summary = NULL;
    struct ArrowArrayStream out;
    struct ArrowSchema schema;
    struct ArrowArray batch;
    int64_t rows = 0, cols = 0;
    CHECK_OK(kcbx_reconcile_csv("640422", 20250915, "data/sample/household.csv", "data/sample/students.csv",
                                NULL, &findings, &summary));
    kcbx_report_rows(findings, &rows);
    kcbx_report_columns(findings, &cols);
    CHECK_OK(kcbx_report_to_arrow(findings, &out));
    CHECK(out.get_schema(&out, &schema) == 0 && schema.n_children == cols, "findings: one Arrow column per header");
    CHECK(schema.metadata != NULL, "title and notes in the metadata");
    CHECK(out.get_next(&out, &batch) == 0 && batch.length == rows, "findings: every row");
    if (batch.release) batch.release(&batch);
    schema.release(&schema);
    out.release(&out);
    kcbx_report_free(findings);
    kcbx_report_free(summary);
}

/* ---- hostile producers ------------------------------------------------------------------------- */

static void refused(producer *p, const char *needle, const char *what) {
    struct ArrowArrayStream out;
    kcbx_status s;
    out.release = NULL;
    s = classify(p, &out);
    CHECK(s == KCBX_STATUS_INVALID_INPUT, what);
    if (s != KCBX_STATUS_INVALID_INPUT) fprintf(stderr, "  status %d: %s\n", (int)s, kcbx_last_error_message());
    else if (strstr(kcbx_last_error_message(), needle) == NULL) {
        CHECK(0, what);
        fprintf(stderr, "  message lacks \"%s\": %s\n", needle, kcbx_last_error_message());
    }
    CHECK(out.release == NULL, "no result stream on failure");
    CHECK(p->stream_released == 1, "the input stream is released on failure too");
    CHECK(p->arrays_released == p->given, "every batch taken is released");
}

static const int32_t BAD_OFFSETS[] = {0, 9, 4, 27, 34, 41};
static const int8_t BAD_INDEX[] = {1, 1, 7, 0, 0};
static const uint8_t VALID_BUT_ROW_3[] = {0x17};   /* rows 0, 1, 2, 4 valid; row 3 null */

static void test_hostile(void) {
    producer p;
    struct ArrowArrayStream released;

    marks(&p, 5); p.schema_error = 1;
    refused(&p, "the disk went away", "get_schema failing: the producer's message is passed on");
    marks(&p, 5); p.next_error = 1;
    refused(&p, "giving batch 0", "get_next failing");
    marks(&p, 5); p.schema_format = "i";
    refused(&p, "struct", "a schema that is not a struct of columns");
    marks(&p, 5); p.cols[0].array.length = 3;
    refused(&p, "marks.child", "a column shorter than its batch");
    marks(&p, 5); one_batch(&p, 2, 5);
    refused(&p, "fewer than its batch", "a batch offset past the columns' end");
    marks(&p, 5); p.cols[1].array.offset = -1;
    refused(&p, "marks.date", "a negative offset");
    marks(&p, 5); one_batch(&p, 0, -5);
    refused(&p, "length", "a negative batch length");
    marks(&p, 5); p.cols[2].buffers[1] = NULL;
    refused(&p, "marks.kind", "a NULL data buffer");
    marks(&p, 5); p.cols[2].array.null_count = 2;
    refused(&p, "no validity buffer", "a null count without a validity bitmap");
    marks(&p, 5); p.cols[2].array.null_count = 1; p.cols[2].buffers[0] = VALID_BUT_ROW_3;
    refused(&p, "marks.kind[3]", "a null kind names its row");
    marks(&p, 5); p.cols[1].array.n_buffers = 3;
    refused(&p, "buffers", "a wrong buffer count");
    marks(&p, 5); p.cols[2].format = "u"; p.cols[2].array.n_buffers = 3;
    p.cols[2].buffers[1] = BAD_OFFSETS; p.cols[2].buffers[2] = KIND_TEXT;
    refused(&p, "marks.kind[1]", "decreasing string offsets");
    marks(&p, 5); p.cols[2].dict_format = "u"; p.cols[2].buffers[1] = BAD_INDEX;
    p.cols[2].dict.length = 2; p.cols[2].dict.n_buffers = 3;
    p.cols[2].dict_buffers[1] = DICT_OFFSETS; p.cols[2].dict_buffers[2] = DICT_TEXT;
    refused(&p, "marks.kind[2]", "a dictionary index outside the dictionary");
    marks(&p, 5); p.cols[2].dict_format = "u"; p.cols[2].buffers[1] = KIND_DICT_INDEX;
    p.cols[2].dict.length = 2; p.cols[2].dict.n_buffers = 3;
    p.cols[2].dict_buffers[1] = DICT_OFFSETS; p.cols[2].dict_buffers[2] = NULL;
    refused(&p, "marks.kind", "a dictionary without its data buffer");
    {   /* a string view whose buffer index and length point outside the data buffers */
        static int32_t views[5 * 4];
        static const int64_t sizes[1] = {8};
        static const char data[8] = "present";
        int i;
        for (i = 0; i < 5; i++) { views[i * 4] = 20; views[i * 4 + 1] = 0; views[i * 4 + 2] = i == 4 ? 3 : 0; views[i * 4 + 3] = 0; }
        marks(&p, 5); p.cols[2].format = "vu"; p.cols[2].array.n_buffers = 4;
        p.cols[2].buffers[1] = views; p.cols[2].buffers[2] = data; p.cols[2].buffers[3] = sizes;
        refused(&p, "marks.kind[0]", "a string view longer than its buffer");
    }
    marks(&p, 5); p.cols[1].format = "g";
    refused(&p, "marks.date", "a float date column");
    marks(&p, 5); p.cols[1].name = "day";
    refused(&p, "no column date", "a missing column is named");
    marks(&p, 5); p.cols[1].name = "child";
    refused(&p, "two columns", "a duplicated column name");
    marks(&p, 5); p.cols[0].format = "tdD";
    refused(&p, "cannot be a child key", "a date as the child key");

    /* A released stream, and NULL where a stream is required. */
    marks(&p, 5);
    released = stream_of(&p);
    released.release = NULL;
    {
        kcbx_policy *pol = NULL;
        kcbx_calendar *cal = NULL;
        struct ArrowArrayStream out;
        kcbx_policy_builtin("dongchuan-2025", &pol);
        kcbx_calendar_from_json(CAL_JSON, &cal);
        CHECK_STATUS(kcbx_classify_arrow(pol, cal, 20250910, &released, NULL, &out), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("already released");
        CHECK_STATUS(kcbx_classify_arrow(pol, cal, 20250910, NULL, NULL, &out), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("marks");
        {   /* NULL out_stream: the input is still released */
            struct ArrowArrayStream in;
            marks(&p, 5);
            in = stream_of(&p);
            CHECK_STATUS(kcbx_classify_arrow(pol, cal, 20250910, &in, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
            CHECK(p.stream_released == 1, "released with a NULL out_stream");
        }
        kcbx_policy_free(pol);
        kcbx_calendar_free(cal);
    }
}

int main(void) {
    test_classify();
    test_report();
    test_hostile();
    classify(NULL, NULL);
    CHECK_SUMMARY();
}
