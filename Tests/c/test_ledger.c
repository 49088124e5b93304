/* C host test of the ledger (台账) API: every kcbx_ledger_* function, success and error paths.
 * Files live in $TMPDIR (run.sh gives each run a fresh one). Everything returned is freed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "ledger_helpers.h"
#include "options.h"

static char dir[512];

static const char *path_of(const char *name, char *buf, size_t size) {
    snprintf(buf, size, "%s/%s", dir, name);
    return buf;
}

static void remove_ledger(const char *path) {
    char buf[600];
    remove(path);
    snprintf(buf, sizeof buf, "%s-wal", path); remove(buf);
    snprintf(buf, sizeof buf, "%s-shm", path); remove(buf);
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    if (f) { fputs(text, f); fclose(f); }
}

static long file_size(const char *path) {
    long n = -1;
    FILE *f = fopen(path, "rb");
    if (f) { fseek(f, 0, SEEK_END); n = ftell(f); fclose(f); }
    return n;
}


/* Cell (row, column) of the problems (or conflicts) table of an import result into buf ("" when absent). */
static const char *import_cell(const kcbx_import_result *r, int conflicts, int64_t row, int64_t column, char *buf, size_t size) {
    kcbx_report *t = NULL;
    char *cell = NULL;
    buf[0] = '\0';
    if ((conflicts ? kcbx_import_result_conflicts(r, &t) : kcbx_import_result_problems(r, &t)) == KCBX_STATUS_OK
        && kcbx_report_cell(t, row, column, &cell) == KCBX_STATUS_OK)
        snprintf(buf, size, "%s", cell);
    kcbx_string_free(cell);
    kcbx_report_free(t);
    return buf;
}

static const char *calendar_json =
    "{\"kcbx_calendar\": 1, \"name\": \"西吉县 2025-2026 学年校历\", \"school_years\": [{\"school_year\": 2025,"
    " \"terms\": [{\"name\": \"autumn\", \"start\": \"2025-09-01\", \"end\": \"2026-01-15\"},"
    "            {\"name\": \"spring\", \"start\": \"2026-03-02\", \"end\": \"2026-07-10\"}],"
    " \"holidays\": [{\"name\": \"国庆节\", \"from\": \"2025-10-01\", \"to\": \"2025-10-08\"}],"
    " \"make_up_days\": [\"2025-09-28\", \"2025-10-11\"]}]}";

/* School days of September 2025 from the 8th through the 23rd (the 28th is a make-up Sunday). */
static const int32_t sept_days[] = { 20250908, 20250909, 20250910, 20250911, 20250912,
                                     20250915, 20250916, 20250917, 20250918, 20250919,
                                     20250922, 20250923 };

