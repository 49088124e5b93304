/*
 * kcbx_options.h - the plain-C types of the KCBX ABI that Swift @c cannot declare: versioned
 * options structs, the actor struct and the progress callback. scripts/gen_header.py inlines this file into
 * include/kcbx.h (hosts include only kcbx.h); CInterface imports it as the module KCBXCTypes.
 *
 * Every options struct (docs/abi.md) starts with `uint32_t version`, has a
 * KCBX_<X>_OPTIONS_VERSION, a KCBX_<X>_OPTIONS_INIT initializer (C99; from C++ call the _init
 * function) and kcbx_<x>_options_init(opts, version). A field added later goes at the end with a
 * new version number; the library reads only the fields of the version the host gives.
 */
#ifndef KCBX_OPTIONS_H
#define KCBX_OPTIONS_H

#include <stdint.h>

/** Progress of a long call, on the calling thread: `phase` (valid only during the callback),
 *  `done` of `total` units, and the host's `user_data` as given with the callback. */
typedef void (*kcbx_progress_fn)(const char *phase, int64_t done, int64_t total, void *user_data);

/** The marks and registry facts of one child for kcbx_classify(). Arrays hold `n_marks` entries;
 *  NULL arrays are allowed when `n_marks` is 0 (and always for the leave arrays). */
typedef struct kcbx_classify_options {
    /** KCBX_CLASSIFY_OPTIONS_VERSION. */
    uint32_t version;
    /** Number of marks (at most 1,000,000). */
    int64_t n_marks;
    /** Mark dates, YYYYMMDD, any order; of two marks for one day the later wins (a conflict). */
    const int32_t *mark_dates;
    /** kcbx_mark_kind of each mark. */
    const int8_t *mark_kinds;
    /** Approved-leave span of each mark (0 = the mark's day); may be NULL. */
    const int32_t *leave_from;
    /** End of the approved-leave span (0 = the mark's day); may be NULL. */
    const int32_t *leave_to;
    /** Leave-slip reference of each mark (entries may be NULL); may be NULL. */
    const char *const *leave_slips;
    /** YYYYMMDD, 0 unknown. */
    int32_t birth_date;
    /** 1-9, 0 unknown. */
    int32_t grade;
    /** kcbx_registration (0 enrolled). */
    int32_t registration;
    /** YYYYMMDD, 0 none; required for transfer and graduation. */
    int32_t registration_date;
    /** The expert panel's opinion reference; required for deferral and suspension; may be NULL. */
    const char *expert_opinion;
    /** Bits of kcbx_child_fact. */
    uint32_t fact_bits;
    /** Bits (1 << kcbx_special_group). */
    uint32_t group_mask;
} kcbx_classify_options;

#define KCBX_CLASSIFY_OPTIONS_VERSION 1
#define KCBX_CLASSIFY_OPTIONS_INIT { .version = KCBX_CLASSIFY_OPTIONS_VERSION }

/** Columns of many children and their marks for kcbx_classify_many(). Child columns hold
 *  `n_children` entries, mark columns `n_marks`; a NULL child column means the default for all
 *  (ids = row index, no birth date, grade unknown, enrolled, no date, resident, no groups, no
 *  opinion). `mark_child`, `mark_dates` and `mark_kinds` must not be NULL when n_marks > 0. */
typedef struct kcbx_classify_many_options {
    /** KCBX_CLASSIFY_MANY_OPTIONS_VERSION. */
    uint32_t version;
    /** kcbx_date_encoding of every date column (KCBX_DATE_ENCODING_YYYYMMDD = 0). */
    int32_t encoding;
    /** Number of children (at most 100,000,000). */
    int64_t n_children;
    const int64_t *child_ids;
    const int32_t *birth_dates;
    /** 0-9. */
    const int8_t *grades;
    /** kcbx_registration of each child. */
    const int8_t *registrations;
    const int32_t *registration_dates;
    /** Bits of kcbx_child_fact. */
    const uint32_t *fact_bits;
    /** Bits (1 << kcbx_special_group). */
    const uint32_t *group_masks;
    /** Entries may be NULL. */
    const char *const *expert_opinions;
    /** Number of marks (at most 2,147,483,646). */
    int64_t n_marks;
    /** The child's row (0 <= row < n_children) of each mark: int32_t, so that a column of 100
     *  million marks is passed without a copy (rows are below 100,000,000). */
    const int32_t *mark_child;
    const int32_t *mark_dates;
    /** kcbx_mark_kind of each mark. */
    const int8_t *mark_kinds;
    /** May be NULL. */
    const int32_t *leave_from;
    /** May be NULL. */
    const int32_t *leave_to;
} kcbx_classify_many_options;

