#!/usr/bin/env python3
"""The hostile-input catalogue (issue 11): every function of include/kcbx.h × every parameter ×
hostile values, each call in its own process.

The function list comes from the header: a function without an entry in SPECS fails the run, so
a new export cannot go without catalogue coverage. For each function SPECS gives one valid call
(the baseline, which must return its expected status); each case then replaces one argument by a
hostile value of its C type —

  strings         NULL, bad UTF-8, "" and a 10 MB string
  dates (int32)   0, -1, 99999999, INT32_MIN, INT32_MAX, 20250230
  other int32     -1, INT32_MIN, INT32_MAX          int64   -1, INT64_MIN, INT64_MAX
  uint32          UINT32_MAX                        arrays, handles, out-params   NULL
  string arrays   NULL, NULL entries, bad UTF-8 entries, 10 MB entries

— plus EXTRAS (day numbers ±2^31 in every date column of the bulk call, counts near INT32_MAX,
an allocation failure under RLIMIT_AS). Each case is one run of a generated C driver (fork+exec,
a fresh process; ledgers are fresh copies of a template). A case passes when the process exits
normally (no signal, no hang) and the call returns a non-OK status with a non-empty message —
or, for the values ACCEPTED says the function documents as allowed (NULL optional out-params,
0 = "no date", …), KCBX_STATUS_OK with an empty message.

Usage: catalogue.py --prefix <install prefix> [--jobs N] [--keep DIR] [--filter SUBSTRING]
Prints one "FAIL …" line per failed case and a final "N passed, N failed" line (Tests/c/run.sh
adds it to its count). Not run under valgrind: the C host tests do that.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))

# --- the header -------------------------------------------------------------------------------

def parse_header(path: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(name, return type, [(param type, param name)]) of every `extern` function."""
    text = open(path, encoding="utf-8").read()
    out = []
    for m in re.finditer(r"^extern\s+([^;{]*?)\b(kcbx_\w+)\s*\(([^;]*?)\)\s*;", text, re.M | re.S):
        ret, name, params = " ".join(m.group(1).split()), m.group(2), " ".join(m.group(3).split())
        plist = []
        if params and params != "void":
            for p in split_params(params):
                fm = re.match(r"(.*)\(\s*\*\s*(\w+)\s*\)\s*\((.*)\)$", p)  # function pointer
                if fm:
                    plist.append(("fnptr", fm.group(2)))
                    continue
                pm = re.match(r"(.*?)(\w+)$", p)
                plist.append((" ".join(pm.group(1).replace("*", " * ").split()), pm.group(2)))
        out.append((name, ret, plist))
    return out


def parse_structs(path: str) -> dict[str, list[tuple[str, str]]]:
    """{struct typedef: [(field type, field name)]} of the header's options structs."""
    text = re.sub(r"/\*.*?\*/", "", open(path, encoding="utf-8").read(), flags=re.S)
    out = {}
    for m in re.finditer(r"typedef struct (kcbx_\w+) \{(.*?)\} \1;", text, re.S):
        fields = []
        for decl in m.group(2).split(";"):
            decl = " ".join(decl.split())
            if decl:
                fm = re.match(r"(.*?)(\w+)$", decl)
                fields.append((" ".join(fm.group(1).replace("*", " * ").split()), fm.group(2)))
        out[m.group(1)] = fields
    return out


def split_params(s: str) -> list[str]:
    depth, cur, parts = 0, "", []
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur.strip()); cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


# --- the valid calls ----------------------------------------------------------------------------

KID = "530113201603100118"     # on the roster, school S-1, with case 1 (suspected dropout)
KID2 = "530113201405200222"    # on the roster, with case 2 (verified with reason C, in persuasion)
KID3 = "530113201501010330"    # on the roster without registration (an out-of-school candidate), no case
S = lambda v: '"' + v.replace('"', '\\"') + '"'  # noqa: E731 - a C string literal

I32 = "(const int32_t[]){%s}"
ACTOR = dict(level=S("county"), unit_code=S("530113"), person=S("李科长"), role=S("控辍专干"))
RETURN_NOTICE = S('{"guardian":"马大","child":"马小明","child_id":"%s","school":"铜都小学","absent_since":"2025-09-08",'
                  '"deadline":"2025-10-10","issuer":"东川区教育体育局","issue_date":"2025-09-30","basis":"义务教育法"}' % KID)

