/* The attendance import from C arrays (kcbx_ledger_import_marks), timed alone: a marks CSV
 * (student,date,kind; dates YYYY-MM-DD, kinds as labels) is read into the three arrays first,
 * then one call imports them into a ledger copy the caller made. Prints the call's CPU seconds
 * (user + sys, getrusage), the marks a CPU second, the result's counts, the process's peak RSS
 * and the RSS the arrays took before the call (bench/profiles/columns.md).
 *
 *   cc -O2 -std=c99 -Iinclude bench/marks_columns.c -Lout/lib -l:libkcbx.so.0 -Wl,-rpath,$PWD/out/lib -o /tmp/marks_columns
 *   /tmp/marks_columns COPY.kcbx /work/data/c50000/county/attendance.csv guyuan-2021 640422
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "kcbx.h"

static double cpu(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec * 1e-6 + (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec * 1e-6;
}

static long peak_kb(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

static int8_t kind_of(const char *s) {
    static const char *labels[] = {"present", "approved_leave", "unexcused", "late", "left_early"};
    for (int8_t k = 0; k < 5; k++)
        if (strcmp(s, labels[k]) == 0) return k;
    return (int8_t)atoi(s);
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s LEDGER MARKS.csv PROFILE UNIT_CODE\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[2], "r");
    if (!f) return 2;
    size_t cap = 1 << 20, n = 0;
    char **keys = malloc(cap * sizeof *keys);
    int32_t *dates = malloc(cap * sizeof *dates);
    int8_t *kinds = malloc(cap * sizeof *kinds);
    char line[512];
    if (!fgets(line, sizeof line, f)) return 2;  /* header */
    while (fgets(line, sizeof line, f)) {
        char *s = line, *d = strchr(s, ','), *k;
        if (!d) continue;
        *d++ = '\0';
        k = strchr(d, ',');
        if (!k) continue;
        *k++ = '\0';
        k[strcspn(k, "\r\n,")] = '\0';
        if (n == cap) {
            cap *= 2;
            keys = realloc(keys, cap * sizeof *keys);
            dates = realloc(dates, cap * sizeof *dates);
            kinds = realloc(kinds, cap * sizeof *kinds);
        }
        keys[n] = strdup(s);
        dates[n] = (int32_t)(atoi(d) * 10000 + atoi(d + 5) * 100 + atoi(d + 8));
        kinds[n] = kind_of(k);
        n++;
    }
    fclose(f);
    long before_kb = peak_kb();

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
    double t0 = cpu();
    kcbx_status st = kcbx_ledger_import_marks(ledger, (int64_t)n, (const char *const *)keys, dates, kinds, &r);
    double t = cpu() - t0;
    int64_t rows = -1, changed = -1, unchanged = -1, conflicts = -1;
    kcbx_import_result_count(r, KCBX_IMPORT_COUNT_ROWS, &rows);
    kcbx_import_result_count(r, KCBX_IMPORT_COUNT_CHANGED, &changed);
    kcbx_import_result_count(r, KCBX_IMPORT_COUNT_UNCHANGED, &unchanged);
    kcbx_import_result_count(r, KCBX_IMPORT_COUNT_CONFLICTS, &conflicts);
    printf("status %d rows %lld changed %lld unchanged %lld conflicts %lld cpu %.2f s %.0f marks/s peak_rss %ld KB arrays_rss %ld KB\n",
           (int)st, (long long)rows, (long long)changed, (long long)unchanged, (long long)conflicts, t, (double)n / t, peak_kb(),
           before_kb);
    if (st != KCBX_STATUS_OK) fprintf(stderr, "%s\n", kcbx_last_error_message());
    kcbx_import_result_free(r);
    kcbx_ledger_free(ledger);
    kcbx_policy_free(policy);
    return st == KCBX_STATUS_OK ? 0 : 1;
}
