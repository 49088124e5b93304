/* C host test: statutory reports from the ledger (seed 001 附件1, seed 000 附件3, rates with the
 * profile's target, seed 003) and reconciliation findings fed into the ledger, on the bundled
 * sample county (data/sample, answer key planted.csv). Run from the repository root by Tests/c/run.sh. */
#include <stdlib.h>
#include "check.h"
#include "files.h"
#include "options.h"

#define DATA "data/sample/"

/* The integer cell of the report row whose first cell is `row_label`, column `header`. */
static int cell_int(kcbx_report *r, const char *row_label, const char *header) {
    int64_t rows = 0, cols = 0;
    int col = -1, value = -1;
    kcbx_report_rows(r, &rows);
    kcbx_report_columns(r, &cols);
    for (int64_t c = 0; c < cols; c++) {
        char *h = NULL;
        if (kcbx_report_header(r, c, &h) == KCBX_STATUS_OK && strcmp(h, header) == 0) col = (int)c;
        kcbx_string_free(h);
    }
    for (int64_t i = 0; i < rows && col >= 0; i++) {
        char *label = NULL, *cell = NULL;
        kcbx_report_cell(r, i, 0, &label);
        if (label && strcmp(label, row_label) == 0 && kcbx_report_cell(r, i, col, &cell) == KCBX_STATUS_OK) value = atoi(cell);
        kcbx_string_free(label);
        kcbx_string_free(cell);
    }
    return value;
}

static int attachment1(kcbx_ledger *ledger, int32_t as_of, const char *unit, const char *row, const char *header) {
    kcbx_report *r = NULL;
    if (kcbx_ledger_report(ledger, "guyuan-attachment-1", as_of, unit, 0, &r) != KCBX_STATUS_OK) {
        fprintf(stderr, "report failed: %s\n", kcbx_last_error_message());
        return -1;
    }
    int v = cell_int(r, row, header);
    kcbx_report_free(r);
    return v;
}

