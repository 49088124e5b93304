/* C host test of escalation (DOMAIN.md §3): the due list, the four steps in order, escalation,
 * the report calendar and the notices, under Dongchuan (seed 004) on a small county.
 * Files live in $TMPDIR (run.sh gives each run a fresh one). Everything returned is freed. */
#define _POSIX_C_SOURCE 200809L   /* symlink */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "options.h"

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    if (f) { fputs(text, f); fclose(f); }
}

/* Counts occurrences of `needle` in `s`. */
static int count(const char *s, const char *needle) {
    int n = 0;
    while (s && (s = strstr(s, needle)) != NULL) { n++; s += strlen(needle); }
    return n;
}

static const char *calendar_json =
    "{\"kcbx_calendar\": 1, \"name\": \"东川区 2025-2026 学年校历\", \"school_years\": [{\"school_year\": 2025,"
    " \"terms\": [{\"name\": \"autumn\", \"start\": \"2025-09-01\", \"end\": \"2026-01-15\"},"
    "            {\"name\": \"spring\", \"start\": \"2026-03-02\", \"end\": \"2026-07-10\"}],"
    " \"holidays\": [{\"name\": \"国庆节\", \"from\": \"2025-10-01\", \"to\": \"2025-10-08\"}],"
    " \"make_up_days\": [\"2025-09-28\", \"2025-10-11\"]}]}";

