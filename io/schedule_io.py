"""Write the schedule workbook or JSON (SPEC §5) and read a schedule back, also one typed by hand.

Writing is atomic (temp file + rename), so a failed write leaves any earlier file as it was.
Reading collects every bad cell into one `InputError` and never modifies the file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from ..model import Activity, Assignment, Instance, Report, Schedule, Semester
from .atomic import write_atomic
from .errors import InputError, Problem
from .headers import Column, normalize
from .schedule_tables import (
    ASSIGNMENT_COLUMNS,
    ASSIGNMENTS,
    CREATED,
    PROFILE,
    START_YEAR,
    SUMMARY,
    SUMMARY_COLUMNS,
    YEARS,
    Cell,
    Table,
    build_tables,
)

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell as XlCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMATS = ("xlsx", "json")
HEADER_SCAN = 20  # rows searched for the header (title rows may sit above it)
MAX_WIDTH = 60
_COL = {c.key: c for c in ASSIGNMENT_COLUMNS}
# What read_schedule takes from the assignments sheet; the JSON "schedule" block uses the same keys.
READ_COLUMNS = tuple(
    _COL[k]
    for k in (
        "teacher_id",
        "activity",
        "host_kg",
        "year",
        "semester",
        "slot",
        "partner",
        "guidance_item",
    )
)
REQUIRED = ("teacher_id", "activity", "host_kg", "year")
SUMMARY_ITEMS = (PROFILE, START_YEAR, YEARS, CREATED)
ASSIGNMENT_TITLE = Column(*ASSIGNMENTS)  # sheet names match like headers: either language or both
SUMMARY_TITLE = Column(*SUMMARY)
Rows = Iterator[tuple[int, Sequence[object]]]  # (row number, cells), header first


# ---------------------------------------------------------------- writing


def write_schedule(
    path: str | Path,
    schedule: Schedule,
    instance: Instance,
    report: Report,
    fmt: str = "xlsx",
) -> Path:
    """Write the six sheets of SPEC §5 as an xlsx workbook or as JSON; return the path."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if schedule.created is None:
        schedule = dataclasses.replace(schedule, created=dt.datetime.now().astimezone())
    tables = build_tables(schedule, instance, report)
    if fmt == "json":
        text = json.dumps(_json_document(schedule, tables), ensure_ascii=False, indent=2) + "\n"

        def write_json(tmp: Path) -> None:
            tmp.write_text(text, encoding="utf-8")

        return write_atomic(path, write_json)
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
    doc["schedule"] = {
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
        a.item,
    )
    return dict(zip((c.key for c in READ_COLUMNS), values, strict=True))


def _display_width(value: Cell) -> int:
    """Excel column width of a value; CJK characters (3 UTF-8 bytes) count double."""
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    text = str(value)
    return len(text) + (len(text.encode("utf-8")) - len(text)) // 2


def _widths(table: Table) -> list[int]:
    widths = [_display_width(c.header) for c in table.columns]
    for row in table.rows:
        for i, value in enumerate(row):
            w = _display_width(value)
            if w > widths[i]:
                widths[i] = w
    return [min(MAX_WIDTH, w + 2) for w in widths]