int main(void) {
    char dir[512], path[600], csv_path[600];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s", tmp && *tmp ? tmp : "/tmp");
    snprintf(path, sizeof path, "%s/test_reports.sqlite", dir);
    snprintf(csv_path, sizeof csv_path, "%s/test_reports_attachment1.csv", dir);
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

    /* --- reconciliation findings into the ledger, one call, attributed ---------------------- */
    kcbx_report *findings = NULL;
    CHECK_OK(reconcile("640422", 20251020, DATA "household.csv", DATA "students.csv", DATA "attending.csv",
                                NULL, NULL, NULL, &findings, NULL));
    int planted_out = count_rows(DATA "planted.csv", 1, "out_of_school");
    int planted_away = count_rows(DATA "planted.csv", 1, "suspected") + count_rows(DATA "planted.csv", 1, "dropout");
    CHECK(planted_out > 0 && planted_away > 0, "the sample plants out-of-school and absent children");
    out = NULL;
    CHECK_OK(kcbx_ledger_intake_findings(county, findings, 20251020, "秋季学期四查三比对", &out));
    int opened = 0;
    const char *list = out ? strstr(out, "\"opened\":[") : NULL;
    if (list) {
        list += strlen("\"opened\":[");
        if (*list != ']') opened = 1;
        for (; *list && *list != ']'; list++) if (*list == ',') opened++;
    }
    CHECK(opened == planted_out + planted_away, "one case per planted out-of-school or not-attending child");
    kcbx_string_free(out);
    out = NULL;
    CHECK_OK(kcbx_ledger_intake_findings(county, findings, 20251020, NULL, &out));
    CHECK(out && strstr(out, "\"opened\":[]") != NULL, "a second intake opens nothing (idempotent)");
    kcbx_string_free(out);
    CHECK_STATUS(kcbx_ledger_intake_findings(county, NULL, 20251020, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("findings_report");
    CHECK_STATUS(kcbx_ledger_intake_findings_json(county, "[{\"kind\": \"lost\", \"resident_id\": \"1\"}]", 20251020, NULL, NULL),
                 KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("findings[0].kind");
    CHECK_OK(kcbx_ledger_intake_findings_json(county, "[{\"kind\": \"migrant\", \"resident_id\": \"640422201001010011\"}]", 20251020, NULL, NULL));
    kcbx_report_free(findings);

    /* --- Guyuan 附件1 from the ledger, as of two dates (001 附件1 填表说明1–3) ----------------- */
    int enrolled = count_rows(DATA "roster.csv", 11, "enrolled");
    CHECK(attachment1(county, 20251020, NULL, "合计", "应到校人数") == enrolled, "expected at school = enrolled roster rows");
    CHECK(attachment1(county, 20251020, NULL, "合计", "疑似辍学人数") == planted_away, "suspected = the cases opened from 人籍不一致");
    CHECK(attachment1(county, 20251020, NULL, "合计", "辍学人数") == planted_out, "dropouts = out-of-school children (A/B)");
    CHECK(attachment1(county, 20251020, NULL, "合计", "A") + attachment1(county, 20251020, NULL, "合计", "B") == planted_out,
          "every out-of-school child is classed A or B");
    CHECK(attachment1(county, 20251019, NULL, "合计", "疑似辍学人数") == 0, "the day before the intake nothing is suspected");
    CHECK(attachment1(county, 20251020, "county:640422", "小学", "应到校人数") +
          attachment1(county, 20251020, "640422", "初中", "应到校人数") == enrolled, "primary + junior = total");

    /* --- the report handle: JSON with title, unit, date, notes; CSV with a BOM ------------- */
    kcbx_report *report = NULL;
    CHECK_OK(kcbx_ledger_report(county, "rates", 20251020, "", 0, &report));
    char *json = NULL;
    CHECK_OK(kcbx_report_json(report, &json));
    CHECK(json && strstr(json, "\"as_of\":\"2025-10-20\"") && strstr(json, "入学率 = ") && strstr(json, "巩固率"),
          "rates JSON states the date and the formulas");
    CHECK(json && strstr(json, "未设定（guyuan-2021）") != NULL, "guyuan-2021 sets no consolidation target");
    kcbx_string_free(json);
    kcbx_report_free(report);
    report = NULL;
    CHECK_OK(kcbx_ledger_report(county, "guyuan-attachment-1", 20251020, "township:640422101", 0, &report));
    CHECK_OK(kcbx_report_write_csv(report, csv_path));
    char *written = read_file(csv_path);
    CHECK(written && (unsigned char)written[0] == 0xEF && (unsigned char)written[1] == 0xBB && (unsigned char)written[2] == 0xBF,
          "CSV starts with the UTF-8 BOM");
    CHECK(written && strstr(written, "学段,应到校人数,请假未到校人数,疑似辍学人数,辍学人数,A,B,C") != NULL, "CSV headers as in seed 001 附件1");
    free(written);
    kcbx_report_free(report);
    report = NULL;
    CHECK_OK(kcbx_ledger_report(county, "baiyin-attachment-3", 20251020, NULL, 0, &report));
    int64_t rows = 0;
    CHECK_OK(kcbx_report_rows(report, &rows));
    CHECK(rows > 0, "the sample has children turning 6 by 31 August 2025 (000 附件3)");
    kcbx_report_free(report);

    /* --- bad input and jurisdiction --------------------------------------------------------- */
    report = NULL;
    CHECK_STATUS(kcbx_ledger_report(county, "attachment-9", 20251020, NULL, 0, &report), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("kind");
    CHECK(report == NULL, "no report on error");
    CHECK_STATUS(kcbx_ledger_report(county, "rates", 20251320, NULL, 0, &report), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("as_of");
    CHECK_STATUS(kcbx_ledger_report(county, "rates", 20251020, "640422101", 0, &report), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("unit");
    CHECK_STATUS(kcbx_ledger_report(county, "rates", 20251020, NULL, 2, &report), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_report(county, "rates", 20251020, NULL, 0, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_report(NULL, "rates", 20251020, NULL, 0, &report), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_ledger_report(county, "rates", 20251020, "city:640400", 0, &report), KCBX_STATUS_PERMISSION_DENIED);
    CHECK_OK(open_as(path, policy, "township", "640422101", "马专干", NULL, &town));
    CHECK_STATUS(kcbx_ledger_report(town, "rates", 20251020, "township:640422102", 0, &report), KCBX_STATUS_PERMISSION_DENIED);
    CHECK_STATUS(kcbx_ledger_report(town, "baiyin-attachment-3", 20251020, NULL, 1, &report), KCBX_STATUS_PERMISSION_DENIED);
    CHECK_OK(kcbx_ledger_report(town, "guyuan-attachment-1", 20251020, NULL, 0, &report));
    kcbx_report_free(report);
    CHECK_STATUS(kcbx_report_json(NULL, &json), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_report_write_csv(NULL, csv_path), KCBX_STATUS_INVALID_INPUT);

    kcbx_ledger_free(town);
    kcbx_ledger_free(county);
    kcbx_policy_free(policy);
    remove(csv_path);
    for (int i = 0; i < 3; i++) { snprintf(side, sizeof side, "%s%s", path, suffixes[i]); remove(side); }
    CHECK_SUMMARY();
}
