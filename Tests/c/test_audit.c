/* C host test: supervision of the ledger (seed 002 四（二）: 台账信息抽查、入户核查, 台账信息不实; seed 001
 * 二（二）: 中考报名). A return recorded while the child stays absent is found with its evidence and
 * recorded once; a spot check is drawn with its seed, a second draw refused unless recorded as a
 * redraw (which the audit lists); home verification and its summary; grade-9 children not
 * registered for the 中考. Run from the repository root by Tests/c/run.sh. */
#include <stdlib.h>
#include "check.h"
#include "options.h"
#include "files.h"

#define KID "640422201603100116"
#define NINE1 "640422201004050516"
#define NINE2 "640422201006110623"

static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    if (f) { fputs(text, f); fclose(f); }
}

/* The cell of row `row`, column named `header`, into buf ("" when absent). */
static void cell(kcbx_report *r, int64_t row, const char *header, char *buf, size_t size) {
    int64_t cols = 0;
    buf[0] = 0;
    kcbx_report_columns(r, &cols);
    for (int64_t c = 0; c < cols; c++) {
        char *h = NULL, *v = NULL;
        if (kcbx_report_header(r, c, &h) == KCBX_STATUS_OK && strcmp(h, header) == 0 && kcbx_report_cell(r, row, c, &v) == KCBX_STATUS_OK)
            snprintf(buf, size, "%s", v);
        kcbx_string_free(h);
        kcbx_string_free(v);
    }
}

