"""Report tables (the seeds' own layouts) and 四查三比对 reconciliation."""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Union

from ._dates import date_to_c
from ._native import c_path, c_string, ffi, lib, take_string
from .errors import check

PathLike = Union[str, "os.PathLike[str]"]

__all__ = ["Report", "Reconciliation", "reconcile"]


@dataclass(frozen=True)
class Report:
    """A table as KCBX reports it: headers and text cells (Chinese headers as in the seeds)."""
    headers: List[str]
    rows: List[List[str]] = field(default_factory=list)

    @classmethod
    def _take(cls, handle: "ffi.CData") -> "Report":
        """Copies a kcbx_report out of the library and frees it."""
        try:
            n_rows, n_cols = ffi.new("int64_t *"), ffi.new("int64_t *")
            check(lib.kcbx_report_rows(handle, n_rows))
            check(lib.kcbx_report_columns(handle, n_cols))
            out = ffi.new("char **")
            headers = []
            for c in range(n_cols[0]):
                check(lib.kcbx_report_header(handle, c, out))
                headers.append(take_string(out[0]))
            rows = []
            for r in range(n_rows[0]):
                row = []
                for c in range(n_cols[0]):
                    check(lib.kcbx_report_cell(handle, r, c, out))
                    row.append(take_string(out[0]))
                rows.append(row)
            return cls(headers, rows)
        finally:
            lib.kcbx_report_free(handle)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Dict[str, str]]:
        """Rows as dicts keyed by header."""
        for r in self.rows:
            yield dict(zip(self.headers, r))

    def column(self, name: str) -> List[str]:
        i = self.headers.index(name)
        return [r[i] for r in self.rows]

    def to_csv(self, path: PathLike) -> None:
        """Writes UTF-8 CSV with a BOM, so Excel shows the Chinese text."""
        import csv
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(self.headers)
            w.writerows(self.rows)

    def to_dataframe(self) -> Any:
        """A pandas DataFrame (pandas is optional; imported only here)."""
        import pandas as pd
        return pd.DataFrame(self.rows, columns=self.headers)


@dataclass(frozen=True)
class Reconciliation:
    """The four counts of 四查 (summary) and every finding of the three comparisons."""
    summary: Report
    findings: Report

    def of_kind(self, kind: str) -> List[Dict[str, str]]:
        """Findings of one kind (out_of_school, registered_not_attending, near_match, …)."""
        return [f for f in self.findings if f["类别"] == kind]

    def count(self, label: str) -> int:
        """A summary count by its label (e.g. "户籍适龄儿童少年数" or a finding kind)."""
        for item in self.summary:
            if item["项目"] == label:
                return int(item["数量"])
        raise KeyError(label)


def reconcile(household: PathLike, students: PathLike, as_of: _dt.date, region: str = "640422",
              attending: Optional[PathLike] = None, poverty: Optional[PathLike] = None,
              three_kinds: Optional[PathLike] = None, dropouts: Optional[PathLike] = None) -> Reconciliation:
    """四查三比对 (seed 004 二（二）) over CSV extracts (columns in docs/data-formats.md).

    Identity conflicts and near matches are reported for a person to resolve, never joined.
    Raises InvalidInput naming the file, row and column for bad data, NotFound for a missing file.
    """
    def opt(p: Optional[PathLike], name: str) -> Any:
        return ffi.NULL if p is None else c_path(p, name)

    findings, summary = ffi.new("kcbx_report **"), ffi.new("kcbx_report **")
    check(lib.kcbx_reconcile_csv(c_string(region, "region"), date_to_c(as_of, "as_of"),
                                 c_path(household, "household"), c_path(students, "students"),
                                 opt(attending, "attending"), opt(poverty, "poverty"),
                                 opt(three_kinds, "three_kinds"), opt(dropouts, "dropouts"), findings, summary))
    return Reconciliation(summary=Report._take(summary[0]), findings=Report._take(findings[0]))