int main(void) {
    const char *tmp = getenv("TMPDIR");
    char dir[512], path[600], roster[600], csv[600], buf[1200], kid[19];
    char *json = NULL, *text = NULL;
    kcbx_policy *policy = NULL, *guyuan = NULL;
    kcbx_ledger *county = NULL, *school = NULL;
    kcbx_calendar *calendar = NULL;
    int64_t rows = -1;
    int64_t head_a = 0, head_b = 0, case_id = 1;
    char check = 0;

    snprintf(dir, sizeof dir, "%s", tmp && *tmp ? tmp : "/tmp");
    snprintf(path, sizeof path, "%s/test_escalation.sqlite", dir);
    remove(path);
    snprintf(kid, sizeof kid, "53011320160310011");
    kcbx_resident_id_check_character(kid, &check);
    kid[17] = check; kid[18] = '\0';

    CHECK_OK(kcbx_policy_builtin("dongchuan-2025", &policy));
    CHECK_OK(kcbx_policy_builtin("guyuan-2021", &guyuan));
    CHECK_OK(open_as(path, policy, "county", "530113", "李科长", "控辍专干", &county));
    CHECK_OK(open_as(path, policy, "school", "S-1", "王老师", "班主任", &school));
    snprintf(roster, sizeof roster, "%s/escalation_roster.csv", dir);
    snprintf(buf, sizeof buf, "resident_id,name,school_id,school_name,township_code,grade,address\n"
             "%s,马小明,S-1,铜都小学,530113100,4,铜都街道1号\n", kid);
    write_file(roster, buf);
    CHECK_OK(kcbx_ledger_import_students_csv(county, roster, NULL));
    CHECK_OK(kcbx_ledger_set_calendar_json(county, calendar_json, NULL));

    /* Without marks nothing is due; the due list needs a valid date. */
    CHECK_OK(kcbx_due_json(county, 20250908, NULL, 0, &json));
    CHECK(json != NULL && strcmp(json, "[]") == 0, "nothing due before any absence");
    kcbx_string_free(json); json = NULL;
    CHECK_STATUS(kcbx_due_json(county, 20250231, NULL, 0, &json), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("as_of");
    CHECK(json == NULL, "no list on failure");
    CHECK_STATUS(kcbx_due_json(NULL, 20250908, NULL, 0, &json), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_due_json(county, 20250908, "late", 0, &json), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("states");
    CHECK_STATUS(kcbx_due_json(county, 20250908, NULL, 0, NULL), KCBX_STATUS_INVALID_INPUT);

    /* Absent without leave from Monday 8 September 2025 through the end of November. */
    {
        const char *keys[60];
        int32_t dates[60];
        int8_t kinds[60];
        int n = 0, d;
        const int32_t months[3][2] = { {202509, 30}, {202510, 31}, {202511, 30} };
        int m;
        CHECK_OK(kcbx_calendar_from_json(calendar_json, &calendar));
        for (m = 0; m < 3; m++) {
            for (d = (m == 0 ? 8 : 1); d <= months[m][1] && n < 60; d++) {
                int32_t day = months[m][0] * 100 + d;
                int32_t is_school = 0;
                kcbx_calendar_is_school_day(calendar, day, &is_school);
                if (!is_school) continue;
                keys[n] = kid; dates[n] = day; kinds[n] = KCBX_MARK_KIND_UNEXCUSED; n++;
            }
        }
        CHECK_OK(kcbx_ledger_import_marks(school, n, keys, dates, kinds, NULL));
    }

    /* Day 1: the class teacher contacts the guardian the same day (004 二（三）3). */
    CHECK_OK(kcbx_due_json(school, 20250908, NULL, 0, &json));
    CHECK(contains(json, "\"action\":\"guardian_contact\"") && contains(json, "\"due_on\":\"2025-09-08\""), "guardian contact due on day 1");
    CHECK(contains(json, "\"level\":\"class_teacher\"") && contains(json, "004 二（三）3"), "owner and basis");
    CHECK(!contains(json, "three_line_report"), "no three-line report on day 1");
    kcbx_string_free(json); json = NULL;
    /* Day 3: the three-line report to its three recipients (004 二（三）2). */
    CHECK_OK(kcbx_due_json(school, 20250910, "due,overdue", 0, &json));
    CHECK(contains(json, "\"action\":\"three_line_report\"") && contains(json, "\"state\":\"overdue\""), "report due, contact overdue");
    CHECK(contains(json, "政府救助平台") && contains(json, "530113100") && contains(json, "县（区）教育局 530113"), "three recipients");
    kcbx_string_free(json); json = NULL;
    CHECK_STATUS(kcbx_due_record_student_action(school, kid, "education", 20250910, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_due_record_student_action(school, kid, "three_line_report", 20991231, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_OK(kcbx_due_record_student_action(school, kid, "three_line_report", 20250910, "三线报告已报送"));
    {   /* Typed result: the due list as a table (issue 12). */
        kcbx_report *due = NULL;
        int64_t rows = 0, r, found = 0;
        char *action = NULL, *state = NULL;
        CHECK_OK(kcbx_due_list(school, 20250910, "done", 0, &due));
        CHECK_OK(kcbx_report_rows(due, &rows));
        for (r = 0; r < rows; r++) {
            CHECK_OK(kcbx_report_cell(due, r, 3, &action));
            CHECK_OK(kcbx_report_cell(due, r, 14, &state));
            found += action && state && strcmp(action, "three_line_report") == 0 && strcmp(state, "done") == 0;
            kcbx_string_free(action); kcbx_string_free(state); action = state = NULL;
        }
        CHECK(found == 1, "the three-line report done, read from the table");
        kcbx_report_free(due);
        CHECK_STATUS(kcbx_due_list(school, 20250910, "finished", 0, &due), KCBX_STATUS_INVALID_INPUT);
        CHECK(strcmp(kcbx_last_error_field(), "states") == 0, "states named");
    }
    CHECK_OK(kcbx_due_json(school, 20250910, "done", 0, &json));
    CHECK(contains(json, "\"action\":\"three_line_report\"") && contains(json, "\"done_on\":\"2025-09-10\""), "report done");
    kcbx_string_free(json); json = NULL;

    /* The sweep opens the case; the guardian refuses; the four steps in order. */
    CHECK_OK(kcbx_ledger_sweep(county, 20250915, NULL));
    CHECK_OK(kcbx_ledger_case_verify(county, case_id, "G", 20250916, NULL));
    CHECK_OK(kcbx_ledger_case_persuade(county, case_id, "一生一案：每周家访", "马老师", 20250916, NULL));
    CHECK_STATUS(kcbx_ledger_case_action(county, case_id, "education", NULL, 20250917, NULL), KCBX_STATUS_RULE_VIOLATION);
    CHECK_ERROR_MENTIONS("四步法");
    CHECK_OK(kcbx_ledger_case_action(county, case_id, "guardian_refusal", NULL, 20250917, "监护人拒不送学"));
    CHECK_OK(kcbx_ledger_case_action(county, case_id, "education", NULL, 20250918, NULL));
    CHECK_STATUS(kcbx_ledger_case_action(county, case_id, "return_notice", NULL, 20250924, NULL), KCBX_STATUS_RULE_VIOLATION);
    CHECK_OK(kcbx_ledger_case_action(county, case_id, "return_notice", NULL, 20250926, "送达《限期复学通知书》"));
    CHECK_OK(kcbx_due_case_json(county, case_id, 20250926, 0, &json));
    CHECK(contains(json, "\"guardian_deadline\":\"2025-10-11\""), "the notice gives 15 days (return_notice_deadline)");
    kcbx_string_free(json); json = NULL;
    CHECK_OK(kcbx_due_case_json(county, case_id, 20251012, 0, &json));
    CHECK(contains(json, "\"action\":\"administrative_penalty\"") && contains(json, "\"due_on\":\"2025-11-10\""), "step 3 after the deadline");
    kcbx_string_free(json); json = NULL;
    CHECK_STATUS(kcbx_due_case_json(county, 0, 20251012, 0, &json), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_due_case_json(county, 99, 20251012, 0, &json), KCBX_STATUS_NOT_FOUND);

    /* Referrals name their department. */
    CHECK_STATUS(kcbx_ledger_case_action(county, case_id, "referral", NULL, 20250917, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("department");
    CHECK_STATUS(kcbx_ledger_case_action(county, case_id, "referral", "army", 20250917, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_case_action(county, case_id, "home_visit", "police", 20250917, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_case_action(county, case_id, "dance", NULL, 20250917, NULL), KCBX_STATUS_INVALID_INPUT);

    /* Escalation: idempotent, attributed; a department may not escalate. */
    CHECK_OK(kcbx_escalate(county, 20250930, 0, &json));
    CHECK(contains(json, "\"escalated\":[{") && contains(json, "government:township:530113100"), "escalated with both lines notified");
    kcbx_string_free(json); json = NULL;
    CHECK_OK(kcbx_ledger_head(county, &head_a, NULL));
    CHECK_OK(kcbx_escalate(county, 20250930, 0, &json));
    CHECK(contains(json, "\"escalated\":[]"), "the same date again escalates nothing");
    kcbx_string_free(json); json = NULL;
    CHECK_OK(kcbx_escalate(county, 20250930, 0, NULL));
    CHECK_OK(kcbx_ledger_head(county, &head_b, NULL));
    CHECK(head_a == head_b, "no event recorded the second time");
    CHECK_STATUS(kcbx_escalate(county, 20991231, 0, &json), KCBX_STATUS_INVALID_INPUT);
    CHECK(json == NULL, "no summary on failure");
    CHECK_OK(kcbx_ledger_verify(county, 0, NULL, NULL, NULL));

    /* The due list as CSV. */
    snprintf(csv, sizeof csv, "%s/due.csv", dir);
    CHECK_OK(kcbx_due_csv(county, 20250930, "overdue,escalated", 0, csv, &rows));
    CHECK(rows > 0, "rows written");
    CHECK_STATUS(kcbx_due_csv(county, 20250930, NULL, 0, NULL, &rows), KCBX_STATUS_INVALID_INPUT);
    /* The file policy: a symlink at the destination is refused and left alone; the due list is masked. */
    {
        char link[1200];
        snprintf(link, sizeof link, "%s/due-link.csv", dir);
        CHECK(symlink(csv, link) == 0, "symlink made");
        CHECK_STATUS(kcbx_due_csv(county, 20250930, NULL, 0, link, &rows), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("symbolic link");
        CHECK_STATUS(kcbx_due_json(school, 20250930, NULL, 1, &json), KCBX_STATUS_PERMISSION_DENIED);
        CHECK_OK(kcbx_due_json(county, 20250930, NULL, 0, &json));
        CHECK(strstr(json, kid) == NULL, "due list masked by default");
        kcbx_string_free(json); json = NULL;
        CHECK_OK(kcbx_due_json(county, 20250930, NULL, 1, &json));
        CHECK(strstr(json, kid) != NULL, "full keys for the county when asked");
        kcbx_string_free(json); json = NULL;
    }

    /* The report calendar: Guyuan's first-week Friday and month ends (001 附件1 填表说明4). */
    CHECK_OK(kcbx_due_reports_json(guyuan, calendar, 20250901, 20251031, &json));
    CHECK(contains(json, "\"duty\":\"county_report_term_start\",\"level\":\"county\"") || contains(json, "county_report_term_start"), "term-start report");
    CHECK(contains(json, "\"due\":\"2025-09-05\""), "Friday of the first week");
    CHECK(count(json, "\"duty\":\"county_monthly_summary\"") == 2, "two month ends");
    kcbx_string_free(json); json = NULL;
    CHECK_STATUS(kcbx_due_reports_json(policy, NULL, 20250901, 20251031, &json), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("calendar");
    CHECK_STATUS(kcbx_due_reports_json(guyuan, calendar, 20251031, 20250901, &json), KCBX_STATUS_INVALID_INPUT);

    /* Notices: fields from the ledger, the rest from the host. */
    CHECK_OK(kcbx_notice_fields_json(county, "return_notice", kid, 20250926, &json));
    CHECK(contains(json, "\"deadline\":\"2025年10月11日\"") && contains(json, "马小明"), "deadline from the recorded notice");
    kcbx_string_free(json); json = NULL;
    CHECK_STATUS(kcbx_notice_fields_json(county, "poster", kid, 20250926, &json), KCBX_STATUS_INVALID_INPUT);
    CHECK_OK(kcbx_notice_fields_of("return_notice", &json));
    CHECK(contains(json, "\"guardian\"") && contains(json, "\"deadline\""), "template placeholders");
    kcbx_string_free(json); json = NULL;
    CHECK_OK(kcbx_notice_render("return_notice",
        "{\"guardian\": \"马大山\", \"child\": \"马小明\", \"child_id\": \"530113********0011\", \"school\": \"铜都小学\","
        " \"absent_since\": \"2025年9月8日\", \"deadline\": \"2025年10月11日\", \"issuer\": \"东川区铜都街道办事处\","
        " \"issue_date\": \"2025年9月26日\", \"basis\": \"东教体发〔2025〕8号\"}", &text));
    CHECK(contains(text, "限期复学通知书") && contains(text, "马大山（监护人）") && contains(text, "2025年10月11日 前"), "notice text");
    kcbx_string_free(text); text = NULL;
    CHECK_STATUS(kcbx_notice_render("return_notice", "{\"guardian\": \"马大山\"}", &text), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("fields.");
    CHECK(text == NULL, "no text on failure");
    CHECK_STATUS(kcbx_notice_render("return_notice", "not json", &text), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_notice_render(NULL, "{}", &text), KCBX_STATUS_INVALID_INPUT);

    kcbx_calendar_free(calendar);
    kcbx_ledger_free(school);
    kcbx_ledger_free(county);
    kcbx_policy_free(policy);
    kcbx_policy_free(guyuan);
    remove(path);
    CHECK_SUMMARY();
}
