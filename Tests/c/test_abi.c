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

int main(void) {
    CHECK(kcbx_abi_version() == KCBX_ABI_VERSION, "header and library agree on the ABI version");
    error_parts();
    pinned_numbers();
    CHECK_SUMMARY();
}
