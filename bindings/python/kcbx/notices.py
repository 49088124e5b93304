"""Notices an operator prints (DOMAIN.md §3): the enrollment notice (义务教育入学通知书), the
notice to return to school within a deadline (限期复学通知书) and the three-line report, rendered
from the library's templates as plain text, or as a .docx an office prints (written with the
standard library's zipfile: WordprocessingML, one paragraph per line)."""
from __future__ import annotations

import json
import os
import zipfile
from typing import Any, Dict, List, Optional, Union
from xml.sax.saxutils import escape

from ._native import c_string, ffi, lib, take_string
from .errors import check

__all__ = ["NOTICE_KINDS", "notice_fields", "render_notice", "write_docx"]

#: Notice kinds: enrollment (000 附件2, 002 三（一）), return_notice (003 二（一）), three_line_report (004 二（三）2).
NOTICE_KINDS = ("enrollment", "return_notice", "three_line_report")


def notice_fields(kind: str) -> List[str]:
    """The placeholders the `kind` template needs, in order."""
    out = ffi.new("char **")
    status = lib.kcbx_notice_fields_of(c_string(kind, "kind"), out)
    text = take_string(out[0])
    check(status)
    return list(json.loads(text))


def render_notice(kind: str, fields: Optional[Dict[str, str]] = None, *, ledger: Any = None, student: Optional[str] = None,
                  as_of: Any = None, docx: Union[str, os.PathLike[str], None] = None, **more: str) -> str:
    """The notice's text. Fields come from `ledger.notice_fields(kind, student, as_of)` when a
    ledger is given, then from `fields`, then from keyword arguments (later ones win). Every
    placeholder is required and unknown names are refused (InvalidInput naming the field).
    With `docx`, also writes the text as a Word document there."""
    values: Dict[str, str] = {}
    if ledger is not None:
        if student is None or as_of is None:
            raise TypeError("render_notice with a ledger needs student and as_of")
        values.update(ledger.notice_fields(kind, student=student, as_of=as_of))
    values.update(fields or {})
    values.update(more)
    out = ffi.new("char **")
    status = lib.kcbx_notice_render(c_string(kind, "kind"), c_string(json.dumps(values, ensure_ascii=False), "fields"), out)
    text = take_string(out[0])
    check(status)
    if docx is not None:
        write_docx(text, docx)
    return text


_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""

_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _paragraph(line: str, title: bool) -> str:
    props = '<w:pPr><w:jc w:val="center"/></w:pPr>' if title else ""
    run_props = ('<w:rPr><w:rFonts w:ascii="SimSun" w:eastAsia="SimSun" w:hAnsi="SimSun"/>'
                 + ('<w:b/><w:sz w:val="36"/>' if title else '<w:sz w:val="28"/>') + "</w:rPr>")
    return f'<w:p>{props}<w:r>{run_props}<w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'


def write_docx(text: str, path: Union[str, os.PathLike[str]]) -> None:
    """Writes `text` as a .docx: the first line centred and bold as the title, then one paragraph
    per line (SimSun, 14 pt)."""
    lines = text.split("\n")
    body = "".join(_paragraph(line, i == 0) for i, line in enumerate(lines))
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{_W}"><w:body>{body}'
                '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
                '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="720" w:footer="720" w:gutter="0"/>'
                "</w:sectPr></w:body></w:document>")
    with zipfile.ZipFile(os.fspath(path), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", document)
