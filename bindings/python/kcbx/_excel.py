"""Excel output laid out like the seeds' attachments (openpyxl, optional: `pip install kcbx[excel]`)."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, List, Optional, Union

if TYPE_CHECKING:  # pragma: no cover
    from .reports import Report

_LETTERS = [chr(c) for c in range(ord("A"), ord("T") + 1)]

def _cell_value(header: str, value: Any) -> Any:
    """Counts are numbers (Excel sums them); identifiers and codes stay text (`reports.cell_value`)."""
    from .reports import cell_value
    return value if isinstance(value, int) else cell_value(header, str(value))


def write_report(report: Report, path: Union[str, os.PathLike[str]], sheet: Optional[str] = None) -> None:
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Border, Font, Side
        from openpyxl.utils import get_column_letter
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("Report.to_excel needs openpyxl: pip install 'kcbx[excel]' (or pip install openpyxl)") from e

    wb = Workbook()
    ws: Any = wb.active  # a new workbook always has its sheet
    ws.title = (sheet or report.title or "report")[:31]
    n = max(1, len(report.headers))
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

    # Title, then 填报单位 / 填报日期 as the seeds print them.
    ws.cell(row=1, column=1, value=report.title).font = Font(bold=True, size=16)
    ws.cell(row=1, column=1).alignment = centre
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    date = f"{report.as_of.year}年{report.as_of.month}月{report.as_of.day}日" if report.as_of else "    年  月  日"
    half = max(1, n // 2)
    ws.cell(row=2, column=1, value=f"填报单位（盖章）：{report.unit}")
    if n > 1:
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=half)
    ws.cell(row=2, column=min(n, half + 1), value=f"填报日期：{date}")

    # Headers: seed 001 附件1 has 其中：辍学学生分类 over the letters A–T (two header rows).
    header_row = 3
    letters_at = None
    for i in range(len(report.headers) - len(_LETTERS) + 1):
        if report.headers[i:i + len(_LETTERS)] == _LETTERS:
            letters_at = i
            break
    if letters_at is not None:
        for c, h in enumerate(report.headers, start=1):
            if letters_at < c <= letters_at + len(_LETTERS):
                ws.cell(row=header_row + 1, column=c, value=h)
            else:
                ws.cell(row=header_row, column=c, value=h)
                ws.merge_cells(start_row=header_row, start_column=c, end_row=header_row + 1, end_column=c)
        ws.cell(row=header_row, column=letters_at + 1, value="其中：辍学学生分类")
        ws.merge_cells(start_row=header_row, start_column=letters_at + 1, end_row=header_row,
                       end_column=letters_at + len(_LETTERS))
        first_data = header_row + 2
    else:
        for c, h in enumerate(report.headers, start=1):
            ws.cell(row=header_row, column=c, value=h)
        first_data = header_row + 1
    for r in range(header_row, first_data):
        for c in range(1, n + 1):
            cell = ws.cell(row=r, column=c)
            cell.font = Font(bold=True)
            cell.alignment = centre
            cell.border = box

    for r, row in enumerate(report.rows, start=first_data):
        for c, h in enumerate(report.headers, start=1):
            text = row[c - 1] if c - 1 < len(row) else ""
            cell = ws.cell(row=r, column=c, value=_cell_value(h, text))
            cell.border = box
            if isinstance(cell.value, str) and len(str(text)) <= 20:
                cell.alignment = Alignment(horizontal="center", vertical="center")

    widths: List[float] = []
    for c, h in enumerate(report.headers, start=1):
        width = max([len(h)] + [len(str(row[c - 1])) for row in report.rows if c - 1 < len(row)] or [4])
        widths.append(min(40, max(4, width * 1.6 + 2)))
        ws.column_dimensions[get_column_letter(c)].width = widths[-1]

    # 填表说明: notes and formulas under the table, then the seal line (盖章), so both end the
    # last printed page.
    r = first_data + len(report.rows) + 1
    wrap = Alignment(wrap_text=True, vertical="top")
    if report.notes:
        ws.cell(row=r, column=1, value="填表说明：").font = Font(bold=True)
        for note in report.notes:
            r += 1
            ws.cell(row=r, column=1, value=note).alignment = wrap
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=n)
            ws.row_dimensions[r].height = _note_height(note, sum(widths))
    r += 2
    ws.cell(row=r, column=1, value=SEAL_LINE)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=n)
    ws.freeze_panes = ws.cell(row=first_data, column=2)
    page_setup(ws, header_rows=first_data - 1)
    wb.save(os.fspath(path))


# The line every filed form ends with: who stamps, signs and fills it in.
SEAL_LINE = "单位负责人（签字）：            填表人：            联系电话：            （单位盖章）"


def _note_height(note: str, total_width: float) -> float:
    """Row height (points) for a merged note so a printed page shows all of it: CJK characters
    take two width units, a line is 15 points."""
    units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in note)
    lines = max(1, -(-units // max(20, int(total_width))))
    return 15.0 * lines + 3


def page_setup(ws: Any, header_rows: int) -> None:
    """Print layout of every KCBX workbook, as the forms are filed: A4 landscape, fit to one page
    wide (as many pages tall as needed), the title and header rows (1..header_rows) repeated on
    each page, centred, page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"1:{max(1, header_rows)}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
