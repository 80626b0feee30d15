"""Rosters as offices have them, built in code: a valid one-group roster of 3 kindergartens
and the malformed variants of the bad-roster suite (test_bad_rosters.py).

Each `Case` builds one file and says how `kgrota validate` must answer it: an error (exit 2),
a warning (exit 0, the warning shown) or accepted (exit 0, no error), with the text the
message holds and where (sheet, row, column) it points.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import openpyxl

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

Rows = list[list[Any]]
Sheets = dict[str, Rows]

START = 2027  # the plan's first year in every case (validate --start-year)

KG_HEAD = ["园所代码", "园名", "集团", "角色", "性质", "等级", "小班数", "中班数", "大班数"]
T_HEAD = [
    "工号",
    "姓名",
    "编制所在园",
    "任教年级",
    "是否骨干",
    "是否干部",
    "参加工作时间",
    "出生年月",
    "不得跟岗原因",
    "不可交流学年",
]
H_HEAD = ["工号", "类型", "交流园所", "开始时间", "结束时间"]
P_HEAD = ["工号", "类型", "园所", "学年", "学期", "锁定方式"]
C_HEAD = ["类型", "学年", "学期", "开始日期", "结束日期", "说明"]
KGS = (("K01", "东街幼儿园", "总园", "示范"), ("K02", "西街幼儿园", "成员园", "二级"))
KGS += (("K03", "南湖幼儿园", "成员园", "三级"),)
GRADES = ("小班", "中班", "大班")
COLUMN = {name: "ABCDEFGHIJ"[i] for i, name in enumerate(T_HEAD)}  # teacher sheet letters


def check_digit(body: str) -> str:
    """The 18th character of a resident ID number (GB 11643)."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def id_number(birth: dt.date, serial: int) -> str:
    """A valid ID number of someone born on ``birth`` (odd serials are men)."""
    body = f"320106{birth:%Y%m%d}{serial:03d}"
    return body + check_digit(body)


def teachers() -> Rows:
    """Two teachers a grade in each kindergarten (the first a backbone) and a cadre each:
    T01…T21, rows 2…22 of the teachers sheet."""
    rows: Rows = [list(T_HEAD)]
    n = 0
    for kg_id, _name, _role, _tier in KGS:
        for grade in GRADES:
            for i in range(2):
                n += 1
                birth = f"{1970 + n % 12}-0{1 + n % 9}"
                row = [f"T{n:02d}", f"教师{n}", kg_id, grade, "是" if i == 0 else "否", "否"]
                rows.append([*row, f"{2000 + n % 15}-09", birth, None, None])
        n += 1
        rows.append([f"T{n:02d}", f"干部{n}", kg_id, None, "否", "是", "2000-09", "1975-03"])
        rows[-1] += [None, None]
    return rows


def base() -> Sheets:
    """The valid roster every case starts from."""
    return {
        "园所": [list(KG_HEAD)] + [[k, n, "东街集团", r, "公办", t, 1, 1, 1] for k, n, r, t in KGS],
        "教师": teachers(),
        "交流记录": [list(H_HEAD), ["T02", "跟岗学习", "K01", "2024-03-04", "2024-03-15"]],
        "锁定": [list(P_HEAD), ["T08", "跟岗学习", "K01", START, "秋季", "固定"]],
        "校历": [list(C_HEAD), ["学期", START, "秋季", f"{START}-09-01", None, None]],
    }


def write(path: Path, sheets: Sheets, merges: dict[str, list[str]] | None = None) -> Path:
    """The sheets as a workbook (row 1 first), with the merged ranges given per sheet."""
    wb = openpyxl.Workbook()
    wb.remove(wb.worksheets[0])
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        for ref in (merges or {}).get(title, ()):
            ws.merge_cells(ref)
    wb.save(path)
    return path


def xml_forms(text: str) -> tuple[bytes, bytes]:
    """Text as it may sit in a sheet's XML: UTF-8, or character references (openpyxl writes
    those when lxml is installed)."""
    return text.encode(), text.encode("ascii", "xmlcharrefreplace")


