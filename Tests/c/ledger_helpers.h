/* Helpers of the ledger host tests (test_ledger.c, test_ledger_roster_batch.c): resident IDs of
 * 西吉县 and one count of an import result. */
#ifndef KCBX_TEST_LEDGER_HELPERS_H
#define KCBX_TEST_LEDGER_HELPERS_H
#include <stdint.h>
#include <stdio.h>
#include "kcbx.h"

/* A valid resident ID of 西吉县 (640422) born on `birth` (YYYYMMDD) with sequence `seq`. */
static inline void make_id(char out[19], const char *birth, int seq) {
    char check = 0;
    snprintf(out, 19, "640422%s%03d", birth, seq);
    kcbx_resident_id_check_character(out, &check);
    out[17] = check;
    out[18] = '\0';
}

/* One count of an import result; -1 when the getter fails. */
static inline int64_t count_of(const kcbx_import_result *r, kcbx_import_count which) {
    int64_t v = -1;
    return kcbx_import_result_count(r, which, &v) == KCBX_STATUS_OK ? v : -1;
}
#endif