# args: one C expression per parameter ("OUT" = the address of a fresh local of the pointee
# type). base: the baseline's expected status (0 OK). Fixtures: POL() dongchuan-2025, CAL() a
# 2025-26 calendar, LED() the ledger copy opened by the county officer, CLS() / TAB() a
# classification / table with a duplicate mark, REP() a ledger report, FINDINGS() reconciliation
# findings; DATA("f") a file the runner wrote, TMP("f") a fresh path.
SPECS: dict[str, dict] = {
    "kcbx_abi_version": dict(args=[]),
    "kcbx_version": dict(args=[]),
    "kcbx_last_error_message": dict(args=[]),
    "kcbx_last_error_field": dict(args=[]),
    "kcbx_last_error_rule": dict(args=[]),
    "kcbx_string_free": dict(args=["NULL"]),
    "kcbx_calendar_free": dict(args=["NULL"]),
    "kcbx_classification_free": dict(args=["NULL"]),
    "kcbx_ledger_free": dict(args=["NULL"]),
    "kcbx_policy_free": dict(args=["NULL"]),
    "kcbx_report_free": dict(args=["NULL"]),
    "kcbx_table_free": dict(args=["NULL"]),
    "kcbx_calendar_add_holiday": dict(args=["CAL()", "20251103", "20251104", S("秋假")]),
    "kcbx_calendar_add_make_up_day": dict(args=["CAL()", "20251101"]),
    "kcbx_calendar_count_school_days": dict(args=["CAL()", "20250901", "20250930", "OUT"]),
    "kcbx_calendar_from_file": dict(args=['DATA("calendar.json")', "OUT"]),
    "kcbx_calendar_from_json": dict(args=["CAL_JSON", "OUT"]),
    "kcbx_calendar_is_school_day": dict(args=["CAL()", "20250908", "OUT"]),
    "kcbx_calendar_range": dict(args=["CAL()", "OUT", "OUT"]),
    "kcbx_calendar_standard": dict(args=["2025", "0", "0", "0", "0", I32 % "20251001", I32 % "20251008", "1",
                                         I32 % "20250928", "1", "OUT"]),
    "kcbx_calendar_term": dict(args=["CAL()", "20250908", "OUT", "OUT", "OUT", "OUT"]),
    "kcbx_calendar_to_json": dict(args=["CAL()", "OUT"]),
    "kcbx_classification_conflict": dict(args=["CLS()", "0", "OUT", "OUT", "OUT", "OUT", "OUT"]),
    "kcbx_classification_missing_date": dict(args=["CLS()", "0", "OUT"]),
    "kcbx_classification_risk_why": dict(args=["CLS()", "2", "OUT"]),
    "kcbx_classification_rule_text": dict(args=["CLS()", "OUT"]),
    "kcbx_classification_streak": dict(args=["CLS()", "OUT", "OUT", "OUT", "OUT", "OUT"]),
    "kcbx_classification_summary": dict(args=["CLS()", "OUT", "OUT", "OUT", "OUT", "OUT", "OUT"]),
    "kcbx_classification_term": dict(args=["CLS()", "OUT", "OUT", "OUT", "OUT"]),
    "kcbx_classification_to_json": dict(args=["CLS()", "OUT"]),
    # An options struct is given as a dict of its fields (the rest as KCBX_<X>_OPTIONS_INIT leaves
    # them); each field gets the hostile values of its type, labelled "options.<field>".
    "kcbx_classify": dict(args=["POL()", "CAL()", "20250912", dict(
        n_marks="2", mark_dates=I32 % "20250908, 20250909", mark_kinds="(const int8_t[]){2, 1}", leave_from=I32 % "0, 20250909",
        leave_to=I32 % "0, 20250910", leave_slips="(const char *const[]){NULL, \"假条1\"}", birth_date="20160310", grade="4",
        registration="0", registration_date="0", expert_opinion="NULL", fact_bits="0", group_mask="1"), "OUT"]),
    "kcbx_classify_options_init": dict(args=["&opts_c", "KCBX_CLASSIFY_OPTIONS_VERSION"]),
    "kcbx_classify_many": dict(args=["POL()", "CAL()", "20250912", dict(
        encoding="0", n_children="2", child_ids="(const int64_t[]){70, 71}", birth_dates=I32 % "20160310, 20140520",
        grades="(const int8_t[]){4, 6}", registrations="(const int8_t[]){0, 0}", registration_dates=I32 % "0, 0",
        fact_bits="(const uint32_t[]){0, 4}", group_masks="(const uint32_t[]){1, 0}",
        expert_opinions="(const char *const[]){NULL, \"意见\"}", n_marks="3", mark_child=I32 % "0, 0, 1",
        mark_dates=I32 % "20250908, 20250908, 20250909", mark_kinds="(const int8_t[]){2, 0, 1}",
        leave_from=I32 % "0, 0, 20250909", leave_to=I32 % "0, 0, 20250910"), "OUT"]),
    "kcbx_classify_many_options_init": dict(args=["&opts_m", "KCBX_CLASSIFY_MANY_OPTIONS_VERSION"]),
    "kcbx_due_case_json": dict(args=["LED()", "1", "20250930", "0", "OUT"]),
    "kcbx_due_csv": dict(args=["LED()", "20250930", S("overdue,escalated"), "0", 'TMP("due.csv")', "OUT"]),
    "kcbx_due_json": dict(args=["LED()", "20250930", "NULL", "0", "OUT"]),
    "kcbx_due_record_student_action": dict(args=["LED()", S(KID), S("three_line_report"), "20250910", "NULL"]),
    "kcbx_due_reports_json": dict(args=["POL()", "CAL()", "20250901", "20250930", "OUT"]),
    "kcbx_escalate": dict(args=["LED()", "20250930", "0", "OUT"]),
    "kcbx_ledger_case_action": dict(args=["LED()", "1", S("home_visit"), "NULL", "20250916", S("家访")]),
    "kcbx_ledger_case_close": dict(args=["LED()", "1", "20250930", "NULL"], base=4),  # not returned: refused by rule
    "kcbx_ledger_case_dismiss": dict(args=["LED()", "1", S("data_error"), "20250916", "NULL"]),
    "kcbx_ledger_case_exempt": dict(args=["LED()", "2", S("deferred"), S("专家组意见2025-1号"), "20250916", "NULL"]),
    "kcbx_ledger_case_history_json": dict(args=["LED()", "1", "0", "OUT"]),
    "kcbx_ledger_case_open": dict(args=["LED()", S(KID3), S("out_of_school"), "20250915", "NULL", "OUT"]),
    "kcbx_ledger_case_persuade": dict(args=["LED()", "2", S("每周家访"), S("马老师"), "20250917", "NULL"]),
    "kcbx_ledger_case_return": dict(args=["LED()", "2", S("S-1"), S("regular_class"), "20250920", "NULL"]),
    "kcbx_ledger_case_status": dict(args=["LED()", "1", "OUT", "OUT"]),
    "kcbx_ledger_case_verify": dict(args=["LED()", "1", S("G"), "20250916", "NULL"]),
    "kcbx_ledger_cases_json": dict(args=["LED()", "NULL", "OUT"]),
    "kcbx_ledger_case_json": dict(args=["LED()", "1", "OUT"]),
    "kcbx_ledger_closure_check_json": dict(args=["LED()", "1", "20250930", "OUT"]),
    "kcbx_ledger_student_history_json": dict(args=["LED()", S(KID), "0", "OUT"]),
    "kcbx_ledger_events_json": dict(args=["LED()", "0", "100", "0", "OUT"]),
    "kcbx_ledger_cases": dict(args=["LED()", "NULL", "OUT"]),
    "kcbx_ledger_case_history": dict(args=["LED()", "1", "0", "OUT"]),
    "kcbx_due_list": dict(args=["LED()", "20250930", "NULL", "0", "OUT"]),
    "kcbx_ledger_export_csv": dict(args=["LED()", S("guyuan-attachment-2"), "NULL", "0", "20250930", 'TMP("export.csv")', "OUT"]),
    "kcbx_ledger_head": dict(args=["LED()", "OUT", "OUT"]),
    "kcbx_ledger_import_marks": dict(args=["LED()", "1", "(const char *const[]){%s}" % S(KID), I32 % "20250915", "(const int8_t[]){0}", "OUT"]),
    "kcbx_ledger_import_marks_csv": dict(args=["LED()", 'DATA("marks.csv")', "OUT"]),
    "kcbx_ledger_import_students_csv": dict(args=["LED()", 'DATA("roster.csv")', "OUT"]),
    "kcbx_ledger_import_students_json": dict(args=["LED()", "ROSTER_JSON", "OUT"]),
    "kcbx_ledger_intake_findings": dict(args=["LED()", "FINDINGS()", "20250930", "NULL", "OUT"]),
    "kcbx_ledger_intake_findings_json": dict(args=["LED()", S('[{"kind":"out_of_school","resident_id":"%s"}]' % KID3),
                                                   "20250930", "NULL", "OUT"]),
    # The actor is a struct (ABI 3): a dict of its fields, each given its hostile values as "actor.<field>".
    "kcbx_ledger_open": dict(args=["LEDGER_PATH", "POL()", ACTOR, "OUT"]),
    "kcbx_actor_init": dict(args=["&actor_i", "KCBX_ACTOR_VERSION"]),
    # Import results (issue 12): IMP() is the result of a marks import into LED() with one conflict.
    "kcbx_import_result_count": dict(args=["IMP()", "KCBX_IMPORT_COUNT_CONFLICTS", "OUT"]),
    "kcbx_import_result_problems": dict(args=["IMP()", "OUT"]),
    "kcbx_import_result_conflicts": dict(args=["IMP()", "OUT"]),
    "kcbx_import_result_json": dict(args=["IMP()", "OUT"]),
    "kcbx_import_result_free": dict(args=["NULL"]),
    "kcbx_ledger_report": dict(args=["LED()", S("rates"), "20250930", "NULL", "0", "OUT"]),
    "kcbx_ledger_report_period": dict(args=["LED()", S("bulletin"), "20250901", "20250930", "NULL", "0", "OUT"]),
    "kcbx_ledger_record_duty_filed": dict(args=["LED()", S("daily_attendance"), "20250917", "20250917", "NULL"]),
    "kcbx_ledger_set_calendar": dict(args=["LED()", "CAL()", "OUT"]),
    "kcbx_ledger_set_calendar_json": dict(args=["LED()", "CAL_JSON", "OUT"]),
    "kcbx_ledger_sweep": dict(args=["LED()", "20250930", "OUT"]),
    "kcbx_ledger_sweep_json": dict(args=["LED()", "20250930", "OUT"]),
    "kcbx_ledger_verify": dict(args=["LED()", "0", "NULL", "OUT", "OUT"]),
    "kcbx_ledger_verify_since": dict(args=["LED()", "0", S("0" * 64), "OUT", "OUT"]),
    "kcbx_notice_fields_json": dict(args=["LED()", S("return_notice"), S(KID), "20250930", "OUT"]),
    "kcbx_notice_fields_of": dict(args=[S("return_notice"), "OUT"]),
    "kcbx_notice_render": dict(args=[S("return_notice"), RETURN_NOTICE, "OUT"]),
    "kcbx_policy_builtin": dict(args=[S("guyuan-2021"), "OUT"]),
    "kcbx_policy_duration": dict(args=["POL()", S("suspected_after"), "OUT", "OUT"]),
    "kcbx_policy_from_file": dict(args=['DATA("policy.json")', "OUT"]),
    "kcbx_policy_from_json": dict(args=["POLICY_JSON()", "OUT"]),
    "kcbx_policy_names": dict(args=["OUT"]),
    "kcbx_policy_names_json": dict(args=["OUT"]),
    "kcbx_policy_number": dict(args=["POL()", S("chronic_absence_share"), "OUT", "OUT"]),
    "kcbx_policy_provenance": dict(args=["POL()", S("suspected_after"), "OUT", "OUT"]),
    "kcbx_policy_to_json": dict(args=["POL()", "OUT"]),
    "kcbx_reason_for_out_of_school": dict(args=["20140101", "20250915", "OUT"]),
    "kcbx_reconcile_csv": dict(args=[S("530113"), "20250930", 'DATA("household.csv")', 'DATA("students.csv")', dict(
        attending_csv='DATA("ids.csv")', poverty_csv='DATA("ids.csv")', three_kinds_csv='DATA("ids.csv")',
        dropouts_csv='DATA("ids.csv")', census_csv='DATA("household.csv")', disabled_csv='DATA("ids.csv")',
        left_behind_csv='DATA("ids.csv")', progress="on_progress", user_data="&progress_calls"), "OUT", "OUT"]),
    "kcbx_reconcile_options_init": dict(args=["&opts_r", "KCBX_RECONCILE_OPTIONS_VERSION"]),
    "kcbx_registry_number_parse": dict(args=[S("G" + KID), "20250915", "OUT", "OUT"]),
    "kcbx_report_cell": dict(args=["REP()", "0", "0", "OUT"]),
    "kcbx_report_columns": dict(args=["REP()", "OUT"]),
    "kcbx_report_csv": dict(args=["REP()", "OUT"]),
    "kcbx_report_header": dict(args=["REP()", "0", "OUT"]),
    "kcbx_report_json": dict(args=["REP()", "OUT"]),
    "kcbx_report_rows": dict(args=["REP()", "OUT"]),
    "kcbx_report_write_csv": dict(args=["REP()", 'TMP("report.csv")']),
    "kcbx_resident_id_check_character": dict(args=[S(KID[:17]), "OUT"]),
    "kcbx_resident_id_parse": dict(args=[S(KID), "20250915", "OUT", "OUT", "OUT", "OUT"]),
    "kcbx_rule_describe": dict(args=["POL()", "3", "OUT"]),
    "kcbx_school_age": dict(args=["20140101", "20250915", "OUT", "OUT", "OUT", "OUT", "OUT"]),
    "kcbx_table_conflict": dict(args=["TAB()", "0", "OUT", "OUT", "OUT", "OUT"]),
    "kcbx_table_conflict_count": dict(args=["TAB()", "OUT"]),
    "kcbx_table_copy_child_ids": dict(args=["TAB()", "buf64", "2"]),
    "kcbx_table_copy_column": dict(args=["TAB()", "1", "0", "buf32", "2"]),
    "kcbx_table_count": dict(args=["TAB()", "0", "OUT"]),
    "kcbx_table_rows": dict(args=["TAB()", "OUT"]),
    "kcbx_table_value": dict(args=["TAB()", "0", "2", "OUT"]),
    # Signed heads and the profile in force: KEY1 a fixed private key, PUB1 its public key.
    "kcbx_signing_key_generate": dict(args=["key_a", "key_b"]),
    "kcbx_signing_key_public": dict(args=["KEY1", "key_b"]),
    "kcbx_ledger_signed_head": dict(args=["LED()", "KEY1", "OUT"]),
    "kcbx_ledger_verify_heads": dict(args=["LED()", S("[]"), "PUB1", "OUT"]),
    "kcbx_ledger_change_profile": dict(args=["LEDGER_PATH", "POL()", ACTOR, S("区教育体育局通知"), "OUT"]),
    "kcbx_ledger_is_read_only": dict(args=["LED()", "OUT"]),
    "kcbx_ledger_profile": dict(args=["LED()", "OUT"]),
    "kcbx_report_sign": dict(args=["REP()", "LED()", "KEY1"]),
    # Arrow (issue 14): MARKS(n) a fresh hand-filled stream of one batch whose batch length is n
    # (3 = the valid marks; any other n is a batch its columns do not cover).
    "kcbx_classify_arrow": dict(args=["POL()", "CAL()", "20250912", "MARKS(3)", "NULL", "OUT"]),
    "kcbx_classify_arrow_table": dict(args=["POL()", "CAL()", "20250912", "MARKS(3)", "NULL", "OUT"]),
    "kcbx_table_to_arrow": dict(args=["TAB()", "OUT"]),
    "kcbx_report_to_arrow": dict(args=["REP()", "OUT"]),
    # STUDENT_MARKS(): MARKS(3) with its key column named student; students 0 and 1 are not on
    # the roster, so the valid call is refused naming them (all or nothing).
    "kcbx_ledger_import_marks_arrow": dict(args=["LED()", "STUDENT_MARKS()", "OUT"], base=1),
    # Marks are no roster: refused naming the first column that is not a roster column.
    "kcbx_ledger_import_students_arrow": dict(args=["LED()", "MARKS(3)", "OUT"], base=1),
    # REG(k): registry streams of one row (0 household, 1 students, 2 an ID list).
    "kcbx_reconcile_arrow": dict(args=[S("530113"), "20250930", "REG(0)", "REG(1)", dict(
        attending="REG(2)", poverty="REG(2)", three_kinds="REG(2)", dropouts="REG(2)", census="REG(0)", disabled="REG(2)",
        left_behind="REG(2)", progress="on_progress", user_data="&progress_calls"), "OUT", "OUT"]),
    "kcbx_reconcile_arrow_options_init": dict(args=["&opts_ra", "KCBX_RECONCILE_ARROW_OPTIONS_VERSION"]),
    # Supervision (issue 15): the audit, spot checks (no draw in the fixture: home verification is
    # refused by rule, the summary not found), the 中考 check.
    "kcbx_ledger_audit": dict(args=["LED()", "20250930", "1", "OUT"]),
    "kcbx_ledger_spot_check_draw": dict(args=["LED()", S("2025-09"), "20250930", "2", "7", "NULL", "OUT"]),
    "kcbx_ledger_home_verification": dict(args=["LED()", "1", S("confirmed"), "20250930", "NULL", "OUT"], base=4),
    "kcbx_ledger_spot_check_summary": dict(args=["LED()", S("2025-09"), "OUT"], base=2),
    "kcbx_ledger_zhongkao_check": dict(args=["LED()", 'DATA("registrations.csv")', "20250930", "OUT"]),
}

