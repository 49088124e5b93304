/* KCBXCTypes holds only declarations (include/); SwiftPM wants one source file per C target. */
#include "kcbx_arrow.h"
