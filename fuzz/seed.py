#!/usr/bin/env python3
"""Writes fuzz/corpus/<harness>/seed-* from data/sample and examples/ (small files) and
fuzz/dict/<harness>.dict. Run from the repository root: python3 fuzz/seed.py. The output is
committed; run again only when the formats change."""
import json, os, re, struct, datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUZZ = os.path.join(ROOT, "fuzz")
SAMPLE = os.path.join(ROOT, "data", "sample")
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def rid(birth, seq, county="640422"):
    first = f"{county}{birth}{seq:03d}"
    return first + "10X98765432"[sum(int(c) * w for c, w in zip(first, W)) % 11]


KIDS = [rid("20160310", 11), rid("20150721", 22), rid("20170102", 31), rid("20140505", 42)]


def head(name, n):
    with open(os.path.join(SAMPLE, name), encoding="utf-8-sig") as f:
        return "".join(f.readline() for _ in range(n))


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def seeds():
    c = {}
    c["policy"] = [read("examples/policies/county-2026.json"),
                   '{"kcbx_policy": 1, "id": "t", "extends": "dongchuan-2025"}',
                   json.dumps({"id": "x", "extends": "guyuan-2021", "parameters": {"suspected_after": {"amount": 5, "unit": "school_days"}},
                               "report_duties": [{"what": "周上报", "level": "county", "schedule": {"every": "week", "weekday": 5}}]})]
    c["calendar"] = [read("data/sample/calendar.json"),
                     json.dumps({"school_years": [{"school_year": 2025, "terms": [{"name": "autumn", "start": "2025-09-01", "end": "2026-01-16"}]}],
                                 "weekend": ["saturday", "sunday"]})]
    c["roster"] = ["\ufeff" + head("roster.csv", 4),
                   "resident_id,name,school_id,township_code,grade\n" + f"{KIDS[0]},马小明,S-A1,640422100,4\n",
                   "registry_number,name,sex,birth_date,region_code,township_code,registration\nL123ABC,李四,1,2016-03-10,640422,640422100,none\n",
                   json.dumps([{"resident_id": KIDS[1], "name": "王小花", "school_id": "S-A1", "township_code": "640422100",
                                "grade": 5, "special_groups": ["registered_poor", "left_behind"]}], ensure_ascii=False)]
    c["marks"] = ["\ufeff" + "student,date,kind\n" + f"{KIDS[0]},2025-12-01,present\n{KIDS[1]},20251202,unexcused\n",
                  "student,date,kind,leave_from,leave_to,slip\n" + f"{KIDS[3]},2025-12-03,approved_leave,2025-12-03,2025-12-05,S-17\n",
                  "student,date,kind\n" + f"{KIDS[1]},2025-11-03,请假\n{KIDS[1]},2025-11-03,2\n"]
    sep = "\n----\n"
    c["registry"] = [head("household.csv", 4).rstrip("\n") + sep + head("students.csv", 4).rstrip("\n") + sep
                     + head("attending.csv", 3).rstrip("\n") + sep + head("poverty.csv", 3).rstrip("\n") + sep + head("three_kinds.csv", 3),
                     head("household.csv", 6), ]
    c["notice"] = [json.dumps({"child": "马小明", "guardian": "马大明", "school": "新营小学", "deadline": "2025-12-20",
                               "issuer": "西吉县教育局", "issue_date": "2025-12-15"}, ensure_ascii=False),
                   '{"child": "a", "address": "b"}']
    c["filter"] = ['{"status": ["persuading"], "open_only": true}',
                   json.dumps({"kind": ["suspected"], "reason": ["G"], "school_id": "S-A1", "township_code": "640422100",
                               "group": "disabled", "opened_from": "2025-09-01", "opened_through": "2025-12-31",
                               "relapse_only": False, "student": KIDS[0]}), "{}"]
    c["identity"] = [KIDS[0], KIDS[0][:17] + "x", "G" + KIDS[1], "l12ab", "2025-02-28", "20250908", "unexcused", "A,G,T"]
    base = datetime.date(2025, 9, 1)

    def off(d):
        return struct.pack("<h", (d - base).days)

    bulk = []
    for flags in (0x20, 0x21, 0x2D, 0x13):
        b = bytes([flags]) + off(datetime.date(2025, 12, 12))
        for birth, grade in ((datetime.date(2016, 3, 10), 4), (datetime.date(2015, 7, 21), 5)):
            b += off(birth) + bytes([grade, 0]) + off(base) + struct.pack("<II", 0, 1)
        for i in range(20):
            d = base + datetime.timedelta(days=i)
            b += bytes([i % 2]) + off(d) + bytes([2 if i > 10 else 0])
            if flags & 8:
                b += off(d) + off(d)
        bulk.append(b)
    c["bulk"] = bulk
    return c


