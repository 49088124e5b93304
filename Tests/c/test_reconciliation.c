/* C host test: 四查三比对 (seed 004 二（二）) over the bundled sample county (data/sample),
 * and the report-table accessors. Run from the repository root by Tests/c/run.sh. */
#include <stdlib.h>
#include "check.h"
#include "options.h"

#define DATA "data/sample/"

/* Number of findings of `kind` in the findings report (column 0 holds the kind). */
static int count_kind(kcbx_report *report, const char *kind) {
    int64_t rows = 0, n = 0;
    if (kcbx_report_rows(report, &rows) != KCBX_STATUS_OK) return -1;
    for (int64_t r = 0; r < rows; r++) {
        char *cell = NULL;
        if (kcbx_report_cell(report, r, 0, &cell) == KCBX_STATUS_OK && strcmp(cell, kind) == 0) n++;
        kcbx_string_free(cell);
    }
    return (int)n;
}

/* Rows of planted.csv whose pattern is `pattern` (the generator's answer key). */
static int planted(const char *pattern) {
    FILE *f = fopen(DATA "planted.csv", "r");
    char line[256];
    int n = 0;
    if (!f) return -1;
    while (fgets(line, sizeof line, f)) {
        char *comma = strchr(line, ',');
        if (comma && strncmp(comma + 1, pattern, strlen(pattern)) == 0 && comma[1 + strlen(pattern)] == '\n') n++;
        else if (comma && strncmp(comma + 1, pattern, strlen(pattern)) == 0 && comma[1 + strlen(pattern)] == '\r') n++;
    }
    fclose(f);
    return n;
}

/* Progress callback: counts calls and keeps the last phase. */
struct progress_seen { int calls; char last_phase[32]; int64_t household_total; };
static void on_progress(const char *phase, int64_t done, int64_t total, void *user_data) {
    struct progress_seen *seen = user_data;
    seen->calls++;
    snprintf(seen->last_phase, sizeof seen->last_phase, "%s", phase);
    if (strcmp(phase, "household") == 0 && done == total) seen->household_total = total;
}

/* The summary's count for `label` (column 1 of the row whose column 0 is `label`), or -1. */
static int summary_count(kcbx_report *summary, const char *label) {
    int64_t rows = 0;
    int value = -1;
    kcbx_report_rows(summary, &rows);
    for (int64_t r = 0; r < rows; r++) {
        char *name = NULL, *count = NULL;
        kcbx_report_cell(summary, r, 0, &name);
        if (name && strcmp(name, label) == 0 && kcbx_report_cell(summary, r, 1, &count) == KCBX_STATUS_OK) value = atoi(count);
        kcbx_string_free(name);
        kcbx_string_free(count);
    }
    return value;
}

/* One school-age rule (issue 12; seed 000 二（一）: 6 by 31 August): on 2025-09-15 the child born
 * 2019-08-31 and the one turning 16 tomorrow are 失学; the one born 2019-09-01 (6 already) and
 * the one 16 today are not, and the summary counts two school-age children. */
static void school_age_boundaries(void) {
    char household[512], students[512];
    const char *tmp = getenv("TMPDIR");
    kcbx_report *findings = NULL, *summary = NULL;
    snprintf(household, sizeof household, "%s/kcbx-school-age-household.csv", tmp && *tmp ? tmp : "/tmp");
    snprintf(students, sizeof students, "%s/kcbx-school-age-students.csv", tmp && *tmp ? tmp : "/tmp");
    FILE *f = fopen(household, "w");
    CHECK(f != NULL, "temp household file");
    if (!f) return;
    fputs("resident_id,name,birth_date,address,region_code\n"
          "640422201908310114,甲,2019-08-31,西吉县吉强镇1村,640422\n"
          "64042220190901021X,乙,2019-09-01,西吉县吉强镇1村,640422\n"
          "64042220090916031X,丙,2009-09-16,西吉县吉强镇1村,640422\n"
          "640422200909150410,丁,2009-09-15,西吉县吉强镇1村,640422\n", f);
    fclose(f);
    f = fopen(students, "w");
    CHECK(f != NULL, "temp students file");
    if (!f) return;
    fputs("registry_number,resident_id,name,birth_date,school_id,school_region_code,grade,status\n", f);
    fclose(f);
    CHECK_OK(reconcile("640422", 20250915, household, students, NULL, NULL, NULL, NULL, &findings, &summary));
    CHECK(count_kind(findings, "out_of_school") == 2, "born 2019-08-31 and 2009-09-16 are 失学; 2019-09-01 and 2009-09-15 are not");
    CHECK(summary_count(summary, "户籍适龄儿童少年数") == 2, "school-age count follows the entry rule, not the 6-15 window alone");
    kcbx_report_free(findings);
    kcbx_report_free(summary);
    remove(household);
    remove(students);
}

