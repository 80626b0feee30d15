"""The 公示 notice: one school year of a plan as the lists the office posts, Chinese only.

One list per activity (轮岗交流, 新教师跟岗, 跟岗学习, 蹲点指导, 置换交流) with the columns
序号, 姓名, 性别, 原单位, 交流单位, 交流形式, 年级/岗位, 起止时间, sorted by home kindergarten
(roster order) and then by 姓氏笔画 or pinyin; then, per kindergarten, who leaves and who
arrives for the year (调出 / 调入; year-long placements only, each kindergarten on a page of
its own so each can post its part). Written as a print-ready workbook (A4 landscape, one page
wide, header row on every page, page numbers) and, on request, as a Word document
(notice_docx.py). A public notice carries no 工号 and never the 身份证号.

The notice is a Chinese public document whatever ``--lang`` says, so its fixed words are
written here in Chinese; activity, grade and date words come from words.py in Chinese.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from ..model import Activity, Assignment, Instance, Roster, Schedule, Teacher, load_profile
from ..model.calendar import statutory
from ..model.i18n import _, speaking
from .atomic import write_atomic
from .cells import literal
from .collate import pinyin_key, stroke_key
from .page import column_widths, print_setup
from .words import day, months, span, word, year_label

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

ORDERS = ("strokes", "pinyin")
POSTING_DAYS = 5  # 公示期: five working days, the usual minimum for personnel notices
HEADER_ROW = 3  # title, date line, then the column header

Value = str | int


@dataclass(frozen=True)
class NoticeJob:
    """What to post: which plan, which school year (None: its first), in which name order."""

    plan: Schedule
    year: int | None
    order: str
    today: dt.date

    def __post_init__(self) -> None:
        if self.order not in ORDERS:
            raise ValueError(_("order must be one of {orders}").format(orders=", ".join(ORDERS)))


@dataclass(frozen=True)
class Part:
    """One list: a sheet of the workbook, a section of the Word document.

    ``breaks`` are the indexes of rows that start a new page (a kindergarten of its own).
    """

    name: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]
    breaks: tuple[int, ...] = ()

    @property
    def widths(self) -> list[int]:
        """Column widths (Excel units) that show each value on one line."""
        return column_widths(self.header, self.rows, MAX_WIDTH)


@dataclass(frozen=True)
class Notice:
    date_line: str
    parts: tuple[Part, ...]


LIST_HEADER = ("序号", "姓名", "性别", "原单位", "交流单位", "交流形式", "年级/岗位", "起止时间")
MOVES_HEADER = (
    "序号",
    "园所",
    "类别",
    "姓名",
    "性别",
    "对方单位",
    "交流形式",
    "年级/岗位",
    "起止时间",
)
MAX_WIDTH = 40
OUT, IN = "调出", "调入"


def _working(day: dt.date) -> bool:
    """A working day: Monday to Friday and no statutory day off."""
    return day.weekday() < 5 and day not in statutory(day.year)


def posting_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The 公示期: `POSTING_DAYS` working days from the first working day after ``today``."""
    days: list[dt.date] = []
    day = today
    while len(days) < POSTING_DAYS:
        day += dt.timedelta(days=1)
        if _working(day):
            days.append(day)
    return days[0], days[-1]


