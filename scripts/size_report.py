#!/usr/bin/env python3
"""What each part of libkcbx.so costs, from the linker's map (`make lib` writes out/lib/libkcbx.map).

Every input section the linker kept is charged to a part: a SwiftPM target (its objects under
.build/release/<Target>.build) or a static archive (libFoundation.a, lib_FoundationICU.a, ...),
and counted under its output section (.text, .rodata, ...). Prints a Markdown table, largest
part first; `--top N` also lists the N largest input sections (what to look at next).

    python3 scripts/size_report.py out/lib/libkcbx.map [--top 20]
"""
from __future__ import annotations

import argparse
import collections
import os
import re
import sys

# lld's map: VMA LMA Size Align, then Out (column 44), In (column 52) or a symbol (column 60).
LINE = re.compile(r"^\s*([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+(\d+)\s(.*)$")
COLUMNS = ("text", "rodata", "data", "eh", "swift meta", "other")


def column(section: str) -> str:
    if section.startswith(".text") or section in (".init", ".fini", ".plt"):
        return "text"
    if section.startswith(".rodata"):
        return "rodata"
    if section.startswith((".data", ".bss", ".tbss", ".tdata", ".got", ".init_array", ".fini_array")):
        return "data"
    if section.startswith((".eh_frame", ".gcc_except_table")):
        return "eh"
    if section.startswith("swift5_"):
        return "swift meta"
    return "other"


def part(source: str) -> str:
    """The component an input file belongs to."""
    m = re.search(r"/([^/]+)\.build/.*\.o$", source)
    if m:
        return m.group(1)  # a SwiftPM target
    m = re.search(r"([^/]+)\.a\(", source)
    if m:
        name = m.group(1)
        return name[3:] if name.startswith("lib") else name
    if source.startswith("<internal>"):
        return "(linker)"
    return os.path.basename(source.split("(")[0])


def parse(path: str):
    """Yields (output section, input source, input section, size) for every kept input section."""
    out = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            size = int(m.group(3), 16)
            rest = m.group(5)
            indent = len(rest) - len(rest.lstrip(" "))
            text = rest.strip()
            if indent == 0:  # an output section
                out = text
            elif indent == 8 and out is not None:  # an input section: file:(section)
                src, _, sec = text.rpartition(":(")
                yield out, src, sec.rstrip(")"), size


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("map")
    ap.add_argument("--top", type=int, default=0)
    ap.add_argument("--file-size", type=int, default=0, help="the library's size on disk, for the footer")
    args = ap.parse_args(argv)

    table: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    largest = []
    for out, src, sec, size in parse(args.map):
        if out in (".comment", ".symtab", ".strtab", ".shstrtab") or out.startswith(".debug"):
            continue  # not loaded; stripped from the release library
        table[part(src)][column(out)] += size
        if args.top:
            largest.append((size, part(src), sec, out))

    mb = lambda n: f"{n / 1e6:.2f}"
    rows = sorted(table.items(), key=lambda kv: -sum(kv[1].values()))
    total = collections.Counter()
    print("| part | " + " | ".join(COLUMNS) + " | total MB |")
    print("|---|" + "---:|" * (len(COLUMNS) + 1))
    for name, c in rows:
        total.update(c)
        if sum(c.values()) < 20_000:
            continue
        print(f"| {name} | " + " | ".join(mb(c[k]) for k in COLUMNS) + f" | **{mb(sum(c.values()))}** |")
    print("| *all* | " + " | ".join(mb(total[k]) for k in COLUMNS) + f" | **{mb(sum(total.values()))}** |")
    print("\n(MB = 10^6 bytes of allocated sections; parts under 20 kB left out of the rows, not the total.)")
    if args.file_size:
        print(f"File size: {mb(args.file_size)} MB.")
    if args.top:
        print(f"\nLargest {args.top} input sections:\n")
        for size, p, sec, out in sorted(largest, reverse=True)[: args.top]:
            print(f"- {mb(size)} MB {p} {sec[:90]} ({out})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