# Hostile values a function documents as allowed: (function, parameter) -> labels ("*" = every
# value of that parameter). These must return KCBX_STATUS_OK with an empty message.
OPTIONAL_OUT = "optional out-param (documented: may be NULL)"
ACCEPTED: dict[tuple[str, str], set[str]] = {}


def accept(fn: str, params: str, labels: str = "*") -> None:
    for p in params.split():
        ACCEPTED.setdefault((fn, p), set()).update(labels.split())


# Out-params documented "may be NULL" (the result is not wanted).
for _fn, _ps in {
    "kcbx_calendar_range": "out_first out_last",
    "kcbx_calendar_term": "out_index out_school_year out_start out_end",
    "kcbx_classification_conflict": "out_date out_replaced_kind out_kept_kind out_replaced_index out_kept_index",
    "kcbx_classification_streak": "out_start out_unexcused_days out_clock_days out_leave_days out_unknown_days",
    "kcbx_classification_summary": "out_status out_since out_rule out_alerts out_risk_flags out_reason",
    "kcbx_classification_term": "out_school_days out_unexcused_days out_missing_days out_conflicts",
    "kcbx_table_conflict": "out_row out_date out_replaced_mark out_kept_mark",
    "kcbx_school_age": "out_age out_entry_year out_compulsory out_grade out_stage",
    "kcbx_resident_id_parse": "out_region_code out_birth_date out_sex out_problem",
    "kcbx_registry_number_parse": "out_kind out_body",
    "kcbx_policy_duration": "out_amount out_unit",
    "kcbx_policy_number": "out_value out_is_set",
    "kcbx_policy_provenance": "out_kind out_citation",
    "kcbx_ledger_head": "out_seq out_hash",
    "kcbx_ledger_verify": "out_events out_first_bad_seq",
    "kcbx_ledger_verify_since": "out_events out_first_bad_seq",
    "kcbx_ledger_case_status": "out_status out_kind",
    "kcbx_ledger_case_open": "out_case_id",
    "kcbx_ledger_set_calendar": "out_changed",
    "kcbx_ledger_set_calendar_json": "out_changed",
    "kcbx_ledger_sweep": "out_summary_report",
    "kcbx_ledger_sweep_json": "out_summary_json",
    "kcbx_ledger_export_csv": "out_rows",
    "kcbx_ledger_import_marks": "out_import_result",
    "kcbx_ledger_import_marks_csv": "out_import_result",
    "kcbx_ledger_import_students_csv": "out_import_result",
    "kcbx_ledger_import_students_json": "out_import_result",
    "kcbx_ledger_intake_findings": "out_summary_json",
    "kcbx_ledger_intake_findings_json": "out_summary_json",
    "kcbx_escalate": "out_summary_json",
    "kcbx_due_csv": "out_rows",
    "kcbx_reconcile_csv": "out_summary_report",
    "kcbx_reconcile_arrow": "out_summary_report",
}.items():
    accept(_fn, _ps, "NULL")
