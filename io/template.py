"""The roster workbook's sheets as written: the empty template and, via `write_workbook`, rosters.

Both the template and `write_roster` go through `write_workbook`, so a written roster has the
same title rows, bilingual headers, drop-downs and formats as the template a user fills in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .atomic import write_atomic
from .cells import literal
from .headers import NOTES_TITLE, SHEETS, Sheet

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from pathlib import Path

    from openpyxl.worksheet.worksheet import Worksheet

TITLE_ROWS = 1  # one title row above the header row
_MAX_ROW = 1_048_576  # Excel's last row: drop-downs and text format cover the whole column
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_OPTIONAL_FILL = PatternFill("solid", fgColor="F2F2F2")

_NOTES = (
    "填表说明 How to fill in this workbook",
    "日期：2021-09、2021.09、2021/9、2021年9月、202109、2021-09-01 或 Excel 日期均可，"
    "文本或数字读法相同；Excel 会把 2021.10 存成 2021.1，故 2021.1（文本或数字）读作 10 月并提示，"
    "1 月请写 2021-01。"
    " Dates: 2021-09, 2021.09, 2021/9, 2021年9月, 202109, 2021-09-01 or an Excel date, read "
    "the same as text or as a number; Excel stores 2021.10 as 2021.1, so 2021.1 (text or "
    "number) is read as October, with a warning: write January as 2021-01.",
    "必填日期（参加工作时间、出生年月）不可空；出生年月可由身份证号得出。"
    " Required dates (hire, birth) must be given; the birth date may come from the ID number.",
    "没有工号时以身份证号识别教师（校验位检查）；排程输出中以 ID- 开头的代号代替，身份证号不写入任何输出。"
    " Without 工号 the ID number keys a teacher (check digit checked); outputs show a derived "
    "key starting ID- instead: the ID number is never written to any output.",
    "工号、园所代码为文本，前导零保留（代码列已设为文本格式）。"
    " IDs are text and keep leading zeros (id columns are formatted as text).",
    "引用园所时可填园所代码或园名。 Kindergarten references take the kg_id or the name.",
    "是/否列可填 是/否、Y/N、1/0；空白 = 否。 Yes/no columns: 是/否, Y/N, 1/0; blank = no.",
    "表头可为中文、英文或“中文 english”，可在标题行之下；多余的列会被忽略。"
    " Headers may be Chinese, English or both, below title rows; extra columns are ignored.",
    "灰色表头的列可省略。 Columns with a grey header are optional.",
    "工作表名称可不同：表头相符即可识别；表格下方的制表人、日期、合计、备注等行会被跳过并提示。"
    " Sheets may have other names when their header row matches; signature, date, total and "
    "note rows under a table are skipped with a warning.",
    "校历：类型为“学期”的行给出学年、学期与起止日期（结束可空）；“停排”行给出不安排外出的日期段和原因。"
    " Calendar: 学期 rows give the year, semester and first/last day (last may be blank); "
    "停排 rows give dates when nobody is sent out, with the reason.",
)


def _header_cells(ws: Worksheet, sheet: Sheet) -> list[Cell]:
    cells = []
    for column in sheet.columns:
        cell = WriteOnlyCell(ws, column.header)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL if column.required else _OPTIONAL_FILL
        cell.alignment = Alignment(horizontal="center")
        cells.append(cell)
    return cells


def _write_sheet(book: Workbook, sheet: Sheet, rows: Iterable[Sequence[object]]) -> None:
    ws = book.create_sheet(sheet.title)
    first = TITLE_ROWS + 2  # first data row
    for index, column in enumerate(sheet.columns, 1):
        letter = get_column_letter(index)
        dimension = ws.column_dimensions[letter]
        dimension.width = max(column.width, len(column.header) + 4)
        if column.text:
            dimension.number_format = "@"  # so Excel keeps the leading zeros of typed ids
        if column.choices:
            # A warning, not a stop: English values such as "lead" are accepted on reading.
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(column.choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                error="请从下拉列表选择 choose from the list: " + "/".join(column.choices),
            )
            validation.add(f"{letter}{first}:{letter}{_MAX_ROW}")
            ws.data_validations.append(validation)
    ws.freeze_panes = f"A{first}"
    title = WriteOnlyCell(ws, sheet.note)
    title.font = Font(bold=True, size=12)
    ws.append([title])
    ws.append(_header_cells(ws, sheet))
    for row in rows:
        ws.append([literal(ws, v) for v in row])


def _write_notes(book: Workbook) -> None:
    ws = book.create_sheet(NOTES_TITLE)
    for letter, width in zip("ABCDE", (18, 24, 10, 50, 24), strict=True):
        ws.column_dimensions[letter].width = width
    for line in _NOTES:
        ws.append([literal(ws, line)])
    ws.append([])
    header = []
    for text in ("工作表 sheet", "列 column", "必填 required", "说明 notes", "示例 example"):
        cell = WriteOnlyCell(ws, text)
        cell.font = _BOLD
        header.append(cell)
    ws.append(header)
    for sheet in SHEETS:
        for column in sheet.columns:
            required = "是" if column.required else "否"
            row = (sheet.title, column.header, required, column.note, column.example)
            ws.append([literal(ws, v) for v in row])


def write_workbook(
    path: str | Path, rows: Mapping[str, Iterable[Sequence[object]]], *, notes: bool = False
) -> Path:
    """Write all roster sheets atomically; rows per sheet key, in header-table column order."""

    def write(tmp: Path) -> None:
        # A normal (not write-only) workbook: it stores shared strings and the sheet size,
        # which makes reading a big roster back about a third faster.
        book = Workbook()
        book.remove(book.worksheets[0])
        for sheet in SHEETS:
            _write_sheet(book, sheet, rows.get(sheet.key, ()))
        if notes:
            _write_notes(book)
        book.save(tmp)

    return write_atomic(path, write)


def write_template(path: str | Path) -> Path:
    """Write the empty roster workbook: six sheets with headers and drop-downs, plus notes."""
    return write_workbook(path, {}, notes=True)
