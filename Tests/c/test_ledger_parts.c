/* C host test of an attendance import written in parts (issue 13, two writers; docs/ledger.md
 * "Attendance marks"): the whole batch is checked before anything is written, then written in
 * parts of bounded write-lock time. KCBX_IMPORT_PART_ROWS makes the parts small: through C the
 * parts give what one transaction gives, a bad last row writes nothing, a re-import records
 * nothing, and the array form is written in parts too. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "options.h"
#include "files.h"
#include "ledger_helpers.h"

int main(void) {
    const char *tmp = getenv("TMPDIR");
    char dir[1100], sample[1200], marks[1300], bad[700], one_path[600], parts_path[600], bad_path[600];
    kcbx_policy *policy = NULL;
    kcbx_ledger *one = NULL, *parts = NULL, *l = NULL;
    kcbx_import_result *a = NULL, *b = NULL, *r = NULL;
    int64_t seq = 0, seq_after = 0, events = 0, first_bad = -1;
    char *hash = NULL;

    snprintf(dir, sizeof dir, "%s", __FILE__);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    snprintf(sample, sizeof sample, "%s/../../data/sample", dir);
    snprintf(marks, sizeof marks, "%s/attendance.csv", sample);
    snprintf(one_path, sizeof one_path, "%s/parts-one.kcbx", tmp ? tmp : "/tmp");
    snprintf(parts_path, sizeof parts_path, "%s/parts-many.kcbx", tmp ? tmp : "/tmp");
    snprintf(bad_path, sizeof bad_path, "%s/parts-bad.kcbx", tmp ? tmp : "/tmp");
    snprintf(bad, sizeof bad, "%s/parts-bad.csv", tmp ? tmp : "/tmp");
    CHECK_OK(kcbx_policy_builtin("guyuan-2021", &policy));

    /* One transaction (the default part is far larger than the sample) against parts of 997 rows. */
    unsetenv("KCBX_IMPORT_PART_ROWS");
    one = ledger_seeded(one_path, policy, sample);
    CHECK_OK(kcbx_ledger_import_marks_csv(one, marks, &a));
    setenv("KCBX_IMPORT_PART_ROWS", "997", 1);
    parts = ledger_seeded(parts_path, policy, sample);
    CHECK_OK(kcbx_ledger_import_marks_csv(parts, marks, &b));
    CHECK(count_of(a, KCBX_IMPORT_COUNT_ROWS) > 10 * 997, "the sample spans many parts");
    CHECK(count_of(a, KCBX_IMPORT_COUNT_ROWS) == count_of(b, KCBX_IMPORT_COUNT_ROWS)
              && count_of(a, KCBX_IMPORT_COUNT_CHANGED) == count_of(b, KCBX_IMPORT_COUNT_CHANGED)
              && count_of(a, KCBX_IMPORT_COUNT_CONFLICTS) == count_of(b, KCBX_IMPORT_COUNT_CONFLICTS),
          "parts give the counts and conflicts of one transaction");
    CHECK_OK(kcbx_ledger_verify(parts, 0, NULL, &events, &first_bad));
    CHECK(events > 0 && first_bad == 0, "the file written in parts verifies (chain and projections)");
    CHECK_OK(kcbx_ledger_import_marks_csv(parts, marks, &r));
    CHECK(count_of(r, KCBX_IMPORT_COUNT_CHANGED) == 0 && count_of(r, KCBX_IMPORT_COUNT_UNCHANGED) == count_of(b, KCBX_IMPORT_COUNT_CHANGED),
          "a re-import in parts records nothing");
    kcbx_import_result_free(r); r = NULL;

    /* A bad last row: refused before any part is written. */
    {
        char *text = read_file(marks);
        FILE *f = fopen(bad, "wb");
        CHECK(text != NULL && f != NULL, "a copy of the sample attendance");
        if (text && f) { fputs(text, f); fputs("640422201603100115,2025-09-08,bogus\r\n", f); }
        if (f) fclose(f);
        free(text);
    }
    l = ledger_seeded(bad_path, policy, sample);
    CHECK_OK(kcbx_ledger_head(l, &seq, &hash));
    kcbx_string_free(hash); hash = NULL;
    CHECK_STATUS(kcbx_ledger_import_marks_csv(l, bad, &r), KCBX_STATUS_INVALID_INPUT);
    CHECK(count_of(r, KCBX_IMPORT_COUNT_PROBLEMS) >= 1, "the bad row is listed");
    kcbx_import_result_free(r); r = NULL;
    CHECK_OK(kcbx_ledger_head(l, &seq_after, &hash));
    kcbx_string_free(hash); hash = NULL;
    CHECK(seq_after == seq, "nothing of the refused file is recorded");

    /* Arrays in parts of 5: every mark written, each part its own transaction. */
    setenv("KCBX_IMPORT_PART_ROWS", "5", 1);
    {
        const char *keys[12];
        const int32_t days[12] = {20250901, 20250902, 20250903, 20250904, 20250905, 20250908,
                                  20250909, 20250910, 20250911, 20250912, 20250915, 20250916};
        int8_t kinds[12];
        char key[19];
        FILE *f = NULL;
        char line[1400];
        snprintf(line, sizeof line, "%s/roster.csv", sample);
        f = fopen(line, "r");
        CHECK(f != NULL && fgets(line, sizeof line, f) && fgets(line, sizeof line, f), "a roster child");
        if (f) fclose(f);
        memcpy(key, line, 18); key[18] = '\0';
        for (int i = 0; i < 12; i++) { keys[i] = key; kinds[i] = KCBX_MARK_KIND_UNEXCUSED; }
        CHECK_OK(kcbx_ledger_import_marks(l, 12, keys, days, kinds, &r));
        CHECK(count_of(r, KCBX_IMPORT_COUNT_CHANGED) == 12, "12 marks written in three parts");
        kcbx_import_result_free(r); r = NULL;
        CHECK_OK(kcbx_ledger_verify(l, 0, NULL, &events, &first_bad));
        CHECK(first_bad == 0, "verifies after the parts");
    }
    unsetenv("KCBX_IMPORT_PART_ROWS");

    kcbx_import_result_free(a);
    kcbx_import_result_free(b);
    kcbx_ledger_free(one);
    kcbx_ledger_free(parts);
    kcbx_ledger_free(l);
    kcbx_policy_free(policy);
    CHECK_SUMMARY();
}
