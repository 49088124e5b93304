/* C host test: the bulletin (通报, seed 001 二（二）; 002 二（二）) and the 五长 accountability list
 * (001 二（六）) over a period, and a report duty recorded as filed, on the bundled sample county
 * (data/sample, answer key planted.csv). Run from the repository root by Tests/c/run.sh. */
#include <stdlib.h>
#include "check.h"
#include "options.h"
#include "files.h"

#define DATA "data/sample/"

/* Column index of `header`, -1 when absent. */
static int column(kcbx_report *r, const char *header) {
    int64_t cols = 0;
    int col = -1;
    kcbx_report_columns(r, &cols);
    for (int64_t c = 0; c < cols; c++) {
        char *h = NULL;
        if (kcbx_report_header(r, c, &h) == KCBX_STATUS_OK && strcmp(h, header) == 0) col = (int)c;
        kcbx_string_free(h);
    }
    return col;
}

/* The text of the cell in the row whose column `key_col` is `key`, column `header` (caller frees). */
static char *cell(kcbx_report *r, int key_col, const char *key, const char *header) {
    int64_t rows = 0;
    int col = column(r, header);
    char *found = NULL;
    kcbx_report_rows(r, &rows);
    for (int64_t i = 0; i < rows && col >= 0 && !found; i++) {
        char *label = NULL;
        kcbx_report_cell(r, i, key_col, &label);
        if (label && strcmp(label, key) == 0) kcbx_report_cell(r, i, col, &found);
        kcbx_string_free(label);
    }
    return found;
}

static int cell_int(kcbx_report *r, const char *row_label, const char *header) {
    char *c = cell(r, 0, row_label, header);
    int v = c ? atoi(c) : -1;
    kcbx_string_free(c);
    return v;
}

