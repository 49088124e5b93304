/* C host test of signed heads, the profile in force and read-only ledgers (issue 11; docs/ledger.md):
 * a ledger copied back from an earlier day passes kcbx_ledger_verify but not kcbx_ledger_verify_heads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "check.h"
#include "options.h"
#include "files.h"

static const char *calendar_json =
    "{\"kcbx_calendar\": 1, \"name\": \"西吉县 2025-2026 学年校历\", \"school_years\": [{\"school_year\": 2025,"
    " \"terms\": [{\"name\": \"autumn\", \"start\": \"2025-09-01\", \"end\": \"2026-01-15\"},"
    "            {\"name\": \"spring\", \"start\": \"2026-03-02\", \"end\": \"2026-07-10\"}],"
    " \"holidays\": [], \"make_up_days\": []}]}";

int main(void) {
    const char *tmp = getenv("TMPDIR");
    char path[600], yesterday[600], heads[8192];
    kcbx_policy *policy = NULL, *fujian = NULL;
    kcbx_ledger *ledger = NULL;
    uint8_t priv[32], pub[32], pub2[32], other_priv[32], other_pub[32];
    char *monday = NULL, *friday = NULL, *json = NULL;
    int32_t changed = 0, ro = -1;
    int64_t bad = -1, events = 0;

    snprintf(path, sizeof path, "%s/heads.kcbx", tmp ? tmp : "/tmp");
    snprintf(yesterday, sizeof yesterday, "%s/heads-yesterday.kcbx", tmp ? tmp : "/tmp");
    remove(path); remove(yesterday);
    CHECK_OK(kcbx_policy_builtin("guyuan-2021", &policy));
    CHECK_OK(kcbx_policy_builtin("fujian-2020", &fujian));

    /* Keys: 32 bytes each; the public key derives from the private one. */
    CHECK_OK(kcbx_signing_key_generate(priv, pub));
    CHECK_OK(kcbx_signing_key_public(priv, pub2));
    CHECK(memcmp(pub, pub2, 32) == 0, "the public key derives from the private key");
    CHECK_OK(kcbx_signing_key_generate(other_priv, other_pub));
    CHECK_STATUS(kcbx_signing_key_generate(NULL, pub), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_signing_key_public(NULL, pub2), KCBX_STATUS_INVALID_INPUT);

    /* Monday's head goes upward; the file is copied (yesterday's backup). */
    CHECK_OK(open_as(path, policy, "county", "640422", "李科长", NULL, &ledger));
    CHECK_OK(kcbx_ledger_signed_head(ledger, priv, &monday));
    CHECK(contains(monday, "\"seq\":1") && contains(monday, "\"profile\":\"guyuan-2021\""), "the head names seq and profile");
    CHECK_STATUS(kcbx_ledger_signed_head(ledger, NULL, &json), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_signed_head(ledger, priv, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_OK(kcbx_ledger_profile(ledger, &json));
    CHECK(contains(json, "guyuan-2021"), "the recorded profile");
    kcbx_string_free(json); json = NULL;
    kcbx_ledger_free(ledger); ledger = NULL;
    CHECK(copy_file(path, yesterday), "copy the ledger");

    /* More is recorded; Friday's head goes upward; both heads verify. */
    CHECK_OK(open_as(path, policy, "county", "640422", "李科长", NULL, &ledger));
    CHECK_OK(kcbx_ledger_set_calendar_json(ledger, calendar_json, &changed));
    CHECK_OK(kcbx_ledger_signed_head(ledger, priv, &friday));
    snprintf(heads, sizeof heads, "%s\n%s\n", monday, friday);
    CHECK_OK(kcbx_ledger_verify_heads(ledger, heads, pub, &bad));
    CHECK(bad == 0, "no bad seq");
    {   /* The report sent upward carries the signed head in its notes; the level above keeps it. */
        kcbx_report *report = NULL;
        char *rj = NULL;
        const char *prefix = "台账签名头 signed head: ";
        CHECK_OK(kcbx_ledger_report(ledger, "guyuan-attachment-1", 20251215, NULL, 0, &report));
        CHECK_OK(kcbx_report_sign(report, ledger, priv));
        CHECK_OK(kcbx_report_sign(report, ledger, priv));   /* again: still one head */
        CHECK_STATUS(kcbx_report_sign(report, ledger, NULL), KCBX_STATUS_INVALID_INPUT);
        CHECK_STATUS(kcbx_report_sign(NULL, ledger, priv), KCBX_STATUS_INVALID_INPUT);
        CHECK_STATUS(kcbx_report_sign(report, NULL, priv), KCBX_STATUS_INVALID_INPUT);
        CHECK_OK(kcbx_report_json(report, &rj));
        {
            const char *at = rj ? strstr(rj, prefix) : NULL;
            CHECK(at != NULL && strstr(at + 1, prefix) == NULL, "exactly one signed head in the report's notes");
            int64_t head_seq = 0;
            char *head_hash = NULL, want[64];
            CHECK_OK(kcbx_ledger_head(ledger, &head_seq, &head_hash));
            snprintf(want, sizeof want, "\\\"seq\\\":%lld", (long long)head_seq);
            CHECK(contains(at, want) && contains(at, head_hash), "the report's head is the ledger's newest event");
            kcbx_string_free(head_hash);
        }
        kcbx_string_free(rj);
        kcbx_report_free(report);
    }
    CHECK_STATUS(kcbx_ledger_verify_heads(ledger, heads, other_pub, &bad), KCBX_STATUS_INTEGRITY);
    CHECK_ERROR_MENTIONS("valid signature");
    CHECK_STATUS(kcbx_ledger_verify_heads(ledger, "{\"seq\": 1}", pub, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_verify_heads(ledger, NULL, pub, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_verify_heads(ledger, heads, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    kcbx_ledger_free(ledger); ledger = NULL;

    /* Yesterday's copy put back: intact alone, named by the received heads. */
    CHECK(copy_file(yesterday, path), "copy back");
    CHECK_OK(open_as(path, policy, "county", "640422", "李科长", NULL, &ledger));
    CHECK_OK(kcbx_ledger_verify(ledger, 0, NULL, &events, NULL));
    CHECK_STATUS(kcbx_ledger_verify_heads(ledger, heads, pub, &bad), KCBX_STATUS_INTEGRITY);
    CHECK_ERROR_MENTIONS("rolled back");
    CHECK(bad == 2, "the first missing seq is named");

    /* The profile in force: another is refused; a school may not change it; the county may. */
    kcbx_ledger_free(ledger); ledger = NULL;
    CHECK_STATUS(open_as(path, fujian, "county", "640422", "李科长", NULL, &ledger), KCBX_STATUS_RULE_VIOLATION);
    {
        kcbx_actor principal = actor_of("school", "640422132", "校长", NULL), county = actor_of("county", "640422", "李科长", NULL);
        kcbx_actor stale = county;
        CHECK_STATUS(kcbx_ledger_change_profile(path, fujian, &principal, "试用", &ledger), KCBX_STATUS_PERMISSION_DENIED);
        CHECK(ledger == NULL, "no handle after a refused change");
        CHECK_STATUS(kcbx_ledger_change_profile(path, fujian, &county, NULL, &ledger), KCBX_STATUS_INVALID_INPUT);
        CHECK_STATUS(kcbx_ledger_change_profile(path, fujian, NULL, "省厅通知", &ledger), KCBX_STATUS_INVALID_INPUT);
        CHECK(strcmp(kcbx_last_error_field(), "actor") == 0, "a NULL actor is named");
        stale.version = 2;
        CHECK_STATUS(kcbx_ledger_change_profile(path, fujian, &stale, "省厅通知", &ledger), KCBX_STATUS_INVALID_INPUT);
        CHECK(strcmp(kcbx_last_error_field(), "actor.version") == 0, "an unknown actor version is named");
        CHECK_OK(kcbx_ledger_change_profile(path, fujian, &county, "省厅通知", &ledger));
    }
    CHECK_OK(kcbx_ledger_profile(ledger, &json));
    CHECK(contains(json, "fujian-2020"), "the new profile is in force");
    kcbx_string_free(json); json = NULL;
    kcbx_ledger_free(ledger); ledger = NULL;

    /* A read-only file opens read-only: verify works, writes are refused. */
    CHECK(chmod(yesterday, 0444) == 0, "chmod 444");
    CHECK_OK(open_as(yesterday, policy, "county", "640422", "李科长", NULL, &ledger));
    CHECK_OK(kcbx_ledger_is_read_only(ledger, &ro));
    CHECK(ro == 1, "opened read-only");
    CHECK_OK(kcbx_ledger_verify(ledger, 0, NULL, &events, NULL));
    CHECK_STATUS(kcbx_ledger_set_calendar_json(ledger, calendar_json, &changed), KCBX_STATUS_STORAGE);
    CHECK_ERROR_MENTIONS("read-only");
    CHECK_STATUS(kcbx_ledger_is_read_only(NULL, &ro), KCBX_STATUS_INVALID_INPUT);
    kcbx_ledger_free(ledger);
    chmod(yesterday, 0644);

    kcbx_string_free(monday);
    kcbx_string_free(friday);
    kcbx_policy_free(policy);
    kcbx_policy_free(fujian);
    remove(path); remove(yesterday);
    CHECK_SUMMARY();
}