int main(void) {
    char dir[512], path[600], roster[600], marks[600], more[600], regs[600], side[700], buf[512];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s", tmp && *tmp ? tmp : "/tmp");
    snprintf(path, sizeof path, "%s/test_audit.sqlite", dir);
    snprintf(roster, sizeof roster, "%s/test_audit_roster.csv", dir);
    snprintf(marks, sizeof marks, "%s/test_audit_marks.csv", dir);
    snprintf(more, sizeof more, "%s/test_audit_marks2.csv", dir);
    snprintf(regs, sizeof regs, "%s/test_audit_zhongkao.csv", dir);
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) { snprintf(side, sizeof side, "%s%s", path, suffixes[i]); remove(side); }
    write_text(roster, "resident_id,name,school_id,school_name,township_code,grade,address,registration\n"
                       KID ",马小明,S-1,吉强小学,640422100,4,吉强镇1号,enrolled\n"
                       NINE1 ",马小九,S-2,吉强中学,640422100,9,吉强镇2号,enrolled\n"
                       NINE2 ",李小九,S-2,吉强中学,640422100,9,吉强镇3号,enrolled\n");
    write_text(marks, "student,date,kind\n" KID ",2025-09-08,unexcused\n" KID ",2025-09-09,unexcused\n" KID ",2025-09-10,unexcused\n"
                      KID ",2025-09-11,unexcused\n" KID ",2025-09-12,unexcused\n" KID ",2025-09-15,unexcused\n" KID ",2025-09-16,unexcused\n");
    write_text(more, "student,date,kind\n" KID ",2025-09-22,unexcused\n" KID ",2025-09-23,unexcused\n" KID ",2025-09-24,unexcused\n");
    write_text(regs, "resident_id,name\n" NINE1 ",马小九\n");

    kcbx_policy *policy = NULL;
    kcbx_ledger *county = NULL, *school = NULL;
    CHECK_OK(kcbx_policy_builtin("guyuan-2021", &policy));
    CHECK_OK(open_as(path, policy, "county", "640422", "李科长", "控辍专干", &county));
    char *calendar = read_file("data/sample/calendar.json"), *out = NULL;
    int32_t changed = 0;
    CHECK_OK(kcbx_ledger_set_calendar_json(county, calendar, &changed));
    free(calendar);
    CHECK_OK(kcbx_ledger_import_students_csv(county, roster, NULL));
    CHECK_OK(kcbx_ledger_import_marks_csv(county, marks, NULL));

    /* A clean ledger: nothing found. */
    kcbx_report *r = NULL;
    int64_t rows = -1;
    CHECK_OK(kcbx_ledger_audit(county, 20250930, 1, &r));
    CHECK_OK(kcbx_report_rows(r, &rows));
    CHECK(rows == 0, "no finding on clean data");
    kcbx_report_free(r);

    /* --- a return while the child stays absent (002 四（二）) ------------------------------- */
    int64_t id = 0;
    CHECK_OK(kcbx_ledger_case_open(county, KID, "suspected_dropout", 20250916, NULL, &id));
    CHECK_OK(kcbx_ledger_case_verify(county, id, "F", 20250917, NULL));
    CHECK_OK(kcbx_ledger_case_persuade(county, id, "家访", "马老师", 20250918, NULL));
    CHECK_OK(kcbx_ledger_case_return(county, id, "S-1", "original_school", 20250922, NULL));
    CHECK_OK(kcbx_ledger_import_marks_csv(county, more, NULL));
    r = NULL;
    CHECK_OK(kcbx_ledger_audit(county, 20250930, 1, &r));
    CHECK_OK(kcbx_report_rows(r, &rows));
    CHECK(rows == 1, "one finding");
    cell(r, 0, "check", buf, sizeof buf);
    CHECK(strcmp(buf, "return_while_absent") == 0, "the false return is found");
    cell(r, 0, "evidence", buf, sizeof buf);
    CHECK(strstr(buf, "2025-09-22 unexcused") && strstr(buf, "no day at school"), "with the marks as evidence");
    char first_seq[32];
    cell(r, 0, "finding_seq", first_seq, sizeof first_seq);
    CHECK(atoi(first_seq) > 0, "recorded as an audit_finding event");
    kcbx_report_free(r);
    int64_t head = 0, head2 = 0;
    CHECK_OK(kcbx_ledger_head(county, &head, NULL));
    r = NULL;
    CHECK_OK(kcbx_ledger_audit(county, 20250930, 1, &r));
    CHECK_OK(kcbx_ledger_head(county, &head2, NULL));
    cell(r, 0, "finding_seq", buf, sizeof buf);
    CHECK(head2 == head && strcmp(buf, first_seq) == 0, "re-running the audit records nothing twice");
    kcbx_report_free(r);
    CHECK_STATUS(kcbx_ledger_audit(county, 20250930, 2, &r), KCBX_STATUS_INVALID_INPUT);
    CHECK(r == NULL, "no report on a refused call");

    /* --- spot checks (抽查、入户核查) ----------------------------------------------------------- */
    r = NULL;
    CHECK_OK(kcbx_ledger_spot_check_draw(county, "2025-09", 20250930, 1, 7, NULL, &r));
    cell(r, 0, "seed", buf, sizeof buf);
    CHECK(strcmp(buf, "7") == 0, "the seed is in the draw");
    cell(r, 0, "case_id", buf, sizeof buf);
    CHECK(atoll(buf) == id, "the only case is drawn");
    kcbx_report_free(r);
    r = NULL;
    CHECK_STATUS(kcbx_ledger_spot_check_draw(county, "2025-09", 20250930, 1, 8, "", &r), KCBX_STATUS_RULE_VIOLATION);
    CHECK_ERROR_MENTIONS("one draw per period");
    CHECK_OK(kcbx_ledger_spot_check_draw(county, "2025-09", 20250930, 1, -1, "重新抽取", &r));
    kcbx_report_free(r);
    r = NULL;
    CHECK_OK(kcbx_ledger_audit(county, 20250930, 0, &r));
    CHECK_OK(kcbx_report_rows(r, &rows));
    cell(r, 1, "check", buf, sizeof buf);
    CHECK(rows == 2 && strcmp(buf, "spot_check_redrawn") == 0, "the redraw is an audit finding");
    kcbx_report_free(r);
    int64_t seq = 0;
    CHECK_OK(kcbx_ledger_home_verification(county, id, "contradicted", 20251009, "孩子仍在家", &seq));
    CHECK(seq > 0, "home verification recorded");
    CHECK_STATUS(kcbx_ledger_home_verification(county, id, "confirmed", 20251010, NULL, NULL), KCBX_STATUS_RULE_VIOLATION);
    CHECK_STATUS(kcbx_ledger_home_verification(county, id, "maybe", 20251010, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    r = NULL;
    CHECK_OK(kcbx_ledger_spot_check_summary(county, "2025-09", &r));
    CHECK_OK(kcbx_report_rows(r, &rows));
    cell(r, rows - 1, "contradicted", buf, sizeof buf);
    CHECK(strcmp(buf, "1") == 0, "the summary counts the contradicted verification");
    kcbx_report_free(r);
    r = NULL;
    CHECK_STATUS(kcbx_ledger_spot_check_summary(county, "2024-01", &r), KCBX_STATUS_NOT_FOUND);

    /* --- 中考 registration (001 二（二）) -------------------------------------------------------- */
    r = NULL;
    CHECK_OK(kcbx_ledger_zhongkao_check(county, regs, 20251020, &r));
    CHECK_OK(kcbx_report_rows(r, &rows));
    cell(r, 0, "姓名", buf, sizeof buf);
    CHECK(rows == 1 && strcmp(buf, "李小九") == 0, "the grade-9 child not registered is listed");
    kcbx_report_free(r);
    write_text(regs, "resident_id\n640422201004050517\n");
    r = NULL;
    CHECK_STATUS(kcbx_ledger_zhongkao_check(county, regs, 20251020, &r), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("row 2 resident_id");

    /* --- a school does not audit itself -------------------------------------------------------- */
    CHECK_OK(open_as(path, policy, "school", "S-1", "王老师", NULL, &school));
    r = NULL;
    CHECK_STATUS(kcbx_ledger_audit(school, 20250930, 1, &r), KCBX_STATUS_PERMISSION_DENIED);

    kcbx_ledger_free(school);
    kcbx_ledger_free(county);
    kcbx_policy_free(policy);
    (void)out;
    for (int i = 0; i < 3; i++) { snprintf(side, sizeof side, "%s%s", path, suffixes[i]); remove(side); }
    remove(roster); remove(marks); remove(more); remove(regs);
    CHECK_SUMMARY();
}