class _Lists:
    """The notice's lists of one year, from the roster and the plan."""

    def __init__(self, roster: Roster, job: NoticeJob) -> None:
        plan = job.plan
        self.profile = load_profile(plan.profile)
        self.instance = Instance.create(roster, self.profile, plan.start_year, plan.years)
        self.year = plan.start_year if job.year is None else job.year
        last = plan.start_year + plan.years - 1
        if not plan.start_year <= self.year <= last:
            message = _("{year} is not a school year of the plan ({first}–{last})")
            raise ValueError(message.format(year=self.year, first=plan.start_year, last=last))
        self.placements = [a for a in plan.assignments if a.year == self.year]
        missing = sorted({a.teacher_id for a in self.placements} - set(self.instance.teacher))
        if missing:
            message = _("the plan names teachers the roster does not have: {ids}")
            raise ValueError(message.format(ids=", ".join(missing)))
        if not self.placements:
            message = _("the plan has no exchange in the school year {year}: nothing to post")
            raise ValueError(message.format(year=year_label(self.year)))
        self.rank = {k.kg_id: i for i, k in enumerate(roster.kindergartens)}
        self.name_key: Callable[[str], object] = (
            stroke_key if job.order == "strokes" else pinyin_key
        )

    def teacher(self, a: Assignment) -> Teacher:
        return self.instance.teacher[a.teacher_id]

    def kg_name(self, kg_id: str) -> str:
        kg = self.instance.kg.get(kg_id)
        return kg.name if kg else kg_id

    def dates(self, a: Assignment) -> str:
        if a.semester is None or a.slot is None:
            return months(*self.instance.horizon.year_dates(a.year))
        return span(*self.instance.horizon.slot_dates(a.year, a.semester, a.slot))

    def form(self, a: Assignment) -> str:
        """交流形式: the activity, with the mentor, partner or guidance item."""
        activity = word(a.activity, self.profile)
        partner = self.instance.teacher.get(a.partner) if a.partner else None
        if a.items:
            return f"{activity}（{'、'.join(a.items)}）"
        if partner is not None:
            who = "导师" if a.activity is Activity.INDUCTION else "对象"
            return f"{activity}（{who}：{partner.name}）"
        return activity

    @staticmethod
    def post(t: Teacher) -> str:
        """年级/岗位: the grade taught, or 管理人员 for a cadre."""
        if t.cadre or t.grade is None:
            return "管理人员"
        return word(t.grade)

    def order(self, a: Assignment, kg_id: str) -> tuple[object, ...]:
        t = self.teacher(a)
        sem = a.semester.order if a.semester else -1
        return (self.rank.get(kg_id, len(self.rank)), self.name_key(t.name), sem, a.slot or 0)

    def activity_part(self, activity: Activity) -> Part | None:
        mine = [a for a in self.placements if a.activity is activity]
        if not mine:
            return None
        mine.sort(key=lambda a: self.order(a, self.teacher(a).home_kg))
        rows = []
        for number, a in enumerate(mine, start=1):
            t = self.teacher(a)
            rows.append(
                (
                    number,
                    t.name,
                    word(t.gender) if t.gender else "",
                    self.kg_name(t.home_kg),
                    self.kg_name(a.host_kg),
                    self.form(a),
                    self.post(t),
                    self.dates(a),
                )
            )
        name = word(activity, self.profile)
        title = f"{year_label(self.year)}{name}人员公示名单"
        return Part(name, title, LIST_HEADER, tuple(rows))

    def moves_part(self) -> Part | None:
        """Per kindergarten, year-long placements out and in, each kindergarten a page."""
        moves: dict[str, list[tuple[str, Assignment]]] = {}
        for a in self.placements:
            if a.activity.year_long:
                moves.setdefault(self.teacher(a).home_kg, []).append((OUT, a))
                moves.setdefault(a.host_kg, []).append((IN, a))
        if not moves:
            return None
        rows: list[tuple[Value, ...]] = []
        breaks = []
        for kg_id in sorted(moves, key=lambda k: self.rank.get(k, len(self.rank))):
            if rows:
                breaks.append(len(rows))
            listed = sorted(moves[kg_id], key=lambda m: (m[0] != OUT, self.order(m[1], kg_id)))
            for number, (kind, a) in enumerate(listed, start=1):
                t = self.teacher(a)
                other = a.host_kg if kind == OUT else t.home_kg
                rows.append(
                    (
                        number,
                        self.kg_name(kg_id),
                        kind,
                        t.name,
                        word(t.gender) if t.gender else "",
                        self.kg_name(other),
                        self.form(a),
                        self.post(t),
                        self.dates(a),
                    )
                )
        title = f"{year_label(self.year)}各园教师调出、调入公示名单"
        return Part("各园调出调入", title, MOVES_HEADER, tuple(rows), tuple(breaks))


def build_notice(roster: Roster, job: NoticeJob) -> Notice:
    """The notice's lists (Chinese, whatever the language of the run)."""
    lists = _Lists(roster, job)  # checks the request: its messages in the run's language
    with speaking("zh"):
        parts = [lists.activity_part(act) for act in Activity]
        parts.append(lists.moves_part())
        first, last = posting_period(job.today)
        date_line = (
            f"发布日期：{day(job.today)}　　公示期：{span(first, last)}（{POSTING_DAYS}个工作日）。"
            "如有异议，请在公示期内向教育局人事科反映。"
        )
    return Notice(date_line, tuple(p for p in parts if p is not None))


def write_notice(roster: Roster, job: NoticeJob, path: Path, *, docx: bool = False) -> list[Path]:
    """Write the notice workbook at ``path`` (and the Word notice beside it); return the paths."""
    notice = build_notice(roster, job)
    written = [write_atomic(path, lambda tmp: _write_xlsx(tmp, notice))]
    if docx:
        from .notice_docx import write_docx  # python-docx loads only when asked for

        target = path.with_suffix(".docx")
        written.append(write_atomic(target, lambda tmp: write_docx(tmp, notice)))
    return written


_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAPPED = Alignment(vertical="center", wrap_text=True)
NARROW = 8  # columns this wide or less (序号, 性别, 类别) are centred


def _write_xlsx(target: Path, notice: Notice) -> None:
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    for part in notice.parts:
        ws = wb.create_sheet(part.name)
        width = len(part.header)
        last = get_column_letter(width)
        ws.append([part.title])
        ws.merge_cells(f"A1:{last}1")
        ws["A1"].font = Font(bold=True, size=16)
        ws["A1"].alignment = _CENTRED
        ws.row_dimensions[1].height = 32
        ws.append([notice.date_line])
        ws.merge_cells(f"A2:{last}2")
        ws["A2"].alignment = _WRAPPED
        ws.row_dimensions[2].height = 30
        ws.append(list(part.header))
        for cell in ws[HEADER_ROW]:
            cell.font = Font(bold=True)
            cell.alignment = _CENTRED
            cell.border = _BOX
            cell.fill = PatternFill("solid", fgColor="D9D9D9")
        widths = part.widths
        for row in part.rows:
            ws.append([literal(ws, v) for v in row])
            for cell, w in zip(ws[ws.max_row], widths, strict=True):
                cell.border = _BOX
                cell.alignment = _CENTRED if w <= NARROW else _WRAPPED
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        for index in part.breaks:
            ws.row_breaks.append(Break(id=HEADER_ROW + index))  # break after the row above
        ws.freeze_panes = f"A{HEADER_ROW + 1}"
        with speaking("zh"):  # the footer's page numbers, in Chinese as the rest
            print_setup(ws, header_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    wb.save(target)
