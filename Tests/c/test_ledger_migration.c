/* C host test of the ledger file format migrations (docs/ledger.md, "File format v2" and "v4"): a
 * copy of Tests/fixtures/ledger-v1/ledger-v1.kcbx, written by v1 code, is upgraded in place when
 * opened read-write, verifies with the v1 chain (83 events, the same head hash), takes new marks,
 * and a read-only v1 file is refused saying how to upgrade it; a copy of ledger-v3.kcbx (v3 code,
 * one `marks` row a mark) becomes month rows, verifies with v3's head, keeps the leave's span and
 * slip, and its marks imported again record nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "check.h"
#include "options.h"
#include "files.h"

/* The "changed" count of an import result, -1 when it cannot be read. */
static int64_t changed_count(const kcbx_import_result *r) {
    int64_t v = -1;
    return kcbx_import_result_count(r, KCBX_IMPORT_COUNT_CHANGED, &v) == KCBX_STATUS_OK ? v : -1;
}

static const char *v1_head = "8ee72cc5d1d09fb25e345b768e9da8aa8c3a187c9ec4e7f2c4cfaf39835ad6bb";
static const char *v3_head = "05a67915f3bab97472a0dfee6c7755b180c5e22b81a2be957138c8705a333897";

int main(void) {
    const char *tmp = getenv("TMPDIR");
    char fixture[1200], path[600], ro_path[600], dir[1100];
    kcbx_policy *policy = NULL;
    kcbx_ledger *ledger = NULL;
    char *hash = NULL, *json = NULL;
    kcbx_import_result *report = NULL;
    int64_t seq = 0, events = 0, bad = -1;

    /* The fixture next to this source file (the runner compiles it by its absolute path). */
    snprintf(dir, sizeof dir, "%s", __FILE__);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    snprintf(fixture, sizeof fixture, "%s/../fixtures/ledger-v1/ledger-v1.kcbx", dir);
    snprintf(path, sizeof path, "%s/migrate.kcbx", tmp ? tmp : "/tmp");
    snprintf(ro_path, sizeof ro_path, "%s/migrate-ro.kcbx", tmp ? tmp : "/tmp");
    /* No -wal or -shm left from an earlier run may sit next to the copies. */
    const char *suffixes[3] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char stale[700];
        snprintf(stale, sizeof stale, "%s%s", path, suffixes[i]); chmod(stale, 0644); remove(stale);
        snprintf(stale, sizeof stale, "%s%s", ro_path, suffixes[i]); chmod(stale, 0644); remove(stale);
    }
    CHECK(copy_file(fixture, path) && copy_file(fixture, ro_path), "copies of the v1 fixture");
    CHECK_OK(kcbx_policy_builtin("guyuan-2021", &policy));

    /* Read-only: refused, nothing migrated, and the message says what to do. */
    chmod(ro_path, 0444);
    CHECK_STATUS(open_as(ro_path, policy, "county", "640422", "王老师", NULL, &ledger), KCBX_STATUS_STORAGE);
    CHECK_ERROR_MENTIONS("file format v1");
    CHECK_ERROR_MENTIONS("open it once where it can be written");
    CHECK(ledger == NULL, "no handle for a refused file");

    /* Read-write: migrated in place; the v1 chain verifies byte for byte. */
    CHECK_OK(open_as(path, policy, "county", "640422", "王老师", NULL, &ledger));
    CHECK_OK(kcbx_ledger_head(ledger, &seq, &hash));
    CHECK(seq == 83 && hash != NULL && strcmp(hash, v1_head) == 0, "the head of the v1 chain");
    kcbx_string_free(hash); hash = NULL;
    CHECK_OK(kcbx_ledger_verify(ledger, 83, v1_head, &events, &bad));
    CHECK(events == 83 && bad == 0, "the migrated file verifies from the v1 anchor");
    CHECK_OK(kcbx_ledger_cases_json(ledger, NULL, &json));
    CHECK(json != NULL && strstr(json, "\"persuading\"") != NULL && strstr(json, "\"dismissed\"") != NULL,
          "case 1 persuading and case 2 dismissed, as the v1 actions left them");
    kcbx_string_free(json); json = NULL;

    /* New marks after the migration: one event; the same marks again record nothing. */
    const char *students[2] = {"640422201908270140", "640422201908270140"};
    const int32_t dates[2] = {20251021, 20251022};
    const int8_t kinds[2] = {2, 0};
    CHECK_OK(kcbx_ledger_import_marks(ledger, 2, students, dates, kinds, &report));
    CHECK(changed_count(report) == 2, "two marks changed");
    kcbx_import_result_free(report); report = NULL;
    CHECK_OK(kcbx_ledger_import_marks(ledger, 2, students, dates, kinds, &report));
    CHECK(changed_count(report) == 0, "a re-import changes nothing");
    kcbx_import_result_free(report); report = NULL;
    CHECK_OK(kcbx_ledger_verify(ledger, 83, v1_head, &events, &bad));
    CHECK(events == 84 && bad == 0, "one attendance event after the v1 chain, and it verifies");
    /* The audit trail shows the packed payload as marks with the key (masked unless granted). */
    CHECK_OK(kcbx_ledger_events_json(ledger, 83, 10, 0, &json));
    CHECK(json != NULL && strstr(json, "\"marks\"") != NULL && strstr(json, "packed-marks-v2") == NULL
              && strstr(json, "640422201908270140") == NULL && strstr(json, "0140") != NULL,
          "event 84's marks readable, the key masked");
    kcbx_string_free(json); json = NULL;
    kcbx_ledger_free(ledger); ledger = NULL;

    for (int i = 0; i < 3; i++) {
        char left[700];
        snprintf(left, sizeof left, "%s%s", path, suffixes[i]); chmod(left, 0644); remove(left);
        snprintf(left, sizeof left, "%s%s", ro_path, suffixes[i]); chmod(left, 0644); remove(left);
    }

    /* A v3 file: migration v4 (one mark_months row a child and month). */
    snprintf(fixture, sizeof fixture, "%s/../fixtures/ledger-v3/ledger-v3.kcbx", dir);
    CHECK(copy_file(fixture, path), "a copy of the v3 fixture");
    CHECK_OK(open_as(path, policy, "county", "640422", "王老师", NULL, &ledger));
    CHECK_OK(kcbx_ledger_verify(ledger, 85, v3_head, &events, &bad));
    CHECK(events == 85 && bad == 0, "the migrated v3 file verifies from v3's head");
    /* Marks as v3 code stored them (14 Oct present; 28 Oct present, the later of two marks that
     * day): importing them again changes nothing. */
    const char *again[2] = {"640422201010240519", "640422201012070293"};
    const int32_t again_dates[2] = {20251014, 20251028};
    const int8_t again_kinds[2] = {0, 0};
    CHECK_OK(kcbx_ledger_import_marks(ledger, 2, again, again_dates, again_kinds, &report));
    int64_t unchanged = -1;
    CHECK_OK(kcbx_import_result_count(report, KCBX_IMPORT_COUNT_UNCHANGED, &unchanged));
    CHECK(changed_count(report) == 0 && unchanged == 2, "marks of the v3 file imported again change nothing");
    kcbx_import_result_free(report); report = NULL;
    kcbx_ledger_free(ledger); ledger = NULL;
    for (int i = 0; i < 3; i++) {
        char left[700];
        snprintf(left, sizeof left, "%s%s", path, suffixes[i]); chmod(left, 0644); remove(left);
    }
    kcbx_policy_free(policy);
    CHECK_SUMMARY();
}
