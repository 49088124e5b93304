/* The C host tests' calls of kcbx_classify, kcbx_classify_many, kcbx_reconcile_csv and kcbx_ledger_open go
 * through these: each fills the versioned options struct of ABI 2 (KCBX_<X>_OPTIONS_INIT, then
 * field by field) and calls the library, so the argument lists of the tests read as before while
 * every call exercises the options structs. Tests/c/test_abi.c tests the structs themselves. */
#ifndef KCBX_TEST_OPTIONS_H
#define KCBX_TEST_OPTIONS_H
#include "kcbx.h"

static inline kcbx_status classify_child(const kcbx_policy *p, const kcbx_calendar *cal, int32_t as_of, int64_t n_marks,
                                         const int32_t *dates, const int8_t *kinds, const int32_t *leave_from,
                                         const int32_t *leave_to, const char *const *slips, int32_t birth_date, int32_t grade,
                                         kcbx_registration registration, int32_t registration_date, const char *opinion,
                                         uint32_t fact_bits, uint32_t group_mask, kcbx_classification **out) {
    kcbx_classify_options o = KCBX_CLASSIFY_OPTIONS_INIT;
    o.n_marks = n_marks; o.mark_dates = dates; o.mark_kinds = kinds; o.leave_from = leave_from; o.leave_to = leave_to;
    o.leave_slips = slips; o.birth_date = birth_date; o.grade = grade; o.registration = registration;
    o.registration_date = registration_date; o.expert_opinion = opinion; o.fact_bits = fact_bits; o.group_mask = group_mask;
    return kcbx_classify(p, cal, as_of, &o, out);
}

static inline kcbx_status classify_columns(const kcbx_policy *p, const kcbx_calendar *cal, int32_t as_of, kcbx_date_encoding encoding,
                                           int64_t n_children, const int64_t *ids, const int32_t *births, const int8_t *grades,
                                           const int8_t *registrations, const int32_t *registration_dates, const uint32_t *facts,
                                           const uint32_t *groups, const char *const *opinions, int64_t n_marks,
                                           const int32_t *mark_child, const int32_t *mark_dates, const int8_t *mark_kinds,
                                           const int32_t *leave_from, const int32_t *leave_to, kcbx_table **out) {
    kcbx_classify_many_options o = KCBX_CLASSIFY_MANY_OPTIONS_INIT;
    o.encoding = encoding; o.n_children = n_children; o.child_ids = ids; o.birth_dates = births; o.grades = grades;
    o.registrations = registrations; o.registration_dates = registration_dates; o.fact_bits = facts; o.group_masks = groups;
    o.expert_opinions = opinions; o.n_marks = n_marks; o.mark_child = mark_child; o.mark_dates = mark_dates;
    o.mark_kinds = mark_kinds; o.leave_from = leave_from; o.leave_to = leave_to;
    return kcbx_classify_many(p, cal, as_of, &o, out);
}

static inline kcbx_status reconcile_lists(const char *region, int32_t as_of, const char *household, const char *students,
                                          const char *attending, const char *poverty, const char *three_kinds,
                                          const char *dropouts, const char *census, const char *disabled, const char *left_behind,
                                          kcbx_progress_fn progress, void *user_data, kcbx_report **findings, kcbx_report **summary) {
    kcbx_reconcile_options o = KCBX_RECONCILE_OPTIONS_INIT;
    o.attending_csv = attending; o.poverty_csv = poverty; o.three_kinds_csv = three_kinds; o.dropouts_csv = dropouts;
    o.census_csv = census; o.disabled_csv = disabled; o.left_behind_csv = left_behind; o.progress = progress;
    o.user_data = user_data;
    return kcbx_reconcile_csv(region, as_of, household, students, &o, findings, summary);
}

/* The four lists of ABI 1's kcbx_reconcile_csv. */
static inline kcbx_status reconcile(const char *region, int32_t as_of, const char *household, const char *students,
                                    const char *attending, const char *poverty, const char *three_kinds, const char *dropouts,
                                    kcbx_report **findings, kcbx_report **summary) {
    return reconcile_lists(region, as_of, household, students, attending, poverty, three_kinds, dropouts, NULL, NULL, NULL,
                           NULL, NULL, findings, summary);
}
/* kcbx_ledger_open / kcbx_ledger_change_profile with the actor's fields as arguments: each call
 * fills a kcbx_actor (KCBX_ACTOR_INIT, then field by field). Tests/c/test_ledger.c tests the
 * struct itself (NULL, unknown versions, fields named actor.<field>). */
static inline kcbx_actor actor_of(const char *level, const char *unit_code, const char *person, const char *role) {
    kcbx_actor a = KCBX_ACTOR_INIT;
    a.level = level; a.unit_code = unit_code; a.person = person; a.role = role;
    return a;
}

static inline kcbx_status open_as(const char *path, const kcbx_policy *policy, const char *level, const char *unit_code,
                                  const char *person, const char *role, kcbx_ledger **out) {
    kcbx_actor a = actor_of(level, unit_code, person, role);
    return kcbx_ledger_open(path, policy, &a, out);
}

#endif