# 0 = "no date" / "today" / the default, where documented.
accept("kcbx_calendar_standard", "autumn_start autumn_end spring_start spring_end", "0")
accept("kcbx_classify", "options", "NULL")  # NULL options: the defaults (no marks, no facts; no children; no lists)
accept("kcbx_classify_many", "options", "NULL")
accept("kcbx_reconcile_csv", "options", "NULL")
accept("kcbx_reconcile_arrow", "options", "NULL")
accept("kcbx_classify", "options.birth_date options.registration_date", "0")
accept("kcbx_ledger_export_csv", "as_of", "0")
accept("kcbx_registry_number_parse", "as_of", "0")
accept("kcbx_resident_id_parse", "as_of", "0")
# Optional inputs (documented "may be NULL"; "" is the same empty value).
accept("kcbx_calendar_add_holiday", "name", "NULL empty 10MB")  # a name, kept as given
accept("kcbx_classify", "options.leave_from options.leave_to", "NULL")
accept("kcbx_classify", "options.leave_slips", "NULL NULL-entries")
accept("kcbx_classify", "options.expert_opinion", "NULL empty 10MB")  # asked only of deferred and suspended children
accept("kcbx_classify_many", "options.child_ids options.birth_dates options.grades options.registrations options.registration_dates "
       "options.fact_bits options.group_masks options.leave_from options.leave_to", "NULL")
accept("kcbx_classify_many", "options.expert_opinions", "NULL NULL-entries 10MB-entries")
accept("kcbx_classify_arrow", "children", "NULL")  # documented: no children stream
accept("kcbx_classify_arrow_table", "children", "NULL")
for _fn in ("kcbx_due_record_student_action", "kcbx_ledger_case_action", "kcbx_ledger_case_dismiss",
            "kcbx_ledger_case_open", "kcbx_ledger_case_verify", "kcbx_ledger_case_persuade", "kcbx_ledger_case_return",
            "kcbx_ledger_case_exempt", "kcbx_ledger_intake_findings", "kcbx_ledger_intake_findings_json"):
    accept(_fn, "note", "NULL empty")
accept("kcbx_ledger_case_action", "department", "NULL")
accept("kcbx_ledger_case_persuade", "person", "NULL empty")  # unless the profile requires one_to_one_assignment
accept("kcbx_due_csv", "states", "NULL empty")
accept("kcbx_due_json", "states", "NULL empty")
accept("kcbx_ledger_cases_json", "filter_json", "NULL")
accept("kcbx_ledger_events_json", "after_seq", "INT64_MAX")  # no events after it: an empty list
accept("kcbx_ledger_cases", "filter_json", "NULL")
accept("kcbx_due_list", "states", "NULL empty")
accept("kcbx_ledger_export_csv", "filter_json", "NULL")
accept("kcbx_ledger_open", "actor.role", "NULL empty")
accept("kcbx_ledger_change_profile", "actor.role", "NULL empty")
accept("kcbx_ledger_verify_heads", "out_first_bad_seq", "NULL")
accept("kcbx_ledger_verify_heads", "heads_json", "empty")  # no heads received yet: a plain verify, as "[]"
accept("kcbx_ledger_report", "unit", "NULL empty")
accept("kcbx_ledger_report_period", "unit", "NULL empty")
accept("kcbx_ledger_record_duty_filed", "note", "NULL empty")
accept("kcbx_ledger_spot_check_draw", "redraw_reason", "NULL empty")  # a first draw gives no reason
accept("kcbx_ledger_spot_check_draw", "seed", "-1 INT64_MAX")  # -1: a derived seed; INT64_MAX a seed like any
accept("kcbx_ledger_verify", "anchor_hash")  # ignored while anchor_seq is 0; EXTRAS try it with anchor_seq 1
for _p in ("attending_csv", "poverty_csv", "three_kinds_csv", "dropouts_csv", "census_csv", "disabled_csv", "left_behind_csv",
           "progress", "user_data"):
    accept("kcbx_reconcile_csv", "options." + _p, "NULL")
for _p in ("attending", "poverty", "three_kinds", "dropouts", "census", "disabled", "left_behind", "progress", "user_data"):
    accept("kcbx_reconcile_arrow", "options." + _p, "NULL")
# A capacity larger than the rows: only the rows are written.
accept("kcbx_table_copy_child_ids", "capacity", "INT64_MAX")
accept("kcbx_table_copy_column", "capacity", "INT64_MAX")


# --- hostile values -----------------------------------------------------------------------------

DATE_PARAMS = {"as_of", "date", "from", "to", "through", "birth_date", "on_date", "registration_date",
               "autumn_start", "autumn_end", "spring_start", "spring_end"}


def hostile(ptype: str, pname: str) -> list[tuple[str, str]]:
    """(label, C expression) of the hostile values of one parameter."""
    if ptype in ("fnptr", "kcbx_progress_fn"):
        return [("NULL", "NULL")]
    if re.fullmatch(r"kcbx_\w+", ptype):  # an enumerated value (an int32_t typedef)
        ptype = "int32_t"
    if "*" in ptype:
        if ptype.replace(" ", "") in ("charconst*", "constchar*"):
            return [("NULL", "NULL"), ("bad-utf8", "BAD_UTF8"), ("empty", '""'), ("10MB", "BIG()")]
        if ptype.replace(" ", "") in ("charconst*const*", "constchar*const*"):
            return [("NULL", "NULL"), ("NULL-entries", "STRS_NULL"), ("bad-utf8-entries", "STRS_BAD"), ("10MB-entries", "STRS_BIG")]
        return [("NULL", "NULL")]
    if ptype == "int32_t":
        if pname in DATE_PARAMS:
            return [("0", "0"), ("-1", "-1"), ("99999999", "99999999"), ("INT32_MIN", "INT32_MIN"),
                    ("INT32_MAX", "INT32_MAX"), ("20250230", "20250230")]
        return [("-1", "-1"), ("INT32_MIN", "INT32_MIN"), ("INT32_MAX", "INT32_MAX")]
    if ptype == "int64_t":
        return [("-1", "-1"), ("INT64_MIN", "INT64_MIN"), ("INT64_MAX", "INT64_MAX")]
    if ptype == "uint32_t":
        return [("UINT32_MAX", "UINT32_MAX")]
    raise SystemExit(f"catalogue.py: no hostile values for parameter type {ptype!r} ({pname})")


# --- extra cases beyond one-argument substitution -------------------------------------------------

# After a bulk call that succeeded: every cell of row 0, and the date columns as YYYYMMDD.
READ_BACK = ("if (s_ == KCBX_STATUS_OK && o4) { int c_; int64_t v_; int32_t col_[4]; "
             "for (c_ = 0; c_ < 14; c_++) kcbx_table_value(o4, 0, c_, &v_); "
             "kcbx_table_copy_column(o4, 2, 0, col_, 4); kcbx_table_copy_column(o4, 6, 0, col_, 4); }")


