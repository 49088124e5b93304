/* Small file helpers shared by the C host tests that read what the library wrote. */
#ifndef KCBX_TEST_FILES_H
#define KCBX_TEST_FILES_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows of a CSV file whose column `col` (0-based) equals `value` (the answer key and roster). */
static inline int count_rows(const char *path, int col, const char *value) {
    FILE *f = fopen(path, "r");
    char line[1024];
    int n = 0;
    if (!f) return -1;
    while (fgets(line, sizeof line, f)) {
        char *p = line;
        for (int c = 0; c < col && p; c++) { p = strchr(p, ','); if (p) p++; }
        if (!p) continue;
        size_t len = strlen(value);
        if (strncmp(p, value, len) == 0 && (p[len] == ',' || p[len] == '\n' || p[len] == '\r')) n++;
    }
    fclose(f);
    return n;
}

/* The whole file as a NUL-terminated string (free it), NULL when it cannot be read. */
static inline char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) { free(buf); buf = NULL; }
    if (buf) buf[n] = 0;
    fclose(f);
    return buf;
}

/* Copies the file `from` to `to` (a ledger, to copy back later); 1 when done, 0 otherwise. */
static inline int copy_file(const char *from, const char *to) {
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[8192];
    size_t n;
    int ok = in != NULL && out != NULL;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0) ok = fwrite(buf, 1, n, out) == n;
    if (in) fclose(in);
    if (out) fclose(out);
    return ok;
}
#endif
