/* The smallest C host of an installed libkcbx (packaging/deb/test.sh builds it with
 * `pkg-config --cflags --libs kcbx`): checks the loaded library's version and ABI against the
 * header and the expected version, then opens a built-in profile and a ledger (SQLite, the
 * statically linked Foundation) in the folder given. Prints the library version.
 *   host EXPECTED_VERSION FOLDER */
#include <kcbx.h>
#include <stdio.h>
#include <string.h>

static int fail(const char *what) {
    fprintf(stderr, "host: %s: %s\n", what, kcbx_last_error_message());
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: host EXPECTED_VERSION FOLDER\n"); return 2; }
    if (strcmp(kcbx_version(), argv[1]) != 0) {
        fprintf(stderr, "host: library version %s, expected %s\n", kcbx_version(), argv[1]);
        return 1;
    }
    if (kcbx_abi_version() != KCBX_ABI_VERSION) { fprintf(stderr, "host: ABI mismatch\n"); return 1; }
    kcbx_policy *policy = NULL;
    if (kcbx_policy_builtin("guyuan-2021", &policy) != KCBX_STATUS_OK) return fail("policy");
    char path[4096];
    snprintf(path, sizeof path, "%s/host.kcbx", argv[2]);
    kcbx_ledger *ledger = NULL;
    kcbx_actor actor = KCBX_ACTOR_INIT;
    actor.level = "county"; actor.unit_code = "640422"; actor.person = "packaging test";
    if (kcbx_ledger_open(path, policy, &actor, &ledger) != KCBX_STATUS_OK) {
        kcbx_policy_free(policy);
        return fail("ledger");
    }
    kcbx_ledger_free(ledger);
    kcbx_policy_free(policy);
    printf("%s\n", kcbx_version());
    return 0;
}
