/* C host test (issue 11, input silently misread): registry files with a stray quote, a
 * duplicate header name, extra cells or a NUL byte are refused naming the row, never a
 * successful reconciliation with fewer households; a policy file with a duplicate key is
 * refused naming it. Tampered copies of data/sample/household.csv are written in $TMPDIR. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include "check.h"
#include "options.h"

#define DATA "data/sample/"

static char *sample;   /* data/sample/household.csv */
static size_t sample_len;

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n)) != NULL) {
        *len = fread(buf, 1, (size_t)n, f);
    }
    fclose(f);
    return buf;
}

/* Writes the sample's household file to `path`, with `insert` (of `insert_len` bytes) put at the
 * start of line `line` (1 = header) or, when `at_end` is set, before that line's CRLF. */
static void tampered(const char *path, int line, int at_end, const char *insert, size_t insert_len) {
    size_t pos = 0;
    FILE *f = fopen(path, "wb");
    for (int l = 1; l < line && pos < sample_len; pos++) if (sample[pos] == '\n') l++;
    if (at_end) while (pos < sample_len && sample[pos] != '\r') pos++;
    if (!f) return;
    fwrite(sample, 1, pos, f);
    fwrite(insert, 1, insert_len, f);
    fwrite(sample + pos, 1, sample_len - pos, f);
    fclose(f);
}

static void expect_refused(const char *what, int line, int at_end, const char *insert, size_t insert_len, const char *message) {
    char path[512];
    const char *tmp = getenv("TMPDIR");
    kcbx_report *findings = NULL;
    snprintf(path, sizeof path, "%s/kcbx-input-household.csv", tmp && *tmp ? tmp : "/tmp");
    tampered(path, line, at_end, insert, insert_len);
    CHECK_STATUS(reconcile("640422", 20251020, path, DATA "students.csv", NULL, NULL, NULL, NULL, &findings, NULL),
                 KCBX_STATUS_INVALID_INPUT);
    if (strstr(kcbx_last_error_message(), message) == NULL) fprintf(stderr, "FAIL %s: message '%s' lacks '%s'\n", what, kcbx_last_error_message(), message);
    CHECK(strstr(kcbx_last_error_message(), message) != NULL, what);
    CHECK(findings == NULL, "no report from a refused file");
    remove(path);
}

int main(void) {
    sample = slurp(DATA "household.csv", &sample_len);
    CHECK(sample != NULL && sample_len > 1000, "the sample household file reads");
    if (!sample) CHECK_SUMMARY();

    expect_refused("a stray quote at a row's start is an error at that row", 5, 0, "\"", 1,
                   "household.csv row 5: has an unterminated quote");
    expect_refused("a duplicate header name is an error at row 1", 1, 1, ",name", 5,
                   "household.csv row 1: column name 'name' appears twice");
    expect_refused("a row with extra cells is an error at that row", 7, 1, ",640423", 7,
                   "household.csv row 7: has 6 cells but the header has 5 columns");
    expect_refused("a NUL byte is an error at its row", 9, 1, "\0", 1, "household.csv row 9: contains a NUL byte");

    /* A policy file with suspected_after twice: refused, naming the key. */
    char path[512];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/kcbx-input-dup.json", tmp && *tmp ? tmp : "/tmp");
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("{\"id\": \"county\", \"extends\": \"guyuan-2021\", \"parameters\": {"
              "\"suspected_after\": {\"amount\": 300, \"unit\": \"calendar_days\"}, "
              "\"suspected_after\": {\"amount\": 7, \"unit\": \"calendar_days\"}}}", f);
        fclose(f);
    }
    kcbx_policy *policy = NULL;
    CHECK_STATUS(kcbx_policy_from_file(path, &policy), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("parameters.suspected_after is a duplicate key");
    CHECK(policy == NULL, "no policy from a refused file");
    remove(path);
    CHECK_STATUS(kcbx_policy_from_json("{\"id\": \"a\\u0000b\", \"extends\": \"guyuan-2021\"}", &policy), KCBX_STATUS_INVALID_INPUT);
    CHECK_ERROR_MENTIONS("\\u0000");

    free(sample);
    CHECK_SUMMARY();
}
