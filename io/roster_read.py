"""Read the roster workbook (SPEC §4) into a `Roster`.

`read_roster` collects every problem of a workbook before failing, each with file, sheet,
Excel row and column, and never changes the file: it is opened for reading only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ..model.instance import Grade, HistoryRecord, Kindergarten, Pin, Role, Roster, Teacher
from . import cells
from .errors import InputError, Problem
from .headers import (
    DISTANCES,
    HISTORY,
    KINDERGARTENS,
    NO,
    NOTES_NAMES,
    PINS,
    SHEETS,
    TEACHERS,
    Sheet,
    normalize,
    sheet_for,
)
from .sheets import Problems, Refs, Table, open_workbook

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from ..model.instance import Activity
    from .sheets import Row

T = TypeVar("T")


@dataclass(frozen=True)
class ParsedRoster:
    """A roster as read, with its warnings and where its ids sit (for validation messages)."""

    roster: Roster
    warnings: list[Problem]
    kgs: Refs  # kindergarten ids with their rows
    teachers: Refs


def _tables(problems: Problems, path: Path) -> dict[str, Table]:
    """Open the workbook read-only and read the roster sheets; file trouble is a problem."""
    book = open_workbook(problems, path)
    if book is None:
        return {}
    tables: dict[str, Table] = {}
    seen: dict[str, str] = {}
    with book:
        for title in book.titles:
            sheet = sheet_for(title)
            if sheet is None:
                if normalize(title) not in NOTES_NAMES:
                    known = ", ".join(s.title for s in SHEETS)
                    problems.add(
                        title, None, None, f"unknown sheet ignored (known: {known})", warning=True
                    )
            elif sheet.key in seen:
                problems.add(
                    title,
                    None,
                    None,
                    f"sheet {seen[sheet.key]!r} is already the {sheet.title} sheet",
                )
            else:
                seen[sheet.key] = title
                grid = book.rows(title)
                table = None if grid is None else Table.read(problems, sheet, title, grid)
                if table is not None:
                    tables[sheet.key] = table
    for sheet in SHEETS:
        if sheet.required and sheet.key not in seen:
            names = f"{sheet.zh}, {sheet.key} or {sheet.title}"
            problems.add(
                sheet.title,
                None,
                None,
                f"missing sheet {sheet.title} (缺少工作表; name it {names})",
            )
    return tables


def _rows(tables: Mapping[str, Table], sheet: Sheet) -> Iterable[Row]:
    return tables.get(sheet.key) or ()


def _kindergartens(
    problems: Problems, tables: Mapping[str, Table]
) -> tuple[list[Kindergarten], Refs]:
    kgs: list[Kindergarten] = []
    seen: dict[str, int] = {}
    names: list[tuple[str, str]] = []
    members: dict[str, list[int]] = {}
    leads: dict[str, list[int]] = {}
    for row in _rows(tables, KINDERGARTENS):
        kg_id = row.need("kg_id", cells.text)
        name = row.need("name", cells.text)
        group = row.need("group", cells.text)
        role = row.need("role", cells.ROLE)
        ownership = row.need("ownership", cells.OWNERSHIP)
        tier = row.need("tier", cells.tier)
        small, middle, large, mixed = (
            row.get(f"classes_{g.value}", cells.count) or 0 for g in Grade
        )
        town = row.get("town", cells.optional_text)
        row.unique("kg_id", kg_id, seen)
        if kg_id is not None and name is not None:
            names.append((name, kg_id))
        if group is not None:
            members.setdefault(group, []).append(row.number)
            if role is Role.LEAD:
                leads.setdefault(group, []).append(row.number)
        classes = (small, middle, large, mixed)
        kg = row.build(
            lambda: Kindergarten(kg_id, name, group, role, ownership, tier, classes, town)
        )
        if kg is not None:
            kgs.append(kg)
    table = tables.get(KINDERGARTENS.key)
    if table is not None:
        for group, rows in members.items():
            found = leads.get(group, [])
            if len(found) != 1:
                listed = ", ".join(map(str, found or rows))
                message = (
                    f"group {group!r} has {len(found)} leads (rows {listed}): "
                    "exactly one 总园/牵头园 lead per group"
                )
                problems.add(
                    table.title, (found[1:] or rows)[0], table.column_name("role"), message
                )
    title = table.title if table else KINDERGARTENS.title
    what = "kindergarten (kg_id or name)"
    return kgs, Refs(what, title, seen, names, complete=table is not None)


def _teachers(tables: Mapping[str, Table], kg_refs: Refs) -> tuple[list[Teacher], Refs]:
    teachers: list[Teacher] = []
    seen: dict[str, int] = {}
    for row in _rows(tables, TEACHERS):
        teacher_id = row.need("teacher_id", cells.text)
        name = row.get("name", cells.text) or ""
        home = row.need_ref("home_kg", kg_refs)
        grade = row.get("grade", cells.GRADE)
        backbone = bool(row.get("backbone", cells.yes_no))
        cadre = bool(row.get("cadre", cells.yes_no))
        hire = row.get("hire_date", cells.date)
        birth = row.get("birth_date", cells.date)
        veto = row.get("veto", cells.optional_text)
        unavailable = row.get("unavailable", cells.years) or frozenset()
        preferred = row.refs("preferred_hosts", kg_refs)
        if grade is None and row.raw("grade") is None and not cadre:
            row.problem(
                "grade",
                f"blank, but the teacher is not a cadre (是否干部 = {NO}): "
                "give 小班/中班/大班/混龄",
            )
        row.unique("teacher_id", teacher_id, seen)
        teacher = row.build(
            lambda: Teacher(
                teacher_id,
                name,
                home,
                grade,
                backbone,
                cadre,
                hire,
                birth,
                veto,
                unavailable,
                preferred,
            ),
        )
        if teacher is not None:
            teachers.append(teacher)
    table = tables.get(TEACHERS.key)
    title = table.title if table else TEACHERS.title
    return teachers, Refs("teacher_id", title, seen, complete=table is not None)


def _exchange(
    row: Row, t_refs: Refs, kg_refs: Refs, *, past: bool
) -> tuple[str, Activity, str | None]:
    """Teacher, activity type and host of a history record (``past``) or a pin."""
    teacher_id = row.need_ref("teacher_id", t_refs)
    activity = row.need("type", cells.ACTIVITY)
    host = row.ref("host_kg", kg_refs, unknown_ok=past)  # a past host may have left the roster
    return teacher_id, activity, host


def _history_record(row: Row, t_refs: Refs, kg_refs: Refs) -> HistoryRecord | None:
    teacher_id, activity, host = _exchange(row, t_refs, kg_refs, past=True)
    start = row.need("start", cells.date)
    end = row.get("end", cells.date)
    return row.build(lambda: HistoryRecord(teacher_id, activity, host, start, end))


def _distances(tables: Mapping[str, Table], kg_refs: Refs) -> list[tuple[str, str, float]]:
    out: list[tuple[str, str, float]] = []
    seen: dict[frozenset[str], tuple[float, int]] = {}
    for row in _rows(tables, DISTANCES):
        a = row.need_ref("from_kg", kg_refs)
        b = row.need_ref("to_kg", kg_refs)
        km = row.need("km", cells.KM)
        if row.failed:
            continue
        pair = frozenset((a, b))
        first_km, first_row = seen.setdefault(pair, (km, row.number))
        if first_km != km:
            row.problem("km", f"{a}–{b} is {first_km:g} km in row {first_row}, here {km:g} km")
        else:
            out.append((a, b, km))
    return out


def _pin(row: Row, t_refs: Refs, kg_refs: Refs) -> Pin | None:
    teacher_id, activity, host = _exchange(row, t_refs, kg_refs, past=False)
    year = row.need("year", cells.year)
    semester = row.get("semester", cells.SEMESTER)
    forbidden = row.need("mode", cells.pin_forbidden)
    return row.build(lambda: Pin(teacher_id, activity, host, year, semester, forbidden))


def _records(
    tables: Mapping[str, Table], sheet: Sheet, record: Callable[[Row], T | None]
) -> list[T]:
    """The sheet's rows as records; a row that fails is left out (its problems say why)."""
    return [r for row in _rows(tables, sheet) if (r := record(row)) is not None]


