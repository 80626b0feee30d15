"""Write the schedule workbook or JSON (SPEC §5) and read a schedule back, also one typed by hand.

Writing is atomic (temp file + rename), so a failed write leaves any earlier file as it was.
Reading collects every bad cell into one `InputError` and never modifies the file. `read_plan`
also keeps where each assignment sits (sheet and row) and the dates its row shows, so that
verification can name the row an office would edit (io/plan_check.py). A JSON plan is read
from what a reader sees, its ``assignments`` table; when the machine-readable ``schedule``
block disagrees with it, the file is refused, naming the rows that differ.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..model import Assignment, Instance, Report, Schedule
from ..model.i18n import _
from ..model.rules.plan import desc
from . import cells, sheets
from .atomic import write_atomic
from .cells import literal
from .errors import InputError
from .headers import Sheet, normalize
from .page import column_widths, print_setup
from .schedule_tables import (
    ASSIGNMENT_COLUMNS,
    ASSIGNMENTS,
    CREATED,
    PROFILE,
    SOLVER,
    SOLVER_COLUMNS,
    START_YEAR,
    SUMMARY,
    YEARS,
    Cell,
    Row,
    Table,
    build_tables,
    zh_title,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from openpyxl.worksheet.worksheet import Worksheet

    from .headers import Column
    from .sheets import Grid

FORMATS = ("xlsx", "json")
MAX_WIDTH = 60
_COL = {c.key: c for c in ASSIGNMENT_COLUMNS}
REQUIRED = ("teacher_id", "activity", "host_kg", "year")
# An assignment's fields, as the JSON "schedule" block keys them.
MACHINE_KEYS = (
    "teacher_id",
    "activity",
    "host_kg",
    "year",
    "semester",
    "slot",
    "partner",
    "guidance_item",
)
# What read_schedule takes from the assignments sheet: the fields, and the dates it shows.
ASSIGNMENT_SHEET = Sheet(
    ASSIGNMENTS[0],
    zh_title(ASSIGNMENTS),
    tuple(
        _COL[k].column(required=k in REQUIRED) for k in (*MACHINE_KEYS, "start_date", "end_date")
    ),
    required=True,
    note="",
)
READ_COLUMNS = ASSIGNMENT_SHEET.columns
MACHINE_BLOCK = "schedule"
MISMATCH_SHOWN = 20  # rows named when the visible table and the machine block disagree
# The solver sheet's key/item/value rows carry the plan's profile, years and date; files
# written before the plain summary (issue 12) carry them in the summary sheet.
_META_COLUMNS = tuple(c.column(required=c.key == "value") for c in SOLVER_COLUMNS[:3])
META_SHEETS = (
    Sheet(SOLVER[0], zh_title(SOLVER), _META_COLUMNS, required=False, note=""),
    Sheet(SUMMARY[0], zh_title(SUMMARY), _META_COLUMNS, required=False, note=""),
)
SUMMARY_ITEMS = tuple(f.column() for f in (PROFILE, START_YEAR, YEARS, CREATED))
_SUMMARY_PARSERS: dict[str, Callable[[object], object]] = {
    PROFILE.key: cells.text,
    START_YEAR.key: cells.year,
    YEARS.key: cells.year_count,
    CREATED.key: cells.timestamp,
}


# ---------------------------------------------------------------- writing


def write_schedule(
    path: str | Path,
    schedule: Schedule,
    instance: Instance,
    report: Report,
    fmt: str = "xlsx",
    extra: tuple[Sequence[Table], Sequence[Row]] = ((), ()),
) -> Path:
    """Write the sheets of SPEC §5 as an xlsx workbook or as JSON; return the path.

    `extra`: sheets after the assignments and lines ending the summary (a re-plan's changes,
    io/replan.py).
    """
    if fmt not in FORMATS:
        message = _("format must be one of {formats}, not {fmt!r}")
        raise ValueError(message.format(formats=", ".join(FORMATS), fmt=fmt))
    if schedule.created is None:
        schedule = dataclasses.replace(schedule, created=dt.datetime.now().astimezone())
    tables = build_tables(schedule, instance, report, *extra)
    if fmt == "json":
        text = json.dumps(_json_document(schedule, tables), ensure_ascii=False, indent=2) + "\n"

        def write_json(tmp: Path) -> None:
            tmp.write_text(text, encoding="utf-8")

        return write_atomic(path, write_json)
    return write_atomic(path, lambda tmp: _write_xlsx(tmp, tables))


def write_tables(path: str | Path, tables: Sequence[Table]) -> Path:
    """Write tables as the sheets of one workbook, as the plan's are written (atomically)."""
    return write_atomic(path, lambda tmp: _write_xlsx(tmp, tables))


