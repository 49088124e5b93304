/* C host tests of the foundation's API (include/kcbx.h): versions, resident IDs, registry
 * numbers, school age, policy profiles and the per-thread last error. Every string the library
 * returns is freed, every handle released, so valgrind sees no leak of ours.
 * Expected values come from the seed documents (cited per check) and DOMAIN.md. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include "check.h"

/* "6", a lone lead byte, "(", 0xFF: not UTF-8. */
static const char invalid_utf8[] = {0x36, (char)0xC3, 0x28, (char)0xFF, 0};

/* Message is exactly `text`. */
#define CHECK_ERROR_IS(text) CHECK(strcmp(kcbx_last_error_message(), (text)) == 0, "last error is \"" text "\"")
/* Message starts with `prefix` (the field it names). */
#define CHECK_ERROR_FIELD(prefix) \
    CHECK(strncmp(kcbx_last_error_message(), (prefix), strlen(prefix)) == 0, "last error names field " prefix)
#define CHECK_NO_ERROR() CHECK(kcbx_last_error_message()[0] == '\0', "last error cleared")

/* Writes first17 plus its check character into out (19 bytes). */
static void valid_id(const char *first17, char *out) {
    char c = 0;
    memcpy(out, first17, 17);
    CHECK_OK(kcbx_resident_id_check_character(first17, &c));
    out[17] = c;
    out[18] = '\0';
}