def extras() -> list[dict]:
    """Whole calls with their expectation ("refused" or "ok"); `rlimit` caps the address space (MB)."""
    out = []
    # Arrow batches claiming more rows than their columns hold, or a negative count (Tests/c/test_arrow.c
    # has the buffer-level producers under valgrind).
    for n in ("4", "-1", "INT64_MAX", "INT64_MIN", "((int64_t)INT32_MAX * 64 + 1)"):
        for fn in ("kcbx_classify_arrow", "kcbx_classify_arrow_table"):
            out.append(dict(fn=fn, label=f"batch length {n}", args=["POL()", "CAL()", "20250912", f"MARKS({n})", "NULL", "OUT"],
                            expect="refused"))
    spec = SPECS["kcbx_classify_many"]["args"]

    def many(**fields: str) -> list:
        return spec[:3] + [dict(spec[3], **fields), "OUT"]

    good = dict(birth_dates=I32 % "20523, 19863", registration_dates=I32 % "INT32_MIN, INT32_MIN",
                mark_dates=I32 % "20339, 20339, 20340", leave_from=I32 % "INT32_MIN, INT32_MIN, 20340",
                leave_to=I32 % "INT32_MIN, INT32_MIN, 20341")
    for days in ("INT32_MAX", "INT32_MIN + 1", "2932897", "-719163", "1000000000", "-1000000000"):
        for col in good:
            fields = dict(good, encoding="1")  # DAY_NUMBER
            fields[col] = I32 % ", ".join([days] * (3 if col in ("mark_dates", "leave_from", "leave_to") else 2))
            if col == "registration_dates":
                fields["registrations"] = "(const int8_t[]){5, 6}"  # transferred out, graduated: the date becomes `since`
            # Read every cell back too: the old code accepted some such dates and trapped there.
            out.append(dict(fn="kcbx_classify_many", label=f"day-number {col} = {days}, read back", args=many(**fields),
                            expect="refused", after=READ_BACK))
            if col == "birth_dates":  # without registration: status and `since` come from the birth date
                fields["registrations"] = "(const int8_t[]){1, 1}"
                out.append(dict(fn="kcbx_classify_many", label=f"day-number {col} = {days}, no registration, read back",
                                args=many(**fields), expect="refused", after=READ_BACK))
    ok = dict(good, encoding="1", birth_dates=I32 % "16870, 16210")
    out.append(dict(fn="kcbx_classify_many", label="day numbers in range, read back", args=many(**ok), expect="ok", after=READ_BACK))
    defaulted = dict(encoding="0", n_marks="0")
    for n in ("INT32_MAX - 1", "INT32_MAX", "100000001", "(int64_t)1 << 40"):
        out.append(dict(fn="kcbx_classify_many", label=f"n_children = {n}, columns defaulted",
                        args=spec[:3] + [dict(defaulted, n_children=n), "OUT"], expect="refused"))
    for n in ("INT32_MAX", "(int64_t)1 << 40"):  # above the documented 2,147,483,646 marks
        fields = dict(n_children="2", n_marks=n, mark_child=I32 % "0", mark_dates=I32 % "20250908", mark_kinds="(const int8_t[]){0}")
        out.append(dict(fn="kcbx_classify_many", label=f"n_marks = {n}", args=spec[:3] + [fields, "OUT"], expect="refused"))
    # 100,000,000 children (the maximum) with every column defaulted, in 1 GB of address space:
    # the table cannot be allocated, which is a status, not an abort.
    out.append(dict(fn="kcbx_classify_many", label="100,000,000 children in 1 GB of memory",
                    args=spec[:3] + [dict(defaulted, n_children="100000000"), "OUT"], expect="refused", rlimit=1024))
    # Options versions this library does not know: refused before any other field is read.
    for fn in ("kcbx_classify", "kcbx_classify_many", "kcbx_reconcile_csv", "kcbx_reconcile_arrow", "kcbx_ledger_open",
               "kcbx_ledger_change_profile"):
        args = SPECS[fn]["args"]
        k = next(i for i, a in enumerate(args) if isinstance(a, dict))
        for v in ("0", "2", "UINT32_MAX"):
            a = list(args); a[k] = dict(args[k], version=v)
            out.append(dict(fn=fn, label=f"options.version = {v}", args=a, expect="refused"))
    for n in ("INT32_MAX", "50000001"):
        out.append(dict(fn="kcbx_ledger_import_marks", label=f"count = {n}",
                        args=["LED()", n, "(const char *const[]){%s}" % S(KID), I32 % "20250915", "(const int8_t[]){0}", "OUT"], expect="refused"))
    for label, rows in (("row INT64_MAX", "INT64_MAX"), ("row -1", "-1")):
        out.append(dict(fn="kcbx_table_value", label=label, args=["TAB()", rows, "2", "OUT"], expect="refused"))
    for label, h in (("bad UTF-8", "BAD_UTF8"), ("10 MB", "BIG()"), ("empty", '""'), ("NULL", "NULL")):
        out.append(dict(fn="kcbx_ledger_verify", label=f"anchor_seq 1, anchor_hash {label}",
                        args=["LED()", "1", h, "OUT", "OUT"], expect="refused"))
    out.append(dict(fn="kcbx_table_copy_column", label="capacity below rows", args=["TAB()", "1", "0", "buf32", "1"], expect="refused"))
    out.append(dict(fn="kcbx_table_copy_child_ids", label="capacity INT64_MIN", args=["TAB()", "buf64", "INT64_MIN"], expect="refused"))
    return out


# --- the C driver ---------------------------------------------------------------------------------