int main(void) {
    const char *tmp = getenv("TMPDIR");
    char path[600], roster[600], bad_roster[600], marks_csv[600], export_path[600], buf[600];
    char kid_a[19], kid_b[19], kid_c[19];
    char *json = NULL, *hash = NULL;
    kcbx_import_result *imported = NULL;
    int64_t n = 0;
    kcbx_policy *policy = NULL, *fujian = NULL;
    kcbx_ledger *county = NULL, *school = NULL, *ledger = NULL;
    kcbx_calendar *calendar = NULL;
    int32_t changed = -1, status = 0, kind = 0;
    int64_t rows = -1;
    int64_t case_a = 0, case_b = 0, case_c = 0, events = 0, bad_seq = -1, head_seq = 0;
    int i;

    snprintf(dir, sizeof dir, "%s", tmp && *tmp ? tmp : "/tmp");
    path_of("test_ledger.sqlite", path, sizeof path);
    remove_ledger(path);
    make_id(kid_a, "20160310", 11);
    make_id(kid_b, "20150721", 22);
    make_id(kid_c, "20170102", 31);

    CHECK_OK(kcbx_policy_builtin("guyuan-2021", &policy));
    CHECK_OK(kcbx_policy_builtin("fujian-2020", &fujian));

    /* --- open: every input validated ---------------------------------------------------- */
    CHECK_STATUS(open_as(NULL, policy, "county", "640422", "李科长", NULL, &ledger), KCBX_STATUS_INVALID_INPUT);
    CHECK(ledger == NULL, "no handle on failure");
    CHECK_STATUS(open_as(path, NULL, "county", "640422", "李科长", NULL, &ledger), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("policy");
    CHECK_STATUS(open_as(path, policy, "emperor", "640422", "李科长", NULL, &ledger), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("actor.level");
    CHECK_STATUS(open_as(path, policy, "township", "6404", "马专干", NULL, &ledger), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("9 digits");
    CHECK_STATUS(open_as(path, policy, "county", "640422", "", NULL, &ledger), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(open_as(path, policy, "county", "640422", "李科长", NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(open_as(dir, policy, "county", "640422", "李科长", NULL, &ledger), KCBX_STATUS_STORAGE);
    {   /* The actor is a versioned struct (ABI 3): NULL, unknown versions and NULL fields are named. */
        kcbx_actor a = KCBX_ACTOR_INIT, b;
        CHECK(a.version == KCBX_ACTOR_VERSION && a.level == NULL && a.role == NULL, "KCBX_ACTOR_INIT");
        CHECK_OK(kcbx_actor_init(&b, KCBX_ACTOR_VERSION));
        CHECK(b.version == KCBX_ACTOR_VERSION && b.unit_code == NULL && b.person == NULL, "kcbx_actor_init");
        CHECK_STATUS(kcbx_actor_init(&b, 0), KCBX_STATUS_INVALID_INPUT);
        CHECK_STATUS(kcbx_actor_init(NULL, KCBX_ACTOR_VERSION), KCBX_STATUS_INVALID_INPUT);
        CHECK(strcmp(kcbx_last_error_field(), "actor") == 0, "kcbx_actor_init names its NULL struct");
        CHECK_STATUS(kcbx_ledger_open(path, policy, NULL, &ledger), KCBX_STATUS_INVALID_INPUT);
        CHECK(strcmp(kcbx_last_error_field(), "actor") == 0, "a NULL actor is named");
        a.level = "county"; a.unit_code = "640422"; a.person = "李科长";
        b = a; b.version = 0;
        CHECK_STATUS(kcbx_ledger_open(path, policy, &b, &ledger), KCBX_STATUS_INVALID_INPUT);
        CHECK(strcmp(kcbx_last_error_field(), "actor.version") == 0, "an unknown actor version is named");
        b = a; b.unit_code = NULL;
        CHECK_STATUS(kcbx_ledger_open(path, policy, &b, &ledger), KCBX_STATUS_INVALID_INPUT);
        CHECK(strcmp(kcbx_last_error_field(), "actor.unit_code") == 0, "a NULL field is named actor.<field>");
        CHECK(ledger == NULL, "no handle on failure");
    }
    CHECK_OK(open_as(path, policy, "county", "640422", "李科长", "控辍专干", &county));
    CHECK_OK(open_as(path, policy, "school", "S-A1", "王老师", NULL, &school));
    kcbx_ledger_free(NULL);
    kcbx_ledger_free(NULL);

    /* --- roster: CSV (with BOM) and JSON, all or nothing ----------------------------------- */
    path_of("roster.csv", roster, sizeof roster);
    snprintf(buf, sizeof buf,
             "\xEF\xBB\xBFresident_id,name,school_id,school_name,township_code,grade,special_groups,registration\n"
             "%s,马小明,S-A1,吉强中心小学,640422100,4,,\n%s,王小花,S-A1,吉强中心小学,640422100,5,registered_poor,\n"
             "%s,李小军,,,640422100,,,none\n", kid_a, kid_b, kid_c);
    write_file(roster, buf);
    /* Typed results (issue 12): counts by kcbx_import_count, problems and conflicts as tables. */
    CHECK_OK(kcbx_ledger_import_students_csv(county, roster, &imported));
    CHECK(count_of(imported, KCBX_IMPORT_COUNT_ROWS) == 3 && count_of(imported, KCBX_IMPORT_COUNT_ADDED) == 3
          && count_of(imported, KCBX_IMPORT_COUNT_UPDATED) == 0 && count_of(imported, KCBX_IMPORT_COUNT_PROBLEMS) == 0,
          "three students added, read as counts");
    CHECK_STATUS(kcbx_import_result_count(imported, (kcbx_import_count)99, &n), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("count");
    CHECK_STATUS(kcbx_import_result_count(NULL, KCBX_IMPORT_COUNT_ROWS, &n), KCBX_STATUS_INVALID_INPUT);
    CHECK_OK(kcbx_import_result_json(imported, &json));
    CHECK(contains(json, "\"added\":3"), "the JSON serialiser gives the same counts");
    kcbx_string_free(json); json = NULL;
    kcbx_import_result_free(imported); imported = NULL;
    kcbx_import_result_free(NULL);
    CHECK_OK(kcbx_ledger_import_students_csv(county, roster, NULL));
    CHECK_OK(kcbx_ledger_import_students_csv(county, roster, &imported));
    CHECK(count_of(imported, KCBX_IMPORT_COUNT_UNCHANGED) == 3 && count_of(imported, KCBX_IMPORT_COUNT_ADDED) == 0,
          "re-import changes nothing");
    kcbx_import_result_free(imported); imported = NULL;
    path_of("bad_roster.csv", bad_roster, sizeof bad_roster);
    write_file(bad_roster, "resident_id,name,township_code\n64042220160310011,坏,640422100\n");
    CHECK_STATUS(kcbx_ledger_import_students_csv(county, bad_roster, &imported), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("row 2 resident_id");
    CHECK(imported != NULL && count_of(imported, KCBX_IMPORT_COUNT_PROBLEMS) >= 1 && count_of(imported, KCBX_IMPORT_COUNT_ROWS) == 0,
          "a refused batch still gives its problems");
    CHECK(strcmp(import_cell(imported, 0, 0, 0, buf, sizeof buf), "2") == 0, "the problem's row, as a spreadsheet numbers it");
    CHECK(strcmp(import_cell(imported, 0, 0, 1, buf, sizeof buf), "resident_id") == 0, "the problem's field");
    CHECK(strlen(import_cell(imported, 0, 0, 2, buf, sizeof buf)) > 0, "the problem's rule");
    CHECK_OK(kcbx_import_result_json(imported, &json));
    CHECK(contains(json, "\"problems\"") && contains(json, "\"row\":2"), "problems as JSON name the row");
    kcbx_string_free(json); json = NULL;
    kcbx_import_result_free(imported); imported = NULL;
    CHECK_STATUS(kcbx_ledger_import_students_csv(county, NULL, &imported), KCBX_STATUS_INVALID_INPUT);
    CHECK(imported == NULL, "no result without rows");
    CHECK_STATUS(kcbx_ledger_import_students_csv(county, path_of("missing.csv", buf, sizeof buf), NULL), KCBX_STATUS_NOT_FOUND);
    CHECK_STATUS(kcbx_ledger_import_students_csv(NULL, roster, NULL), KCBX_STATUS_INVALID_INPUT);
    snprintf(buf, sizeof buf, "[{\"resident_id\": \"%s\", \"name\": \"马小明\", \"school_id\": \"S-A1\", \"township_code\": \"640422100\", \"grade\": 4,"
             " \"address\": \"吉强镇1村\"}]", kid_a);
    CHECK_OK(kcbx_ledger_import_students_json(county, buf, &imported));
    CHECK(count_of(imported, KCBX_IMPORT_COUNT_UPDATED) == 1, "JSON import updates the address");
    kcbx_import_result_free(imported); imported = NULL;
    CHECK_STATUS(kcbx_ledger_import_students_json(county, "{\"not\": \"an array\"}", NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_import_students_json(county, "[{\"shoe\": 1}]", NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("shoe");

    /* --- calendar: county only, idempotent ------------------------------------------------- */
    CHECK_STATUS(kcbx_ledger_set_calendar_json(school, calendar_json, &changed), KCBX_STATUS_PERMISSION_DENIED);
    CHECK_STATUS(kcbx_ledger_set_calendar_json(county, "{\"kcbx_calendar\": 1}", &changed), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_set_calendar_json(county, NULL, &changed), KCBX_STATUS_INVALID_INPUT);
    CHECK_OK(kcbx_ledger_set_calendar_json(county, calendar_json, &changed));
    CHECK(changed == 1, "calendar set");
    CHECK_OK(kcbx_calendar_from_json(calendar_json, &calendar));
    CHECK_OK(kcbx_ledger_set_calendar(county, calendar, &changed));
    CHECK(changed == 0, "the same calendar again changes nothing");
    CHECK_STATUS(kcbx_ledger_set_calendar(county, NULL, &changed), KCBX_STATUS_INVALID_INPUT);

    /* --- marks: arrays and CSV ---------------------------------------------------------------- */
    {
        const char *keys[12];
        int8_t kinds[12];
        for (i = 0; i < 12; i++) { keys[i] = kid_b; kinds[i] = KCBX_MARK_KIND_UNEXCUSED; }
        CHECK_OK(kcbx_ledger_import_marks(school, 12, keys, sept_days, kinds, &imported));
        CHECK(count_of(imported, KCBX_IMPORT_COUNT_CHANGED) == 12 && count_of(imported, KCBX_IMPORT_COUNT_ROWS) == 12
              && count_of(imported, KCBX_IMPORT_COUNT_ADDED) == 0, "12 marks recorded (added applies to rosters only)");
        kcbx_import_result_free(imported); imported = NULL;
        CHECK_OK(kcbx_ledger_import_marks(school, 12, keys, sept_days, kinds, NULL));
        CHECK_OK(kcbx_ledger_import_marks(school, 0, NULL, NULL, NULL, NULL));
        CHECK_STATUS(kcbx_ledger_import_marks(school, 2, NULL, sept_days, kinds, NULL), KCBX_STATUS_INVALID_INPUT);
        CHECK_STATUS(kcbx_ledger_import_marks(school, -1, keys, sept_days, kinds, NULL), KCBX_STATUS_INVALID_INPUT);
        {
            const int32_t holiday[1] = { 20251002 };
            CHECK_STATUS(kcbx_ledger_import_marks(school, 1, keys, holiday, kinds, &imported), KCBX_STATUS_INVALID_INPUT);
            CHECK(contains(import_cell(imported, 0, 0, 2, buf, sizeof buf), "国庆节"), "a holiday is not a school day");
            kcbx_import_result_free(imported); imported = NULL;
        }
    }
    path_of("marks.csv", marks_csv, sizeof marks_csv);
    /* Two marks for one child and day: the later row wins (DOMAIN.md section 7), listed as a conflict. */
    snprintf(buf, sizeof buf, "student,date,kind\n%s,2025-09-08,present\n%s,2025-09-09,unexcused\n%s,2025-09-09,late\n",
             kid_a, kid_a, kid_a);
    write_file(marks_csv, buf);
    CHECK_OK(kcbx_ledger_import_marks_csv(school, marks_csv, &imported));
    CHECK(count_of(imported, KCBX_IMPORT_COUNT_CHANGED) == 2 && count_of(imported, KCBX_IMPORT_COUNT_CONFLICTS) == 1,
          "marks CSV imported, the duplicate day counted once");
    CHECK(strcmp(import_cell(imported, 1, 0, 0, buf, sizeof buf), "4") == 0, "the conflict names the later row (header = row 1)");
    CHECK_OK(kcbx_import_result_json(imported, &json));
    CHECK(contains(json, "\"conflicts\":[{"), "conflicts in the JSON serialiser");
    kcbx_string_free(json); json = NULL;
    kcbx_import_result_free(imported); imported = NULL;
    CHECK_STATUS(kcbx_ledger_import_marks_csv(school, roster, &imported), KCBX_STATUS_INVALID_INPUT);
    kcbx_import_result_free(imported); imported = NULL;

    /* --- sweep: opens the suspected and the out-of-school case; twice changes nothing ---------- */
    {   /* The summary as a table (issue 12): one row per case opened. */
        kcbx_report *summary = NULL;
        int64_t rows = 0, r, opened = 0;
        char *item = NULL;
        CHECK_OK(kcbx_ledger_sweep(county, 20250916, &summary));
        CHECK_OK(kcbx_report_rows(summary, &rows));
        for (r = 0; r < rows; r++) {
            CHECK_OK(kcbx_report_cell(summary, r, 0, &item));
            opened += item && strcmp(item, "opened") == 0;
            kcbx_string_free(item); item = NULL;
        }
        CHECK(opened == 2, "two cases opened, read from the table");
        kcbx_report_free(summary);
    }
    CHECK_OK(kcbx_ledger_sweep_json(county, 20250916, &json));
    CHECK(contains(json, "\"opened\":[]") && contains(json, "\"promoted\":[]"), "second sweep changes nothing");
    kcbx_string_free(json); json = NULL;
    CHECK_OK(kcbx_ledger_sweep(county, 20250916, NULL));
    CHECK_STATUS(kcbx_ledger_sweep_json(county, 20991231, &json), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_sweep_json(county, 20250231, &json), KCBX_STATUS_INVALID_INPUT);
    CHECK(json == NULL, "no summary on failure");
    CHECK_OK(kcbx_ledger_cases_json(county, "{\"kind\": [\"suspected_dropout\"]}", &json));
    CHECK(!contains(json, kid_b) && !contains(json, kid_c), "masked by default");
    kcbx_string_free(json); json = NULL;
    CHECK_OK(kcbx_ledger_cases_json(county, "{\"kind\": [\"suspected_dropout\"], \"full_ids\": true}", &json));
    CHECK(contains(json, kid_b) && !contains(json, kid_c), "filter by kind");
    kcbx_string_free(json); json = NULL;
    case_b = 1; case_c = 2;
    CHECK_OK(kcbx_ledger_case_status(county, case_b, &status, &kind));
    CHECK(status == KCBX_CASE_STATUS_SUSPECTED && kind == KCBX_CASE_KIND_SUSPECTED_DROPOUT, "suspected dropout case");
    CHECK_OK(kcbx_ledger_case_status(county, case_c, &status, &kind));
    CHECK(kind == KCBX_CASE_KIND_OUT_OF_SCHOOL, "out-of-school case");

    /* --- the lifecycle, with the rules named --------------------------------------------------- */
    CHECK_STATUS(kcbx_ledger_case_close(county, case_b, 20251020, NULL), KCBX_STATUS_RULE_VIOLATION);
    CHECK_ERROR_MENTIONS("case lifecycle");
    /* One case, and the closure check with the reason closing refused it (issue 12). */
    CHECK_OK(kcbx_ledger_closure_check_json(county, case_b, 20251020, &json));
    CHECK(contains(json, "\"allowed\":false") && contains(json, "needs status returned"), "closure check: not returned yet");
    kcbx_string_free(json); json = NULL;
    CHECK_OK(kcbx_ledger_case_json(county, case_b, &json));
    CHECK(contains(json, "\"status\":\"suspected\"") && !contains(json, kid_b), "one case, masked");
    kcbx_string_free(json); json = NULL;
    CHECK_STATUS(kcbx_ledger_case_json(county, 99, &json), KCBX_STATUS_NOT_FOUND);
    CHECK(json == NULL, "no case JSON on failure");
    CHECK_STATUS(kcbx_ledger_case_verify(county, case_b, "Z", 20250917, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_case_verify(county, 0, "G", 20250917, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_case_verify(county, 99, "G", 20250917, NULL), KCBX_STATUS_NOT_FOUND);
    CHECK_STATUS(kcbx_ledger_case_verify(county, case_b, "A", 20250917, NULL), KCBX_STATUS_RULE_VIOLATION);
    CHECK_OK(kcbx_ledger_case_verify(school, case_b, "G", 20250917, "家访核实"));
    CHECK_STATUS(kcbx_ledger_case_persuade(school, case_b, NULL, "马老师", 20250918, NULL), KCBX_STATUS_RULE_VIOLATION);
    CHECK_ERROR_MENTIONS("per_child_plan");
    CHECK_OK(kcbx_ledger_case_persuade(school, case_b, "一人一案：每周家访", "马老师", 20250918, NULL));
    CHECK_STATUS(kcbx_ledger_case_action(school, case_b, "dance", NULL, 20250919, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_OK(kcbx_ledger_case_action(school, case_b, "home_visit", NULL, 20250919, NULL));
    /* 四步法 (004 二（七）4) on this path too: no notice to return, penalty or court application out of order. */
    CHECK_STATUS(kcbx_ledger_case_action(school, case_b, "return_notice", NULL, 20250922, "限期复学通知书"), KCBX_STATUS_RULE_VIOLATION);
    CHECK_ERROR_MENTIONS("004 二（七）4");
    CHECK_STATUS(kcbx_ledger_case_action(school, case_b, "administrative_penalty", NULL, 20250922, NULL), KCBX_STATUS_RULE_VIOLATION);
    CHECK_STATUS(kcbx_ledger_case_action(school, case_b, "court_application", NULL, 20250922, NULL), KCBX_STATUS_RULE_VIOLATION);
    CHECK_STATUS(kcbx_ledger_case_action(school, case_b, "education", NULL, 20250921, NULL), KCBX_STATUS_RULE_VIOLATION);
    CHECK_ERROR_MENTIONS("guardian refusal");
    CHECK_STATUS(kcbx_ledger_case_action(school, case_b, "referral", NULL, 20250921, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_OK(kcbx_ledger_case_action(school, case_b, "guardian_refusal", NULL, 20250921, "监护人拒不送学"));
    CHECK_OK(kcbx_ledger_case_action(school, case_b, "education", NULL, 20250922, NULL));
    CHECK_STATUS(kcbx_ledger_case_action(school, case_b, "contact_guardian", NULL, 20250922, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_OK(kcbx_ledger_case_action(school, case_b, "guardian_contact", NULL, 20250922, NULL));
    CHECK_STATUS(kcbx_ledger_case_return(school, case_b, "S-B9", "original_school", 20250924, NULL), KCBX_STATUS_RULE_VIOLATION);
    CHECK_STATUS(kcbx_ledger_case_return(school, case_b, "S-A1", "on_the_moon", 20250924, NULL), KCBX_STATUS_INVALID_INPUT);
    /* Placement (000 四（三）, 002 二（四）): special placements are for disabled or ill children. */
    CHECK_STATUS(kcbx_ledger_case_return(school, case_b, "S-A1", "special_school", 20250924, NULL), KCBX_STATUS_RULE_VIOLATION);
    CHECK_ERROR_MENTIONS("disabled or ill");
    /* Exemptions (002 二（三）（四）): deferral needs an illness or disability reason, not G. */
    CHECK_STATUS(kcbx_ledger_case_exempt(county, case_b, "deferred", "专家组〔2025〕2号", 20250923, NULL), KCBX_STATUS_RULE_VIOLATION);
    CHECK_ERROR_MENTIONS("C, D, E, P");
    CHECK_STATUS(kcbx_ledger_case_return(school, case_b, "S-A1", "original_school", 20250901, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("before the case was opened");
    CHECK_OK(kcbx_ledger_case_return(school, case_b, "S-A1", "original_school", 20250924, NULL));
    /* 稳得住: closing without 20 of 30 school days attended after the return is refused. */
    CHECK_STATUS(kcbx_ledger_case_close(school, case_b, 20250930, NULL), KCBX_STATUS_RULE_VIOLATION);
    CHECK_ERROR_MENTIONS("closing needs 20 of 30");
    {
        /* 20 school days present from the return: 24 Sept .. 27 Oct. */
        static const int32_t back[20] = { 20250924, 20250925, 20250926, 20250928, 20250929, 20250930, 20251009, 20251010,
                                          20251011, 20251013, 20251014, 20251015, 20251016, 20251017, 20251020, 20251021,
                                          20251022, 20251023, 20251024, 20251027 };
        const char *keys[20];
        int8_t kinds[20];
        for (i = 0; i < 20; i++) { keys[i] = kid_b; kinds[i] = KCBX_MARK_KIND_PRESENT; }
        CHECK_OK(kcbx_ledger_import_marks(school, 20, keys, back, kinds, NULL));
    }
    CHECK_OK(kcbx_ledger_closure_check_json(school, case_b, 20251027, &json));
    CHECK(contains(json, "\"allowed\":true") && contains(json, "\"reasons\":[]") && contains(json, "\"attended\":20"),
          "closure check: allowed, 20 days attended");
    kcbx_string_free(json); json = NULL;
    CHECK_OK(kcbx_ledger_case_close(school, case_b, 20251027, "稳得住"));
    /* A student's history and the audit trail. */
    CHECK_OK(kcbx_ledger_student_history_json(county, kid_b, 1, &json));
    CHECK(contains(json, "case.closed") && contains(json, kid_b) && contains(json, "\"unit_code\""), "student history, full IDs");
    kcbx_string_free(json); json = NULL;
    CHECK_OK(kcbx_ledger_events_json(county, 0, 2, 0, &json));
    CHECK(contains(json, "\"seq\":1") && contains(json, "\"seq\":2") && !contains(json, "\"seq\":3"), "events: the first two");
    kcbx_string_free(json); json = NULL;
    CHECK_STATUS(kcbx_ledger_events_json(county, 0, 0, 0, &json), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_events_json(school, 0, 10, 0, &json), KCBX_STATUS_PERMISSION_DENIED);
    CHECK_OK(kcbx_ledger_case_status(school, case_b, &status, NULL));
    CHECK(status == KCBX_CASE_STATUS_CLOSED, "closed");
    CHECK_STATUS(kcbx_ledger_case_status(school, case_b, NULL, NULL), KCBX_STATUS_OK);

    /* Relapse: a new case linked to the closed one (反弹). */
    CHECK_OK(kcbx_ledger_case_open(school, kid_b, "suspected_dropout", 20251103, NULL, &case_a));
    CHECK(case_a == 3, "new case id");
    CHECK_OK(kcbx_ledger_cases_json(school, "{\"relapse_only\": true}", &json));
    CHECK(contains(json, "\"relapse_of\":1"), "relapse linked to case 1");
    kcbx_string_free(json); json = NULL;
    CHECK_STATUS(kcbx_ledger_case_open(school, kid_b, "dropout", 20251103, NULL, &case_a), KCBX_STATUS_RULE_VIOLATION);
    CHECK_STATUS(kcbx_ledger_case_open(school, kid_b, "vanished", 20251103, NULL, &case_a), KCBX_STATUS_INVALID_INPUT);
    /* A key on no roster is refused like one outside the jurisdiction (nothing tells which). */
    CHECK_STATUS(kcbx_ledger_case_open(school, "nobody", "dropout", 20251103, NULL, &case_a), KCBX_STATUS_PERMISSION_DENIED);
    CHECK_OK(kcbx_ledger_case_dismiss(school, 3, "data_error", 20251104, "考勤录入错误"));
    CHECK_STATUS(kcbx_ledger_case_dismiss(school, 3, "data_error", 20251104, NULL), KCBX_STATUS_RULE_VIOLATION);
    CHECK_STATUS(kcbx_ledger_case_dismiss(school, 3, "bored", 20251104, NULL), KCBX_STATUS_INVALID_INPUT);

    /* Jurisdiction: the school cannot touch the out-of-school child (no school); refusal recorded. */
    CHECK_STATUS(kcbx_ledger_case_verify(school, case_c, "A", 20250917, NULL), KCBX_STATUS_PERMISSION_DENIED);
    CHECK_STATUS(kcbx_ledger_case_status(school, case_c, &status, &kind), KCBX_STATUS_PERMISSION_DENIED);
    CHECK_OK(kcbx_ledger_case_history_json(county, case_c, 0, &json));
    CHECK(contains(json, "\"access.refused\"") && contains(json, "\"unit_code\":\"S-A1\""), "the refusal is in the history");
    kcbx_string_free(json); json = NULL;
    CHECK_STATUS(kcbx_ledger_case_history_json(county, 0, 0, &json), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_case_history_json(county, case_c, 0, NULL), KCBX_STATUS_INVALID_INPUT);

    /* Exempt states need the expert panel's opinion (seed 002). */
    CHECK_OK(kcbx_ledger_case_verify(county, case_c, "E", 20250917, NULL));
    CHECK_STATUS(kcbx_ledger_case_exempt(county, case_c, "deferred", NULL, 20250918, NULL), KCBX_STATUS_RULE_VIOLATION);
    CHECK_ERROR_MENTIONS("002");
    CHECK_STATUS(kcbx_ledger_case_exempt(county, case_c, "holiday", "专家组〔2025〕1号", 20250918, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_OK(kcbx_ledger_case_exempt(county, case_c, "deferred", "专家组〔2025〕1号", 20250918, NULL));
    CHECK_OK(kcbx_ledger_case_status(county, case_c, &status, NULL));
    CHECK(status == KCBX_CASE_STATUS_DEFERRED, "deferred");
    CHECK_STATUS(kcbx_ledger_case_verify(county, case_c, "E", 20250917, NULL), KCBX_STATUS_RULE_VIOLATION);

    /* --- queries --------------------------------------------------------------------------------- */
    /* Typed results (issue 12): the cases and a history as kcbx_report tables, no JSON to parse. */
    {
        kcbx_report *cases = NULL, *events = NULL;
        int64_t rows = 0, cols = 0, r, closed = 0, deferred = 0;
        char *head = NULL, *cell = NULL;
        CHECK_OK(kcbx_ledger_cases(county, NULL, &cases));
        CHECK_OK(kcbx_report_rows(cases, &rows));
        CHECK_OK(kcbx_report_columns(cases, &cols));
        CHECK(rows >= 3 && cols == 22, "one row per case, 22 columns");
        CHECK_OK(kcbx_report_header(cases, 3, &head));
        CHECK(head && strcmp(head, "status") == 0, "column 3 is status");
        kcbx_string_free(head);
        for (r = 0; r < rows; r++) {
            CHECK_OK(kcbx_report_cell(cases, r, 3, &cell));
            closed += cell && strcmp(cell, "closed") == 0;
            deferred += cell && strcmp(cell, "deferred") == 0;
            kcbx_string_free(cell); cell = NULL;
        }
        CHECK(closed >= 1 && deferred == 1, "the closed and the deferred case in the table");
        kcbx_report_free(cases);
        CHECK_STATUS(kcbx_ledger_cases(county, "{\"colour\": \"red\"}", &cases), KCBX_STATUS_INVALID_INPUT);
        CHECK(cases == NULL && strcmp(kcbx_last_error_field(), "") != 0, "a bad filter names its field");
        CHECK_STATUS(kcbx_ledger_cases(school, "{\"full_ids\": true}", &cases), KCBX_STATUS_PERMISSION_DENIED);
        CHECK_OK(kcbx_ledger_case_history(county, case_c, 0, &events));
        CHECK_OK(kcbx_report_rows(events, &rows));
        CHECK(rows >= 3, "every event of the case");
        CHECK_OK(kcbx_report_header(events, 6, &head));
        CHECK(head && strcmp(head, "actor.level") == 0, "nested actor fields are columns");
        kcbx_string_free(head);
        kcbx_report_free(events);
        CHECK_STATUS(kcbx_ledger_case_history(county, 0, 0, &events), KCBX_STATUS_INVALID_INPUT);
        CHECK(strcmp(kcbx_last_error_field(), "case_id") == 0, "case_id named");
    }
    CHECK_OK(kcbx_ledger_cases_json(county, NULL, &json));
    CHECK(contains(json, "\"status\":\"closed\"") && contains(json, "\"status\":\"deferred\""), "all cases");
    kcbx_string_free(json); json = NULL;
    CHECK_STATUS(kcbx_ledger_cases_json(county, "{\"colour\": \"red\"}", &json), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_cases_json(county, "not json", &json), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_cases_json(county, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    /* One masking rule: listings masked for everyone; full keys only to county and above, on request. */
    CHECK_OK(kcbx_ledger_cases_json(county, NULL, &json));
    CHECK(!contains(json, kid_b), "cases masked by default");
    kcbx_string_free(json); json = NULL;
    CHECK_OK(kcbx_ledger_cases_json(county, "{\"full_ids\": true}", &json));
    CHECK(contains(json, kid_b), "full keys for the county when asked (recorded)");
    kcbx_string_free(json); json = NULL;
    CHECK_STATUS(kcbx_ledger_cases_json(school, "{\"full_ids\": true}", &json), KCBX_STATUS_PERMISSION_DENIED);
    CHECK(json == NULL, "nothing returned on refusal");
    CHECK_STATUS(kcbx_ledger_case_history_json(school, case_b, 1, &json), KCBX_STATUS_PERMISSION_DENIED);
    CHECK_STATUS(kcbx_ledger_case_history_json(school, case_b, 2, &json), KCBX_STATUS_INVALID_INPUT);
    CHECK_OK(kcbx_ledger_case_history_json(school, case_b, 0, &json));
    CHECK(contains(json, "\"case.closed\"") && contains(json, "\"person\":\"王老师\""), "history with actors");
    CHECK(!contains(json, kid_b), "history masked below county");
    kcbx_string_free(json); json = NULL;

    /* --- exports ----------------------------------------------------------------------------------- */
    path_of("guyuan.csv", export_path, sizeof export_path);
    CHECK_OK(kcbx_ledger_export_csv(school, "guyuan-attachment-2", NULL, 0, 0, export_path, &rows));
    CHECK(rows == 1 && file_size(export_path) > 100, "Guyuan attachment 2 written");
    CHECK_STATUS(kcbx_ledger_export_csv(school, "guyuan-attachment-2", NULL, 1, 0, export_path, &rows), KCBX_STATUS_PERMISSION_DENIED);
    CHECK_OK(kcbx_ledger_export_csv(county, "baiyin-attachment-4", "{\"open_only\": false}", 1, 20251130, path_of("baiyin.csv", buf, sizeof buf), &rows));
    CHECK(rows == 3, "Baiyin attachment 4: every case");
    CHECK_STATUS(kcbx_ledger_export_csv(county, "excel", NULL, 0, 0, export_path, NULL), KCBX_STATUS_INVALID_INPUT);
    /* The file policy: a device is refused and stays a device (/dev/full must not become a file). */
    CHECK_STATUS(kcbx_ledger_export_csv(county, "guyuan-attachment-2", NULL, 0, 0, "/dev/full", NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("character device");
    CHECK_STATUS(kcbx_ledger_export_csv(county, "baiyin-attachment-4", NULL, 2, 0, export_path, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_export_csv(county, "baiyin-attachment-4", NULL, 0, 0, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_export_csv(county, "baiyin-attachment-4", NULL, 0, 0, path_of("no/such/dir.csv", buf, sizeof buf), NULL), KCBX_STATUS_STORAGE);

    /* --- verify and anchor ---------------------------------------------------------------------------- */
    CHECK_OK(kcbx_ledger_head(county, &head_seq, &hash));
    CHECK(head_seq > 20 && hash != NULL && strlen(hash) == 64, "head anchor");
    CHECK_OK(kcbx_ledger_verify(county, 0, NULL, &events, &bad_seq));
    CHECK(events == head_seq && bad_seq == 0, "intact");
    CHECK_OK(kcbx_ledger_verify(school, head_seq, hash, NULL, NULL));
    CHECK_STATUS(kcbx_ledger_verify(county, head_seq, "00", &events, &bad_seq), KCBX_STATUS_INTEGRITY);
    CHECK(bad_seq == head_seq, "the anchor mismatch names the event");
    CHECK_ERROR_MENTIONS("anchor");
    CHECK_STATUS(kcbx_ledger_verify(county, 5, NULL, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_verify(county, -1, NULL, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_verify(NULL, 0, NULL, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_OK(kcbx_ledger_head(county, NULL, NULL));
    CHECK_STATUS(kcbx_ledger_head(NULL, &head_seq, NULL), KCBX_STATUS_INVALID_INPUT);
    kcbx_string_free(hash); hash = NULL;

    /* The profile in force is part of the ledger: another profile is refused (issue 11);
     * a second handle under the recorded profile sees the same file. */
    CHECK_STATUS(open_as(path, fujian, "province", "350000", "省厅", NULL, &ledger), KCBX_STATUS_RULE_VIOLATION);
    CHECK_ERROR_MENTIONS("profile in force");
    CHECK(ledger == NULL, "no handle when the profile is refused");
    CHECK_OK(open_as(path, policy, "province", "350000", "省厅", NULL, &ledger));
    CHECK_OK(kcbx_ledger_cases_json(ledger, NULL, &json));
    CHECK(strcmp(json, "[]") == 0, "a Fujian actor sees no Ningxia case");
    kcbx_string_free(json); json = NULL;
    kcbx_ledger_free(ledger);

    kcbx_ledger_free(school);
    kcbx_ledger_free(county);
    kcbx_calendar_free(calendar);
    kcbx_policy_free(policy);
    kcbx_policy_free(fujian);
    remove_ledger(path);
    remove(roster); remove(bad_roster); remove(marks_csv); remove(export_path); remove(path_of("baiyin.csv", buf, sizeof buf));
    CHECK_SUMMARY();
}
