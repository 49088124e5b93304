/* C host test of the ABI 2 contract (issue 12, docs/abi.md): the last error's parts (field and
 * rule, set and cleared with the message), the enum constants' pinned numbers, the options
 * structs and the table results. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include "check.h"

static void error_parts(void) {
    int32_t age = 0;
    kcbx_policy *p = NULL;
    /* invalid input: the field is the parameter, the rule what it must satisfy */
    CHECK_STATUS(kcbx_school_age(20230230, 20250901, &age, NULL, NULL, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK(strcmp(kcbx_last_error_field(), "birth_date") == 0, "field of a bad date is birth_date");
    CHECK(strlen(kcbx_last_error_rule()) > 0, "a bad date names its rule");
    CHECK(strstr(kcbx_last_error_message(), kcbx_last_error_rule()) != NULL, "the message carries the rule");
    /* a successful call clears all three */
    CHECK_OK(kcbx_school_age(20190101, 20250901, &age, NULL, NULL, NULL, NULL));
    CHECK(strcmp(kcbx_last_error_field(), "") == 0 && strcmp(kcbx_last_error_rule(), "") == 0
          && strcmp(kcbx_last_error_message(), "") == 0, "success clears message, field and rule");
    /* not found: the field names what was looked for */
    CHECK_STATUS(kcbx_policy_builtin("no-such-profile", &p), KCBX_STATUS_NOT_FOUND);
    CHECK(strlen(kcbx_last_error_field()) > 0, "not found names what");
    CHECK(strcmp(kcbx_last_error_rule(), "not found") == 0, "not found is the rule");
    CHECK(p == NULL, "no handle on failure");
    /* a NULL required parameter */
    CHECK_STATUS(kcbx_policy_builtin(NULL, &p), KCBX_STATUS_INVALID_INPUT);
    CHECK(strcmp(kcbx_last_error_field(), "name") == 0, "NULL name: field is name");
    CHECK(strcmp(kcbx_last_error_rule(), "must not be NULL") == 0, "NULL name: rule is must not be NULL");
}

/* A few of the pinned numbers (the whole list is Tests/abi/constants.txt, checked by
 * make check-header): a host compiled against ABI 1 numbers these the same. */
static void pinned_numbers(void) {
    CHECK(KCBX_STATUS_OK == 0 && KCBX_STATUS_INVALID_INPUT == 1 && KCBX_STATUS_INTERNAL_ERROR == 7, "status numbers");
    CHECK(KCBX_CASE_STATUS_SUSPECTED == 1 && KCBX_CASE_STATUS_SUSPENDED == 8, "case status numbers");
    CHECK(KCBX_CASE_KIND_OUT_OF_SCHOOL == 1 && KCBX_CASE_KIND_DROPOUT == 3, "case kind numbers");
    CHECK(KCBX_REASON_NONE == 0 && KCBX_REASON_A == 1 && KCBX_REASON_T == 20, "reason numbers");
    CHECK(KCBX_MARK_KIND_PRESENT == 0 && KCBX_MARK_KIND_LEFT_EARLY == 4, "mark kind numbers");
    CHECK(KCBX_CHILD_STATUS_ATTENDANCE_UNKNOWN == 14, "child status numbers");
}

static int progress_calls;
static void count_progress(const char *phase, int64_t done, int64_t total, void *user_data) {
    (void)phase; (void)done; (void)total;
    (*(int *)user_data)++;
}

/* Versioned options structs (libgit2's git_clone_options): INIT macro and _init() agree, NULL
 * options mean the defaults, an unknown version is refused naming options.version. */
static void options_structs(void) {
    kcbx_policy *p = NULL;
    kcbx_calendar *cal = NULL;
    kcbx_classification *c = NULL;
    kcbx_table *t = NULL;
    kcbx_report *findings = NULL, *summary = NULL;
    kcbx_classify_options macro = KCBX_CLASSIFY_OPTIONS_INIT, fn;
    kcbx_classify_many_options many = KCBX_CLASSIFY_MANY_OPTIONS_INIT, many_fn;
    kcbx_reconcile_options rec = KCBX_RECONCILE_OPTIONS_INIT, rec_fn;
    const int32_t dates[] = {20250908, 20250909, 20250910, 20250911, 20250912, 20250915, 20250916, 20250917};
    const int8_t kinds[] = {2, 2, 2, 2, 2, 2, 2, 2};
    kcbx_child_status status = -1;
    int64_t rows = -1;

    memset(&fn, 0xff, sizeof fn);
    CHECK_OK(kcbx_classify_options_init(&fn, KCBX_CLASSIFY_OPTIONS_VERSION));
    CHECK(memcmp(&fn, &macro, sizeof fn) == 0 || (fn.version == macro.version && fn.n_marks == 0 && fn.mark_dates == NULL),
          "kcbx_classify_options_init gives what KCBX_CLASSIFY_OPTIONS_INIT gives");
    CHECK(fn.version == KCBX_CLASSIFY_OPTIONS_VERSION && fn.n_marks == 0 && fn.expert_opinion == NULL, "defaults are zero");
    CHECK_OK(kcbx_classify_many_options_init(&many_fn, KCBX_CLASSIFY_MANY_OPTIONS_VERSION));
    CHECK(many_fn.version == many.version && many_fn.encoding == KCBX_DATE_ENCODING_YYYYMMDD, "classify_many defaults");
    CHECK_OK(kcbx_reconcile_options_init(&rec_fn, KCBX_RECONCILE_OPTIONS_VERSION));
    CHECK(rec_fn.version == rec.version && rec_fn.progress == NULL && rec_fn.attending_csv == NULL, "reconcile defaults");
    CHECK_STATUS(kcbx_classify_options_init(&fn, 99), KCBX_STATUS_INVALID_INPUT);
    CHECK(strcmp(kcbx_last_error_field(), "version") == 0, "init with an unknown version names version");
    CHECK_STATUS(kcbx_classify_options_init(NULL, KCBX_CLASSIFY_OPTIONS_VERSION), KCBX_STATUS_INVALID_INPUT);

    if (kcbx_policy_builtin("guyuan-2021", &p) != KCBX_STATUS_OK || kcbx_calendar_standard(2025, 0, 0, 0, 0, NULL, NULL, 0, NULL, 0, &cal)
        != KCBX_STATUS_OK) { CHECK(0, "fixtures"); return; }
    /* One child: eight unexcused school days from 8 September, classified on the 17th through the struct. */
    macro.n_marks = 8; macro.mark_dates = dates; macro.mark_kinds = kinds; macro.birth_date = 20160310; macro.grade = 4;
    CHECK_OK(kcbx_classify(p, cal, 20250917, &macro, &c));
    CHECK_OK(kcbx_classification_summary(c, &status, NULL, NULL, NULL, NULL, NULL));
    CHECK(status == KCBX_CHILD_STATUS_SUSPECTED_DROPOUT, "more than a week absent: suspected (seed 001 附件1 填表说明1)");
    kcbx_classification_free(c); c = NULL;
    /* NULL options: a child with no marks and no facts. */
    CHECK_OK(kcbx_classify(p, cal, 20250917, NULL, &c));
    CHECK_OK(kcbx_classification_summary(c, &status, NULL, NULL, NULL, NULL, NULL));
    CHECK(status == KCBX_CHILD_STATUS_ATTENDANCE_UNKNOWN, "no marks at all: attendance unknown (DOMAIN.md section 7)");
    kcbx_classification_free(c); c = NULL;
    /* An unknown version is refused before any other field is read. */
    macro.version = KCBX_CLASSIFY_OPTIONS_VERSION + 1;
    CHECK_STATUS(kcbx_classify(p, cal, 20250917, &macro, &c), KCBX_STATUS_INVALID_INPUT);
    CHECK(strcmp(kcbx_last_error_field(), "options.version") == 0, "field is options.version");
    CHECK(c == NULL, "no result");
    /* A bad field is named with its struct path. */
    macro.version = KCBX_CLASSIFY_OPTIONS_VERSION; macro.registration = 42;
    CHECK_STATUS(kcbx_classify(p, cal, 20250917, &macro, &c), KCBX_STATUS_INVALID_INPUT);
    CHECK(strcmp(kcbx_last_error_field(), "options.registration") == 0, "field is options.registration");

    /* Bulk: NULL options is an empty table; one child through the struct. */
    CHECK_OK(kcbx_classify_many(p, cal, 20250917, NULL, &t));
    CHECK_OK(kcbx_table_rows(t, &rows));
    CHECK(rows == 0, "NULL options: no children");
    kcbx_table_free(t); t = NULL;
    {
        const int32_t child[] = {0, 0, 0, 0, 0, 0, 0, 0};
        many.n_children = 1; many.n_marks = 8; many.mark_child = child; many.mark_dates = dates; many.mark_kinds = kinds;
        CHECK_OK(kcbx_classify_many(p, cal, 20250917, &many, &t));
        CHECK_OK(kcbx_table_count(t, KCBX_CHILD_STATUS_SUSPECTED_DROPOUT, &rows));
        CHECK(rows == 1, "the bulk call agrees with the one-child call");
        kcbx_table_free(t); t = NULL;
        many.version = 0;
        CHECK_STATUS(kcbx_classify_many(p, cal, 20250917, &many, &t), KCBX_STATUS_INVALID_INPUT);
        CHECK(strcmp(kcbx_last_error_field(), "options.version") == 0, "bulk: field is options.version");
    }

    /* Reconciliation: NULL options is the two registries alone; the callback is a named typedef. */
    CHECK_OK(kcbx_reconcile_csv("640422", 20251020, "data/sample/household.csv", "data/sample/students.csv", NULL, &findings, NULL));
    kcbx_report_free(findings); findings = NULL;
    rec.attending_csv = "data/sample/attending.csv";
    rec.progress = count_progress; rec.user_data = &progress_calls;
    CHECK_OK(kcbx_reconcile_csv("640422", 20251020, "data/sample/household.csv", "data/sample/students.csv", &rec, &findings, &summary));
    CHECK(progress_calls > 0, "the progress callback was called");
    kcbx_report_free(findings); kcbx_report_free(summary);
    rec.version = 7;
    CHECK_STATUS(kcbx_reconcile_csv("640422", 20251020, "data/sample/household.csv", "data/sample/students.csv", &rec, &findings, NULL),
                 KCBX_STATUS_INVALID_INPUT);
    CHECK(strcmp(kcbx_last_error_field(), "options.version") == 0, "reconcile: field is options.version");
    kcbx_calendar_free(cal);
    kcbx_policy_free(p);
}

int main(void) {
    CHECK(kcbx_abi_version() == KCBX_ABI_VERSION, "header and library agree on the ABI version");
    error_parts();
    pinned_numbers();
    options_structs();
    CHECK_SUMMARY();
}