PRELUDE = r'''/* Generated by Tests/c/hostile/catalogue.py: one hostile call per case number. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <kcbx.h>

static const char *DATA_DIR, *TMP_DIR, *LEDGER_PATH;
static const char BAD_UTF8[] = "\xff\xfe\xc3\x28 \xed\xa0\x80";
static const char *CAL_JSON =
    "{\"kcbx_calendar\": 1, \"name\": \"hostile 2025-2026\", \"school_years\": [{\"school_year\": 2025,"
    " \"terms\": [{\"name\": \"autumn\", \"start\": \"2025-09-01\", \"end\": \"2026-01-16\"},"
    "            {\"name\": \"spring\", \"start\": \"2026-03-02\", \"end\": \"2026-07-10\"}],"
    " \"holidays\": [{\"name\": \"国庆节\", \"from\": \"2025-10-01\", \"to\": \"2025-10-08\"}],"
    " \"make_up_days\": [\"2025-09-28\", \"2025-10-11\"]}]}";
static const char *ROSTER_JSON = "[{\"resident_id\": \"@KID2@\", \"name\": \"李小二\", \"school_id\": \"S-1\","
    " \"school_name\": \"铜都小学\", \"township_code\": \"530113100\", \"grade\": \"6\", \"address\": \"铜都街道2号\"}]";
static int32_t buf32[4];
static uint8_t key_a[32], key_b[32];
static const uint8_t KEY1[32] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
static const uint8_t PUB1[32] = {0x8a, 0x88, 0xe3, 0xdd, 0x74, 0x09, 0xf1, 0x95, 0xfd, 0x52, 0xdb, 0x2d, 0x3c, 0xba, 0x5d, 0x72, 0xca, 0x67, 0x09, 0xbf, 0x1d, 0x94, 0x12, 0x1b, 0xf3, 0x74, 0x88, 0x01, 0xb4, 0x0f, 0x6f, 0x5c};
static int64_t buf64[4];
static int progress_calls;
static kcbx_classify_options opts_c;
static kcbx_classify_many_options opts_m;
static kcbx_reconcile_options opts_r;
static kcbx_reconcile_arrow_options opts_ra;
static kcbx_actor actor_i;

/* The county officer of every fixture ledger. */
static kcbx_actor COUNTY(void) {
    kcbx_actor a = KCBX_ACTOR_INIT;
    a.level = "county"; a.unit_code = "530113"; a.person = "李科长"; a.role = "控辍专干";
    return a;
}

static void on_progress(const char *phase, int64_t done, int64_t total, void *user) {
    (void)phase; (void)done; (void)total;
    if (user) (*(int *)user)++;
}

static const char *path_in(const char *dir, const char *name) {
    static char bufs[16][1024];
    static int next;
    char *b = bufs[next++ % 16];
    snprintf(b, sizeof bufs[0], "%s/%s", dir, name);
    return b;
}
#define DATA(n) path_in(DATA_DIR, n)
#define TMP(n) path_in(TMP_DIR, n)

static void must(kcbx_status s, const char *what) {
    if (s != KCBX_STATUS_OK) { printf("SETUP %s: %d %s\n", what, (int)s, kcbx_last_error_message()); exit(3); }
}

static char *BIG(void) {
    static char *b;
    if (!b) {
        size_t n = 10u * 1024u * 1024u;
        b = malloc(n + 1);
        if (!b) { printf("SETUP big string\n"); exit(3); }
        memset(b, 'a', n);
        b[n] = '\0';
    }
    return b;
}
#define STRS_NULL ((const char *const[]){NULL, NULL, NULL, NULL})
#define STRS_BAD ((const char *const[]){BAD_UTF8, BAD_UTF8, BAD_UTF8, BAD_UTF8})
#define STRS_BIG ((const char *const[]){BIG(), BIG(), BIG(), BIG()})

static char *POLICY_JSON(void) {
    static char text[1 << 20];
    FILE *f = fopen(DATA("policy.json"), "rb");
    size_t n;
    if (!f) { printf("SETUP policy.json\n"); exit(3); }
    n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    return text;
}

static kcbx_policy *POL(void) {
    static kcbx_policy *p;
    if (!p) must(kcbx_policy_builtin("dongchuan-2025", &p), "policy");
    return p;
}

static kcbx_calendar *CAL(void) {
    static kcbx_calendar *c;
    if (!c) must(kcbx_calendar_from_json(CAL_JSON, &c), "calendar");
    return c;
}

static kcbx_ledger *LED(void) {
    static kcbx_ledger *l;
    kcbx_actor a = COUNTY();
    if (!l) must(kcbx_ledger_open(LEDGER_PATH, POL(), &a, &l), "ledger");
    return l;
}

/* A marks import into LED(): two rows for KID on one day (the later wins: one conflict). */
static kcbx_import_result *IMP(void) {
    static kcbx_import_result *r;
    const char *keys[] = {"@KID@", "@KID@"};
    const int32_t dates[] = {20250915, 20250915};
    const int8_t kinds[] = {2, 0};
    if (!r) must(kcbx_ledger_import_marks(LED(), 2, keys, dates, kinds, &r), "import result");
    return r;
}

static kcbx_classification *CLS(void) {
    static kcbx_classification *c;
    const int32_t dates[] = {20250908, 20250908};
    const int8_t kinds[] = {2, 0};
    kcbx_classify_options o = KCBX_CLASSIFY_OPTIONS_INIT;
    o.n_marks = 2; o.mark_dates = dates; o.mark_kinds = kinds; o.birth_date = 20160310; o.grade = 4; o.group_mask = 1;
    if (!c) must(kcbx_classify(POL(), CAL(), 20250912, &o, &c), "classification");
    return c;
}

static kcbx_table *TAB(void) {
    static kcbx_table *t;
    const int32_t child[] = {0, 0, 1}, dates[] = {20250908, 20250908, 20250909};
    const int8_t kinds[] = {2, 0, 2};
    kcbx_classify_many_options o = KCBX_CLASSIFY_MANY_OPTIONS_INIT;
    o.n_children = 2; o.n_marks = 3; o.mark_child = child; o.mark_dates = dates; o.mark_kinds = kinds;
    if (!t) must(kcbx_classify_many(POL(), CAL(), 20250912, &o, &t), "table");
    return t;
}

/* A hand-filled Arrow stream of one batch: child int32 {0, 0, 1}, date int32 YYYYMMDD, kind
 * int8; the batch claims `n` rows (3 is the truth). Static buffers; release only marks. */
static const int32_t ARROW_CHILD[] = {0, 0, 1}, ARROW_DATE[] = {20250908, 20250909, 20250908};
static const int8_t ARROW_KIND[] = {2, 2, 0};
static struct ArrowSchema arrow_fields[3], *arrow_field_ptrs[3] = {&arrow_fields[0], &arrow_fields[1], &arrow_fields[2]};
static struct ArrowArray arrow_cols[3], *arrow_col_ptrs[3] = {&arrow_cols[0], &arrow_cols[1], &arrow_cols[2]};
static const void *arrow_bufs[3][2], *arrow_none[1];
static int64_t arrow_n, arrow_given;
static const char *arrow_key_name = "child";
static void arrow_rel_schema(struct ArrowSchema *s) { s->release = NULL; }
static void arrow_rel_array(struct ArrowArray *a) { a->release = NULL; }
static void arrow_rel_stream(struct ArrowArrayStream *s) { s->release = NULL; }
static const char *arrow_err(struct ArrowArrayStream *s) { (void)s; return NULL; }
static int arrow_schema(struct ArrowArrayStream *st, struct ArrowSchema *out) {
    const char *names[3] = {arrow_key_name, "date", "kind"}, *formats[3] = {"i", "i", "c"};
    int i;
    (void)st;
    for (i = 0; i < 3; i++) {
        memset(&arrow_fields[i], 0, sizeof arrow_fields[i]);
        arrow_fields[i].name = names[i]; arrow_fields[i].format = formats[i]; arrow_fields[i].release = arrow_rel_schema;
    }
    memset(out, 0, sizeof *out);
    out->format = "+s"; out->n_children = 3; out->children = arrow_field_ptrs; out->release = arrow_rel_schema;
    return 0;
}
static int arrow_next(struct ArrowArrayStream *st, struct ArrowArray *out) {
    const void *data[3] = {ARROW_CHILD, ARROW_DATE, ARROW_KIND};
    int i;
    (void)st;
    memset(out, 0, sizeof *out);
    if (arrow_given++) return 0;
    for (i = 0; i < 3; i++) {
        memset(&arrow_cols[i], 0, sizeof arrow_cols[i]);
        arrow_bufs[i][0] = NULL; arrow_bufs[i][1] = data[i];
        arrow_cols[i].length = 3; arrow_cols[i].n_buffers = 2; arrow_cols[i].buffers = arrow_bufs[i];
        arrow_cols[i].release = arrow_rel_array;
    }
    out->length = arrow_n; out->n_buffers = 1; out->buffers = arrow_none; out->n_children = 3;
    out->children = arrow_col_ptrs; out->release = arrow_rel_array;
    return 0;
}
static struct ArrowArrayStream *MARKS(int64_t n) {
    static struct ArrowArrayStream s;
    arrow_n = n; arrow_given = 0;
    s.get_schema = arrow_schema; s.get_next = arrow_next; s.get_last_error = arrow_err; s.release = arrow_rel_stream;
    s.private_data = NULL;
    return &s;
}

static struct ArrowArrayStream *STUDENT_MARKS(void) { arrow_key_name = "student"; return MARKS(3); }

/* REG(k): a fresh hand-filled Arrow stream of one batch of one registry row, all text columns:
 * 0 household (resident_id, name, region_code), 1 students (registry_number, resident_id, name,
 * school_id, school_region_code, grade), 2 an ID list (resident_id). Up to 16 live at once. */
typedef struct { int kind, given; struct ArrowSchema f[6]; struct ArrowSchema *fp[6]; struct ArrowArray c[6];
                 struct ArrowArray *cp[6]; const void *b[6][3]; int32_t off[6][2]; } reg_state;
static reg_state reg_pool[16];
static struct ArrowArrayStream reg_streams[16];
static int reg_used;
static const char *REG_NAMES[3][6] = {{"resident_id", "name", "region_code"},
    {"registry_number", "resident_id", "name", "school_id", "school_region_code", "grade"}, {"resident_id"}};
static const char *REG_CELLS[3][6] = {{"@KID@", "张三", "530113"}, {"G@KID@", "@KID@", "张三", "S-1", "530113", "4"}, {"@KID@"}};
static const int REG_COLS[3] = {3, 6, 1};
static int reg_schema(struct ArrowArrayStream *st, struct ArrowSchema *out) {
    reg_state *r = (reg_state *)st->private_data;
    int i;
    for (i = 0; i < REG_COLS[r->kind]; i++) {
        memset(&r->f[i], 0, sizeof r->f[i]);
        r->f[i].name = REG_NAMES[r->kind][i]; r->f[i].format = "u"; r->f[i].release = arrow_rel_schema; r->fp[i] = &r->f[i];
    }
    memset(out, 0, sizeof *out);
    out->format = "+s"; out->n_children = REG_COLS[r->kind]; out->children = r->fp; out->release = arrow_rel_schema;
    return 0;
}
static int reg_next(struct ArrowArrayStream *st, struct ArrowArray *out) {
    reg_state *r = (reg_state *)st->private_data;
    int i;
    memset(out, 0, sizeof *out);
    if (r->given++) return 0;
    for (i = 0; i < REG_COLS[r->kind]; i++) {
        memset(&r->c[i], 0, sizeof r->c[i]);
        r->off[i][0] = 0; r->off[i][1] = (int32_t)strlen(REG_CELLS[r->kind][i]);
        r->b[i][0] = NULL; r->b[i][1] = r->off[i]; r->b[i][2] = REG_CELLS[r->kind][i];
        r->c[i].length = 1; r->c[i].n_buffers = 3; r->c[i].buffers = r->b[i]; r->c[i].release = arrow_rel_array; r->cp[i] = &r->c[i];
    }
    out->length = 1; out->n_buffers = 1; out->buffers = arrow_none; out->n_children = REG_COLS[r->kind];
    out->children = r->cp; out->release = arrow_rel_array;
    return 0;
}
static struct ArrowArrayStream *REG(int kind) {
    int k = reg_used++ % 16;
    memset(&reg_pool[k], 0, sizeof reg_pool[k]);
    reg_pool[k].kind = kind;
    reg_streams[k].get_schema = reg_schema; reg_streams[k].get_next = reg_next; reg_streams[k].get_last_error = arrow_err;
    reg_streams[k].release = arrow_rel_stream; reg_streams[k].private_data = &reg_pool[k];
    return &reg_streams[k];
}

static kcbx_report *REP(void) {
    static kcbx_report *r;
    if (!r) must(kcbx_ledger_report(LED(), "rates", 20250930, NULL, 0, &r), "report");
    return r;
}

static kcbx_report *FINDINGS(void) {
    static kcbx_report *f, *s;
    if (!f) must(kcbx_reconcile_csv("530113", 20250930, DATA("household.csv"), DATA("students.csv"), NULL, &f, &s), "findings");
    return f;
}

/* The template ledger: the roster, the calendar, a week of absence for KID and KID2, case 1
 * (KID, suspected) and case 2 (KID2, verified with reason C and in persuasion). */
static int setup(void) {
    kcbx_ledger *l = NULL;
    int64_t case_id = 0;
    char *json = NULL;
    FILE *f;
    const char *keys[] = {"@KID@", "@KID@", "@KID@", "@KID@", "@KID@", "@KID2@", "@KID2@", "@KID2@", "@KID2@", "@KID2@"};
    const int32_t dates[] = {20250908, 20250909, 20250910, 20250911, 20250912, 20250908, 20250909, 20250910, 20250911, 20250912};
    const int8_t kinds[] = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
    int64_t second = 0;
    kcbx_actor a = COUNTY();
    must(kcbx_ledger_open(LEDGER_PATH, POL(), &a, &l), "open");
    must(kcbx_ledger_import_students_csv(l, DATA("roster.csv"), NULL), "roster");
    must(kcbx_ledger_set_calendar_json(l, CAL_JSON, NULL), "calendar");
    must(kcbx_ledger_import_marks(l, 10, keys, dates, kinds, NULL), "marks");
    must(kcbx_ledger_case_open(l, "@KID@", "suspected_dropout", 20250915, NULL, &case_id), "case");
    must(kcbx_ledger_case_open(l, "@KID2@", "suspected_dropout", 20250915, NULL, &second), "case 2");
    must(kcbx_ledger_case_verify(l, second, "C", 20250916, NULL), "verify case 2");
    must(kcbx_ledger_case_persuade(l, second, "一人一案", "马老师", 20250916, NULL), "persuade case 2");
    kcbx_ledger_free(l);
    must(kcbx_policy_to_json(POL(), &json), "policy json");
    f = fopen(DATA("policy.json"), "wb");
    if (!f) return 3;
    fputs(json, f);
    fclose(f);
    kcbx_string_free(json);
    printf("SETUP OK case %lld\n", (long long)case_id);
    return case_id == 1 && second == 2 ? 0 : 3;
}

static void report(kcbx_status s) {
    const char *m = kcbx_last_error_message();
    printf("STATUS %d\nMSGLEN %zu\nMSG %.300s\n", (int)s, m ? strlen(m) : (size_t)0, m ? m : "(NULL)");
}

static int run(int n);

int main(int argc, char **argv) {
    DATA_DIR = getenv("KCBX_HOSTILE_DATA");
    TMP_DIR = getenv("KCBX_HOSTILE_TMP");
    LEDGER_PATH = getenv("KCBX_HOSTILE_LEDGER");
    if (argc != 2 || !DATA_DIR || !TMP_DIR || !LEDGER_PATH) return 2;
    if (strcmp(argv[1], "setup") == 0) return setup();
    if (getenv("KCBX_HOSTILE_RLIMIT_MB")) {
        struct rlimit r;
        r.rlim_cur = r.rlim_max = (rlim_t)atol(getenv("KCBX_HOSTILE_RLIMIT_MB")) * 1024 * 1024;
        POL(); CAL();  /* fixtures first, then the cap */
        if (setrlimit(RLIMIT_AS, &r) != 0) return 4;
    }
    return run(atoi(argv[1]));
}
'''


