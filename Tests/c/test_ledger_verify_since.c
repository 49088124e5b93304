/* C host test of the incremental verify (issue 13; docs/ledger.md): from a head the host kept, only
 * the events after it are checked; a rewritten anchor or a file rolled back past it is named. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    char path[600], backup[600], other[65];
    kcbx_policy *policy = NULL;
    kcbx_ledger *ledger = NULL;
    char *anchor = NULL, *head = NULL;
    int64_t anchor_seq = 0, head_seq = 0, events = -1, bad = -1, full = 0;
    int32_t changed = 0;

    snprintf(path, sizeof path, "%s/since.kcbx", tmp ? tmp : "/tmp");
    snprintf(backup, sizeof backup, "%s/since-backup.kcbx", tmp ? tmp : "/tmp");
    remove(path); remove(backup);
    CHECK_OK(kcbx_policy_builtin("guyuan-2021", &policy));

    /* Monday: a full verify, and the head kept outside the file (the anchor); a backup copy. */
    CHECK_OK(open_as(path, policy, "county", "640422", "李科长", NULL, &ledger));
    CHECK_OK(kcbx_ledger_verify(ledger, 0, NULL, &full, NULL));
    CHECK_OK(kcbx_ledger_head(ledger, &anchor_seq, &anchor));
    CHECK(anchor_seq == full && anchor != NULL && strlen(anchor) == 64, "the anchor is the newest event");
    kcbx_ledger_free(ledger); ledger = NULL;
    CHECK(copy_file(path, backup), "copy the ledger");

    /* Friday: one more event; the incremental verify checks only it. */
    CHECK_OK(open_as(path, policy, "county", "640422", "李科长", NULL, &ledger));
    CHECK_OK(kcbx_ledger_set_calendar_json(ledger, calendar_json, &changed));
    CHECK(changed == 1, "calendar set");
    CHECK_OK(kcbx_ledger_head(ledger, &head_seq, &head));
    CHECK_OK(kcbx_ledger_verify_since(ledger, anchor_seq, anchor, &events, &bad));
    CHECK(events == head_seq - anchor_seq && events == 1 && bad == 0, "only the events after the anchor, intact");
    CHECK_OK(kcbx_ledger_verify_since(ledger, head_seq, head, &events, &bad));
    CHECK(events == 0 && bad == 0, "nothing after the newest head");
    CHECK_OK(kcbx_ledger_verify_since(ledger, 0, anchor, &events, NULL));
    CHECK(events == head_seq, "anchor 0: every event");
    CHECK_OK(kcbx_ledger_verify_since(ledger, anchor_seq, anchor, NULL, NULL));

    /* An anchor whose hash the file no longer has: the file was rewritten; the event is named. */
    memset(other, 'f', 64); other[64] = '\0';
    CHECK_STATUS(kcbx_ledger_verify_since(ledger, anchor_seq, other, &events, &bad), KCBX_STATUS_INTEGRITY);
    CHECK(bad == anchor_seq, "the rewritten anchor event is named");
    CHECK_ERROR_MENTIONS("anchor");
    kcbx_ledger_free(ledger); ledger = NULL;

    /* Monday's backup put back: Friday's head is missing from it (rolled back), named by seq. */
    CHECK_OK(open_as(backup, policy, "county", "640422", "李科长", NULL, &ledger));
    CHECK_STATUS(kcbx_ledger_verify_since(ledger, head_seq, head, &events, &bad), KCBX_STATUS_INTEGRITY);
    CHECK(bad == head_seq, "the missing head event is named");
    CHECK_ERROR_MENTIONS("missing");

    /* Bad input: named by field, nothing checked. */
    CHECK_STATUS(kcbx_ledger_verify_since(ledger, anchor_seq, "00", &events, &bad), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("anchor");
    CHECK_STATUS(kcbx_ledger_verify_since(ledger, anchor_seq, NULL, &events, &bad), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_verify_since(ledger, -1, anchor, &events, &bad), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_verify_since(ledger, INT64_MAX, anchor, &events, &bad), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_verify_since(NULL, anchor_seq, anchor, &events, &bad), KCBX_STATUS_INVALID_INPUT);
    kcbx_ledger_free(ledger);

    kcbx_string_free(anchor);
    kcbx_string_free(head);
    kcbx_policy_free(policy);
    remove(path); remove(backup);
    CHECK_SUMMARY();
}