static void fail_once(void) {
    CHECK_STATUS(kcbx_resident_id_parse(NULL, 0, NULL, NULL, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK(kcbx_last_error_message()[0] != '\0', "a failure sets the message");
}

static void test_versions(void) {
    const char *v = kcbx_version();
    CHECK(kcbx_abi_version() == KCBX_ABI_VERSION, "kcbx_abi_version() == KCBX_ABI_VERSION");
    CHECK(v != NULL && v[0] != '\0', "kcbx_version() is non-empty");
    CHECK(v == kcbx_version(), "kcbx_version() is static storage");
    CHECK(strchr(v, '.') != NULL, "kcbx_version() looks like x.y.z");
}

static void test_resident_ids(void) {
    char id[19], bad[19], check = 0;
    int32_t region = -1, birth = -1, sex = -1, problem = -1;

    /* GB 11643-1999's own example. */
    CHECK_OK(kcbx_resident_id_check_character("11010519491231002", &check));
    CHECK(check == 'X', "check character of 11010519491231002 is X");
    CHECK_OK(kcbx_resident_id_parse("11010519491231002X", 0, &region, &birth, &sex, &problem));
    CHECK(region == 110105 && birth == 19491231, "region and birth date of the GB 11643 example");
    CHECK(sex == KCBX_SEX_FEMALE && problem == KCBX_ID_PROBLEM_NONE, "17th digit 2 is female");
    CHECK_OK(kcbx_resident_id_parse("11010519491231002x", 0, NULL, NULL, NULL, NULL));   /* lower-case x */

    fail_once();
    valid_id("64040220150315001", id);
    CHECK_OK(kcbx_resident_id_parse(id, 20250901, &region, &birth, &sex, &problem));
    CHECK_NO_ERROR();
    CHECK(region == 640402 && birth == 20150315 && sex == KCBX_SEX_MALE, "parts of 640402 2015-03-15 male");
    CHECK_OK(kcbx_resident_id_parse(id, 0, NULL, NULL, NULL, NULL));   /* every out-param may be NULL */

    /* Each wrong part (DOMAIN.md §1: report which part is wrong). */
    CHECK_STATUS(kcbx_resident_id_parse("6404022015031500", 0, NULL, NULL, NULL, &problem), KCBX_STATUS_INVALID_INPUT);
    CHECK(problem == KCBX_ID_PROBLEM_LENGTH, "short ID: problem LENGTH");
    CHECK_ERROR_FIELD("resident_id: ");
    CHECK_ERROR_MENTIONS("18 characters");
    CHECK_STATUS(kcbx_resident_id_parse("64040220150315A011", 0, NULL, NULL, NULL, &problem), KCBX_STATUS_INVALID_INPUT);
    CHECK(problem == KCBX_ID_PROBLEM_CHARACTERS, "letter: problem CHARACTERS");
    CHECK_ERROR_MENTIONS("character 15");
    valid_id("99040220150315001", bad);
    CHECK_STATUS(kcbx_resident_id_parse(bad, 0, NULL, NULL, NULL, &problem), KCBX_STATUS_INVALID_INPUT);
    CHECK(problem == KCBX_ID_PROBLEM_REGION, "province 99: problem REGION");
    CHECK_ERROR_MENTIONS("region code");
    valid_id("64040220230230001", bad);
    CHECK_STATUS(kcbx_resident_id_parse(bad, 0, NULL, NULL, NULL, &problem), KCBX_STATUS_INVALID_INPUT);
    CHECK(problem == KCBX_ID_PROBLEM_BIRTH_DATE, "2023-02-30: problem BIRTH_DATE");
    CHECK_ERROR_MENTIONS("birth date 20230230");
    valid_id("64040220250910001", bad);
    CHECK_STATUS(kcbx_resident_id_parse(bad, 20250909, NULL, NULL, NULL, &problem), KCBX_STATUS_INVALID_INPUT);
    CHECK(problem == KCBX_ID_PROBLEM_BIRTH_DATE, "born after as_of: problem BIRTH_DATE");
    CHECK_ERROR_MENTIONS("after 2025-09-09");
    memcpy(bad, id, sizeof bad);
    bad[17] = (char)(bad[17] == '0' ? '1' : '0');
    CHECK_STATUS(kcbx_resident_id_parse(bad, 0, &region, NULL, NULL, &problem), KCBX_STATUS_INVALID_INPUT);
    CHECK(problem == KCBX_ID_PROBLEM_CHECKSUM, "wrong check character: problem CHECKSUM");
    CHECK_ERROR_MENTIONS("ISO 7064 MOD 11-2");

    /* NULL, bad UTF-8, bad as_of. */
    problem = -1;
    CHECK_STATUS(kcbx_resident_id_parse(NULL, 0, NULL, NULL, NULL, &problem), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("text: must not be NULL");
    CHECK(problem == KCBX_ID_PROBLEM_NONE, "NULL text: no ID problem");
    CHECK_STATUS(kcbx_resident_id_parse(invalid_utf8, 0, NULL, NULL, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("text: must be valid UTF-8");
    CHECK_STATUS(kcbx_resident_id_parse(id, 20230230, NULL, NULL, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_FIELD("as_of: ");
    CHECK_STATUS(kcbx_resident_id_parse(id, -20250101, NULL, NULL, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_FIELD("as_of: ");

    /* Check character errors. */
    CHECK_STATUS(kcbx_resident_id_check_character(NULL, &check), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("first17: must not be NULL");
    CHECK_STATUS(kcbx_resident_id_check_character("11010519491231002", NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("out_check: must not be NULL");
    CHECK_STATUS(kcbx_resident_id_check_character("1101051949123100", &check), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("first17: must be exactly 17 digits");
    CHECK_STATUS(kcbx_resident_id_check_character(invalid_utf8, &check), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("first17: must be valid UTF-8");
}

static void test_registry_numbers(void) {
    char id[19], g[20];
    int32_t kind = 0;
    char *body = NULL;

    /* Seed 001 附件2 示例: G640… */
    valid_id("64040220150315001", id);
    g[0] = 'G';
    memcpy(g + 1, id, sizeof id);
    fail_once();
    CHECK_OK(kcbx_registry_number_parse(g, 20250901, &kind, &body));
    CHECK_NO_ERROR();
    CHECK(kind == KCBX_REGISTRY_KIND_RESIDENT, "G number is RESIDENT");
    CHECK(body != NULL && strcmp(body, id) == 0, "G number body is the resident ID");
    kcbx_string_free(body);
    body = NULL;
    CHECK_OK(kcbx_registry_number_parse("Lab12", 0, &kind, &body));
    CHECK(kind == KCBX_REGISTRY_KIND_TEMPORARY, "L number is TEMPORARY");
    CHECK(body != NULL && strcmp(body, "AB12") == 0, "L number body is upper-cased");
    kcbx_string_free(body);
    CHECK_OK(kcbx_registry_number_parse("L1", 0, NULL, NULL));

    body = (char *)1;   /* must be overwritten with NULL on failure */
    CHECK_STATUS(kcbx_registry_number_parse("X123", 0, &kind, &body), KCBX_STATUS_INVALID_INPUT);
    CHECK(body == NULL, "out_body is NULL on failure");
    CHECK_ERROR_FIELD("registry_number: ");
    g[18] = (char)(g[18] == '0' ? '1' : '0');   /* break the check character */
    CHECK_STATUS(kcbx_registry_number_parse(g, 0, NULL, &body), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_FIELD("registry_number: ");
    CHECK_ERROR_MENTIONS("check character");
    CHECK_STATUS(kcbx_registry_number_parse(NULL, 0, NULL, &body), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("text: must not be NULL");
    CHECK_STATUS(kcbx_registry_number_parse(invalid_utf8, 0, NULL, &body), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("text: must be valid UTF-8");
    CHECK_STATUS(kcbx_registry_number_parse("L1", 20230230, NULL, &body), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_FIELD("as_of: ");
    CHECK(body == NULL, "out_body stays NULL");
}

static void test_school_age(void) {
    int32_t age = -1, entry = -1, compulsory = -1, grade = -1, stage = -1;

    /* Seed 000: 截止当年8月31日年满六周岁. */
    fail_once();
    CHECK_OK(kcbx_school_age(20190831, 20250901, &age, &entry, &compulsory, &grade, &stage));
    CHECK_NO_ERROR();
    CHECK(age == 6 && entry == 2025 && compulsory == 1, "born 2019-08-31: 6, enters 2025, compulsory");
    CHECK(grade == 1 && stage == KCBX_STAGE_PRIMARY, "born 2019-08-31: grade 1 primary on 2025-09-01");
    CHECK_OK(kcbx_school_age(20190901, 20250901, &age, &entry, &compulsory, &grade, &stage));
    CHECK(entry == 2026 && grade == 0 && stage == KCBX_STAGE_PRESCHOOL, "born 2019-09-01: enters 2026");
    /* One school-age rule (issue 12): 6 today, but not of school age until the entry autumn. */
    CHECK(age == 6 && compulsory == 0, "born 2019-09-01: 6 on 2025-09-01 but not of school age");
    CHECK_OK(kcbx_school_age(20190831, 20250831, &age, NULL, &compulsory, NULL, NULL));
    CHECK(age == 6 && compulsory == 0, "born 2019-08-31: 6 on 31 August, of school age from 1 September");
    /* Seed 000: 6-15周岁. */
    CHECK_OK(kcbx_school_age(20100301, 20260228, &age, NULL, &compulsory, NULL, NULL));
    CHECK(age == 15 && compulsory == 1, "15 is compulsory age");
    CHECK_OK(kcbx_school_age(20100301, 20260301, &age, NULL, &compulsory, NULL, &stage));
    CHECK(age == 16 && compulsory == 0 && stage == KCBX_STAGE_BEYOND, "16 is past compulsory age");
    CHECK_OK(kcbx_school_age(20120101, 20250901, NULL, NULL, NULL, &grade, &stage));
    CHECK(grade == 8 && stage == KCBX_STAGE_JUNIOR, "born 2012-01-01: grade 8 junior");

    CHECK_STATUS(kcbx_school_age(20230230, 20250901, &age, NULL, NULL, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_FIELD("birth_date: ");
    CHECK_ERROR_MENTIONS("2023-02-30");
    CHECK_STATUS(kcbx_school_age(0, 20250901, NULL, NULL, NULL, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_FIELD("birth_date: ");
    CHECK_STATUS(kcbx_school_age(-20190101, 20250901, NULL, NULL, NULL, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_FIELD("birth_date: ");
    CHECK_STATUS(kcbx_school_age(20190101, 0, NULL, NULL, NULL, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_FIELD("on_date: ");
    CHECK_STATUS(kcbx_school_age(20190101, 20181231, NULL, NULL, NULL, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_FIELD("on_date: ");
    CHECK_ERROR_MENTIONS("before birth_date");
}

static kcbx_policy *open_builtin(const char *name) {
    kcbx_policy *p = NULL;
    CHECK_OK(kcbx_policy_builtin(name, &p));
    CHECK(p != NULL, "built-in handle");
    return p;
}

/* Expects a duration parameter's amount and unit. */
static void check_duration(kcbx_policy *p, const char *key, int32_t amount, int32_t unit, const char *what) {
    int32_t a = -1, u = -1;
    CHECK_OK(kcbx_policy_duration(p, key, &a, &u));
    CHECK(a == amount && u == unit, what);
}

/* Expects a parameter's provenance kind and that its citation starts with `prefix`. */
static void check_provenance(kcbx_policy *p, const char *key, int32_t kind, const char *prefix, const char *what) {
    int32_t k = -1;
    char *cite = NULL;
    CHECK_OK(kcbx_policy_provenance(p, key, &k, &cite));
    CHECK(k == kind && cite != NULL && strncmp(cite, prefix, strlen(prefix)) == 0, what);
    kcbx_string_free(cite);
}

static void test_policies(void) {
    static const char *names[] = {"baiyin-2020", "guyuan-2021", "fujian-2020", "huarong-2024", "dongchuan-2025"};
    char *json = NULL, *json2 = NULL;
    kcbx_policy *p = NULL, *q = NULL;
    double value = -1;
    int32_t is_set = -1, amount = -1, unit = -1, kind = -1;
    size_t i;

    fail_once();
    CHECK_OK(kcbx_policy_names_json(&json));
    CHECK_NO_ERROR();
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        char quoted[40];
        snprintf(quoted, sizeof quoted, "\"%s\"", names[i]);
        CHECK(json != NULL && strstr(json, quoted) != NULL, "names JSON lists every built-in");
    }
    CHECK(json != NULL && json[0] == '[', "names is a JSON array");
    kcbx_string_free(json);
    CHECK_STATUS(kcbx_policy_names_json(NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("out_json: must not be NULL");
    {   /* The names as a table (issue 12). */
        kcbx_report *names = NULL;
        int64_t rows = 0;
        char *first = NULL;
        CHECK_OK(kcbx_policy_names(&names));
        CHECK_OK(kcbx_report_rows(names, &rows));
        CHECK(rows == 5, "five built-in profiles");
        CHECK_OK(kcbx_report_cell(names, 0, 0, &first));
        CHECK(first && strlen(first) > 0, "a profile id");
        kcbx_string_free(first);
        kcbx_report_free(names);
    }

    /* Unknown name, NULLs. */
    p = (kcbx_policy *)1;
    CHECK_STATUS(kcbx_policy_builtin("atlantis-2020", &p), KCBX_STATUS_NOT_FOUND);
    CHECK(p == NULL, "out_policy NULL after NOT_FOUND");
    CHECK_ERROR_MENTIONS("atlantis-2020");
    CHECK_STATUS(kcbx_policy_builtin(NULL, &p), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("name: must not be NULL");
    CHECK_STATUS(kcbx_policy_builtin(invalid_utf8, &p), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("name: must be valid UTF-8");
    CHECK_STATUS(kcbx_policy_builtin("guyuan-2021", NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("out_policy: must not be NULL");

    /* Guyuan, seed 001 附件1 填表说明1/2: more than one week, then more than one month. */
    p = open_builtin("guyuan-2021");
    check_duration(p, "suspected_after", 7, KCBX_DURATION_UNIT_CALENDAR_DAYS, "guyuan suspected_after 7 calendar days");
    check_duration(p, "dropout_after_suspected", 1, KCBX_DURATION_UNIT_CALENDAR_MONTHS, "guyuan dropout 1 calendar month");
    check_duration(p, "three_line_alert_after", 0, KCBX_DURATION_UNIT_OFF, "guyuan has no three-line report");
    check_provenance(p, "suspected_after", KCBX_PROVENANCE_DOCUMENT, "001 附件1 填表说明1", "guyuan suspected_after cites 001 note 1");
    check_provenance(p, "dropout_after_suspected", KCBX_PROVENANCE_DOCUMENT, "001 附件1 填表说明2", "guyuan dropout cites 001 note 2");
    CHECK_OK(kcbx_policy_number(p, "consolidation_target", &value, &is_set));
    CHECK(is_set == 0 && value == 0, "guyuan sets no consolidation target");
    CHECK_OK(kcbx_policy_duration(p, "suspected_after", NULL, NULL));
    CHECK_OK(kcbx_policy_provenance(p, "suspected_after", NULL, NULL));
    /* Wrong keys and kinds. */
    CHECK_STATUS(kcbx_policy_duration(p, "nonsense", &amount, &unit), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_FIELD("key: 'nonsense' is not a policy parameter");
    CHECK_STATUS(kcbx_policy_duration(p, "consolidation_target", &amount, &unit), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("not a duration");
    CHECK_STATUS(kcbx_policy_number(p, "suspected_after", &value, &is_set), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("not a number or flag");
    CHECK_STATUS(kcbx_policy_number(p, "bogus", &value, &is_set), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_FIELD("key: ");
    CHECK_STATUS(kcbx_policy_provenance(p, "bogus", &kind, &json), KCBX_STATUS_INVALID_INPUT);
    CHECK(json == NULL, "out_citation NULL on failure");
    CHECK_STATUS(kcbx_policy_duration(p, NULL, &amount, &unit), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("key: must not be NULL");
    CHECK_STATUS(kcbx_policy_duration(p, invalid_utf8, &amount, &unit), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("key: must be valid UTF-8");
    CHECK_STATUS(kcbx_policy_duration(NULL, "suspected_after", &amount, &unit), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("policy: must not be NULL");
    CHECK_STATUS(kcbx_policy_number(NULL, "consolidation_target", &value, &is_set), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("policy: must not be NULL");
    CHECK_STATUS(kcbx_policy_provenance(NULL, "suspected_after", &kind, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("policy: must not be NULL");
    CHECK_STATUS(kcbx_policy_to_json(NULL, &json), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("policy: must not be NULL");
    CHECK_STATUS(kcbx_policy_to_json(p, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("out_json: must not be NULL");
    kcbx_policy_free(p);

    /* Dongchuan, seed 004: three-line report after 3 school days; attendance by 15:00. */
    p = open_builtin("dongchuan-2025");
    check_duration(p, "three_line_alert_after", 3, KCBX_DURATION_UNIT_SCHOOL_DAYS, "dongchuan three-line after 3 school days");
    check_provenance(p, "three_line_alert_after", KCBX_PROVENANCE_DOCUMENT, "004 ", "dongchuan three-line cites 004");
    check_provenance(p, "attendance_record_by", KCBX_PROVENANCE_DOCUMENT, "004 ", "dongchuan 15:00 cites 004");
    check_duration(p, "guardian_contact_within", 0, KCBX_DURATION_UNIT_SCHOOL_DAYS, "dongchuan contacts guardians the same day");
    check_provenance(p, "suspected_after", KCBX_PROVENANCE_DEFAULTED, "DOMAIN.md", "dongchuan suspected_after is defaulted");
    kcbx_policy_free(p);

    /* Huarong, seed 003: consolidation rate 98%, 人盯人挂钩. */
    p = open_builtin("huarong-2024");
    CHECK_OK(kcbx_policy_number(p, "consolidation_target", &value, &is_set));
    CHECK(is_set == 1 && value == 0.98, "huarong consolidation target 0.98");
    check_provenance(p, "consolidation_target", KCBX_PROVENANCE_DOCUMENT, "003 ", "huarong target cites 003");
    CHECK_OK(kcbx_policy_number(p, "one_to_one_assignment", &value, &is_set));
    CHECK(is_set == 1 && value == 1, "huarong one-to-one assignment on");
    check_provenance(p, "one_to_one_assignment", KCBX_PROVENANCE_DOCUMENT, "003 ", "huarong one-to-one cites 003");
    kcbx_policy_free(p);

    /* Baiyin (000) and Fujian (002) are silent on thresholds: defaulted. */
    p = open_builtin("baiyin-2020");
    check_duration(p, "suspected_after", 7, KCBX_DURATION_UNIT_CALENDAR_DAYS, "baiyin default 7 calendar days");
    check_provenance(p, "suspected_after", KCBX_PROVENANCE_DEFAULTED, "DOMAIN.md", "baiyin suspected_after defaulted");
    CHECK_OK(kcbx_policy_number(p, "one_to_one_assignment", &value, &is_set));
    CHECK(is_set == 1 && value == 0, "baiyin one-to-one assignment off (flag 0)");
    kcbx_policy_free(p);
    p = open_builtin("fujian-2020");
    check_provenance(p, "suspected_after", KCBX_PROVENANCE_DEFAULTED, "DOMAIN.md", "fujian suspected_after defaulted");
    CHECK_OK(kcbx_policy_to_json(p, &json));
    CHECK(json != NULL && strstr(json, "weekly_ledger_check") != NULL, "fujian JSON holds the weekly ledger check (002)");
    kcbx_string_free(json);
    kcbx_policy_free(p);

    /* Every built-in: to_json, from_json, to_json again gives the same text. */
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        json = json2 = NULL;
        p = open_builtin(names[i]);
        CHECK_OK(kcbx_policy_to_json(p, &json));
        CHECK_OK(kcbx_policy_from_json(json, &q));
        CHECK_OK(kcbx_policy_to_json(q, &json2));
        CHECK(json != NULL && json2 != NULL && strcmp(json, json2) == 0, "built-in round-trips through JSON");
        kcbx_string_free(json);
        kcbx_string_free(json2);
        kcbx_policy_free(q);
        kcbx_policy_free(p);
    }

    /* from_json errors. */
    q = (kcbx_policy *)1;
    CHECK_STATUS(kcbx_policy_from_json("{\"id\": \"t\", \"extends\": \"guyuan-2021\", \"parameters\": {\"nonsense\": 1}}", &q),
                 KCBX_STATUS_INVALID_INPUT);
    CHECK(q == NULL, "out_policy NULL after a bad file");
    CHECK_ERROR_FIELD("parameters.nonsense: unknown key");
    CHECK_STATUS(kcbx_policy_from_json("{\"id\": \"t\", \"extends\": \"atlantis\"}", &q), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_FIELD("extends: ");
    CHECK_STATUS(kcbx_policy_from_json("{", &q), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_FIELD("policy: must be valid JSON");
    CHECK_STATUS(kcbx_policy_from_json(NULL, &q), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("json: must not be NULL");
    CHECK_STATUS(kcbx_policy_from_json(invalid_utf8, &q), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("json: must be valid UTF-8");
    CHECK_STATUS(kcbx_policy_from_json("{}", NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("out_policy: must not be NULL");

    kcbx_policy_free(NULL);
    kcbx_string_free(NULL);
    CHECK(1, "kcbx_policy_free(NULL) and kcbx_string_free(NULL) are safe");
}

/* Writes `text` to a new temp file; its path goes into `path` (PATH_MAX-free: 64 bytes). */
static int write_temp(char path[64], const char *text) {
    FILE *f;
    int fd;
    const char *dir = getenv("TMPDIR");
    snprintf(path, 64, "%s/kcbx-policy-XXXXXX", dir && dir[0] && strlen(dir) < 40 ? dir : "/tmp");
    fd = mkstemp(path);
    if (fd < 0) return 0;
    f = fdopen(fd, "w");
    if (!f) { close(fd); return 0; }
    fputs(text, f);
    fclose(f);
    return 1;
}

static void test_policy_files(void) {
    char good[64], bad[64];
    kcbx_policy *p = NULL;
    int32_t amount = -1, unit = -1, kind = -1;
    char *cite = NULL;

    CHECK(write_temp(good, "{\"id\": \"county\", \"extends\": \"guyuan-2021\",\n"
                           " \"parameters\": {\"suspected_after\": {\"amount\": 10, \"unit\": \"calendar_days\"}}}\n"),
          "temp policy file written");
    CHECK_OK(kcbx_policy_from_file(good, &p));
    CHECK_OK(kcbx_policy_duration(p, "suspected_after", &amount, &unit));
    CHECK(amount == 10 && unit == KCBX_DURATION_UNIT_CALENDAR_DAYS, "file override 10 calendar days");
    CHECK_OK(kcbx_policy_provenance(p, "suspected_after", &kind, &cite));
    CHECK(kind == KCBX_PROVENANCE_FILE && cite != NULL && strcmp(cite, good) == 0, "override cites the file's path");
    kcbx_string_free(cite);
    cite = NULL;
    /* The other values stay the document's (extends guyuan-2021). */
    CHECK_OK(kcbx_policy_duration(p, "dropout_after_suspected", &amount, &unit));
    CHECK(amount == 1 && unit == KCBX_DURATION_UNIT_CALENDAR_MONTHS, "extended profile keeps 1 calendar month");
    CHECK_OK(kcbx_policy_provenance(p, "dropout_after_suspected", &kind, &cite));
    CHECK(kind == KCBX_PROVENANCE_DOCUMENT && cite != NULL && strncmp(cite, "001 ", 4) == 0, "kept value still cites 001");
    kcbx_string_free(cite);
    kcbx_policy_free(p);
    unlink(good);

    CHECK(write_temp(bad, "{\"id\": \"county\", \"extends\": \"guyuan-2021\",\n"
                          " \"parameters\": {\"suspected_after\": {\"amount\": -3, \"unit\": \"calendar_days\"}}}\n"),
          "bad temp policy file written");
    p = (kcbx_policy *)1;
    CHECK_STATUS(kcbx_policy_from_file(bad, &p), KCBX_STATUS_INVALID_INPUT);
    CHECK(p == NULL, "out_policy NULL after a bad file");
    CHECK_ERROR_FIELD("parameters.suspected_after: ");
    CHECK_ERROR_MENTIONS("negative");
    unlink(bad);

    CHECK_STATUS(kcbx_policy_from_file(bad, &p), KCBX_STATUS_NOT_FOUND);   /* now deleted */
    CHECK_ERROR_MENTIONS("kcbx-policy-");
    CHECK_STATUS(kcbx_policy_from_file(NULL, &p), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_IS("path: must not be NULL");
}

/* A second thread fails a call; its message is its own. */
struct thread_result { kcbx_status status; char message[128]; };

static void *failing_thread(void *arg) {
    struct thread_result *r = arg;
    r->status = kcbx_policy_builtin("atlantis-2020", NULL);
    snprintf(r->message, sizeof r->message, "%s", kcbx_last_error_message());
    return NULL;
}

static void test_last_error_per_thread(void) {
    pthread_t t;
    struct thread_result r;
    char check = 0;
    memset(&r, 0, sizeof r);
    CHECK_OK(kcbx_resident_id_check_character("11010519491231002", &check));
    CHECK_NO_ERROR();
    CHECK(pthread_create(&t, NULL, failing_thread, &r) == 0, "pthread_create");
    CHECK(pthread_join(t, NULL) == 0, "pthread_join");
    CHECK(r.status == KCBX_STATUS_INVALID_INPUT, "the thread's call failed");
    CHECK(strcmp(r.message, "out_policy: must not be NULL") == 0, "the thread saw its own message");
    CHECK(kcbx_last_error_message()[0] == '\0', "the main thread's message stays empty");

    /* And the other way round: the main thread's failure is not seen by a new thread. */
    fail_once();
    memset(&r, 0, sizeof r);
    CHECK(pthread_create(&t, NULL, failing_thread, &r) == 0, "pthread_create");
    CHECK(pthread_join(t, NULL) == 0, "pthread_join");
    CHECK_ERROR_IS("text: must not be NULL");
}

int main(void) {
    test_versions();
    test_resident_ids();
    test_registry_numbers();
    test_school_age();
    test_policies();
    test_policy_files();
    test_last_error_per_thread();
    CHECK_SUMMARY();
}