def rewrite(path: Path, member: str, old: bytes, new: bytes) -> None:
    """Replace bytes inside one member of a zip (what openpyxl will not write); `old` may
    sit there in either XML form (`xml_forms`)."""
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    data = next(data for i, data in items if i.filename == member)
    if old not in data:
        old = xml_forms(old.decode())[1]
    assert old in data, (member, old)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            z.writestr(info, data.replace(old, new) if info.filename == member else data)


TEACHER_XML = "xl/worksheets/sheet2.xml"  # the second sheet written: 教师


@dataclass(frozen=True)
class Case:
    """One roster of the suite and the answer it must get."""

    name: str
    kind: str  # the class of the list it belongs to (the closing table's rows)
    expect: str  # "error", "warning" or "accepted"
    says: str = ""  # text of the message (error or warning)
    where: tuple[str, ...] = ()  # more text the message's line holds: sheet, row, column
    edit: Callable[[Sheets], object] | None = None
    post: Callable[[Path], object] | None = None  # after writing: raw changes
    raw: bytes | None = None  # the file's bytes instead of a workbook
    merges: dict[str, list[str]] = field(default_factory=dict)
    filename: str = "roster.xlsx"

    def build(self, folder: Path) -> Path:
        path = folder / self.filename
        if self.raw is not None:
            path.write_bytes(self.raw)
            return path
        sheets = base()
        if self.edit is not None:
            self.edit(sheets)
        write(path, sheets, self.merges)
        if self.post is not None:
            self.post(path)
        return path


def cell(sheet: str, row: int, column: int, value: object) -> Callable[[Sheets], object]:
    """An edit setting one cell (row and column from 1, as in Excel)."""

    def edit(sheets: Sheets) -> None:
        rows = sheets[sheet]
        while len(rows) < row:
            rows.append([])
        line = rows[row - 1]
        line.extend([None] * (column - len(line)))
        line[column - 1] = value

    return edit


def teacher(row: int, header: str, value: object) -> Callable[[Sheets], object]:
    return cell("教师", row, T_HEAD.index(header) + 1, value)


def append(sheet: str, *rows: list[Any]) -> Callable[[Sheets], object]:
    return lambda sheets: sheets[sheet].extend(rows)


def rename(old: str, new: str) -> Callable[[Sheets], object]:
    return lambda sheets: sheets.update({new: sheets.pop(old)})


def both(*edits: Callable[[Sheets], object]) -> Callable[[Sheets], object]:
    def edit(sheets: Sheets) -> None:
        for e in edits:
            e(sheets)

    return edit


def pin(*row: object) -> Callable[[Sheets], object]:
    """Replace the pins sheet's row with this one (row 2)."""
    return lambda sheets: sheets.update({"锁定": [list(P_HEAD), list(row)]})


def history(*rows: list[Any]) -> Callable[[Sheets], object]:
    return lambda sheets: sheets.update({"交流记录": [list(H_HEAD), *rows]})


def calendar(*rows: list[Any]) -> Callable[[Sheets], object]:
    return lambda sheets: sheets.update({"校历": [list(C_HEAD), *rows]})


def _zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def keyed_by_id(sheets: Sheets) -> None:
    """No 工号: the 身份证号 column keys teachers, in history and pins too."""
    rows = sheets["教师"]
    ids = {}
    for row in rows[1:]:
        birth = dt.date.fromisoformat(row[7] + "-01")
        ids[row[0]] = row[0] = id_number(birth, int(row[0][1:]))
    rows[0][0] = "身份证号"
    for title in ("交流记录", "锁定"):
        sheets[title][0][0] = "身份证号"
        for row in sheets[title][1:]:
            row[0] = ids[row[0]]


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _bomb(path: Path) -> None:
    """Pad the teachers sheet with 200 MB of spaces between rows: a 200 KB file."""
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            if info.filename != TEACHER_XML:
                z.writestr(info, data)
                continue
            head, tail = data.split(b"</row>", 1)
            with z.open(TEACHER_XML, "w", force_zip64=True) as out:
                out.write(head + b"</row>")
                block = b" " * 2**20
                for _ in range(200):
                    out.write(block)
                out.write(tail)


