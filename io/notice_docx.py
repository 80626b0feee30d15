"""The 公示 notice as a Word document (python-docx): the workbook's lists, ready to print.

A4 landscape, one section per list, the title and date line above a table whose header row
repeats on every page, page numbers in the footer (Word fields PAGE and NUMPAGES), text in
宋体. A list with page breaks (调出 / 调入) becomes one table per kindergarten, each on a page.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .notice import NARROW

if TYPE_CHECKING:
    from pathlib import Path

    from docx.document import Document as DocumentObject
    from docx.section import Section
    from docx.text.paragraph import Paragraph

    from .notice import Notice, Part, Value

FONT = "宋体"
A4_LONG, A4_SHORT = Cm(29.7), Cm(21.0)
MARGIN = Cm(1.8)
TABLE_SIZE = Pt(9)  # 小五: a long list stays one line a person
PADDING = 4  # a Word cell's margins and CJK/Latin spacing, in Excel width units


def write_docx(target: Path, notice: Notice) -> None:
    """Write ``notice`` as a .docx file at ``target``."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    _east_asian(normal.element, FONT)
    for i, part in enumerate(notice.parts):
        section = doc.sections[0] if i == 0 else doc.add_section(WD_SECTION.NEW_PAGE)
        _landscape(section)
        _part(doc, part, notice.date_line)
    _page_numbers(doc.sections[0])  # the later sections' footers link to the first one
    doc.save(str(target))


def _east_asian(element: object, font: str) -> None:
    """Set the East Asian font of a style or run (python-docx sets only the Latin one)."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    fonts.set(qn("w:eastAsia"), font)


def _landscape(section: Section) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = A4_LONG, A4_SHORT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)


def _page_numbers(section: Section) -> None:
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    _field(footer, "PAGE")
    footer.add_run(" 页，共 ")
    _field(footer, "NUMPAGES")
    footer.add_run(" 页")


def _field(paragraph: Paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays out the pages."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)  # noqa: SLF001 (python-docx has no API for fields)


def _part(doc: DocumentObject, part: Part, date_line: str) -> None:
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(part.title)
    run.bold = True
    run.font.size = Pt(16)
    doc.add_paragraph(date_line)
    blocks = [0, *part.breaks, len(part.rows)]
    for n, (start, end) in enumerate(pairwise(blocks)):
        if n:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _table(doc, part, part.rows[start:end])


def _table(doc: DocumentObject, part: Part, rows: tuple[tuple[Value, ...], ...]) -> None:
    table = doc.add_table(rows=1, cols=len(part.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head = table.rows[0]
    repeat = OxmlElement("w:tblHeader")  # repeat this row at the top of every page
    repeat.set(qn("w:val"), "true")
    head._tr.get_or_add_trPr().append(repeat)  # noqa: SLF001 (nor for a repeated header)
    for cell, text in zip(head.cells, part.header, strict=True):
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, TABLE_SIZE
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    widths = part.widths
    for values in rows:
        cells = table.add_row().cells
        for cell, value, width in zip(cells, values, widths, strict=True):
            cell.paragraphs[0].add_run(str(value)).font.size = TABLE_SIZE
            if width <= NARROW:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    # the page's width shared as the workbook's column widths (grid and cells: Word reads one,
    # LibreOffice the other)
    table.autofit = False
    usable = A4_LONG - 2 * MARGIN
    padded = [w + PADDING for w in widths]
    for column, width in zip(table.columns, padded, strict=True):
        share = int(usable * width / sum(padded))
        column.width = share
        for cell in column.cells:
            cell.width = share
