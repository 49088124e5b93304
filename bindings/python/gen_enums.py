"""Generates kcbx/enums.py from the enums of include/kcbx.h: one Python enum per C enum, its
members and docs taken from the header, its values read from the compiled extension (`lib`), so
the Python enums can neither miss a member nor disagree on a number.

    python3 bindings/python/gen_enums.py          # rewrite kcbx/enums.py
    python3 bindings/python/gen_enums.py --check  # exit 1 when kcbx/enums.py is stale

Methods an enum needs beyond its members (labels, parsing) are written below in EXTRAS and copied
into the generated class. `make header` runs this after regenerating the header.
"""
from __future__ import annotations

import os
import re
import sys
import textwrap
from typing import Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = os.path.normpath(os.path.join(HERE, "..", "..", "include", "kcbx.h"))
OUTPUT = os.path.join(HERE, "kcbx", "enums.py")

#: C enums whose values are bits of a mask (IntFlag); every other one is an IntEnum.
FLAGS = {"alert", "risk_flag", "child_fact"}

#: Members that must keep a single-letter name (the seed's reason letters).
_AMBIGUOUS = {"I", "O", "l"}

EXTRAS: Dict[str, str] = {
    "ChildStatus": '''
    @property
    def label(self) -> str:
        """The label used in the library's JSON, e.g. "suspected_dropout"."""
        return self.name.lower()

    @property
    def chinese(self) -> str:
        """The status in Chinese, as the seeds write it (e.g. 疑似辍学)."""
        return _CHILD_STATUS_ZH[self.name]
''',
    "CaseStatus": '''
    @property
    def label(self) -> str:
        """The label the ledger stores and filters by, e.g. "persuading"."""
        return self.name.lower()
''',
    "CaseKind": '''
    @property
    def label(self) -> str:
        """The label the ledger stores and filters by, e.g. "suspected_dropout"."""
        return self.name.lower()
''',
    "MarkKind": '''
    @classmethod
    def parse(cls, value: MarkKind | int | str, field: str = "kind") -> MarkKind:
        """A kind from its code, its name ("unexcused", "approved_leave", "leave") or its Chinese
        label (到校, 请假, 无故缺勤, 迟到, 早退); InvalidInput names `field` otherwise."""
        from ._convert import kind_code
        return cls(kind_code(value, field))
''',
    "SpecialGroup": '''
    @property
    def bit(self) -> int:
        """This group's bit in a group mask."""
        return 1 << int(self)

    @staticmethod
    def mask(groups: Iterable[SpecialGroup | int]) -> int:
        """The group mask of `groups`."""
        m = 0
        for g in groups:
            m |= SpecialGroup(g).bit
        return m
''',
    "Rule": '''
    @property
    def parameter(self) -> str | None:
        """The policy parameter a threshold rule applies ("suspected_after", …), else None."""
        threshold = (Rule.THREE_LINE_ALERT_AFTER, Rule.SUSPECTED_AFTER, Rule.DROPOUT_AFTER_SUSPECTED)
        return self.name.lower() if self in threshold else None
''',
    "Reason": '''
    @property
    def letter(self) -> str:
        """The seed's letter (A-T), "" for NONE."""
        return "" if self is Reason.NONE else self.name
''',
    "DateEncoding": '''
    @property
    def none(self) -> int:
        """The "no date" value of the encoding."""
        return 0 if self is DateEncoding.YYYYMMDD else INT32_MIN
''',
    "TableColumn": '''
    @property
    def is_date(self) -> bool:
        """True for the columns that hold dates."""
        return self in (TableColumn.SINCE, TableColumn.STREAK_START)
''',
}

EPILOGUE = '''
_CHILD_STATUS_ZH = {
    "IN_SCHOOL": "在校", "ON_LEAVE": "请假", "THREE_LINE_ALERT": "三线报告", "SUSPECTED_DROPOUT": "疑似辍学",
    "DROPOUT": "辍学", "OUT_OF_SCHOOL": "失学", "DEFERRED": "缓学", "SUSPENDED": "休学", "HOME_DELIVERED": "送教上门",
    "TRANSFERRED_OUT": "转出", "GRADUATED": "毕业", "OVER_AGE": "超龄", "BELOW_SCHOOL_AGE": "未到入学年龄",
    "STUDYING_ELSEWHERE": "区外就读", "ATTENDANCE_UNKNOWN": "考勤缺失",
}
'''