def _json_value(value: Cell) -> str | int | float | None:
    return value.isoformat() if isinstance(value, dt.date) else value


def _json_document(schedule: Schedule, tables: Sequence[Table]) -> dict[str, Any]:
    """Sheet key → rows keyed by English column keys, plus the machine-readable ``schedule``."""
    doc: dict[str, Any] = {
        t.key: [
            {c.key: _json_value(v) for c, v in zip(t.columns, row, strict=True)} for row in t.rows
        ]
        for t in tables
    }
    doc[MACHINE_BLOCK] = {
        PROFILE.key: schedule.profile,
        START_YEAR.key: schedule.start_year,
        YEARS.key: schedule.years,
        CREATED.key: schedule.created.isoformat(timespec="seconds") if schedule.created else None,
        ASSIGNMENTS[0]: [_machine_row(a) for a in schedule.assignments],
    }
    return doc


def _machine_row(a: Assignment) -> dict[str, str | int | None]:
    """An assignment as raw values under the read columns' keys (exact round trip)."""
    semester = a.semester.value if a.semester else None
    values = (
        a.teacher_id,
        a.activity.value,
        a.host_kg,
        a.year,
        semester,
        a.slot,
        a.partner,
        "、".join(a.items) or None,
    )
    return dict(zip(MACHINE_KEYS, values, strict=True))


def _write_xlsx(target: Path, tables: Sequence[Table]) -> None:
    # write_only streams rows: tens of thousands of teachers stay fast and small in memory.
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in tables:
        ws = wb.create_sheet(table.title)
        ws.freeze_panes = f"{get_column_letter(table.frozen + 1)}2"
        print_setup(cast("Worksheet", ws), header_rows="1:1")
        widths = column_widths([c.heading for c in table.columns], table.rows, MAX_WIDTH)
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
        ws.auto_filter.ref = ref
        # openpyxl writes <dimension> only when the sheet can name its extent; without it a
        # read-only reader (openpyxl, pandas) scans each whole sheet just to size it.
        setattr(ws, "calculate_dimension", lambda ref=ref: ref)
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(ws, column.heading)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in table.rows:
            ws.append([literal(ws, v) for v in row])
    wb.save(target)


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class PlanRow:
    """Where one assignment sits in its file, and the dates its row shows (None: blank)."""

    sheet: str
    row: int
    assignment: Assignment
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class PlanFile:
    """A schedule as read from a file, with each assignment's sheet and row and the columns
    as the file names them (key → ``F 交流园所``, for messages)."""

    file: str
    schedule: Schedule
    rows: tuple[PlanRow, ...]
    columns: Mapping[str, str]


def read_schedule(path: str | Path) -> Schedule:
    """Read a schedule written by `write_schedule` (xlsx or JSON) or typed by the office.

    Only the assignments sheet is needed; without a summary the profile is ``default`` and
    the years span the assignments. Raises `InputError` listing every bad cell.
    """
    return read_plan(path).schedule


def read_plan(path: str | Path) -> PlanFile:
    """`read_schedule`, keeping each assignment's sheet, row and dates."""
    source = Path(path)
    problems = sheets.Problems(str(source))
    if source.suffix.lower() != ".json":
        return _read_xlsx(problems, source)
    if not sheets.readable(problems, source):
        raise InputError(problems.errors)
    return _read_json(problems, source)


def _named(titles: Sequence[str], sheet: Sheet) -> str | None:
    """The sheet named as ``sheet`` in either language, both, or an alias."""
    return next((title for title in titles if normalize(title) in sheet.names), None)


def _complete(sheet: Sheet, grid: Grid) -> bool:
    """Whether one of the first rows names every required column of ``sheet``."""
    header = sheets.find_header(sheet, grid)
    return header is not None and header.complete


def _missing_header() -> str:
    need = ", ".join(c.header for c in READ_COLUMNS if c.required)
    message = _("no header row with the columns {columns} in the first {n} rows")
    return message.format(columns=need, n=sheets.HEADER_SCAN_ROWS)


