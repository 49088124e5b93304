/* KCBXCTypes holds only declarations (include/); SwiftPM needs one source file. */
#include "kcbx_options.h"
#include "kcbx_arrow.h"

/* Each options struct starts with its version (docs/abi.md). */
typedef char kcbx_classify_options_version_first[__builtin_offsetof(kcbx_classify_options, version) == 0 ? 1 : -1];
typedef char kcbx_classify_many_options_version_first[__builtin_offsetof(kcbx_classify_many_options, version) == 0 ? 1 : -1];
typedef char kcbx_reconcile_options_version_first[__builtin_offsetof(kcbx_reconcile_options, version) == 0 ? 1 : -1];