_ENUM = re.compile(
    r"(?P<doc>(?:[ \t]*(?:///[^\n]*|/\*\*.*?\*/)[ \t]*\n)*)"
    r"(?:typedef\s+int32_t\s+kcbx_(?P<a>\w+)\s*;\s*enum\s*(?:kcbx_\w+\s*)?"
    r"|typedef\s+enum\s*(?:kcbx_(?P<b>\w+)\s*)?"
    r"|enum\s+kcbx_(?P<c>\w+)\s*)"
    r"\{(?P<body>[^{}]*)\}\s*(?:kcbx_(?P<d>\w+)\s*)?;",
    re.S,
)
_MEMBER = re.compile(r"^\s*(KCBX_[A-Z0-9_]+)\s*=\s*(-?(?:0[xX][0-9a-fA-F]+|\d+))[uUlL]*\s*,?\s*$")


def _doc_text(block: str) -> str:
    """The text of `///` lines and `/** */` blocks, joined into one paragraph."""
    block = re.sub(r"/\*\*|\*/", "", block)
    lines = [re.sub(r"^\s*(///|\*)?\s?", "", line).rstrip() for line in block.splitlines()]
    return " ".join(line for line in lines if line).strip()


def parse_enums(text: str) -> List[Tuple[str, str, List[Tuple[str, int, str]]]]:
    """(C name without kcbx_, doc, [(member constant, value, doc)]) for every enum in the header."""
    found = []
    for m in _ENUM.finditer(text):
        name = m.group("a") or m.group("b") or m.group("c") or m.group("d")
        if not name:
            continue
        members: List[Tuple[str, int, str]] = []
        doc_lines: List[str] = []
        body = re.sub(r"/\*\*(.*?)\*/", lambda c: "\n".join("/// " + s for s in c.group(1).splitlines()), m.group("body"), flags=re.S)
        for line in body.splitlines():
            s = line.strip()
            if s.startswith("//"):
                doc_lines.append(s.lstrip("/").strip())
                continue
            mm = _MEMBER.match(line)
            if mm:
                members.append((mm.group(1), int(mm.group(2), 0), " ".join(d for d in doc_lines if d)))
                doc_lines = []
        found.append((name, _doc_text(m.group("doc")), members))
    return found


def class_name(c_name: str) -> str:
    return "".join(part.capitalize() for part in c_name.split("_"))


def _ascii_quotes(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def _wrap(text: str, indent: str, prefix: str) -> List[str]:
    return [indent + prefix + line for line in textwrap.wrap(_ascii_quotes(text), width=100 - len(indent) - len(prefix))]


def render(text: str) -> str:
    enums = sorted(parse_enums(text), key=lambda e: e[0])
    out = [
        '"""The enums of include/kcbx.h, one Python enum per C enum; every value is read from the',
        "compiled header (`lib`). GENERATED by bindings/python/gen_enums.py from the header: do not edit;",
        '`make header` regenerates it and tests/test_enums.py checks it is current."""',
        "from __future__ import annotations",
        "",
        "from enum import IntEnum, IntFlag",
        "from typing import Iterable",
        "",
        "from ._native import lib",
        "",
    ]
    out += textwrap.wrap("__all__ = [" + ", ".join(f'"{class_name(n)}"' for n, _, _ in enums) + "]",
                         width=100, subsequent_indent="    ", break_on_hyphens=False)
    out += [
        "",
        "INT32_MIN = -(2 ** 31)",
        '"""The "no date" value of DateEncoding.DAY_NUMBER columns."""',
    ]
    for name, doc, members in enums:
        cls = class_name(name)
        base = "IntFlag" if name in FLAGS else "IntEnum"
        prefix = f"KCBX_{name.upper()}_"
        out += ["", "", f"class {cls}({base}):"]
        summary = f"kcbx_{name}: {doc}" if doc else f"kcbx_{name}."
        lines = textwrap.wrap(_ascii_quotes(summary), width=92)
        if len(lines) == 1:
            out.append(f'    """{lines[0]}"""')
        else:
            out.append(f'    """{lines[0]}')
            out += ["    " + line for line in lines[1:]]
            out[-1] += '"""'
        for constant, _value, member_doc in members:
            if not constant.startswith(prefix):
                raise SystemExit(f"gen_enums: {constant} does not start with {prefix}")
            member = constant[len(prefix):]
            if member_doc:
                out += _wrap(member_doc, "    ", "#: ")
            noqa = "  # noqa: E741 - the seed's letter" if member in _AMBIGUOUS else ""
            out.append(f"    {member} = lib.{constant}{noqa}")
        extra = EXTRAS.get(cls)
        if extra:
            out += extra.rstrip("\n").split("\n")
    out += EPILOGUE.rstrip("\n").split("\n")
    return "\n".join(out) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    with open(HEADER, encoding="utf-8") as f:
        generated = render(f.read())
    if "--check" in args:
        try:
            with open(OUTPUT, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = ""
        if current != generated:
            print(f"{OUTPUT} is stale: run `python3 bindings/python/gen_enums.py` (or `make header`)", file=sys.stderr)
            return 1
        return 0
    with open(OUTPUT, "w", encoding="utf-8") as f:
        f.write(generated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