def _find(book: sheets.Workbook, sheet: Sheet, titles: Sequence[str]) -> tuple[str, Grid] | None:
    """The first of ``titles`` whose sheet holds the table ``sheet``, with its cells."""
    for title in titles:
        grid = book.rows(title)
        if grid is not None and _complete(sheet, grid):
            return title, grid
    return None


def _read_xlsx(problems: sheets.Problems, source: Path) -> PlanFile:
    book = sheets.open_workbook(problems, source)
    if book is None:
        raise InputError(problems.errors)
    with book:
        named = _named(book.titles, ASSIGNMENT_SHEET)
        # An office sheet left as "Sheet1" is found by its header instead of its name.
        found = _find(book, ASSIGNMENT_SHEET, [named] if named else book.titles)
        if found is None:
            if named:
                raise problems.fatal(_missing_header(), named)
            message = _("no sheet {name!r} with an assignments table (sheets: {names})")
            name = _(ASSIGNMENTS[1])
            raise problems.fatal(message.format(name=name, names=", ".join(book.titles)))
        meta = [title for sheet in META_SHEETS if (title := _named(book.titles, sheet))]
        summary = _find(book, META_SHEETS[0], meta)
    return _schedule(problems, found, summary, label=sheets.letter_header, first=1)


def _read_json(problems: sheets.Problems, source: Path) -> PlanFile:
    try:
        doc = json.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise problems.fatal(_("cannot read the file: {error}").format(error=exc)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise problems.fatal(_("not valid UTF-8 JSON: {error}").format(error=exc)) from None
    if not isinstance(doc, dict):
        raise problems.fatal(_("expected a JSON object with an 'assignments' list"))
    meta = doc.get(MACHINE_BLOCK)
    key = ASSIGNMENTS[0]
    block = f"{MACHINE_BLOCK}.{key}"
    machine = meta.get(key) if isinstance(meta, dict) else None
    if key not in doc and machine is None:
        raise problems.fatal(_("no 'assignments' list of JSON objects"))
    if isinstance(meta, dict) and machine is not None:
        # The block's exact values for profile, years and created; same keys as the summary.
        summary = [{"key": k, "value": v} for k, v in meta.items() if k != key]
        summary_sheet = MACHINE_BLOCK
    else:
        summary_sheet = SOLVER[0] if SOLVER[0] in doc else SUMMARY[0]
        summary = _objects(doc.get(summary_sheet)) or []
    summary_grid = _dict_grid(summary)
    summary_table = (
        (summary_sheet, summary_grid) if _complete(META_SHEETS[0], summary_grid) else None
    )
    # What a reader sees is what is verified: the visible table when there is one.
    sheet, items = (key, doc[key]) if key in doc else (block, machine)
    plan = _json_table(problems, sheet, items, summary_table)
    if key in doc and machine is not None:
        shadow = _json_table(problems, block, machine, summary_table)
        _agree(problems, plan, shadow)
    return plan


def _json_table(
    problems: sheets.Problems,
    sheet: str,
    value: object,
    summary: tuple[str, Grid] | None,
) -> PlanFile:
    """One JSON list of assignment objects read as the assignments sheet."""
    items = _objects(value)
    if items is None:
        raise problems.fatal(
            _("'{sheet}' is not a list of JSON objects").format(sheet=sheet), sheet
        )
    grid = _dict_grid(items)
    if not _complete(ASSIGNMENT_SHEET, grid):
        raise problems.fatal(_missing_header(), sheet)
    # JSON rows count from 1 below the keys as header row 0.
    return _schedule(problems, (sheet, grid), summary, label=sheets.header_only, first=0)


def _agree(problems: sheets.Problems, visible: PlanFile, block: PlanFile) -> None:
    """Refuse a JSON plan whose visible table and machine block differ, naming the rows."""
    only_visible = _unmatched(visible.rows, Counter(r.assignment for r in block.rows))
    only_block = _unmatched(block.rows, Counter(r.assignment for r in visible.rows))
    differ = [(r, MACHINE_BLOCK) for r in only_visible] + [(r, ASSIGNMENTS[0]) for r in only_block]
    if not differ:
        return
    for row, missing_from in differ[:MISMATCH_SHOWN]:
        message = _(
            "{what} is not in '{other}': the visible assignments table and the '{block}' "
            "block disagree; edit both alike, or delete the '{block}' block to use the table"
        ).format(what=desc(row.assignment), other=missing_from, block=MACHINE_BLOCK)
        problems.add(row.sheet, row.row, None, message)
    if len(differ) > MISMATCH_SHOWN:
        more = len(differ) - MISMATCH_SHOWN
        problems.add(None, None, None, _("… and {n} more rows that differ").format(n=more))
    raise InputError(problems.errors)


def _unmatched(rows: Sequence[PlanRow], other: Counter[Assignment]) -> list[PlanRow]:
    """The rows whose assignment `other` lacks (counting repeats)."""
    left = Counter(other)
    out = []
    for row in rows:
        if left[row.assignment]:
            left[row.assignment] -= 1
        else:
            out.append(row)
    return out


def _objects(value: object) -> list[dict[str, object]] | None:
    """A JSON list of objects, or None when it is anything else."""
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return value
    return None


def _dict_grid(items: Sequence[Mapping[str, object]]) -> list[list[object]]:
    """JSON objects as a grid: a header row of every key seen, then one row per object."""
    keys = list(dict.fromkeys(k for item in items for k in item))
    return [list(keys), *([item.get(k) for k in keys] for item in items)]


def _schedule(
    problems: sheets.Problems,
    assignments: tuple[str, Grid],
    summary: tuple[str, Grid] | None,
    *,
    label: Callable[[int, str], str],
    first: int,
) -> PlanFile:
    """Read the assignments and summary tables (rows numbered as `Table.read`) into a schedule.

    ``summary``, if given, has a header row naming its value column.
    """
    table = sheets.Table.read(problems, ASSIGNMENT_SHEET, *assignments, label=label, first=first)
    if table is None:  # a column given twice
        raise InputError(problems.errors)
    placed = _assignments(table)
    meta: dict[str, Any] = {}
    if summary is not None:
        meta = _summary(
            sheets.Table.read(problems, META_SHEETS[0], *summary, label=label, first=first)
        )
    years = sorted({r.assignment.year for r in placed})
    start = meta.get(START_YEAR.key) or (years[0] if years else None)
    if start is None:
        message = _("no assignments, and no summary giving the start year")
        raise problems.fatal(message, table.title)
    span = meta.get(YEARS.key) or (years[-1] - start + 1 if years else 1)
    for r in placed:
        if not start <= r.assignment.year < start + span:
            last = start + span - 1
            message = _("{year} is outside the plan's years {first}–{last}").format(
                year=r.assignment.year, first=start, last=last
            )
            problems.add(table.title, r.row, table.column_name("year"), message)
    if problems.failed:
        raise InputError(problems.errors)
    schedule = Schedule(
        profile=meta.get(PROFILE.key) or "default",
        start_year=start,
        years=span,
        assignments=tuple(r.assignment for r in placed),
        created=meta.get(CREATED.key),
    )
    columns = {c.key: table.column_name(c.key) for c in READ_COLUMNS}
    return PlanFile(problems.file, schedule, tuple(placed), columns)


def _assignments(table: sheets.Table) -> list[PlanRow]:
    out = []
    for row in table:
        teacher_id = row.need("teacher_id", cells.text)
        activity = row.need("activity", cells.ACTIVITY)
        host_kg = row.need("host_kg", cells.text)
        year = row.need("year", cells.year)
        semester = row.get("semester", cells.SEMESTER)
        slot = row.get("slot", cells.slot)
        partner = row.get("partner", cells.text)
        items = tuple(row.get("guidance_item", cells.items) or ())
        start, end = row.get("start_date", cells.date), row.get("end_date", cells.date)
        assignment = row.build(
            lambda: Assignment(teacher_id, activity, host_kg, year, semester, slot, partner, items)
        )
        if assignment is not None:
            out.append(PlanRow(table.title, row.number, assignment, start, end))
    return out


def _is_item(value: object, item: Column) -> bool:
    """Whether a key or item cell of the summary names ``item``."""
    return value is not None and normalize(value) in item.names


def _summary(table: sheets.Table | None) -> dict[str, Any]:
    """Profile, start year, years and created from the summary's key/value rows."""
    meta: dict[str, Any] = {}
    for row in table or ():
        for item in SUMMARY_ITEMS:
            if item.key not in meta and (
                _is_item(row.raw("key"), item) or _is_item(row.raw("item"), item)
            ):
                meta[item.key] = row.get("value", _SUMMARY_PARSERS[item.key])
    return meta
