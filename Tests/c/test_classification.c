/* C host test of the classification ABI (issue 3): school calendars, one-child classification,
 * bulk classification into a table, and their error paths. Seeds: 001 附件1 填表说明1-3
 * (suspected after more than a week, dropout after a month more, reasons A/B) and 004 二（三）2
 * (three-line report after 3 school days). Everything returned is freed (run under valgrind). */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "check.h"
#include "options.h"

#define COUNT(a) ((int64_t)(sizeof(a) / sizeof((a)[0])))

static const char *CAL_JSON =
    "{\"kcbx_calendar\": 1, \"name\": \"test 2025-2026\", \"school_years\": [{\"school_year\": 2025,"
    " \"terms\": [{\"name\": \"autumn\", \"start\": \"2025-09-01\", \"end\": \"2026-01-16\"},"
    "            {\"name\": \"spring\", \"start\": \"2026-03-02\", \"end\": \"2026-07-10\"}],"
    " \"holidays\": [{\"name\": \"国庆节、中秋节\", \"from\": \"2025-10-01\", \"to\": \"2025-10-08\"}],"
    " \"make_up_days\": [\"2025-09-28\", \"2025-10-11\"]}]}";

/* Days since 1970-01-01 (for the day-number encoding). */
static int32_t day_number(int y, int m, int d) {
    int era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

/* Takes a library string: checks it contains `needle`, frees it. */
static void check_text(char *s, const char *needle, const char *what) {
    CHECK(s != NULL && strstr(s, needle) != NULL, what);
    if (s != NULL && strstr(s, needle) == NULL) fprintf(stderr, "  got: %s\n", s);
    kcbx_string_free(s);
}

static kcbx_calendar *open_calendar(void) {
    kcbx_calendar *cal = NULL;
    CHECK_OK(kcbx_calendar_from_json(CAL_JSON, &cal));
    return cal;
}

static kcbx_policy *open_policy(const char *name) {
    kcbx_policy *p = NULL;
    CHECK_OK(kcbx_policy_builtin(name, &p));
    return p;
}

static void test_calendar(void) {
    kcbx_calendar *cal = open_calendar(), *again = NULL, *bad = NULL, *std = NULL, *file_cal = NULL;
    int32_t is = -1, year = 0, start = 0, end = 0, first = 0, last = 0;
    int64_t index = 0;
    int64_t count = -1;
    char *json = NULL;
    char path[64];
    FILE *f;
    const int32_t hol_from[] = {20251001}, hol_to[] = {20251008}, make_up[] = {20250928, 20251011};

    CHECK_OK(kcbx_calendar_is_school_day(cal, 20250928, &is));
    CHECK(is == 1, "make-up Sunday 2025-09-28 is a school day");
    CHECK_OK(kcbx_calendar_is_school_day(cal, 20250913, &is));
    CHECK(is == 0, "Saturday 2025-09-13 is not a school day");
    CHECK_OK(kcbx_calendar_is_school_day(cal, 20251003, &is));
    CHECK(is == 0, "National Day holiday is not a school day");
    CHECK_OK(kcbx_calendar_is_school_day(cal, 20300101, &is));
    CHECK(is == 0, "outside the calendar is not a school day");
    CHECK_STATUS(kcbx_calendar_is_school_day(cal, 20250931, &is), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("date");
    CHECK_STATUS(kcbx_calendar_is_school_day(cal, 20250901, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_calendar_is_school_day(NULL, 20250901, &is), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("calendar");

    CHECK_OK(kcbx_calendar_count_school_days(cal, 20250901, 20250930, &count));
    CHECK(count == 23, "September 2025 has 23 school days (22 weekdays + make-up 28th)");
    CHECK_OK(kcbx_calendar_count_school_days(cal, 20251001, 20251031, &count));
    CHECK(count == 18, "October 2025 has 18 school days");
    CHECK_OK(kcbx_calendar_count_school_days(cal, 20250910, 20250901, &count));
    CHECK(count == 0, "an empty range counts 0");
    CHECK_STATUS(kcbx_calendar_count_school_days(cal, 0, 20250901, &count), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("from");

    CHECK_OK(kcbx_calendar_term(cal, 20251201, &index, &year, &start, &end));
    CHECK(index == 0 && year == 2025 && start == 20250901 && end == 20260116, "term of 2025-12-01");
    CHECK_OK(kcbx_calendar_term(cal, 20260201, &index, &year, &start, &end));
    CHECK(index == -1 && start == 0, "winter vacation is in no term");
    CHECK_OK(kcbx_calendar_term(cal, 20260401, &index, NULL, NULL, NULL));
    CHECK(index == 1, "spring term");
    CHECK_OK(kcbx_calendar_range(cal, &first, &last));
    CHECK(first == 20250901 && last == 20260831, "calendar range covers the school year");

    CHECK_OK(kcbx_calendar_to_json(cal, &json));
    CHECK(json != NULL && strstr(json, "school_years") != NULL, "to_json writes the file format");
    CHECK_OK(kcbx_calendar_from_json(json, &again));
    kcbx_string_free(json);
    CHECK_OK(kcbx_calendar_count_school_days(again, 20250901, 20260831, &count));
    CHECK(count > 150, "the written calendar loads back");
    kcbx_calendar_free(again);

    CHECK_STATUS(kcbx_calendar_from_json("{\"school_years\": [{\"school_year\": 2025, \"terms\": [{\"name\": \"a\", \"start\": \"2025-09-01\", \"end\": \"2026-01-16\"}], \"make_up_days\": [\"2025-09-29\"]}]}", &bad),
                 KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("school_years[0].make_up_days[0]");
    CHECK(bad == NULL, "no handle on failure");
    CHECK_STATUS(kcbx_calendar_from_json("{\"school_years\": [], \"extra\": true}", &bad), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_calendar_from_json(NULL, &bad), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("json");
    CHECK_STATUS(kcbx_calendar_from_json(CAL_JSON, NULL), KCBX_STATUS_INVALID_INPUT);

    /* From a file. */
    snprintf(path, sizeof path, "/tmp/kcbx_test_calendar_%ld.json", (long)time(NULL));
    f = fopen(path, "w");
    CHECK(f != NULL, "temporary calendar file");
    if (f != NULL) {
        fputs(CAL_JSON, f);
        fclose(f);
        CHECK_OK(kcbx_calendar_from_file(path, &file_cal));
        CHECK_OK(kcbx_calendar_is_school_day(file_cal, 20251011, &is));
        CHECK(is == 1, "file calendar: make-up Saturday");
        kcbx_calendar_free(file_cal);
        remove(path);
    }
    CHECK_STATUS(kcbx_calendar_from_file("/nonexistent/kcbx/calendar.json", &file_cal), KCBX_STATUS_NOT_FOUND);
    CHECK_STATUS(kcbx_calendar_from_file(NULL, &file_cal), KCBX_STATUS_INVALID_INPUT);

    /* The standard generator with the 2025 National Day arrangement. */
    CHECK_OK(kcbx_calendar_standard(2025, 0, 0, 0, 0, hol_from, hol_to, COUNT(hol_from), make_up, COUNT(make_up), &std));
    CHECK_OK(kcbx_calendar_count_school_days(std, 20250901, 20251031, &count));
    CHECK(count == 41, "standard 2025: 23 + 18 school days in September and October");
    CHECK_OK(kcbx_calendar_term(std, 20260302, &index, &year, &start, &end));
    CHECK(index == 1 && start == 20260302 && end == 20260710, "spring term starts Monday 2 March 2026 (1 March is a Sunday)");
    CHECK_OK(kcbx_calendar_add_holiday(std, 20251105, 20251106, "暴雨停课"));
    CHECK_OK(kcbx_calendar_is_school_day(std, 20251106, &is));
    CHECK(is == 0, "added holiday");
    CHECK_OK(kcbx_calendar_add_holiday(std, 20251107, 20251107, NULL));
    CHECK_STATUS(kcbx_calendar_add_holiday(std, 20251110, 20251105, "x"), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("to");
    CHECK_OK(kcbx_calendar_add_make_up_day(std, 20251108));
    CHECK_OK(kcbx_calendar_is_school_day(std, 20251108, &is));
    CHECK(is == 1, "added make-up Saturday");
    CHECK_STATUS(kcbx_calendar_add_make_up_day(std, 20251110), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("Monday");
    CHECK_STATUS(kcbx_calendar_add_make_up_day(NULL, 20251108), KCBX_STATUS_INVALID_INPUT);
    kcbx_calendar_free(std);
    std = NULL;
    CHECK_STATUS(kcbx_calendar_standard(2025, 20260901, 0, 0, 0, NULL, NULL, 0, NULL, 0, &std), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("autumn_start");
    CHECK_STATUS(kcbx_calendar_standard(2025, 0, 0, 0, 0, NULL, hol_to, 1, NULL, 0, &std), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("holiday_from");
    CHECK_STATUS(kcbx_calendar_standard(2025, 0, 0, 0, 0, NULL, NULL, -1, NULL, 0, &std), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_calendar_standard(20, 0, 0, 0, 0, NULL, NULL, 0, NULL, 0, &std), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("school_year");
    CHECK(std == NULL, "no handle on failure");

    kcbx_calendar_free(cal);
    kcbx_calendar_free(NULL);
}

/* Present on 1-5 Sept 2025 (3 Sept missing, 2 Sept marked twice), unexcused 8-15 Sept. */
static const int32_t G_DATES[] = {20250901, 20250902, 20250904, 20250905, 20250908, 20250909, 20250910,
                                  20250911, 20250912, 20250915, 20250902};
static const int8_t G_KINDS[] = {KCBX_MARK_KIND_PRESENT, KCBX_MARK_KIND_UNEXCUSED, KCBX_MARK_KIND_LATE, KCBX_MARK_KIND_PRESENT,
                                  KCBX_MARK_KIND_UNEXCUSED, KCBX_MARK_KIND_UNEXCUSED, KCBX_MARK_KIND_UNEXCUSED, KCBX_MARK_KIND_UNEXCUSED,
                                  KCBX_MARK_KIND_UNEXCUSED, KCBX_MARK_KIND_UNEXCUSED, KCBX_MARK_KIND_PRESENT};

static void test_classify_one(void) {
    kcbx_policy *guyuan = open_policy("guyuan-2021"), *dongchuan = open_policy("dongchuan-2025");
    kcbx_calendar *cal = open_calendar();
    kcbx_classification *c = NULL, *none = NULL;
    int32_t status = -1, since = -1, rule = -1, reason = -1, start = 0, date = 0, replaced = -1, kept = -1;
    int64_t unexcused = 0, clock = 0, leave = 0, unknown = 0, school_days = 0, term_unexcused = 0, missing = 0, conflicts = 0;
    uint32_t alerts = 0, flags = 0;
    int64_t replaced_index = -1, kept_index = -1;
    char *text = NULL;
    const uint32_t left_behind = 1u << KCBX_SPECIAL_GROUP_LEFT_BEHIND;

    /* 001 附件1 填表说明1: first absence Mon 8 Sept, suspected on Mon 15 Sept. */
    CHECK_OK(classify_child(guyuan, cal, 20250915, COUNT(G_DATES), G_DATES, G_KINDS, NULL, NULL, NULL,
                           20120301, 8, KCBX_REGISTRATION_ENROLLED, 0, NULL, 0, left_behind, &c));
    CHECK_OK(kcbx_classification_summary(c, &status, &since, &rule, &alerts, &flags, &reason));
    CHECK(status == KCBX_CHILD_STATUS_SUSPECTED_DROPOUT, "suspected dropout on 15 Sept");
    CHECK(since == 20250915 && rule == KCBX_RULE_SUSPECTED_AFTER && reason == KCBX_REASON_NONE, "since 15 Sept by suspected_after");
    CHECK((alerts & KCBX_ALERT_MISSING_ATTENDANCE) && (alerts & KCBX_ALERT_CONFLICTING_MARKS) && (alerts & KCBX_ALERT_GUARDIAN_CONTACT),
          "alerts: missing attendance, conflicting marks, guardian contact");
    CHECK(!(alerts & KCBX_ALERT_THREE_LINE_REPORT), "guyuan-2021 has no three-line report");
    CHECK((flags & KCBX_RISK_FLAG_CHRONIC_ABSENCE) && (flags & KCBX_RISK_FLAG_SPECIAL_GROUP) && (flags & KCBX_RISK_FLAG_GRADE_EIGHT),
          "flags: chronic absence, special group, grade 8");
    CHECK_OK(kcbx_classification_summary(c, NULL, NULL, NULL, NULL, NULL, NULL));
    CHECK_OK(kcbx_classification_streak(c, &start, &unexcused, &clock, &leave, &unknown));
    CHECK(start == 20250908 && unexcused == 6 && clock == 8 && leave == 0 && unknown == 0, "streak evidence 8-15 Sept");
    CHECK_OK(kcbx_classification_term(c, &school_days, &term_unexcused, &missing, &conflicts));
    CHECK(school_days == 11 && term_unexcused == 6 && missing == 1 && conflicts == 1, "term so far");
    CHECK_OK(kcbx_classification_rule_text(c, &text));
    check_text(text, "001 附件1 填表说明1", "rule text cites seed 001 note 1");
    CHECK_OK(kcbx_classification_risk_why(c, KCBX_RISK_FLAG_CHRONIC_ABSENCE, &text));
    check_text(text, "chronic_absence_share", "chronic-absence reason names the parameter");
    CHECK_OK(kcbx_classification_risk_why(c, KCBX_RISK_FLAG_SPECIAL_GROUP, &text));
    check_text(text, "留守", "special-group reason names the group");
    CHECK_STATUS(kcbx_classification_risk_why(c, KCBX_RISK_FLAG_PAST_DROPOUT, &text), KCBX_STATUS_NOT_FOUND);
    CHECK(text == NULL, "no text when not raised");
    CHECK_STATUS(kcbx_classification_risk_why(c, 3, &text), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_classification_risk_why(c, KCBX_RISK_FLAG_CHRONIC_ABSENCE, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_OK(kcbx_classification_missing_date(c, 0, &date));
    CHECK(date == 20250903, "3 Sept has no mark");
    CHECK_STATUS(kcbx_classification_missing_date(c, 1, &date), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("index");
    CHECK_OK(kcbx_classification_conflict(c, 0, &date, &replaced, &kept, &replaced_index, &kept_index));
    CHECK(date == 20250902 && replaced == KCBX_MARK_KIND_UNEXCUSED && kept == KCBX_MARK_KIND_PRESENT && replaced_index == 1 && kept_index == 10,
          "the later mark for 2 Sept wins");
    CHECK_STATUS(kcbx_classification_conflict(c, -1, &date, NULL, NULL, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_OK(kcbx_classification_to_json(c, &text));
    check_text(text, "\"suspected_dropout\"", "JSON carries the status");
    kcbx_classification_free(c);
    c = NULL;

    /* 001 附件1 填表说明2 is checked in Swift; here a dropout needs a month more: 15 Oct is still suspected. */
    /* 004 二（三）2: three unexcused school days raise the three-line report under dongchuan-2025. */
    CHECK_OK(classify_child(dongchuan, cal, 20250910, 7, G_DATES + 4, G_KINDS + 4, NULL, NULL, NULL, 0, 0, KCBX_REGISTRATION_ENROLLED, 0, NULL, 0, 0, &c));
    CHECK_OK(kcbx_classification_summary(c, &status, &since, &rule, &alerts, NULL, NULL));
    CHECK(status == KCBX_CHILD_STATUS_THREE_LINE_ALERT && since == 20250910 && rule == KCBX_RULE_THREE_LINE_ALERT_AFTER, "three-line alert on the third day");
    CHECK((alerts & KCBX_ALERT_THREE_LINE_REPORT) != 0, "three-line report alert bit");
    CHECK_OK(kcbx_classification_rule_text(c, &text));
    check_text(text, "004 二（三）2", "rule text cites seed 004");
    kcbx_classification_free(c);
    c = NULL;

    /* Approved leave with a span and a slip pauses the clock. */
    {
        const int32_t dates[] = {20250908, 20250909, 20250910, 20250915};
        const int8_t kinds[] = {KCBX_MARK_KIND_UNEXCUSED, KCBX_MARK_KIND_UNEXCUSED, KCBX_MARK_KIND_APPROVED_LEAVE, KCBX_MARK_KIND_UNEXCUSED};
        const int32_t from[] = {0, 0, 20250910, 0}, to[] = {0, 0, 20250914, 0};
        const char *slips[] = {NULL, NULL, "东川区请假条 2025-0913", NULL};
        CHECK_OK(classify_child(guyuan, cal, 20250915, 4, dates, kinds, from, to, slips, 0, 0, 0, 0, NULL, 0, 0, &c));
        CHECK_OK(kcbx_classification_streak(c, &start, &unexcused, &clock, &leave, &unknown));
        CHECK(start == 20250908 && clock == 3 && leave == 1 && unknown == 0, "leave span pauses 10-14 Sept");
        CHECK_OK(kcbx_classification_summary(c, &status, NULL, &rule, NULL, NULL, NULL));
        CHECK(status == KCBX_CHILD_STATUS_IN_SCHOOL && rule == KCBX_RULE_ABSENT_BELOW_THRESHOLD, "still in school under the threshold");
        kcbx_classification_free(c);
        c = NULL;
    }

    /* 001 附件1 填表说明3: no registration, junior age → out of school, reason B. */
    CHECK_OK(classify_child(guyuan, cal, 20250915, 0, NULL, NULL, NULL, NULL, NULL, 20120501, 0, KCBX_REGISTRATION_NONE, 0, NULL, 0, 0, &none));
    CHECK_OK(kcbx_classification_summary(none, &status, &since, &rule, NULL, NULL, &reason));
    CHECK(status == KCBX_CHILD_STATUS_OUT_OF_SCHOOL && reason == KCBX_REASON_B && rule == KCBX_RULE_OUT_OF_SCHOOL && since == 20180901, "out of school, B");
    kcbx_classification_free(none);

    /* 000, 002: deferral needs the expert panel's opinion. */
    CHECK_STATUS(classify_child(guyuan, cal, 20250915, 0, NULL, NULL, NULL, NULL, NULL, 0, 0, KCBX_REGISTRATION_DEFERRED, 0, NULL, 0, 0, &c),
                 KCBX_STATUS_RULE_VIOLATION);
    CHECK_ERROR_MENTIONS("expert_opinion");
    CHECK(c == NULL, "no handle on failure");
    CHECK_OK(classify_child(guyuan, cal, 20250915, 0, NULL, NULL, NULL, NULL, NULL, 0, 0, KCBX_REGISTRATION_DEFERRED, 20250901,
                           "专家组意见〔2025〕7号", 0, 0, &c));
    CHECK_OK(kcbx_classification_summary(c, &status, &since, NULL, NULL, NULL, NULL));
    CHECK(status == KCBX_CHILD_STATUS_DEFERRED && since == 20250901, "deferred with an opinion");
    kcbx_classification_free(c);
    c = NULL;

    /* Input errors. */
    {
        const int32_t weekend[] = {20250912, 20250913};
        const int8_t two[] = {KCBX_MARK_KIND_PRESENT, KCBX_MARK_KIND_UNEXCUSED};
        const int32_t bad_date[] = {20250931}, one_day[] = {20250908};
        const int8_t bad_kind[] = {7}, present[] = {KCBX_MARK_KIND_PRESENT};
        const int32_t span[] = {20250908};
        CHECK_STATUS(classify_child(guyuan, cal, 20250915, 2, weekend, two, NULL, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, &c), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("2025-09-13");
        CHECK_ERROR_MENTIONS("Saturday");
        CHECK_STATUS(classify_child(guyuan, cal, 20250915, 3, NULL, two, NULL, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, &c), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("mark_dates");
        CHECK_STATUS(classify_child(guyuan, cal, 20250915, 1, bad_date, present, NULL, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, &c), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("mark_dates[0]");
        CHECK_STATUS(classify_child(guyuan, cal, 20250915, 1, one_day, bad_kind, NULL, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, &c), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("mark_kinds[0]");
        CHECK_STATUS(classify_child(guyuan, cal, 20250915, 1, one_day, present, span, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, &c), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("leave_from[0]");
        CHECK_STATUS(classify_child(guyuan, cal, 20250915, -1, one_day, present, NULL, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, &c), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("n_marks");
        CHECK_STATUS(classify_child(guyuan, cal, 20250915, 1, one_day, present, NULL, NULL, NULL, 0, 0, 0, 0, NULL, 64, 0, &c), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("fact_bits");
        CHECK_STATUS(classify_child(guyuan, cal, 20250915, 1, one_day, present, NULL, NULL, NULL, 0, 0, 0, 0, NULL, 0, 1u << 30, &c), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("group_mask");
        CHECK_STATUS(classify_child(guyuan, cal, 20250915, 1, one_day, present, NULL, NULL, NULL, 0, 0, 42, 0, NULL, 0, 0, &c), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("registration");
        CHECK_STATUS(classify_child(guyuan, cal, 20991231, 1, one_day, present, NULL, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, &c), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("as_of");
        CHECK_STATUS(classify_child(guyuan, cal, 20250915, 1, one_day, present, NULL, NULL, NULL, 20250910, 0, 0, 0, NULL, 0, 0, &c), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("birth");
        CHECK_STATUS(classify_child(NULL, cal, 20250915, 0, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, &c), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("policy");
        CHECK_STATUS(classify_child(guyuan, NULL, 20250915, 0, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, &c), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("calendar");
        CHECK_STATUS(classify_child(guyuan, cal, 20250915, 0, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, NULL), KCBX_STATUS_INVALID_INPUT);
        CHECK_ERROR_MENTIONS("out_classification");
        CHECK(c == NULL, "no handle after any failure");
    }
    CHECK_STATUS(kcbx_classification_summary(NULL, &status, NULL, NULL, NULL, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_classification_streak(NULL, NULL, NULL, NULL, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_classification_term(NULL, NULL, NULL, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_classification_rule_text(NULL, &text), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_classification_to_json(NULL, &text), KCBX_STATUS_INVALID_INPUT);
    kcbx_classification_free(NULL);

    /* Helpers: reason A/B and rule descriptions. */
    CHECK_OK(kcbx_reason_for_out_of_school(20170301, 20250915, &reason));
    CHECK(reason == KCBX_REASON_A, "primary age: A");
    CHECK_OK(kcbx_reason_for_out_of_school(20130831, 20250915, &reason));
    CHECK(reason == KCBX_REASON_B, "junior age: B");
    CHECK_OK(kcbx_reason_for_out_of_school(20200101, 20250915, &reason));
    CHECK(reason == KCBX_REASON_NONE, "not yet of school age");
    CHECK_STATUS(kcbx_reason_for_out_of_school(20250915, 20200101, &reason), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("on_date");
    CHECK_STATUS(kcbx_reason_for_out_of_school(20170301, 20250915, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_OK(kcbx_rule_describe(guyuan, KCBX_RULE_DROPOUT_AFTER_SUSPECTED, &text));
    check_text(text, "001 附件1 填表说明2", "dropout rule cites seed 001 note 2");
    CHECK_OK(kcbx_rule_describe(dongchuan, KCBX_RULE_OUT_OF_SCHOOL, &text));
    check_text(text, "失学", "out-of-school rule citation");
    CHECK_STATUS(kcbx_rule_describe(guyuan, 99, &text), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("rule");
    CHECK_STATUS(kcbx_rule_describe(NULL, KCBX_RULE_ATTENDING, &text), KCBX_STATUS_INVALID_INPUT);

    kcbx_calendar_free(cal);
    kcbx_policy_free(guyuan);
    kcbx_policy_free(dongchuan);
}

static void test_classify_many(void) {
    kcbx_policy *guyuan = open_policy("guyuan-2021");
    kcbx_calendar *cal = open_calendar();
    kcbx_table *t = NULL, *t2 = NULL;
    int64_t rows = 0, count = 0, value = 0, row = -1, replaced = -1, kept = -1;
    int64_t ids_out[4] = {0, 0, 0, 0};
    int32_t status[4] = {-1, -1, -1, -1}, since[4] = {-1, -1, -1, -1}, date = 0;
    /* Shuffled input: child 1's marks first, then child 0's, one duplicate for child 0 on 8 Sept. */
    const int32_t child[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0};
    const int32_t dates[] = {20250908, 20250909, 20250910, 20250911, 20250912, 20250915, 20250901, 20250902, 20250904, 20250905,
                             20250908, 20250909, 20250910, 20250915, 20250912, 20250908};
    const int8_t kinds[] = {2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0};
    const int64_t ids[] = {640001, 640002, 640003, 640004};
    const int32_t births[] = {0, 0, 20120501, 0};
    const int8_t grades[] = {7, 0, 0, 3};
    const int8_t regs[] = {KCBX_REGISTRATION_ENROLLED, KCBX_REGISTRATION_ENROLLED, KCBX_REGISTRATION_NONE, KCBX_REGISTRATION_ENROLLED};
    const uint32_t facts[] = {0, KCBX_CHILD_FACT_PAST_DROPOUT, 0, 0};
    const char *opinions[] = {NULL, NULL, NULL, NULL};
    const int32_t day_child[] = {0, 0};
    int32_t day_dates[2];
    const int8_t day_kinds[] = {KCBX_MARK_KIND_UNEXCUSED, KCBX_MARK_KIND_UNEXCUSED};
    const int32_t weekend[] = {20250908, 20250913};

    CHECK_OK(classify_columns(guyuan, cal, 20250915, KCBX_DATE_ENCODING_YYYYMMDD, 4, ids, births, grades, regs, NULL, facts, NULL, opinions,
                                COUNT(child), child, dates, kinds, NULL, NULL, &t));
    CHECK_OK(kcbx_table_rows(t, &rows));
    CHECK(rows == 4, "one row per child");
    CHECK_OK(kcbx_table_copy_column(t, KCBX_TABLE_COLUMN_STATUS, KCBX_DATE_ENCODING_YYYYMMDD, status, 4));
    CHECK(status[0] == KCBX_CHILD_STATUS_IN_SCHOOL && status[1] == KCBX_CHILD_STATUS_SUSPECTED_DROPOUT &&
          status[2] == KCBX_CHILD_STATUS_OUT_OF_SCHOOL && status[3] == KCBX_CHILD_STATUS_ATTENDANCE_UNKNOWN, "statuses");
    CHECK_OK(kcbx_table_copy_column(t, KCBX_TABLE_COLUMN_SINCE, KCBX_DATE_ENCODING_YYYYMMDD, since, 4));
    CHECK(since[1] == 20250915 && since[3] == 0, "since as YYYYMMDD, 0 for none");
    CHECK_OK(kcbx_table_copy_column(t, KCBX_TABLE_COLUMN_STREAK_START, KCBX_DATE_ENCODING_DAY_NUMBER, since, 4));
    CHECK(since[1] == day_number(2025, 9, 8) && since[0] == INT32_MIN, "streak start as a day number, INT32_MIN for none");
    CHECK_OK(kcbx_table_copy_child_ids(t, ids_out, 4));
    CHECK(ids_out[0] == 640001 && ids_out[3] == 640004, "child ids copied");
    CHECK_OK(kcbx_table_value(t, 1, KCBX_TABLE_COLUMN_RISK_FLAGS, &value));
    CHECK((value & KCBX_RISK_FLAG_PAST_DROPOUT) != 0, "past dropout flag from fact bits");
    CHECK_OK(kcbx_table_value(t, 0, KCBX_TABLE_COLUMN_RISK_FLAGS, &value));
    CHECK((value & KCBX_RISK_FLAG_PRIMARY_TO_JUNIOR) != 0, "grade 7 in the first weeks: 小升初");
    CHECK_OK(kcbx_table_value(t, 2, KCBX_TABLE_COLUMN_PROPOSED_REASON, &value));
    CHECK(value == KCBX_REASON_B, "reason B for the out-of-school child");
    CHECK_OK(kcbx_table_value(t, 1, KCBX_TABLE_COLUMN_SINCE, &value));
    CHECK(value == 20250915, "value: dates as YYYYMMDD");
    CHECK_OK(kcbx_table_value(t, 1, KCBX_TABLE_COLUMN_RULE, &value));
    CHECK(value == KCBX_RULE_SUSPECTED_AFTER, "rule column");
    CHECK_OK(kcbx_table_value(t, 1, KCBX_TABLE_COLUMN_STREAK_CLOCK_DAYS, &value));
    CHECK(value == 8, "streak clock 8 calendar days");
    CHECK_OK(kcbx_table_value(t, 0, KCBX_TABLE_COLUMN_CHILD_ID, &value));
    CHECK(value == 640001, "child id cell");
    CHECK_OK(kcbx_table_count(t, KCBX_CHILD_STATUS_SUSPECTED_DROPOUT, &count));
    CHECK(count == 1, "one suspected dropout");
    CHECK_OK(kcbx_table_conflict_count(t, &count));
    CHECK(count == 1, "one duplicate mark");
    CHECK_OK(kcbx_table_conflict(t, 0, &row, &date, &replaced, &kept));
    CHECK(row == 0 && date == 20250908 && replaced == 10 && kept == 15, "later mark (15) replaced mark 10");
    CHECK_OK(kcbx_table_value(t, 0, KCBX_TABLE_COLUMN_TERM_UNEXCUSED_DAYS, &value));
    CHECK(value == 0, "the replaced unexcused mark is not counted");

    /* Table errors. */
    CHECK_STATUS(kcbx_table_copy_column(t, KCBX_TABLE_COLUMN_STATUS, KCBX_DATE_ENCODING_YYYYMMDD, status, 3), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("capacity");
    CHECK_STATUS(kcbx_table_copy_column(t, KCBX_TABLE_COLUMN_CHILD_ID, KCBX_DATE_ENCODING_YYYYMMDD, status, 4), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_table_copy_column(t, 99, KCBX_DATE_ENCODING_YYYYMMDD, status, 4), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("column");
    CHECK_STATUS(kcbx_table_copy_column(t, KCBX_TABLE_COLUMN_SINCE, 7, status, 4), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("encoding");
    CHECK_STATUS(kcbx_table_copy_column(t, KCBX_TABLE_COLUMN_SINCE, 0, NULL, 4), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_table_copy_child_ids(t, ids_out, 2), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_table_value(t, 4, KCBX_TABLE_COLUMN_STATUS, &value), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("row");
    CHECK_STATUS(kcbx_table_count(t, 77, &count), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_table_conflict(t, 1, &row, NULL, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_STATUS(kcbx_table_rows(NULL, &rows), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("table");
    CHECK_STATUS(kcbx_table_conflict_count(t, NULL), KCBX_STATUS_INVALID_INPUT);
    kcbx_table_free(t);
    kcbx_table_free(NULL);

    /* Day-number encoding, every child column NULL (defaults). */
    day_dates[0] = day_number(2025, 9, 8);
    day_dates[1] = day_number(2025, 9, 9);
    CHECK_OK(classify_columns(guyuan, cal, 20250909, KCBX_DATE_ENCODING_DAY_NUMBER, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                2, day_child, day_dates, day_kinds, NULL, NULL, &t2));
    CHECK_OK(kcbx_table_value(t2, 0, KCBX_TABLE_COLUMN_STREAK_UNEXCUSED_DAYS, &value));
    CHECK(value == 2, "two unexcused school days");
    CHECK_OK(kcbx_table_value(t2, 0, KCBX_TABLE_COLUMN_CHILD_ID, &value));
    CHECK(value == 0, "default id is the row");
    kcbx_table_free(t2);
    t2 = NULL;

    /* Bulk errors name the column and index. */
    CHECK_STATUS(classify_columns(guyuan, cal, 20250915, KCBX_DATE_ENCODING_YYYYMMDD, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                    2, day_child, weekend, day_kinds, NULL, NULL, &t2), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("marks.date[1]");
    CHECK_ERROR_MENTIONS("Saturday");
    CHECK_STATUS(classify_columns(guyuan, cal, 20250915, KCBX_DATE_ENCODING_YYYYMMDD, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                    2, NULL, weekend, day_kinds, NULL, NULL, &t2), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("mark_child");
    CHECK_STATUS(classify_columns(guyuan, cal, 20250915, 5, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                    0, NULL, NULL, NULL, NULL, NULL, &t2), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("encoding");
    CHECK_STATUS(classify_columns(guyuan, cal, 20250915, KCBX_DATE_ENCODING_YYYYMMDD, -3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                    0, NULL, NULL, NULL, NULL, NULL, &t2), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("n_children");
    {
        const int8_t deferred[] = {KCBX_REGISTRATION_DEFERRED};
        CHECK_STATUS(classify_columns(guyuan, cal, 20250915, KCBX_DATE_ENCODING_YYYYMMDD, 1, NULL, NULL, NULL, deferred, NULL, NULL, NULL, NULL,
                                        0, NULL, NULL, NULL, NULL, NULL, &t2), KCBX_STATUS_RULE_VIOLATION);
        CHECK_ERROR_MENTIONS("children[0].expert_opinion");
    }
    CHECK_STATUS(classify_columns(guyuan, cal, 20250915, KCBX_DATE_ENCODING_YYYYMMDD, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                    0, NULL, NULL, NULL, NULL, NULL, NULL), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("out_table");
    CHECK(t2 == NULL, "no table on failure");
    /* Zero children, zero marks: an empty table. */
    CHECK_OK(classify_columns(guyuan, cal, 20250915, KCBX_DATE_ENCODING_YYYYMMDD, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                0, NULL, NULL, NULL, NULL, NULL, &t2));
    CHECK_OK(kcbx_table_rows(t2, &rows));
    CHECK(rows == 0, "empty table");
    kcbx_table_free(t2);

    kcbx_calendar_free(cal);
    kcbx_policy_free(guyuan);
}

int main(void) {
    test_calendar();
    test_classify_one();
    test_classify_many();
    CHECK_SUMMARY();
}