#define KCBX_CLASSIFY_MANY_OPTIONS_VERSION 1
#define KCBX_CLASSIFY_MANY_OPTIONS_INIT { .version = KCBX_CLASSIFY_MANY_OPTIONS_VERSION }

/** The optional inputs of kcbx_reconcile_csv() (column sets in docs/data-formats.md); every
 *  field may be NULL. */
typedef struct kcbx_reconcile_options {
    /** KCBX_RECONCILE_OPTIONS_VERSION. */
    uint32_t version;
    /** Children attending (one column `resident_id`). */
    const char *attending_csv;
    /** The poverty list (`resident_id`). */
    const char *poverty_csv;
    /** The "three kinds" (三类) list (`resident_id`). */
    const char *three_kinds_csv;
    /** Earlier dropouts (`resident_id`). */
    const char *dropouts_csv;
    /** The township census of school-age children (乡镇排摸, household columns). */
    const char *census_csv;
    /** The disabled (残疾) list (`resident_id`). */
    const char *disabled_csv;
    /** The left-behind (留守) list (`resident_id`). */
    const char *left_behind_csv;
    /** Called as the run advances: phase "read" (files done/total), then "household",
     *  "students", "out_of_school" every 100,000 records and at each phase's end, and "poverty". */
    kcbx_progress_fn progress;
    /** Passed back to `progress`. */
    void *user_data;
} kcbx_reconcile_options;

#define KCBX_RECONCILE_OPTIONS_VERSION 1
#define KCBX_RECONCILE_OPTIONS_INIT { .version = KCBX_RECONCILE_OPTIONS_VERSION }

/** Who acts on a ledger (kcbx_ledger_open, kcbx_ledger_change_profile); every event records it.
 *  Errors name the field as `actor.<field>`. */
typedef struct kcbx_actor {
    /** KCBX_ACTOR_VERSION. */
    uint32_t version;
    /** The unit's level: "school", "township", "county", "city", "province", "class_teacher",
     *  "village" or "department". */
    const char *level;
    /** The unit's code: school id; 9-digit township code; 6-digit GB/T 2260 region code. */
    const char *unit_code;
    /** The person acting (1-64 characters). */
    const char *person;
    /** The person's role (at most 64 characters); may be NULL. */
    const char *role;
} kcbx_actor;

#define KCBX_ACTOR_VERSION 1
#define KCBX_ACTOR_INIT { .version = KCBX_ACTOR_VERSION }

struct ArrowArrayStream;

/** The optional inputs of kcbx_reconcile_arrow(): Arrow C streams with the columns of the CSV
 *  files (docs/arrow.md); every field may be NULL (not compared). Streams are consumed. */
typedef struct kcbx_reconcile_arrow_options {
    /** KCBX_RECONCILE_ARROW_OPTIONS_VERSION. */
    uint32_t version;
    /** Children attending (column `resident_id`). */
    struct ArrowArrayStream *attending;
    /** The poverty list (`resident_id`). */
    struct ArrowArrayStream *poverty;
    /** The "three kinds" (三类) list (`resident_id`). */
    struct ArrowArrayStream *three_kinds;
    /** Earlier dropouts (`resident_id`). */
    struct ArrowArrayStream *dropouts;
    /** The township census of school-age children (乡镇排摸, household columns). */
    struct ArrowArrayStream *census;
    /** The disabled (残疾) list (`resident_id`). */
    struct ArrowArrayStream *disabled;
    /** The left-behind (留守) list (`resident_id`). */
    struct ArrowArrayStream *left_behind;
    /** Called as the run advances, as for kcbx_reconcile_csv() (phase "read": streams done/total). */
    kcbx_progress_fn progress;
    /** Passed back to `progress`. */
    void *user_data;
} kcbx_reconcile_arrow_options;

#define KCBX_RECONCILE_ARROW_OPTIONS_VERSION 1
#define KCBX_RECONCILE_ARROW_OPTIONS_INIT { .version = KCBX_RECONCILE_ARROW_OPTIONS_VERSION }

#endif /* KCBX_OPTIONS_H */