def c_type_of_out(ptype: str) -> str:
    """The local variable type behind an out-param of type `ptype` (one level of pointer less)."""
    t = ptype.strip()
    assert t.endswith("*"), ptype
    return t[:-1].strip()


def emit_call(fn: str, ret: str, params: list[tuple[str, str]], args: list, after: str = "") -> str:
    decls, cargs = [], []
    for k, ((ptype, pname), a) in enumerate(zip(params, args)):
        if isinstance(a, dict):  # an options struct: INIT, then the fields given
            struct = c_type_of_out(ptype).replace("const ", "").strip()
            decls.append(f"{struct} o{k} = {struct.upper()}_INIT;" + "".join(f" o{k}.{f} = {v};" for f, v in a.items()))
            cargs.append(f"&o{k}")
        elif a == "OUT":
            decls.append(f"{c_type_of_out(ptype)} o{k}; memset(&o{k}, 0, sizeof o{k});")
            cargs.append(f"&o{k}")
        else:
            cargs.append(a)
    call = f"{fn}({', '.join(cargs)})"
    body = " ".join(decls)
    if ret == "kcbx_status":
        return f"{{ {body} kcbx_status s_ = {call}; report(s_); {after} }}"
    if ret == "void":
        return f"{{ {body} {call}; printf(\"VOID\\n\"); }}"
    return f"{{ {body} (void){call}; printf(\"VALUE\\n\"); }}"


# --- cases ----------------------------------------------------------------------------------------

def build_cases(functions, structs: dict | None = None) -> tuple[list[dict], list[str]]:
    structs = structs or {}
    cases, problems = [], []
    names = {f[0] for f in functions}
    for name in sorted(set(SPECS) - names):
        problems.append(f"SPECS has {name}, which include/kcbx.h does not declare")
    for fn, ret, params in functions:
        spec = SPECS.get(fn)
        if spec is None:
            problems.append(f"{fn} has no entry in the hostile-input catalogue (Tests/c/hostile/catalogue.py SPECS)")
            continue
        args = spec["args"]
        if len(args) != len(params):
            problems.append(f"{fn}: SPECS gives {len(args)} arguments for {len(params)} parameters")
            continue
        base = spec.get("base", 0)
        cases.append(dict(fn=fn, label="baseline", code=emit_call(fn, ret, params, args),
                          expect="ok" if base == 0 else ("status", base), ret=ret))
        if ret != "kcbx_status":
            # void and value functions: each hostile value must not crash (free(NULL) etc.).
            for k, (ptype, pname) in enumerate(params):
                for label, expr in hostile(ptype, pname):
                    a = list(args); a[k] = expr
                    cases.append(dict(fn=fn, label=f"{pname} = {label}", code=emit_call(fn, ret, params, a), expect="returns", ret=ret))
            continue
        for k, (ptype, pname) in enumerate(params):
            acc = ACCEPTED.get((fn, pname), set())
            for label, expr in hostile(ptype, pname):
                if args[k] == "OUT" and label != "NULL":
                    continue
                a = list(args); a[k] = expr
                ok = "*" in acc or label in acc
                cases.append(dict(fn=fn, label=f"{pname} = {label}", code=emit_call(fn, ret, params, a),
                                  expect="ok" if ok else "refused", ret=ret))
            if isinstance(args[k], dict):  # every field of the options struct
                struct = c_type_of_out(ptype).replace("const ", "").strip()
                if struct not in structs:
                    problems.append(f"{fn}: no struct {struct} in the header")
                    continue
                for ftype, fname in structs[struct]:
                    facc = ACCEPTED.get((fn, f"{pname}.{fname}"), set())
                    for label, expr in hostile(ftype, fname):
                        a = list(args); a[k] = dict(args[k], **{fname: expr})
                        ok = "*" in facc or label in facc
                        cases.append(dict(fn=fn, label=f"{pname}.{fname} = {label}", code=emit_call(fn, ret, params, a),
                                          expect="ok" if ok else "refused", ret=ret))
    sigs = {f[0]: f for f in functions}
    for x in extras():
        fn, ret, params = sigs[x["fn"]]
        cases.append(dict(fn=fn, label=x["label"], code=emit_call(fn, ret, params, x["args"], x.get("after", "")), expect=x["expect"], ret=ret,
                          rlimit=x.get("rlimit")))
    return cases, problems