def _write_xlsx(target: Path, tables: Sequence[Table]) -> None:
    # write_only streams rows: tens of thousands of teachers stay fast and small in memory.
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in tables:
        ws = wb.create_sheet(table.title)
        ws.freeze_panes = f"{get_column_letter(table.frozen + 1)}2"
        for i, width in enumerate(_widths(table), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
        ws.auto_filter.ref = ref
        # openpyxl writes <dimension> only when the sheet can name its extent; without it a
        # read-only reader (openpyxl, pandas) scans each whole sheet just to size it.
        setattr(ws, "calculate_dimension", lambda ref=ref: ref)
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(ws, column.header)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in table.rows:
            ws.append(
                [_literal(ws, v) if isinstance(v, str) and v.startswith("=") else v for v in row]
            )
    wb.save(target)


def _literal(ws: WriteOnlyWorksheet, text: str) -> XlCell:
    """A text cell that Excel must not run as a formula (a name typed as ``=…``)."""
    cell = WriteOnlyCell(ws, text)
    cell.data_type = "s"
    return cell


# ---------------------------------------------------------------- reading


def read_schedule(path: str | Path) -> Schedule:
    """Read a schedule written by `write_schedule` (xlsx or JSON) or typed by the office.

    Only the assignments sheet is needed; without a summary the profile is ``default`` and
    the years span the assignments. Raises `InputError` listing every bad cell.
    """
    source = Path(path)
    reader = _Reader(str(source))
    if not source.is_file():
        raise reader.fatal("file not found")
    if source.suffix.lower() == ".json":
        return reader.json(source)
    return reader.xlsx(source)


def _matches(text: object, column: Column) -> bool:
    """A header or sheet name matches as in the roster: either language, both, or an alias."""
    return normalize(text) in column.names


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str | None:
    """Ids and labels as text; a numeric id cell (123 or 123.0) becomes ``"123"``."""
    if _blank(value):
        return None
    if isinstance(value, (bool, dt.date)):
        raise ValueError(f"expected text, got {value!r}")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _integer(value: object, pattern: str, what: str) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    match = re.fullmatch(pattern, str(value).strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{value!r} is not {what}")
    return int(match.group(1))


def _year(value: object) -> int | None:
    # 2026, "2026", "2026学年", "2026-2027学年"
    year = _integer(
        value, r"(\d{4})(?:\s*[-–/]\s*\d{4})?\s*(?:学年|学年度|年)?", "a year like 2026"
    )
    if year is not None and not 1900 <= year <= 2200:
        raise ValueError(f"{year} is not a plausible academic year")
    return year


def _slot(value: object) -> int | None:
    slot = _integer(value, r"第?\s*(\d+)\s*(?:时段)?", "a slot number (1, 2, …)")
    if slot is not None and slot < 1:
        raise ValueError("slot must be 1 or more")
    return slot


def _activity(value: object) -> Activity | None:
    text = _text(value)
    return None if text is None else Activity(Activity.parse(text))


def _semester(value: object) -> Semester | None:
    text = _text(value)
    return None if text is None else Semester(Semester.parse(text))


_PARSERS = {
    "teacher_id": _text,
    "activity": _activity,
    "host_kg": _text,
    "year": _year,
    "semester": _semester,
    "slot": _slot,
    "partner": _text,
    "guidance_item": _text,
}


def _created(value: object) -> dt.datetime | None:
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a timestamp (2026-07-01T09:30:00)") from None


class _Reader:
    """Collects problems for one input file, with sheet / row / column."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def fatal(self, message: str, sheet: str | None = None) -> InputError:
        return InputError([*self.problems, Problem(self.file, sheet, None, None, message)])

    def add(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, sheet, row, column, message))

    # -- formats

    def xlsx(self, source: Path) -> Schedule:
        try:
            wb = load_workbook(source, read_only=True, data_only=True)
        except OSError as exc:
            raise self.fatal(f"cannot read the file: {exc}") from None
        except (InvalidFileException, BadZipFile, KeyError, ValueError) as exc:
            raise self.fatal(f"not an Excel workbook (.xlsx): {exc}") from None
        try:
            sheets = {ws.title: ws for ws in wb.worksheets}

            def rows(title: str) -> Rows:
                return enumerate(sheets[title].iter_rows(values_only=True), start=1)

            named = self._named(sheets, ASSIGNMENT_TITLE)
            # An office sheet left as "Sheet1" is found by its header instead of its name.
            title, found = next(
                (
                    (t, f)
                    for t in ([named] if named else sheets)
                    if (f := self._header(rows(t), letters=True))
                ),
                (None, None),
            )
            if title is None or found is None:
                if named:
                    raise self.fatal(self._missing_header(), named)
                names = ", ".join(sheets)
                want = " ".join(ASSIGNMENTS)
                raise self.fatal(f"no sheet {want!r} with an assignments table (sheets: {names})")
            columns, rest = found
            assignments = self.assignments(title, columns, rest)
            summary_title = self._named(sheets, SUMMARY_TITLE)
            meta = (
                self.summary(summary_title, rows(summary_title), letters=True)
                if summary_title
                else {}
            )
        finally:
            wb.close()
        return self.schedule(title, columns["year"][1], assignments, meta)

    def json(self, source: Path) -> Schedule:
        try:
            doc = json.loads(source.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise self.fatal(f"not valid UTF-8 JSON: {exc}") from None
        if not isinstance(doc, dict):
            raise self.fatal("expected a JSON object with an 'assignments' list")
        meta = doc.get("schedule")
        key = ASSIGNMENTS[0]
        if isinstance(meta, dict) and key in meta:
            # The machine-readable block: exact values, same keys as the sheet's columns.
            sheet, items = "schedule.assignments", _objects(meta[key])
            summary = [{"key": k, "value": v} for k, v in meta.items() if k != key]
            summary_sheet = "schedule"
        else:
            sheet, items = key, _objects(doc.get(key))
            summary = _objects(doc.get(SUMMARY[0])) or []
            summary_sheet = SUMMARY[0]
        if items is None:
            raise self.fatal("no 'assignments' list of JSON objects")
        found = self._header(_dict_rows(items), letters=False)
        if found is None:
            raise self.fatal(self._missing_header(), sheet)
        columns, rest = found
        assignments = self.assignments(sheet, columns, rest)
        meta = self.summary(summary_sheet, _dict_rows(summary), letters=False)
        return self.schedule(sheet, columns["year"][1], assignments, meta)

    # -- tables

    @staticmethod
    def _named(sheets: Mapping[str, object], want: Column) -> str | None:
        return next((title for title in sheets if _matches(title, want)), None)

    @staticmethod
    def _missing_header() -> str:
        need = ", ".join(_COL[k].header for k in REQUIRED)
        return f"no header row with the columns {need} in the first {HEADER_SCAN} rows"

    @staticmethod
    def _header(
        rows: Rows,
        *,
        letters: bool,
        columns: Sequence[Column] = READ_COLUMNS,
        required: Sequence[str] = REQUIRED,
    ) -> tuple[dict[str, tuple[int, str]], Rows] | None:
        """Find the header row; return column key → (index, label for problems) and the rest."""
        for number, cells in rows:
            found: dict[str, tuple[int, str]] = {}
            for i, text in enumerate(cells):
                if _blank(text):
                    continue
                column = next(
                    (c for c in columns if c.key not in found and _matches(text, c)), None
                )
                if column is not None:
                    label = f"{get_column_letter(i + 1)} {text}" if letters else str(text)
                    found[column.key] = (i, label)
            if all(k in found for k in required):
                return found, rows
            if number >= HEADER_SCAN:
                break
        return None

    def assignments(
        self,
        sheet: str,
        columns: dict[str, tuple[int, str]],
        rows: Rows,
    ) -> list[tuple[int, Assignment]]:
        out = []
        for number, cells in rows:
            if all(_blank(v) for v in cells):
                continue
            values: dict[str, Any] = {}
            ok = True
            for key, (index, label) in columns.items():
                raw = cells[index] if index < len(cells) else None
                try:
                    values[key] = _PARSERS[key](raw)
                except ValueError as exc:
                    self.add(sheet, number, label, str(exc))
                    ok = False
                    continue
                if values[key] is None and key in REQUIRED:
                    self.add(sheet, number, label, "missing")
                    ok = False
            if not ok:
                continue
            try:
                assignment = Assignment(
                    teacher_id=values["teacher_id"],
                    activity=values["activity"],
                    host_kg=values["host_kg"],
                    year=values["year"],
                    semester=values.get("semester"),
                    slot=values.get("slot"),
                    partner=values.get("partner"),
                    item=values.get("guidance_item"),
                )
            except ValueError as exc:
                self.add(sheet, number, None, str(exc))
                continue
            out.append((number, assignment))
        return out

    def summary(self, sheet: str, rows: Rows, *, letters: bool) -> dict[str, Any]:
        """Profile, start year, years and created from the summary's key/value rows, if there."""
        found = self._header(rows, letters=letters, columns=SUMMARY_COLUMNS, required=("value",))
        if found is None:
            return {}
        columns, rest = found
        value_index, value_label = columns["value"]
        labels = [columns[k][0] for k in ("key", "item") if k in columns]
        meta: dict[str, Any] = {}
        for number, cells in rest:
            for item in SUMMARY_ITEMS:
                if item.key in meta or not any(
                    i < len(cells) and _matches(cells[i], item) for i in labels
                ):
                    continue
                try:
                    meta[item.key] = _SUMMARY_PARSERS[item.key](
                        cells[value_index] if value_index < len(cells) else None
                    )
                except ValueError as exc:
                    self.add(sheet, number, value_label, str(exc))
        return meta

    def schedule(
        self,
        sheet: str,
        year_column: str,
        assignments: list[tuple[int, Assignment]],
        meta: Mapping[str, Any],
    ) -> Schedule:
        """Assemble the schedule; without a summary the years span the assignments."""
        years = sorted({a.year for _, a in assignments})
        start = meta.get(START_YEAR.key) or (years[0] if years else None)
        if start is None:
            raise self.fatal("no assignments, and no summary giving the start year", sheet)
        span = meta.get(YEARS.key) or (years[-1] - start + 1 if years else 1)
        for number, a in assignments:
            if not start <= a.year < start + span:
                last = start + span - 1
                self.add(
                    sheet,
                    number,
                    year_column,
                    f"{a.year} is outside the plan's years {start}–{last}",
                )
        if self.problems:
            raise InputError(self.problems)
        return Schedule(
            profile=meta.get(PROFILE.key) or "default",
            start_year=start,
            years=span,
            assignments=tuple(a for _, a in assignments),
            created=meta.get(CREATED.key),
        )


def _year_count(value: object) -> int | None:
    count = _integer(value, r"(\d+)\s*年?", "a number of years")
    if count is not None and count < 1:
        raise ValueError("years must be 1 or more")
    return count


def _objects(value: object) -> list[dict[str, object]] | None:
    """A JSON list of objects, or None when it is anything else."""
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return value
    return None


def _dict_rows(items: Sequence[Mapping[str, object]]) -> Rows:
    """JSON rows as a header (row 0: every key seen) and value rows numbered from 1."""
    keys = list(dict.fromkeys(k for item in items for k in item))
    yield 0, keys
    for number, item in enumerate(items, start=1):
        yield number, [item.get(k) for k in keys]


_SUMMARY_PARSERS = {
    PROFILE.key: _text,
    START_YEAR.key: _year,
    YEARS.key: _year_count,
    CREATED.key: _created,
}
