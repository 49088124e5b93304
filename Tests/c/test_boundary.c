/* C host test of the boundary's range checks (issue 11, "the host process dies"): dates outside
 * 0001-01-01 … 9999-12-31 in either encoding, counts above the documented maxima, and the last
 * error after a progress callback whose call back into the library failed. Each of these used to
 * trap (SIGILL) or abort the host, or leave a stale message; now each is a status with a message.
 * Everything returned is freed (run under valgrind). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "check.h"
#include "options.h"

#define DATA "data/sample/"

static const char *CAL_JSON =
    "{\"kcbx_calendar\": 1, \"name\": \"test 2025-2026\", \"school_years\": [{\"school_year\": 2025,"
    " \"terms\": [{\"name\": \"autumn\", \"start\": \"2025-09-01\", \"end\": \"2026-01-16\"},"
    "            {\"name\": \"spring\", \"start\": \"2026-03-02\", \"end\": \"2026-07-10\"}]}]}";

/* Day numbers (days since 1970-01-01) that are no date in 0001-01-01 … 9999-12-31. */
static const int32_t bad_days[] = {INT32_MAX, INT32_MAX - 1, 2932897, -719163, -1000000000, INT32_MIN + 1};

static void test_day_numbers(kcbx_policy *p, kcbx_calendar *cal) {
    size_t i;
    kcbx_table *t = NULL;
    int64_t value = -1;
    int32_t child[] = {0}, mark_day[] = {20339 /* 2025-09-08 */}, birth[1], reg_date[1];
    int8_t kind[] = {KCBX_MARK_KIND_PRESENT}, reg[] = {KCBX_REGISTRATION_TRANSFERRED_OUT}, no_reg[] = {KCBX_REGISTRATION_NONE};

    for (i = 0; i < sizeof bad_days / sizeof bad_days[0]; i++) {
        /* A birth date far outside any calendar: refused, not classified (it trapped in the call,
         * or later in kcbx_table_value when its year no longer fitted YYYYMMDD). */
        birth[0] = bad_days[i];
        CHECK_STATUS(classify_columns(p, cal, 20250915, KCBX_DATE_ENCODING_DAY_NUMBER, 1, NULL, birth, NULL, NULL, NULL, NULL,
                                        NULL, NULL, 1, child, mark_day, kind, NULL, NULL, &t), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("birth_date[0]");
        CHECK_ERROR_MENTIONS("0001-01-01");
        CHECK(t == NULL, "no table after a refused call");
        /* Without registration the status and its date came from the birth date (SIGILL on reading back). */
        CHECK_STATUS(classify_columns(p, cal, 20250915, KCBX_DATE_ENCODING_DAY_NUMBER, 1, NULL, birth, NULL, no_reg, NULL, NULL,
                                        NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, &t), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("birth_date[0]");
        /* The same day number as a registration date. */
        reg_date[0] = bad_days[i];
        CHECK_STATUS(classify_columns(p, cal, 20250915, KCBX_DATE_ENCODING_DAY_NUMBER, 1, NULL, NULL, NULL, reg, reg_date, NULL,
                                        NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, &t), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("registration_date[0]");
        /* As a mark's date. */
        mark_day[0] = bad_days[i];
        CHECK_STATUS(classify_columns(p, cal, 20250915, KCBX_DATE_ENCODING_DAY_NUMBER, 1, NULL, NULL, NULL, NULL, NULL, NULL,
                                        NULL, NULL, 1, child, mark_day, kind, NULL, NULL, &t), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("marks.date[0]");
        mark_day[0] = 20339;
    }
    /* The valid ends of the range still classify, and read back as YYYYMMDD. */
    birth[0] = 16071; /* 2014-01-01 */
    CHECK_OK(classify_columns(p, cal, 20250915, KCBX_DATE_ENCODING_DAY_NUMBER, 1, NULL, birth, NULL, NULL, NULL, NULL,
                                NULL, NULL, 1, child, mark_day, kind, NULL, NULL, &t));
    CHECK_OK(kcbx_table_value(t, 0, KCBX_TABLE_COLUMN_STATUS, &value));
    CHECK(value == KCBX_CHILD_STATUS_IN_SCHOOL, "a real birth date in day numbers still classifies");
    CHECK_STATUS(kcbx_table_value(t, 1, KCBX_TABLE_COLUMN_SINCE, &value), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_table_value(t, INT64_MIN, KCBX_TABLE_COLUMN_SINCE, &value), KCBX_STATUS_INVALID_INPUT);
    kcbx_table_free(t);
    /* YYYYMMDD dates that are no dates. */
    {
        const int32_t bad[] = {-1, 99999999, INT32_MAX, INT32_MIN, 100000101, 20250230};
        int32_t age = 0;
        for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            CHECK_STATUS(kcbx_school_age(bad[i], 20250915, &age, NULL, NULL, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
            CHECK_ERROR_MENTIONS("birth_date");
        }
    }
}

static void test_counts(kcbx_policy *p, kcbx_calendar *cal) {
    kcbx_table *t = NULL;
    kcbx_classification *c = NULL;
    kcbx_calendar *std = NULL;
    int32_t one[] = {20250908};
    int8_t kind8[] = {0};
    int8_t kind32[] = {0};

    /* n_children near INT32_MAX with every column defaulted: it passed validation and the table's
     * allocation aborted the host. Now above the documented maximum (100,000,000). */
    CHECK_STATUS(classify_columns(p, cal, 20250915, KCBX_DATE_ENCODING_YYYYMMDD, INT32_MAX - 1, NULL, NULL, NULL, NULL, NULL, NULL,
                                    NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, &t), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("n_children");
    CHECK_STATUS(classify_columns(p, cal, 20250915, KCBX_DATE_ENCODING_YYYYMMDD, 100000001, NULL, NULL, NULL, NULL, NULL, NULL,
                                    NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, &t), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("100000000");
    CHECK_STATUS(classify_columns(p, cal, 20250915, KCBX_DATE_ENCODING_YYYYMMDD, INT64_MAX, NULL, NULL, NULL, NULL, NULL, NULL,
                                    NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, &t), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(classify_columns(p, cal, 20250915, KCBX_DATE_ENCODING_YYYYMMDD, 1, NULL, NULL, NULL, NULL, NULL, NULL,
                                    NULL, NULL, INT64_MAX, (int32_t[]){0}, one, kind8, NULL, NULL, &t), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("n_marks");
    CHECK(t == NULL, "no table");
    /* One child's marks: at most 1,000,000, checked before the arrays are read. */
    CHECK_STATUS(classify_child(p, cal, 20250915, INT64_MAX, one, kind32, NULL, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, &c),
                 KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("n_marks");
    CHECK_STATUS(classify_child(p, cal, 20250915, 1000001, one, kind32, NULL, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, &c),
                 KCBX_STATUS_INVALID_INPUT);
    CHECK(c == NULL, "no classification");
    /* Holidays of one school year: at most 10,000. */
    CHECK_STATUS(kcbx_calendar_standard(2025, 0, 0, 0, 0, one, one, INT64_MAX, NULL, 0, &std), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("n_holidays");
    CHECK_STATUS(kcbx_calendar_standard(2025, 0, 0, 0, 0, NULL, NULL, 0, one, INT64_MIN, &std), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("n_make_up_days");
    CHECK(std == NULL, "no calendar");
}

/* A progress callback that calls back into the library, and fails, on the caller's thread. */
static void failing_progress(const char *phase, int64_t done, int64_t total, void *user_data) {
    kcbx_policy *none = NULL;
    (void)phase; (void)done; (void)total;
    if (kcbx_policy_builtin("no-such-profile", &none) != KCBX_STATUS_OK) (*(int *)user_data)++;
}

static void test_progress_leaves_no_error(void) {
    kcbx_report *findings = NULL, *summary = NULL;
    int failures = 0;
    CHECK_OK(reconcile_lists("640422", 20251020, DATA "household.csv", DATA "students.csv", NULL, NULL, NULL, NULL,
                                         NULL, NULL, NULL, failing_progress, &failures, &findings, &summary));
    CHECK(failures > 0, "the callback's own calls failed");
    CHECK(strcmp(kcbx_last_error_message(), "") == 0, "a successful call leaves no message, whatever its callback did");
    if (strcmp(kcbx_last_error_message(), "") != 0) fprintf(stderr, "  got: %s\n", kcbx_last_error_message());
    kcbx_report_free(findings);
    kcbx_report_free(summary);
}

int main(void) {
    kcbx_policy *p = NULL;
    kcbx_calendar *cal = NULL;
    CHECK_OK(kcbx_policy_builtin("guyuan-2021", &p));
    CHECK_OK(kcbx_calendar_from_json(CAL_JSON, &cal));
    test_day_numbers(p, cal);
    test_counts(p, cal);
    test_progress_leaves_no_error();
    kcbx_calendar_free(cal);
    kcbx_policy_free(p);
    CHECK_SUMMARY();
}
