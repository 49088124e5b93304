/* Helpers of the ledger host tests (test_ledger*.c): resident IDs of 西吉县, one count of an
 * import result, a fresh ledger path and a ledger seeded with the sample's calendar and roster. */
#ifndef KCBX_TEST_LEDGER_HELPERS_H
#define KCBX_TEST_LEDGER_HELPERS_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "kcbx.h"
#include "check.h"
#include "options.h"
#include "files.h"

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

/* Removes the ledger at `path` and its -wal and -shm files. */
static inline void ledger_fresh(const char *path) {
    char buf[700];
    remove(path);
    snprintf(buf, sizeof buf, "%s-wal", path); remove(buf);
    snprintf(buf, sizeof buf, "%s-shm", path); remove(buf);
}

/* A new ledger at `path` with the calendar and roster of the sample in directory `sample`,
 * opened by the county (西吉县教育局). */
static inline kcbx_ledger *ledger_seeded(const char *path, const kcbx_policy *policy, const char *sample) {
    char file[1200];
    kcbx_ledger *l = NULL;
    int32_t changed = 0;
    ledger_fresh(path);
    CHECK_OK(open_as(path, policy, "county", "640422", "县教育局王老师", NULL, &l));
    snprintf(file, sizeof file, "%s/calendar.json", sample);
    char *cal = read_file(file);
    CHECK(cal != NULL, "the sample calendar");
    CHECK_OK(kcbx_ledger_set_calendar_json(l, cal, &changed));
    free(cal);
    snprintf(file, sizeof file, "%s/roster.csv", sample);
    CHECK_OK(kcbx_ledger_import_students_csv(l, file, NULL));
    return l;
}
#endif