int main(void) {
    char dir[512], path[600];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s", tmp && *tmp ? tmp : "/tmp");
    snprintf(path, sizeof path, "%s/test_supervision.sqlite", dir);
    const char *suffixes[] = {"", "-wal", "-shm"};
    char side[700];
    for (int i = 0; i < 3; i++) { snprintf(side, sizeof side, "%s%s", path, suffixes[i]); remove(side); }

    kcbx_policy *policy = NULL;
    kcbx_ledger *county = NULL, *town = NULL;
    CHECK_OK(kcbx_policy_builtin("guyuan-2021", &policy));
    CHECK_OK(open_as(path, policy, "county", "640422", "李科长", "控辍专干", &county));
    char *calendar = read_file(DATA "calendar.json"), *out = NULL;
    int32_t changed = 0;
    CHECK_OK(kcbx_ledger_set_calendar_json(county, calendar, &changed));
    free(calendar);
    CHECK_OK(kcbx_ledger_import_students_csv(county, DATA "roster.csv", NULL));
    kcbx_report *findings = NULL;
    kcbx_reconcile_options lists = KCBX_RECONCILE_OPTIONS_INIT;
    lists.attending_csv = DATA "attending.csv";
    CHECK_OK(kcbx_reconcile_csv("640422", 20251020, DATA "household.csv", DATA "students.csv", &lists, &findings, NULL));
    out = NULL;
    CHECK_OK(kcbx_ledger_intake_findings(county, findings, 20251020, "秋季学期四查三比对", &out));
    kcbx_string_free(out);
    kcbx_report_free(findings);
    int planted_out = count_rows(DATA "planted.csv", 1, "out_of_school");
    int planted_away = count_rows(DATA "planted.csv", 1, "suspected") + count_rows(DATA "planted.csv", 1, "dropout");

    /* --- the bulletin for October counts the cases the intake opened (001 二（二）) ----------- */
    kcbx_report *b = NULL;
    CHECK_OK(kcbx_ledger_report_period(county, "bulletin", 20251001, 20251031, NULL, 0, &b));
    CHECK(cell_int(b, "合计", "新增失学") == planted_out, "new out-of-school cases = planted out-of-school children");
    CHECK(cell_int(b, "合计", "新增疑似辍学") == planted_away, "new suspected cases = planted absent children");
    CHECK(cell_int(b, "合计", "期末在案") == planted_out + planted_away, "all still open at the end of October");
    char *zero = cell(b, 0, "合计", "动态清零");
    CHECK(zero && strcmp(zero, "否") == 0, "动态清零 not reached while out-of-school cases are open");
    kcbx_string_free(zero);
    char *json = NULL;
    CHECK_OK(kcbx_report_json(b, &json));
    CHECK(json && strstr(json, "\"as_of\":\"2025-10-31\"") && strstr(json, "001 二（二）"), "the bulletin is dated at the period's end and cites 001 二（二）");
    kcbx_string_free(json);
    kcbx_report_free(b);
    b = NULL;
    /* The same bulletin for September counts nothing new. */
    CHECK_OK(kcbx_ledger_report_period(county, "bulletin", 20250901, 20250930, NULL, 0, &b));
    CHECK(cell_int(b, "合计", "新增失学") == 0 && cell_int(b, "合计", "期末在案") == 0, "September had no case");
    kcbx_report_free(b);
    b = NULL;
    /* kcbx_ledger_report covers the month up to the date. */
    CHECK_OK(kcbx_ledger_report(county, "bulletin", 20251031, NULL, 0, &b));
    CHECK(cell_int(b, "合计", "新增失学") == planted_out, "kcbx_ledger_report: the month of as_of");
    kcbx_report_free(b);
    b = NULL;

    /* --- the accountability list names the owner and the 五长 (001 二（六）) ------------------- */
    CHECK_OK(kcbx_ledger_report_period(county, "accountability", 20251001, 20251130, NULL, 0, &b));
    int64_t rows = 0;
    CHECK_OK(kcbx_report_rows(b, &rows));
    CHECK(rows > 0, "overdue obligations on out-of-school cases by 30 November");
    int owner = column(b, "责任单位"), heads = column(b, "责任人"), level = column(b, "责任层级");
    int named = 0, village = 0;
    for (int64_t i = 0; i < rows; i++) {
        char *o = NULL, *h = NULL, *l = NULL;
        kcbx_report_cell(b, i, owner, &o);
        kcbx_report_cell(b, i, heads, &h);
        kcbx_report_cell(b, i, level, &l);
        if (o && *o && h && *h) named++;
        if (l && strcmp(l, "乡镇（街道）") == 0 && h && strstr(h, "村民委员会主任")) village++;
        kcbx_string_free(o); kcbx_string_free(h); kcbx_string_free(l);
    }
    CHECK(named == rows, "every line names its unit and its heads");
    CHECK(village > 0, "Guyuan's township lines name the village committee head (五长)");
    kcbx_report_free(b);
    b = NULL;

    /* --- a report duty recorded as filed shows in the duty table ---------------------------- */
    CHECK_OK(kcbx_ledger_record_duty_filed(county, "county_monthly_summary", 20251031, 20251031, NULL));
    CHECK_STATUS(kcbx_ledger_record_duty_filed(county, "county_monthly_summary", 20251030, 20251031, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("due");
    CHECK_STATUS(kcbx_ledger_record_duty_filed(county, "no_such_duty", 20251031, 20251031, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("duty");
    CHECK_OK(kcbx_ledger_report_period(county, "bulletin-duties", 20251001, 20251031, NULL, 0, &b));
    char *state = cell(b, 0, "county_monthly_summary", "状态");
    CHECK(state && strcmp(state, "按时") == 0, "the monthly summary filed on its due day is on time");
    kcbx_string_free(state);
    kcbx_report_free(b);
    b = NULL;

    /* --- bad input and jurisdiction --------------------------------------------------------- */
    CHECK_STATUS(kcbx_ledger_report_period(county, "bulletin", 20251031, 20251001, NULL, 0, &b), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("date_to");
    CHECK(b == NULL, "no report on error");
    CHECK_STATUS(kcbx_ledger_report_period(county, "bulletin", 20251301, 20251031, NULL, 0, &b), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("date_from");
    CHECK_STATUS(kcbx_ledger_report_period(county, "bulletin", 20251001, 20251031, NULL, 2, &b), KCBX_STATUS_INVALID_INPUT);
    CHECK_OK(open_as(path, policy, "township", "640422101", "马专干", NULL, &town));
    CHECK_STATUS(kcbx_ledger_report_period(town, "bulletin", 20251001, 20251031, "township:640422102", 0, &b), KCBX_STATUS_PERMISSION_DENIED);
    CHECK_STATUS(kcbx_ledger_record_duty_filed(town, "county_monthly_summary", 20251031, 20251031, NULL), KCBX_STATUS_PERMISSION_DENIED);
    CHECK_OK(kcbx_ledger_report_period(town, "bulletin", 20251001, 20251031, NULL, 0, &b));
    kcbx_report_free(b);

    kcbx_ledger_free(town);
    kcbx_ledger_free(county);
    kcbx_policy_free(policy);
    for (int i = 0; i < 3; i++) { snprintf(side, sizeof side, "%s%s", path, suffixes[i]); remove(side); }
    CHECK_SUMMARY();
}