int main(void) {
    kcbx_report *findings = NULL, *summary = NULL;
    school_age_boundaries();
    CHECK_OK(reconcile("640422", 20251020, DATA "household.csv", DATA "students.csv", DATA "attending.csv",
                                DATA "poverty.csv", DATA "three_kinds.csv", NULL, &findings, &summary));
    CHECK(findings != NULL && summary != NULL, "both reports returned");

    /* Every planted problem is found, nothing more (the sample's answer key, planted.csv). */
    CHECK(count_kind(findings, "out_of_school") == planted("out_of_school"), "out-of-school children = planted (000 二（二）)");
    CHECK(planted("out_of_school") > 0, "the sample plants out-of-school children");
    CHECK(count_kind(findings, "registered_not_attending") == planted("suspected") + planted("dropout"),
          "registered but not attending = planted suspected + dropout (人籍不一致, 004 二（二）2)");
    CHECK(count_kind(findings, "near_match") == planted("id_typo"), "a mistyped ID is proposed as a near match");
    CHECK(count_kind(findings, "age_mismatch") == planted("identity_conflict"), "age mismatches = planted conflicts (reason J)");
    CHECK(count_kind(findings, "migrant") == planted("migrant"), "migrants (随迁) = planted");
    CHECK(count_kind(findings, "duplicate") == 0, "no duplicates where none were planted");

    /* The report table accessors. */
    int64_t cols = 0, rows = 0;
    char *header = NULL, *csv = NULL;
    CHECK_OK(kcbx_report_columns(findings, &cols));
    CHECK(cols == 8, "findings have 8 columns");
    CHECK_OK(kcbx_report_header(findings, 0, &header));
    CHECK(header && strcmp(header, "类别") == 0, "first header is 类别 (UTF-8)");
    kcbx_string_free(header);
    CHECK_OK(kcbx_report_rows(summary, &rows));
    CHECK(rows >= 5, "summary holds the four counts");
    CHECK_OK(kcbx_report_csv(summary, &csv));
    CHECK(csv && (unsigned char)csv[0] == 0xEF && (unsigned char)csv[1] == 0xBB && (unsigned char)csv[2] == 0xBF,
          "CSV starts with a UTF-8 BOM for Excel");
    CHECK(csv && strstr(csv, "户籍适龄儿童少年数") != NULL, "summary names 户籍适龄儿童少年数");
    kcbx_string_free(csv);

    /* Errors: out-of-range cells, NULL handle, missing file, bad column, bad date. */
    char *cell = NULL;
    CHECK_STATUS(kcbx_report_cell(findings, rows + 100000, 0, &cell), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("row");
    CHECK(cell == NULL, "no cell on error");
    CHECK_STATUS(kcbx_report_rows(NULL, &rows), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("report");
    kcbx_report *r2 = NULL;
    CHECK_STATUS(reconcile("640422", 20251020, DATA "no-such.csv", DATA "students.csv", NULL, NULL, NULL, NULL, &r2, NULL),
                 KCBX_STATUS_NOT_FOUND);
    CHECK(r2 == NULL, "no report on error");
    CHECK_STATUS(reconcile("640422", 20251020, DATA "schools.csv", DATA "students.csv", NULL, NULL, NULL, NULL, &r2, NULL),
                 KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("resident_id");
    CHECK_STATUS(reconcile("640422", 20250230, DATA "household.csv", DATA "students.csv", NULL, NULL, NULL, NULL, &r2, NULL),
                 KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("as_of");
    CHECK_STATUS(reconcile("64x", 20251020, DATA "household.csv", DATA "students.csv", NULL, NULL, NULL, NULL, &r2, NULL),
                 KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("region_prefix");
    CHECK_STATUS(reconcile("640422", 20251020, NULL, DATA "students.csv", NULL, NULL, NULL, NULL, &r2, NULL),
                 KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("household_csv");

    /* The township census (the household extract again: nobody new), a disabled list (the poverty
     * list stands in) and progress: the same findings, the groups counted, every phase reported. */
    kcbx_report *f3 = NULL, *s3 = NULL;
    struct progress_seen seen = {0, "", 0};
    CHECK_OK(reconcile_lists("640422", 20251020, DATA "household.csv", DATA "students.csv", DATA "attending.csv",
                                         DATA "poverty.csv", DATA "three_kinds.csv", NULL, DATA "household.csv", DATA "poverty.csv",
                                         NULL, on_progress, &seen, &f3, &s3));
    int64_t n1 = 0, n3 = -1;
    kcbx_report_rows(findings, &n1);
    kcbx_report_rows(f3, &n3);
    CHECK(n1 == n3, "a census holding only household children adds no findings and no duplicates");
    CHECK(summary_count(s3, "乡镇排摸适龄儿童少年数（户籍无记录）") == 0, "no census-only children");
    CHECK(summary_count(s3, "残疾适龄儿童少年数") == summary_count(s3, "脱贫户适龄儿童少年数"), "the disabled list is counted");
    CHECK(summary_count(s3, "比对一 户籍—学籍：失学") == planted("out_of_school"), "comparison 1 in the summary");
    CHECK(summary_count(s3, "比对二 学籍—在校：人籍不一致（疑似辍学）") == planted("suspected") + planted("dropout"), "comparison 2");
    CHECK(seen.calls >= 8 && strcmp(seen.last_phase, "poverty") == 0, "progress reported through to the last phase");
    CHECK(seen.household_total > 0, "the household phase reports its total");
    kcbx_report_free(f3);
    kcbx_report_free(s3);

    kcbx_report_free(findings);
    kcbx_report_free(summary);
    kcbx_report_free(NULL);
    CHECK_SUMMARY();
}
