/* C ABI call overhead of libkcbx: nanoseconds per call of trivial kcbx_* functions from C.
 *
 * Built and run by bench/run.py (cc -O2 -std=c99 -Iinclude bench/abi_overhead.c -L<lib dir>
 * -l:libkcbx.so.0 -Wl,-rpath,<lib dir>). Prints one line per function:
 *   <name> <ns per call> <calls>
 * A call of a local non-inlined function gives the floor of a plain C call on this machine.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "kcbx.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

__attribute__((noinline)) static int32_t local_function(int32_t x) {
    __asm__ volatile("" : : : "memory");
    return x + 1;
}

/* Best of `rounds` timings of `calls` iterations of BODY, in ns per call. */
#define MEASURE(name, calls, rounds, BODY)                                        \
    do {                                                                          \
        double best = 1e30;                                                       \
        int r;                                                                    \
        long i;                                                                   \
        for (r = 0; r < (rounds); r++) {                                          \
            double t0 = now(), dt;                                                \
            for (i = 0; i < (calls); i++) { BODY; }                               \
            dt = now() - t0;                                                      \
            if (dt < best) best = dt;                                             \
        }                                                                         \
        printf("%s %.2f %ld\n", (name), best * 1e9 / (double)(calls), (long)(calls)); \
    } while (0)

int main(int argc, char **argv) {
    long calls = argc > 1 ? atol(argv[1]) : 10000000L;
    volatile int64_t sink = 0;
    kcbx_calendar *cal = NULL;
    kcbx_policy *policy = NULL;
    const int32_t hol_from[] = {20251001, 20260101}, hol_to[] = {20251008, 20260103};
    const int32_t make_up[] = {20250928, 20251011, 20260104};
    /* Dates of one week in September 2025, cycled (school days and a weekend). */
    const int32_t dates[8] = {20250908, 20250909, 20250910, 20250911, 20250912, 20250913, 20250914, 20250915};
    int32_t is_school = 0;
    int64_t count = 0;

    if (kcbx_calendar_standard(2025, 0, 0, 0, 0, hol_from, hol_to, 2, make_up, 3, &cal) != KCBX_STATUS_OK ||
        kcbx_policy_builtin("dongchuan-2025", &policy) != KCBX_STATUS_OK) {
        fprintf(stderr, "setup failed: %s\n", kcbx_last_error_message());
        return 1;
    }
    MEASURE("local_noinline_function", calls, 5, sink += local_function((int32_t)i));
    MEASURE("kcbx_abi_version", calls, 5, sink += kcbx_abi_version());
    MEASURE("kcbx_calendar_is_school_day", calls, 5,
            { kcbx_calendar_is_school_day(cal, dates[i & 7], &is_school); sink += is_school; });
    MEASURE("kcbx_calendar_count_school_days", calls, 5,
            { kcbx_calendar_count_school_days(cal, 20250901, dates[i & 7], &count); sink += count; });
    kcbx_calendar_free(cal);
    kcbx_policy_free(policy);
    return sink == 42 ? 2 : 0;
}