def _far_cell(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    wb["教师"]["XFD1048576"] = "x"
    wb.save(path)


def _control(text: bytes) -> Callable[[Path], None]:
    return lambda path: rewrite(path, TEACHER_XML, "教师3".encode(), "教师3".encode() + text)


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REAL_ID = id_number(dt.date(1981, 2, 1), 12)


def _wrong_check(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


CASES: tuple[Case, ...] = (
    # ---------------------------------------------------------------- files that are no .xlsx
    Case("csv", "file kind", "error", "a CSV or text file", raw="工号,姓名\nT01,张\n".encode()),
    Case("old_xls", "file kind", "error", "old-format Excel file (.xls)", raw=_OLE + bytes(600)),
    Case(
        "encrypted",
        "file kind",
        "error",
        "password-protected",
        raw=_OLE + "EncryptionInfo".encode("utf-16-le") + bytes(600),
    ),
    Case("html", "file kind", "error", "an HTML page", raw=b"<html><table><tr><td>1</td></tr>"),
    Case("xml_2003", "file kind", "error", "an XML file", raw=b'<?xml version="1.0"?><Workbook/>'),
    Case("empty_file", "file kind", "error", "the file is empty", raw=b""),
    Case("truncated", "file kind", "error", "damaged or incomplete", post=_truncated),
    Case(
        "zip_not_xlsx",
        "file kind",
        "error",
        "a zip archive, not an Excel workbook",
        raw=_zip_of({"readme.txt": b"hello"}),
    ),
    Case(
        "ods",
        "file kind",
        "error",
        "OpenDocument spreadsheet",
        raw=_zip_of(
            {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b""}
        ),
    ),
    Case("docx", "file kind", "error", "a Word document", raw=_zip_of({"word/document.xml": b""})),
    # ---------------------------------------------------------------- bounded reading
    Case("zip_bomb", "bounded reading", "error", "unpacks to more than", post=_bomb),
    Case("far_cell", "bounded reading", "error", "rows × 16384 columns", ("教师",), post=_far_cell),
    # ---------------------------------------------------------------- sheets by content, footers
    Case(
        "teacher_sheet_named_otherwise",
        "layout",
        "warning",
        "read as the teachers 教师 sheet",
        ("教职工花名册",),
        edit=rename("教师", "教职工花名册"),
    ),
    Case(
        "two_teacher_sheets_by_content",
        "layout",
        "error",
        "both have the header row of the teachers 教师 sheet",
        edit=lambda s: s.update({"花名册一": s.pop("教师"), "花名册二": teachers()}),
    ),
    Case(
        "signature_line",
        "layout",
        "warning",
        "footer row skipped",
        ("教师", "row 24"),
        edit=append("教师", [], ["制表人：王芳", None, "审核人：李明", None, "2026年9月1日"]),
    ),
    Case(
        "total_row",
        "layout",
        "warning",
        "footer row skipped",
        ("园所", "row 5"),
        edit=append("园所", ["合计", None, None, None, None, None, 3, 3, 3]),
    ),
    Case(
        "note_after_last_teacher",
        "layout",
        "warning",
        "read as a note and skipped",
        ("教师", "row 23"),
        edit=append("教师", ["以骨干教师名单为准，请勿改动格式"]),
    ),
    Case(
        "date_line_after_table",
        "layout",
        "warning",
        "read as a note and skipped",
        ("教师", "row 24"),
        edit=append("教师", [], [None, None, None, None, None, None, "2026年9月1日"]),
    ),
    Case(
        "title_rows_above_header",
        "layout",
        "accepted",
        edit=lambda s: s.update({"教师": [["2026年教职工花名册"], [], *s["教师"]]}),
    ),
    Case(
        "unknown_sheet",
        "layout",
        "warning",
        "unknown sheet ignored",
        ("统计",),
        edit=lambda s: s.update({"统计": [["合计", 21]]}),
    ),
    Case(
        "missing_teacher_sheet",
        "layout",
        "error",
        "missing sheet teachers 教师",
        edit=lambda s: s.pop("教师"),
    ),
    # ---------------------------------------------------------------- office columns
    Case("id_number_as_key", "office columns", "accepted", edit=lambda s: keyed_by_id(s)),
    Case(
        "id_check_digit",
        "office columns",
        "error",
        "check digit does not match",
        ("教师", "row 3", "身份证号"),
        edit=both(cell("教师", 1, 11, "身份证号"), cell("教师", 3, 11, _wrong_check(_REAL_ID))),
    ),
    Case(
        "id_fifteen_digits",
        "office columns",
        "error",
        "old 15-digit ID number",
        ("row 3", "身份证号"),
        edit=both(cell("教师", 1, 11, "身份证号"), cell("教师", 3, 11, "320106810201123")),
    ),
    Case(
        "id_as_number",
        "office columns",
        "error",
        "stored as a number",
        ("row 3", "身份证号"),
        edit=both(cell("教师", 1, 11, "身份证号"), cell("教师", 3, 11, 3.20106198102011e17)),
    ),
    Case(
        "id_birth_mismatch",
        "office columns",
        "warning",
        "differs from the birth date in the ID number",
        ("row 3", "出生年月"),
        edit=both(cell("教师", 1, 11, "身份证号"), cell("教师", 3, 11, _REAL_ID)),
    ),
    Case(
        "id_same_person_two_keys",
        "duplicates",
        "warning",
        "the same ID number as T02",
        ("row 4",),
        edit=both(
            cell("教师", 1, 11, "身份证号"),
            cell("教师", 3, 11, id_number(dt.date(1982, 3, 1), 5)),
            cell("教师", 4, 11, id_number(dt.date(1982, 3, 1), 5)),
            teacher(3, "出生年月", "1982-03"),
            teacher(4, "出生年月", "1982-03"),
        ),
    ),
    Case(
        "gender_misspelt",
        "messages",
        "error",
        "did you mean 女 female",
        ("row 2", "性别"),
        edit=both(cell("教师", 1, 11, "性别"), cell("教师", 2, 11, "女性的")),
    ),
    Case(
        "on_staff_unknown",
        "office columns",
        "error",
        "is not 在编 or 非在编",
        ("row 2", "是否在编"),
        edit=both(cell("教师", 1, 11, "是否在编"), cell("教师", 2, 11, "借调")),
    ),
    Case(
        "school_entry_before_hire",
        "dates",
        "error",
        "is before the hire date",
        ("row 2", "进本园时间"),
        edit=both(cell("教师", 1, 11, "进本园时间"), cell("教师", 2, 11, "1999-09")),
    ),
    Case(
        "office_columns_read",
        "office columns",
        "accepted",
        edit=both(
            cell("教师", 1, 11, "性别 gender"),
            cell("教师", 1, 12, "进本园时间"),
            cell("教师", 1, 13, "在编"),
            cell("教师", 1, 14, "职称"),
            cell("教师", 2, 11, "女"),
            cell("教师", 2, 12, "2018.09"),
            cell("教师", 2, 13, "编外"),
            cell("教师", 2, 14, "二级教师"),
        ),
    ),
    # ---------------------------------------------------------------- dates
    Case(
        "hire_blank",
        "dates",
        "error",
        "must not be blank",
        ("row 2", "参加工作时间"),
        edit=teacher(2, "参加工作时间", None),
    ),
    Case(
        "birth_blank",
        "dates",
        "error",
        "must not be blank",
        ("row 2", "出生年月"),
        edit=teacher(2, "出生年月", None),
    ),
    Case(
        "hire_future",
        "dates",
        "error",
        "after the plan's first year",
        ("row 2", "参加工作时间"),
        edit=teacher(2, "参加工作时间", "2035-09"),
    ),
    Case(
        "hire_1900",
        "dates",
        "error",
        "before 1950",
        ("row 2", "参加工作时间"),
        edit=teacher(2, "参加工作时间", "1900-09"),
    ),
    Case(
        "birth_1900",
        "dates",
        "error",
        "before 1950",
        ("row 2", "出生年月"),
        edit=teacher(2, "出生年月", "1900-01"),
    ),
    Case(
        "birth_after_hire",
        "dates",
        "error",
        "after being hired",
        ("row 2", "出生年月"),
        edit=teacher(2, "出生年月", "2008-01"),
    ),
    Case(
        "hired_at_sixteen",
        "dates",
        "error",
        "at under 18",
        ("row 2", "参加工作时间"),
        edit=both(teacher(2, "出生年月", "1990-01"), teacher(2, "参加工作时间", "2006-09")),
    ),
    Case(
        "birth_future",
        "dates",
        "error",
        "in the future",
        ("row 2", "出生年月"),
        edit=teacher(2, "出生年月", "2030-01"),
    ),
    Case(
        "date_not_a_date",
        "dates",
        "error",
        "is not a year and month",
        ("row 2", "参加工作时间"),
        edit=teacher(2, "参加工作时间", "去年"),
    ),
    Case("date_yyyymm_number", "dates", "accepted", edit=teacher(2, "参加工作时间", 201909)),
    Case("date_yyyymm_text", "dates", "accepted", edit=teacher(2, "参加工作时间", "201909")),
    Case(
        "date_2019_1_number",
        "dates",
        "warning",
        "read as October",
        ("row 2", "参加工作时间"),
        edit=teacher(2, "参加工作时间", 2019.1),
    ),
    Case(
        "date_2019_1_text",
        "dates",
        "warning",
        "read as October",
        ("row 2", "参加工作时间"),
        edit=teacher(2, "参加工作时间", "2019.1"),
    ),
    # ---------------------------------------------------------------- class counts
    Case(
        "classes_1e20",
        "class counts",
        "error",
        "more than 30",
        ("园所", "row 2", "小班数"),
        edit=cell("园所", 2, 7, 1e20),
    ),
    Case(
        "classes_31",
        "class counts",
        "error",
        "more than 30",
        ("row 3", "中班数"),
        edit=cell("园所", 3, 8, 31),
    ),
    Case(
        "classes_negative",
        "class counts",
        "error",
        "not a whole number",
        ("row 4", "大班数"),
        edit=cell("园所", 4, 9, -1),
    ),
    Case(
        "classes_fraction",
        "class counts",
        "error",
        "not a whole number",
        ("row 2",),
        edit=cell("园所", 2, 7, 1.5),
    ),
    # ---------------------------------------------------------------- history
    Case(
        "history_at_plan_start",
        "history",
        "error",
        "at or after the plan start",
        ("交流记录", "row 2", "开始时间"),
        edit=history(["T02", "跟岗学习", "K01", f"{START}-09-01", None]),
    ),
    Case(
        "history_after_plan_start",
        "history",
        "error",
        "at or after the plan start",
        ("row 2",),
        edit=history(["T02", "轮岗交流", "K02", f"{START + 1}-09-01", None]),
    ),
    Case(
        "history_overlap",
        "history",
        "error",
        "overlaps the record of row 2",
        ("row 3", "开始时间"),
        edit=history(
            ["T01", "轮岗交流", "K02", "2022-09-01", "2023-07-15"],
            ["T01", "跟岗学习", "K01", "2023-03-01", "2023-03-14"],
        ),
    ),
    Case(
        "history_end_before_start",
        "history",
        "error",
        "start <= end",
        ("row 2",),
        edit=history(["T02", "跟岗学习", "K01", "2024-03-04", "2024-02-01"]),
    ),
    Case(
        "history_unknown_teacher",
        "messages",
        "error",
        "did you mean T01",
        ("row 2", "工号"),
        edit=history(["T001", "跟岗学习", "K01", "2024-03-04", None]),
    ),
    # ---------------------------------------------------------------- Excel errors, formulas
    Case(
        "ref_error_in_classes",
        "excel errors",
        "error",
        "Excel error #REF!",
        ("园所", "row 2", "小班数"),
        edit=cell("园所", 2, 7, "#REF!"),
    ),
    Case(
        "na_error_in_required",
        "excel errors",
        "error",
        "Excel error #N/A",
        ("row 2", "编制所在园"),
        edit=teacher(2, "编制所在园", "#N/A"),
    ),
    Case(
        "div0_in_date",
        "excel errors",
        "error",
        "Excel error #DIV/0!",
        ("row 3", "参加工作时间"),
        edit=teacher(3, "参加工作时间", "#DIV/0!"),
    ),
    Case(
        "formula_uncached",
        "excel errors",
        "error",
        "a formula without a saved value",
        ("row 2", "出生年月"),
        edit=teacher(2, "出生年月", "=DATE(1990,5,1)"),
    ),
    Case(
        "formula_in_classes",
        "excel errors",
        "error",
        "a formula without a saved value",
        ("园所", "row 3", "中班数"),
        edit=cell("园所", 3, 8, "=1+1"),
    ),
    # ---------------------------------------------------------------- pins
    Case(
        "pin_unavailable_year",
        "pins",
        "error",
        "not available in 2027",
        ("锁定", "row 2", "学年"),
        edit=both(
            teacher(9, "不可交流学年", "2027"), pin("T08", "跟岗学习", "K01", START, "秋季", "固定")
        ),
    ),
    Case(
        "pin_outside_horizon",
        "pins",
        "error",
        "outside the plan",
        ("row 2", "学年"),
        edit=pin("T08", "跟岗学习", "K01", 2035, "秋季", "固定"),
    ),
    Case(
        "pin_forbidden_outside_horizon",
        "pins",
        "warning",
        "the pin has no effect",
        ("row 2", "学年"),
        edit=pin("T08", "跟岗学习", "K01", 2020, None, "禁止"),
    ),
    Case(
        "pin_vetoed_shadowing",
        "pins",
        "error",
        "vetoed from shadowing",
        ("row 2", "工号"),
        edit=both(
            teacher(9, "不得跟岗原因", "有偿补课"),
            pin("T08", "跟岗学习", "K01", START, None, "固定"),
        ),
    ),
    Case(
        "pin_own_kindergarten",
        "pins",
        "error",
        "the teacher's own kindergarten",
        ("row 2", "园所"),
        edit=pin("T10", "轮岗交流", "K02", START, None, "固定"),
    ),
    Case(
        "pin_rotation_non_backbone",
        "pins",
        "warning",
        "rotation is for backbone teachers",
        ("row 2",),
        edit=pin("T09", "轮岗交流", "K01", START, None, "固定"),
    ),
    Case(
        "pin_lead_teacher_shadowing",
        "pins",
        "error",
        "the lead's own staff do not shadow",
        ("row 2",),
        edit=pin("T01", "跟岗学习", None, START, None, "固定"),
    ),
    Case(
        "pin_induction_not_new",
        "pins",
        "error",
        "not a new teacher in 2027",
        ("row 2", "学年"),
        edit=pin("T08", "新教师跟岗", "K01", START, None, "固定"),
    ),
    Case(
        "pin_guidance_by_member",
        "pins",
        "error",
        "guidance is given by the lead's staff",
        ("row 2",),
        edit=pin("T08", "蹲点指导", "K03", START, "秋季", "固定"),
    ),
    Case(
        "pin_cadre_rotation",
        "pins",
        "error",
        "a rotation needs the teacher's grade",
        ("row 2",),
        edit=pin("T07", "轮岗交流", "K02", START, None, "固定"),
    ),
    Case(
        "pin_mode_misspelt",
        "pins",
        "error",
        "is not 固定 fixed or 禁止 forbidden",
        ("row 2", "锁定方式"),
        edit=pin("T08", "跟岗学习", "K01", START, None, "锁死"),
    ),
    # ---------------------------------------------------------------- duplicates
    Case(
        "same_name_and_birth",
        "duplicates",
        "warning",
        "the same name and birth date as T02",
        ("row 4",),
        edit=both(
            teacher(3, "姓名", "李娜"),
            teacher(4, "姓名", "李娜"),
            teacher(4, "出生年月", "1982-03"),
            teacher(3, "出生年月", "1982-03"),
        ),
    ),
    Case(
        "duplicate_teacher_id",
        "duplicates",
        "error",
        "duplicate 'T02'",
        ("row 4", "工号"),
        edit=teacher(4, "工号", "T02"),
    ),
    Case(
        "duplicate_kg_id",
        "duplicates",
        "error",
        "duplicate 'K02'",
        ("园所", "row 4"),
        edit=cell("园所", 4, 1, "K02"),
    ),
    # ---------------------------------------------------------------- messages that fix things
    Case(
        "header_misspelt",
        "messages",
        "error",
        "did you mean 出身年月 (column H)",
        ("missing column 出生年月",),
        edit=teacher(1, "出生年月", "出身年月"),
    ),
    Case(
        "header_misspelt_optional",
        "messages",
        "warning",
        "did you mean 进本园时间",
        ("column 进本园日期 (K)",),
        edit=cell("教师", 1, 11, "进本园日期"),
    ),
    Case(
        "kg_short_name",
        "messages",
        "error",
        "did you mean 东街幼儿园 (K01)",
        ("row 2", "编制所在园"),
        edit=teacher(2, "编制所在园", "东街"),
    ),
    Case(
        "grade_misspelt",
        "messages",
        "error",
        "did you mean 中班 middle",
        ("row 4", "任教年级"),
        edit=teacher(4, "任教年级", "中斑"),
    ),
    Case(
        "kg_name_as_reference", "messages", "accepted", edit=teacher(2, "编制所在园", "东街幼儿园")
    ),
    Case(
        "full_width_code",
        "messages",
        "warning",
        "full-width characters",
        ("row 2", "编制所在园"),
        edit=teacher(2, "编制所在园", "Ｋ０１"),
    ),
    Case(
        "leading_zeros_lost",
        "messages",
        "warning",
        "Excel drops leading zeros",
        ("row 16", "编制所在园"),
        edit=both(
            cell("园所", 4, 1, "003"),
            *(teacher(r, "编制所在园", 3 if r == 16 else "003") for r in range(16, 23)),
        ),
    ),
    Case(
        "merged_header",
        "messages",
        "error",
        "merged cells G1:H1",
        ("教师",),
        merges={"教师": ["G1:H1"]},
    ),
    Case(
        "merged_home_cells",
        "messages",
        "warning",
        "merged cells C2:C8",
        ("column 编制所在园 (C)",),
        merges={"教师": ["C2:C8"]},
    ),
    Case(
        "merged_across_columns",
        "messages",
        "error",
        "inside merged cells F2:G2",
        ("row 2", "参加工作时间"),
        merges={"教师": ["F2:G2"]},
    ),
    Case(
        "markup_in_cell",
        "messages",
        "error",
        "[bold]东街[/bold]",
        ("row 2",),
        edit=teacher(2, "编制所在园", "[bold]东街[/bold]"),
    ),
    Case(
        "brackets_in_file_name",
        "messages",
        "error",
        "花名册[final].xlsx",
        edit=teacher(2, "编制所在园", "北街"),
        filename="花名册[final].xlsx",
    ),
    Case(
        "line_break_from_word",
        "control characters",
        "warning",
        "control characters removed",
        ("row 4", "姓名"),
        post=_control(b"_x000B_"),
    ),
    Case(
        "escape_sequence",
        "control characters",
        "warning",
        "control characters removed",
        ("row 4", "姓名"),
        post=_control(b"\x1b[2J\x1b[31m"),
    ),
    # ---------------------------------------------------------------- the 校历 sheet
    Case(
        "calendar_end_before_start",
        "calendar",
        "error",
        "is before the start",
        ("校历", "row 2", "结束日期"),
        edit=calendar(["学期", START, "秋季", f"{START}-09-01", f"{START}-08-20", None]),
    ),
    Case(
        "calendar_outside_year",
        "calendar",
        "error",
        "outside the 2027 academic year",
        ("row 2", "开始日期"),
        edit=calendar(["学期", START, "春季", f"{START + 2}-02-20", None, None]),
    ),
    Case(
        "calendar_semester_twice",
        "calendar",
        "error",
        "is given twice",
        ("row 3", "学期"),
        edit=calendar(
            ["学期", START, "秋季", f"{START}-09-01", None, None],
            ["学期", START, "秋季", f"{START}-09-08", None, None],
        ),
    ),
    Case(
        "calendar_bad_type",
        "calendar",
        "error",
        "is not 学期 semester or 停排 blackout",
        ("row 2", "类型"),
        edit=calendar(["放假", START, "秋季", f"{START}-09-01", None, None]),
    ),
    Case(
        "calendar_blackout_without_end",
        "calendar",
        "error",
        "must not be blank",
        ("row 2", "结束日期"),
        edit=calendar(["停排", None, None, f"{START}-11-02", None, "运动会"]),
    ),
    Case(
        "calendar_read",
        "calendar",
        "accepted",
        edit=calendar(
            ["学期", START, "秋季", f"{START}-09-01", f"{START + 1}-01-20", None],
            ["停排", None, None, f"{START}-11-02", f"{START}-11-06", "运动会"],
        ),
    ),
)
