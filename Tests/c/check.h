/* Minimal assertion helpers shared by the C host tests (Tests/c/test_*.c).
 * Each program ends with CHECK_SUMMARY(), which prints "N passed, N failed" and
 * returns non-zero when anything failed; Tests/c/run.sh adds the programs' counts up. */
#ifndef KCBX_CHECK_H
#define KCBX_CHECK_H
#include <stdio.h>
#include <string.h>
#include "kcbx.h"

static int check_passed = 0, check_failed = 0;

#define CHECK(cond, what) do { \
    if (cond) { check_passed++; } \
    else { check_failed++; fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, what); } \
} while (0)

/* Expects a call to return `status`; prints the library's message when it does not. */
#define CHECK_STATUS(call, status) do { \
    kcbx_status check_s_ = (call); \
    if (check_s_ == (status)) { check_passed++; } \
    else { check_failed++; fprintf(stderr, "FAIL %s:%d: %s returned %d (expected %d): %s\n", \
        __FILE__, __LINE__, #call, (int)check_s_, (int)(status), kcbx_last_error_message()); } \
} while (0)

/* `s` is not NULL and contains `needle`. */
static inline int contains(const char *s, const char *needle) { return s != NULL && strstr(s, needle) != NULL; }

#define CHECK_OK(call) CHECK_STATUS(call, KCBX_STATUS_OK)

/* The last error message contains `needle`. */
#define CHECK_ERROR_MENTIONS(needle) \
    CHECK(strstr(kcbx_last_error_message(), (needle)) != NULL, "last error mentions " needle)

#define CHECK_SUMMARY() do { \
    printf("%d passed, %d failed\n", check_passed, check_failed); \
    return check_failed == 0 ? 0 : 1; \
} while (0)
#endif
