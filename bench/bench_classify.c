/* Timing of bulk classification through the C ABI (kcbx_classify_many).
 *
 * Synthetic county like bench_data.py: one autumn term (2025-09-01 .. as-of), National Day
 * holiday 1-8 Oct with make-up days 28 Sept / 11 Oct; per child a mark on every school day
 * (present / leave / unexcused / late by chance), ~2% of children on an unbroken unexcused
 * streak from a random day, ~1% away 3-5 school days, ~0.2% of marks missing.
 *
 * Build against a release library (see the Makefile's `lib` target), e.g.
 *   cc -O2 -std=c99 -Iinclude bench/bench_classify.c -Lout/lib -lkcbx -o /tmp/bench_classify
 *   LD_LIBRARY_PATH=out/lib /tmp/bench_classify 1000000 [as_of YYYYMMDD] [shuffle]
 * Prints the mark count, the time of the sorted (grouped by child) call, optionally of a call
 * on shuffled marks, and the status counts.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "kcbx.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) {
    rng_state ^= rng_state >> 12; rng_state ^= rng_state << 25; rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}
static double unit(void) { return (double)(next() >> 11) / 9007199254740992.0; }

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int die(const char *what) {
    fprintf(stderr, "%s failed: %s\n", what, kcbx_last_error_message());
    return 1;
}

int main(int argc, char **argv) {
    int64_t n = argc > 1 ? atoll(argv[1]) : 1000000;
    int32_t as_of = argc > 2 ? (int32_t)atoi(argv[2]) : 20251219;
    int shuffle = argc > 3 && strcmp(argv[3], "shuffle") == 0;
    const int32_t hol_from[] = {20251001}, hol_to[] = {20251008}, make_up[] = {20250928, 20251011};
    kcbx_policy *policy = NULL;
    kcbx_calendar *cal = NULL;
    kcbx_table *table = NULL;
    kcbx_classify_many_options opts = KCBX_CLASSIFY_MANY_OPTIONS_INIT;
    int32_t days[200];
    int n_days = 0, d;
    int64_t i, m = 0, count, total;
    int32_t *child, *date;
    int8_t *kind;
    double t0, t1;

    if (kcbx_policy_builtin("dongchuan-2025", &policy)) return die("kcbx_policy_builtin");
    if (kcbx_calendar_standard(2025, 0, 0, 0, 0, hol_from, hol_to, 1, make_up, 2, &cal)) return die("kcbx_calendar_standard");
    for (d = 20250901; d <= as_of && n_days < 200; ) {
        int32_t is = 0;
        int y = d / 10000, mo = (d / 100) % 100, dd = d % 100;
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (kcbx_calendar_is_school_day(cal, d, &is)) return die("kcbx_calendar_is_school_day");
        if (is) days[n_days++] = d;
        if (++dd > mdays[mo - 1]) { dd = 1; if (++mo > 12) { mo = 1; y++; } }
        d = y * 10000 + mo * 100 + dd;
    }
    total = n * n_days;
    child = malloc((size_t)total * sizeof *child);
    date = malloc((size_t)total * sizeof *date);
    kind = malloc((size_t)total * sizeof *kind);
    if (!child || !date || !kind) { fprintf(stderr, "out of memory\n"); return 1; }
    for (i = 0; i < n; i++) {
        int streak = unit() < 0.02, away = !streak && unit() < 0.01;
        int start = (int)(next() % (uint64_t)n_days), len = 3 + (int)(next() % 3), k;
        for (k = 0; k < n_days; k++) {
            double u = unit();
            int8_t v = u < 0.010 ? 1 : u < 0.016 ? 2 : u < 0.030 ? 3 : 0;
            if (streak && k >= start) v = 2;
            if (away && k >= start && k < start + len) v = 2;
            if ((streak || away) && (k == start - 1 || (away && k == start + len))) v = 0;
            if (!(streak && k >= start) && unit() < 0.002) continue;   /* missing mark */
            child[m] = (int32_t)i; date[m] = days[k]; kind[m] = v; m++;
        }
    }
    printf("%lld children, %d school days, %lld marks\n", (long long)n, n_days, (long long)m);

    opts.n_children = n;
    opts.n_marks = m; opts.mark_child = child; opts.mark_dates = date; opts.mark_kinds = kind;
    t0 = now();
    if (kcbx_classify_many(policy, cal, as_of, &opts, &table)) return die("kcbx_classify_many");
    t1 = now();
    printf("sorted input:   %.3f s (%.1f M marks/s)\n", t1 - t0, (double)m / (t1 - t0) / 1e6);
    for (d = KCBX_CHILD_STATUS_IN_SCHOOL; d <= KCBX_CHILD_STATUS_DROPOUT; d++) {
        kcbx_table_count(table, d, &count);
        printf("  status %d: %lld\n", d, (long long)count);
    }
    kcbx_table_free(table);

    if (shuffle) {
        for (i = m - 1; i > 0; i--) {
            int64_t j = (int64_t)(next() % (uint64_t)(i + 1));
            int32_t c = child[i], t = date[i];
            int8_t v = kind[i];
            child[i] = child[j]; date[i] = date[j]; kind[i] = kind[j];
            child[j] = c; date[j] = t; kind[j] = v;
        }
        t0 = now();
        if (kcbx_classify_many(policy, cal, as_of, &opts, &table)) return die("kcbx_classify_many (shuffled)");
        t1 = now();
        printf("shuffled input: %.3f s (%.1f M marks/s)\n", t1 - t0, (double)m / (t1 - t0) / 1e6);
        kcbx_table_free(table);
    }
    free(child); free(date); free(kind);
    kcbx_calendar_free(cal);
    kcbx_policy_free(policy);
    return 0;
}
