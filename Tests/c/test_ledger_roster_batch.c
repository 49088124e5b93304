/* C host test of packed roster events (file format v3, docs/ledger.md "Packed roster payload"):
 * a roster import through C is one students.upserted event; each child's history shows its own
 * change (who, when, unit, its record only); verify replays it and names the event when its bytes
 * are changed in the file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "ledger_helpers.h"
#include "options.h"
#include "files.h"


/* Changes one base64 character of the first packed roster payload in the file; 1 when done. */
static int tamper_packed_roster(const char *path) {
    FILE *f = fopen(path, "r+b");
    if (!f) return 0;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n);
    int done = 0;
    if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        const char *tag = "packed-students-v3:";
        for (long i = 0; i + 40 < n && !done; i++) {
            if (memcmp(buf + i, tag, strlen(tag)) == 0) {
                long at = i + (long)strlen(tag) + 8;
                char c = buf[at] == 'A' ? 'B' : 'A';
                fseek(f, at, SEEK_SET);
                done = fwrite(&c, 1, 1, f) == 1;
            }
        }
    }
    free(buf);
    fclose(f);
    return done;
}

int main(void) {
    const char *tmp = getenv("TMPDIR");
    char path[600], kid_a[19], kid_b[19], rows[1200], masked_a[32];
    kcbx_policy *policy = NULL;
    kcbx_ledger *county = NULL, *school = NULL;
    kcbx_import_result *imported = NULL;
    char *json = NULL;
    int64_t events = -1, bad = -1, seq = 0;
    char *hash = NULL;

    snprintf(path, sizeof path, "%s/roster_batch.kcbx", tmp && *tmp ? tmp : "/tmp");
    remove(path);
    make_id(kid_a, "20160310", 11);
    make_id(kid_b, "20150721", 22);
    CHECK_OK(kcbx_policy_builtin("guyuan-2021", &policy));
    CHECK_OK(open_as(path, policy, "county", "640422", "李科长", NULL, &county));

    snprintf(rows, sizeof rows,
             "[{\"resident_id\": \"%s\", \"name\": \"马小明\", \"school_id\": \"S-A1\", \"township_code\": \"640422100\", \"grade\": 4},"
             " {\"resident_id\": \"%s\", \"name\": \"王小花\", \"school_id\": \"S-B1\", \"township_code\": \"640422101\", \"grade\": 5,"
             "  \"special_groups\": [\"registered_poor\", \"left_behind\"]}]", kid_a, kid_b);
    CHECK_OK(kcbx_ledger_import_students_json(county, rows, &imported));
    CHECK(count_of(imported, KCBX_IMPORT_COUNT_ADDED) == 2, "two students added");
    kcbx_import_result_free(imported); imported = NULL;
    CHECK_OK(kcbx_ledger_head(county, &seq, &hash));
    CHECK(seq == 2, "ledger.created and one students.upserted event for the batch");
    kcbx_string_free(hash); hash = NULL;
    CHECK_OK(kcbx_ledger_import_students_json(county, rows, &imported));
    CHECK(count_of(imported, KCBX_IMPORT_COUNT_UNCHANGED) == 2, "the same rows again: unchanged");
    kcbx_import_result_free(imported); imported = NULL;
    CHECK_OK(kcbx_ledger_head(county, &seq, &hash));
    CHECK(seq == 2, "an unchanged roster records nothing");
    kcbx_string_free(hash); hash = NULL;

    /* The audit trail shows the batch with both children; a child's history only its own row. */
    CHECK_OK(kcbx_ledger_events_json(county, 1, 10, 0, &json));
    CHECK(contains(json, "students.upserted") && contains(json, "马小明") && contains(json, "王小花"), "the batch in the audit trail");
    kcbx_string_free(json); json = NULL;
    CHECK_OK(kcbx_ledger_student_history_json(county, kid_a, 0, &json));
    CHECK(contains(json, "students.upserted") && contains(json, "马小明") && !contains(json, "王小花"), "kid A's history: its own record");
    CHECK(contains(json, "\"unit_code\":\"640422\"") && contains(json, "李科长") && contains(json, "\"seq\":2"), "who, which unit, which event");
    kcbx_string_free(json); json = NULL;
    /* A school reads its own child's roster change. */
    CHECK_OK(open_as(path, policy, "school", "S-A1", "王老师", NULL, &school));
    CHECK_OK(kcbx_ledger_student_history_json(school, kid_a, 0, &json));
    snprintf(masked_a, sizeof masked_a, "%.4s**********%.4s", kid_a, kid_a + 14);
    CHECK(contains(json, "students.upserted") && contains(json, masked_a) && !contains(json, kid_a), "masked for a school");
    kcbx_string_free(json); json = NULL;
    CHECK_STATUS(kcbx_ledger_student_history_json(school, kid_b, 0, &json), KCBX_STATUS_PERMISSION_DENIED);
    kcbx_ledger_free(school); school = NULL;

    CHECK_OK(kcbx_ledger_verify(county, 0, NULL, &events, &bad));
    CHECK(events >= 2 && bad == 0, "the packed roster event replays and verifies");
    kcbx_ledger_free(county); county = NULL;

    /* One character of the packed payload changed in the file: verify names event #2. */
    CHECK(tamper_packed_roster(path), "tamper with the file");
    CHECK_OK(open_as(path, policy, "county", "640422", "李科长", NULL, &county));
    CHECK_STATUS(kcbx_ledger_verify(county, 0, NULL, &events, &bad), KCBX_STATUS_INTEGRITY);
    CHECK(bad == 2, "the tampered batch event is named by its seq");
    CHECK_ERROR_MENTIONS("students.upserted");
    kcbx_ledger_free(county);
    kcbx_policy_free(policy);
    remove(path);
    CHECK_SUMMARY();
}