def write_driver(cases: list[dict], path: str) -> None:
    subst = {"@KID@": KID, "@KID2@": KID2, "@KID3@": KID3}
    pre = PRELUDE
    for k, v in subst.items():
        pre = pre.replace(k, v)
    with open(path, "w", encoding="utf-8") as f:
        f.write(pre)
        f.write("\nstatic int run(int n) {\n    switch (n) {\n")
        for i, c in enumerate(cases):
            f.write(f"    case {i}: /* {c['fn']}: {c['label']} */\n        {c['code']}\n        break;\n")
        f.write("    default: return 2;\n    }\n    fflush(stdout);\n    return 0;\n}\n")


def write_data(d: str) -> None:
    def w(name: str, text: str) -> None:
        with open(os.path.join(d, name), "w", encoding="utf-8") as f:
            f.write(text)
    w("roster.csv", "resident_id,name,school_id,school_name,township_code,grade,address,registration\n"
                    f"{KID},马小明,S-1,铜都小学,530113100,4,铜都街道1号,enrolled\n"
                    f"{KID2},李小二,S-1,铜都小学,530113100,6,铜都街道2号,enrolled\n"
                    f"{KID3},王小三,,,530113100,,铜都街道3号,none\n")
    w("marks.csv", f"student,date,kind\n{KID},2025-09-15,0\n")
    w("household.csv", "resident_id,name,birth_date,address,region_code\n"
                       f"{KID},马小明,2016-03-10,铜都街道1号,530113\n{KID3},王小三,2015-01-01,铜都街道3号,530113\n")
    w("students.csv", "registry_number,resident_id,name,birth_date,school_id,school_region_code,grade,status\n"
                      f"G{KID},{KID},马小明,2016-03-10,S-1,530113,4,enrolled\n")
    w("ids.csv", f"resident_id\n{KID}\n")
    w("registrations.csv", f"resident_id,name\n{KID2},李小二\n")
    with open(os.path.join(ROOT, "data", "sample", "calendar.json"), encoding="utf-8") as src:
        w("calendar.json", src.read())


def parse_output(out: str) -> dict:
    r = {}
    for line in out.splitlines():
        if line.startswith("STATUS "):
            r["status"] = int(line[7:])
        elif line.startswith("MSGLEN "):
            r["msglen"] = int(line[7:])
        elif line.startswith("MSG "):
            r["msg"] = line[4:]
        elif line in ("VOID", "VALUE"):
            r["returned"] = True
    return r


def judge(case: dict, proc: subprocess.CompletedProcess | None) -> str | None:
    """None when the case passed, else why not."""
    if proc is None:
        return "hung (no exit within the time limit)"
    if proc.returncode < 0:
        return f"killed by signal {-proc.returncode}"
    if proc.returncode != 0:
        return f"driver exited {proc.returncode}: {proc.stdout.strip()[:300]} {proc.stderr.strip()[:300]}"
    r = parse_output(proc.stdout)
    if case["ret"] != "kcbx_status":
        return None if r.get("returned") else "returned nothing"
    if "status" not in r:
        return "printed no status"
    st, ml, msg = r["status"], r.get("msglen", 0), r.get("msg", "")
    e = case["expect"]
    if e == "ok":
        if st != 0:
            return f"expected OK, got status {st}: {msg}"
        if ml != 0:
            return f"OK but kcbx_last_error_message() is not empty: {msg}"
        return None
    if isinstance(e, tuple):
        if st != e[1]:
            return f"expected status {e[1]}, got {st}: {msg}"
        return None if ml > 0 else "a failed call with an empty message"
    if st == 0:
        return "accepted (status OK); expected a refusal with a message"
    if ml == 0:
        return f"status {st} with an empty message"
    if ml > 4096:
        return f"status {st} with a message of {ml} bytes (unbounded echo of the input)"
    return None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--prefix", required=True, help="install prefix with include/kcbx.h and lib/libkcbx.so")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--keep", help="keep the work directory here")
    ap.add_argument("--filter", default="", help="only functions whose name contains this")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--list", action="store_true", help="print the cases and exit")
    opts = ap.parse_args()

    header = os.path.join(opts.prefix, "include", "kcbx.h")
    libdir = os.path.join(opts.prefix, "lib")
    functions = parse_header(header)
    cases, problems = build_cases(functions, parse_structs(header))
    if opts.list:
        for i, c in enumerate(cases):
            print(i, c["fn"], c["label"], c["expect"])
        return 0
    work = opts.keep or tempfile.mkdtemp(prefix="kcbx-hostile.")
    os.makedirs(work, exist_ok=True)
    data = os.path.join(work, "data")
    os.makedirs(data, exist_ok=True)
    write_data(data)
    src, exe = os.path.join(work, "driver.c"), os.path.join(work, "driver")
    write_driver(cases, src)
    cc = subprocess.run(["gcc", "-std=c99", "-O0", "-w", f"-I{os.path.join(opts.prefix, 'include')}", src, "-o", exe,
                         f"-L{libdir}", "-lkcbx"], capture_output=True, text=True)
    if cc.returncode != 0:
        print(cc.stderr[-4000:], file=sys.stderr)
        print("FAIL catalogue: the generated driver does not compile")
        print("0 passed, 1 failed")
        return 1
    env = {"PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": libdir, "KCBX_HOSTILE_DATA": data}
    template = os.path.join(work, "template.sqlite")
    setup = subprocess.run([exe, "setup"], env=dict(env, KCBX_HOSTILE_TMP=work, KCBX_HOSTILE_LEDGER=template),
                           capture_output=True, text=True, cwd=ROOT, timeout=120)
    if setup.returncode != 0:
        print(f"FAIL catalogue: the template ledger: {setup.stdout.strip()} {setup.stderr.strip()[:500]}")
        print("0 passed, 1 failed")
        return 1

    selected = [(i, c) for i, c in enumerate(cases) if opts.filter in c["fn"]]

    def run_one(item):
        i, c = item
        d = os.path.join(work, f"case{i}")
        os.makedirs(d, exist_ok=True)
        ledger = os.path.join(d, "ledger.sqlite")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(template + suffix):
                shutil.copyfile(template + suffix, ledger + suffix)
        e = dict(env, KCBX_HOSTILE_TMP=d, KCBX_HOSTILE_LEDGER=ledger)
        if c.get("rlimit"):
            e["KCBX_HOSTILE_RLIMIT_MB"] = str(c["rlimit"])
        try:
            p = subprocess.run([exe, str(i)], env=e, capture_output=True, text=True, errors="replace", cwd=ROOT,
                               timeout=opts.timeout)
        except subprocess.TimeoutExpired:
            p = None
        why = judge(c, p)
        if why is None and not opts.keep:
            shutil.rmtree(d, ignore_errors=True)
        return i, c, why

    start = time.time()
    passed, failed = 0, 0
    for p in problems:
        print(f"FAIL catalogue: {p}")
        failed += 1
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as pool:
        for i, c, why in pool.map(run_one, selected):
            if why is None:
                passed += 1
            else:
                failed += 1
                print(f"FAIL hostile #{i} {c['fn']}({c['label']}): {why}")
    n_fn = len({c["fn"] for _, c in selected})
    print(f"hostile catalogue: {len(selected)} cases over {n_fn} functions in {time.time() - start:.0f} s", file=sys.stderr)
    if not opts.keep:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