def parse_roster(path: str | Path) -> ParsedRoster:
    """Read a roster workbook; raise `InputError` with every problem if any is an error."""
    problems = Problems(str(path))
    tables = _tables(problems, Path(path))
    if not tables:  # not a workbook, or no sheet could be read: nothing further to check
        raise InputError(problems.found)
    kgs, kg_refs = _kindergartens(problems, tables)
    teachers, t_refs = _teachers(tables, kg_refs)
    history = _records(tables, HISTORY, lambda row: _history_record(row, t_refs, kg_refs))
    distances = _distances(tables, kg_refs)
    pins = _records(tables, PINS, lambda row: _pin(row, t_refs, kg_refs))
    for sheet, refs in ((KINDERGARTENS, kg_refs), (TEACHERS, t_refs)):
        if sheet.key in tables and not refs.rows:
            problems.add(refs.title, None, None, "no data rows (没有数据)")
    if problems.failed:
        raise InputError(problems.found)
    try:
        roster = Roster(tuple(kgs), tuple(teachers), tuple(history), tuple(distances), tuple(pins))
    except ValueError as exc:  # the row checks above catch everything; this is the backstop
        problems.add(None, None, None, str(exc))
        raise InputError(problems.found) from None
    return ParsedRoster(roster, problems.found, kg_refs, t_refs)


def read_roster(path: str | Path) -> tuple[Roster, list[Problem]]:
    """Parse a roster workbook; return the roster and the warnings.

    Raises `InputError` listing every problem (with file, sheet, row and column) when any
    cell, sheet or cross-reference is bad. The file is opened read-only and never changed.
    """
    parsed = parse_roster(path)
    return parsed.roster, parsed.warnings
