/* C host test (issue 11): reconciliation in processes forked without exec from a multithreaded
 * parent, as a pre-fork server does. The parent starts a thread and forks 50 children that each
 * reconcile the sample county under an alarm before the parent ever has (the library's first
 * reconciliation runs in the children: the old parallel read hung there in swift_once); then
 * the parent reconciles once and forks 50 more. Every child must return the planted findings
 * (a child that hangs is killed by SIGALRM and fails the test). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "options.h"

#define DATA "data/sample/"
enum { CHILDREN = 50 };


/* Findings of kind out_of_school in one reconciliation of the sample, or -1 on failure. */
static int out_of_school(void) {
    kcbx_report *findings = NULL;
    int64_t rows = 0;
    int n = 0;
    if (reconcile("640422", 20251020, DATA "household.csv", DATA "students.csv", DATA "attending.csv",
                           DATA "poverty.csv", DATA "three_kinds.csv", NULL, &findings, NULL) != KCBX_STATUS_OK) return -1;
    kcbx_report_rows(findings, &rows);
    for (int64_t r = 0; r < rows; r++) {
        char *cell = NULL;
        if (kcbx_report_cell(findings, r, 0, &cell) == KCBX_STATUS_OK && strcmp(cell, "out_of_school") == 0) n++;
        kcbx_string_free(cell);
    }
    kcbx_report_free(findings);
    return n;
}

/* Rows of the answer key (planted.csv) with pattern out_of_school. */
static int planted_out_of_school(void) {
    FILE *f = fopen(DATA "planted.csv", "r");
    char line[256];
    int n = 0;
    if (!f) return -1;
    while (fgets(line, sizeof line, f)) if (strstr(line, ",out_of_school\r") || strstr(line, ",out_of_school\n")) n++;
    fclose(f);
    return n;
}

/* Forks CHILDREN children that each reconcile once; returns how many returned `expected`. */
static int forked_runs(int expected, unsigned timeout) {
    pid_t pids[CHILDREN];
    int right = 0, hung = 0;
    for (int i = 0; i < CHILDREN; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            alarm(timeout);
            _exit(out_of_school() == expected ? 0 : 3);
        }
    }
    for (int i = 0; i < CHILDREN; i++) {
        int status = 0;
        if (pids[i] < 0 || waitpid(pids[i], &status, 0) != pids[i]) continue;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) right++;
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) hung++;
    }
    if (hung) fprintf(stderr, "%d of %d forked reconciliations hung\n", hung, CHILDREN);
    return right;
}

static int stop_pipe[2];
/* A second thread in the parent for the whole test (a server's accept or logging thread). */
static void *idle_thread(void *arg) {
    char c;
    (void)arg;
    while (read(stop_pipe[0], &c, 1) < 0) {}
    return NULL;
}

int main(int argc, char **argv) {
    /* Tests/c/run.sh starts every program under valgrind, which runs one thread at a time (no
     * race could show) and would run all 100 children under it too (minutes): this program runs
     * itself again natively, as valgrind does not follow exec (no --trace-children). */
    const char *preload = getenv("LD_PRELOAD");
    if (argc >= 1 && preload && strstr(preload, "vgpreload")) {
        unsetenv("LD_PRELOAD");
        execv(argv[0], argv);
        fprintf(stderr, "test_fork: could not run itself outside valgrind; running under it\n");
    }
    unsigned timeout = 60;
    int expected = planted_out_of_school();
    CHECK(expected > 0, "the sample plants out-of-school children");

    pthread_t thread;
    CHECK(pipe(stop_pipe) == 0 && pthread_create(&thread, NULL, idle_thread, NULL) == 0, "the parent is multithreaded");
    CHECK(kcbx_abi_version() == KCBX_ABI_VERSION, "the library is loaded in the parent");

    CHECK(forked_runs(expected, timeout) == CHILDREN, "50 children forked before any reconciliation all return the findings");
    CHECK(out_of_school() == expected, "the parent reconciles the sample");
    CHECK(forked_runs(expected, timeout) == CHILDREN, "50 children forked after the parent's reconciliation all return the findings");

    CHECK(write(stop_pipe[1], "x", 1) == 1 && pthread_join(thread, NULL) == 0, "the parent's thread stops");
    close(stop_pipe[0]);
    close(stop_pipe[1]);
    CHECK_SUMMARY();
}