def dictionary(name):
    toks = set()
    if name in ("policy", "calendar", "notice", "filter", "roster"):
        toks |= {"{", "}", "[", "]", ":", ",", '"', "null", "true", "false", "\\u0000", "\\ud800", "1e308", "-0", "0.5"}
    if name in ("roster", "marks", "registry"):
        toks |= {",", '"', '""', "\r\n", "\n", "\ufeff", "\u3000", "\x00", "2025-09-01", "20250901", KIDS[0]}
    if name == "policy":
        toks |= set(re.findall(r'"([a-z_]+)"', read("Sources/KCBXCore/Policy/PolicyFile.swift") + read("Sources/KCBXCore/Policy/PolicyParameter.swift")))
        toks |= {"guyuan-2021", "baiyin-2020", "fujian-2020", "huarong-2024", "dongchuan-2025", "school_days", "calendar_days"}
    if name == "calendar":
        toks |= set(re.findall(r'"([a-z_]+)"', read("Sources/KCBXCore/Classification/SchoolCalendarFile.swift")))
        toks |= {"monday", "saturday", "sunday", "2025-09-01", "2026-01-16", "autumn", "spring"}
    if name == "roster":
        toks |= set("resident_id registry_number name sex birth_date address region_code school_id school_name township_code grade "
                    "registration registration_date expert_opinion special_groups enrolled none elsewhere deferred suspended "
                    "transferred_out graduated registered_poor disabled left_behind 男 女 640422 640422100 G L".split())
    if name == "marks":
        toks |= set("student date kind leave_from leave_to slip present approved_leave unexcused late left_early 到校 请假 无故缺勤 迟到 早退".split())
        toks |= set(KIDS)
    if name == "registry":
        toks |= set("resident_id name birth_date address region_code registry_number school_id school_region_code grade status "
                    "enrolled deferred suspended home_delivered transferred_out graduated 640422".split())
        toks.add("\n----\n")
    if name == "notice":
        toks |= set(re.findall(r"\{\{([a-z_]+)\}\}", read("Sources/KCBXCore/Escalation/Notice.swift"))) | {"{{", "}}"}
    if name == "filter":
        toks |= set("status kind reason school_id township_code group opened_from opened_through relapse_only open_only student "
                    "suspected dropout persuading returned dismissed closed verified disabled 2025-09-01 S-A1 640422100".split())
        toks |= set(KIDS)
    if name == "identity":
        toks |= {"G", "L", "g", "l", "X", "x", "640422", "20160310", "19000101", "-", "0229", "2025-", "present", "unexcused"}
    return sorted(toks)


def escape(t):
    out = ""
    for b in t.encode("utf-8"):
        out += chr(b) if 32 <= b < 127 and chr(b) not in '"\\' else f"\\x{b:02X}"
    return out


def main():
    for name, items in seeds().items():
        d = os.path.join(FUZZ, "corpus", name)
        os.makedirs(d, exist_ok=True)
        for i, s in enumerate(items):
            with open(os.path.join(d, f"seed-{i}"), "wb") as f:
                f.write(s if isinstance(s, bytes) else s.encode("utf-8"))
        if name != "bulk":
            with open(os.path.join(FUZZ, "dict", f"{name}.dict"), "w") as f:
                f.write(f"# {name}: tokens for libFuzzer -dict (written by fuzz/seed.py)\n")
                for t in dictionary(name):
                    f.write(f'"{escape(t)}"\n')


main()
