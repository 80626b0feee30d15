"""Read the roster workbook (SPEC §4) into a `Roster`.

`read_roster` collects every problem of a workbook before failing, each with file, sheet,
Excel row and column, and never changes the file: it is opened for reading only. It is
forgiving of layout (sheets found by their headers, title and footer rows, merged cells,
names for codes) and strict on meaning (dates that cannot be, class counts out of range,
overlapping history); what needs the plan's start year is checked by roster_validate.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from ..model.i18n import _
from ..model.instance import (
    Gender,
    Grade,
    HistoryRecord,
    Kindergarten,
    Pin,
    Role,
    Roster,
    SchoolCalendar,
    Semester,
    Teacher,
)
from . import cells
from .errors import InputError, Problem
from .headers import (
    CALENDAR,
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
from .sheets import Problems, Refs, Table, find_header, open_workbook

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from ..model.instance import Activity
    from .sheets import Marked, Row, Workbook

T = TypeVar("T")

EARLIEST = dt.date(1950, 1, 1)  # no hire or birth date of a serving teacher is older
ADULT = 18  # nobody is hired younger


@dataclass(frozen=True)
class ParsedRoster:
    """A roster as read, with its warnings and where its records sit (for later checks)."""

    roster: Roster
    warnings: list[Problem]
    kgs: Refs  # kindergarten ids with their rows
    teachers: Refs
    file: str = ""
    history_rows: tuple[int, ...] = ()  # the row of each history record, in order
    pin_rows: tuple[int, ...] = ()
    tables: Mapping[str, Table] | None = None  # by sheet key

    def title(self, sheet: Sheet) -> str:
        """The sheet's title as in the file."""
        table = (self.tables or {}).get(sheet.key)
        return sheet.title if table is None else table.title

    def column(self, sheet: Sheet, key: str) -> str:
        """A column as problems name it: as in the file with its letter."""
        table = (self.tables or {}).get(sheet.key)
        return sheet.column(key).header if table is None else table.column_name(key)


def teacher_key(id_number: str) -> str:
    """The key of a teacher the roster knows only by ID number: ``ID-`` and 8 characters
    derived from it (the same every time), so that no output holds the ID number."""
    digest = hashlib.blake2b(id_number.encode(), digest_size=5, person=b"kgrota-id").digest()
    return "ID-" + base64.b32encode(digest).decode()


# --------------------------------------------------------------------------- sheets


def _tables(problems: Problems, path: Path) -> dict[str, Table]:
    """Open the workbook read-only and read the roster sheets, found by name or else by their
    header row; file trouble is a problem."""
    book = open_workbook(problems, path)
    if book is None:
        return {}
    named: dict[str, str] = {}
    others: list[str] = []
    with book:
        for title in book.titles:
            sheet = sheet_for(title)
            if sheet is None:
                if normalize(title) not in NOTES_NAMES:
                    others.append(title)
            elif sheet.key in named:
                message = _("sheet {other!r} is already the {sheet} sheet")
                problems.add(
                    title, None, None, message.format(other=named[sheet.key], sheet=sheet.title)
                )
            else:
                named[sheet.key] = title
        grids = {key: (title, book.marked(title)) for key, title in named.items()}
        grids |= _by_content(problems, book, others, set(named))
        tables = {}
        for key, (title, grid) in grids.items():
            sheet = next(s for s in SHEETS if s.key == key)
            if grid is not None:
                table = Table.read(problems, sheet, title, grid)
                if table is not None:
                    tables[key] = table
    for sheet in SHEETS:
        if sheet.required and sheet.key not in grids:
            message = _(
                "missing sheet {sheet} (name it {zh} or {key}, or give a sheet whose header row "
                "has the columns {columns})"
            )
            columns = ", ".join(c.zh for c in sheet.columns if c.required)
            problems.add(
                sheet.title,
                None,
                None,
                message.format(sheet=sheet.title, zh=sheet.zh, key=sheet.key, columns=columns),
            )
    return tables


def _by_content(
    problems: Problems, book: Workbook, titles: list[str], named: set[str]
) -> dict[str, tuple[str, Marked | None]]:
    """Sheets of other names whose header row is that of a roster sheet not found by name."""
    candidates: dict[str, list[tuple[str, Marked]]] = {}
    for title in titles:
        grid = book.marked(title) if book.fits(title) else None
        matches = [
            s.key
            for s in SHEETS
            if s.key not in named
            and grid is not None
            and (header := find_header(s, grid.cells)) is not None
            and header.complete
        ]
        if grid is not None and len(matches) == 1:
            candidates.setdefault(matches[0], []).append((title, grid))
        else:
            known = ", ".join(s.title for s in SHEETS)
            message = _("unknown sheet ignored (known: {known})").format(known=known)
            problems.add(title, None, None, message, warning=True)
    out: dict[str, tuple[str, Marked | None]] = {}
    for key, found in candidates.items():
        sheet = next(s for s in SHEETS if s.key == key)
        if len(found) > 1:
            message = _(
                "sheets {titles} both have the header row of the {sheet} sheet: name one {zh}"
            )
            titles_ = " and ".join(repr(t) for t, _grid in found)
            problems.add(
                found[1][0],
                None,
                None,
                message.format(titles=titles_, sheet=sheet.title, zh=sheet.zh),
            )
            continue
        title, grid = found[0]
        message = _("read as the {sheet} sheet: its header row has that sheet's columns")
        problems.add(title, None, None, message.format(sheet=sheet.title), warning=True)
        out[key] = (title, grid)
    return out


def _rows(tables: Mapping[str, Table], sheet: Sheet) -> Iterable[Row]:
    return tables.get(sheet.key) or ()


# --------------------------------------------------------------------------- kindergartens


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
            row.get(f"classes_{g.value}", cells.classes) or 0 for g in Grade
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
                message = _(
                    "group {group!r} has {n} leads (rows {rows}): exactly one 总园/牵头园 lead "
                    "per group"
                ).format(group=group, n=len(found), rows=listed)
                problems.add(
                    table.title, (found[1:] or rows)[0], table.column_name("role"), message
                )
    title = table.title if table else KINDERGARTENS.title
    what = _("kindergarten (kg_id or name)")
    return kgs, Refs(what, title, seen, names, complete=table is not None)


# --------------------------------------------------------------------------- teachers


def _date(row: Row, key: str, *, required: bool = False) -> dt.date | None:
    """A date cell; 2019.1 (read as October) is tallied as a warning."""
    value = row.need(key, cells.date) if required else row.get(key, cells.date)
    if value is not None and cells.month_guessed(row.raw(key)):
        message = _(
            "2019.1-style dates read as October (Excel stores a typed 2019.10 as 2019.1): "
            "write 2019-01 for January"
        )
        row.table.problems.tally(row.table.title, row.table.column_name(key), message, row.number)
    return value


def _identity(row: Row) -> tuple[str, str | None]:
    """The teacher's key (工号, else derived from the ID number) and ID number."""
    id_number = row.get("id_number", cells.id_number)
    if "teacher_id" in row.table.columns and row.raw("teacher_id") is not None:
        return row.need("teacher_id", cells.text), id_number
    if id_number is not None:
        return teacher_key(id_number), id_number
    if row.raw("id_number") is None:
        row.blank("teacher_id" if "teacher_id" in row.table.columns else "id_number")
    return "", None


def _people_checks(row: Row, hire: dt.date | None, birth: dt.date | None) -> None:
    """Hire and birth dates that cannot be a serving teacher's."""
    today = dt.date.today()
    for key, day in (("hire_date", hire), ("birth_date", birth)):
        if day is not None and day < EARLIEST:
            row.problem(
                key,
                _("{date} is before {earliest}: a typing error?").format(
                    date=day, earliest=EARLIEST.year
                ),
            )
    if birth is not None and birth > today:
        row.problem("birth_date", _("{date} is in the future").format(date=birth))
    if hire is not None and birth is not None and birth >= EARLIEST:
        if birth >= hire:
            message = _("born {birth}, after being hired {hire}")
            row.problem("birth_date", message.format(birth=birth, hire=hire))
        elif hire.year - birth.year - ((hire.month, hire.day) < (birth.month, birth.day)) < ADULT:
            message = _("hired {hire} at under {age} (born {birth})")
            row.problem("hire_date", message.format(hire=hire, age=ADULT, birth=birth))


def _id_checks(
    row: Row, id_number: str | None, birth: dt.date | None, gender: Gender | None
) -> dt.date | None:
    """The birth date, taken from the ID number when blank; a mismatch is a warning."""
    if id_number is None:
        return birth
    born = cells.id_birth_date(id_number)
    if birth is None:
        return born
    if (birth.year, birth.month) != (born.year, born.month):
        message = _("{birth} differs from the birth date in the ID number ({born})")
        row.problem("birth_date", message.format(birth=birth, born=born), warning=True)
    if gender is not None and gender is not cells.id_gender(id_number):
        message = _("{gender} differs from the gender the ID number gives")
        row.problem("gender", message.format(gender=gender.zh), warning=True)
    return birth


def _teacher(row: Row, kg_refs: Refs) -> Teacher | None:
    teacher_id, id_number = _identity(row)
    name = row.get("name", cells.text) or ""
    home = row.need_ref("home_kg", kg_refs)
    grade = row.get("grade", cells.GRADE)
    backbone = bool(row.get("backbone", cells.yes_no))
    cadre = bool(row.get("cadre", cells.yes_no))
    hire = _date(row, "hire_date", required=True)
    birth = _date(row, "birth_date", required=id_number is None and row.raw("id_number") is None)
    veto = row.get("veto", cells.optional_text)
    unavailable = row.get("unavailable", cells.years) or frozenset()
    gender = row.get("gender", cells.GENDER)
    entry = _date(row, "school_entry")
    on_staff = row.get("on_staff", cells.on_staff)
    title = row.get("title", cells.optional_text)
    birth = _id_checks(row, id_number, birth, gender)
    _people_checks(row, hire, birth)
    if entry is not None and hire is not None and entry < hire.replace(day=1):
        message = _("{entry} is before the hire date {hire}")
        row.problem("school_entry", message.format(entry=entry, hire=hire))
    preferred = row.refs("preferred_hosts", kg_refs)
    if grade is None and row.raw("grade") is None and not cadre:
        message = _(
            "blank, but the teacher is not a cadre (是否干部 = {no}): give 小班/中班/大班/混龄"
        )
        row.problem("grade", message.format(no=NO))
    return row.build(
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
            gender,
            id_number,
            entry,
            on_staff,
            title,
        )
    )


def _teachers(
    problems: Problems, tables: Mapping[str, Table], kg_refs: Refs
) -> tuple[list[Teacher], Refs]:
    teachers: list[Teacher] = []
    seen: dict[str, int] = {}
    people: dict[tuple[str, object], tuple[str, int]] = {}
    table = tables.get(TEACHERS.key)
    key = "id_number" if table is not None and "teacher_id" not in table.columns else "teacher_id"
    for row in _rows(tables, TEACHERS):
        teacher = _teacher(row, kg_refs)
        if teacher is None:
            continue
        row.unique(key, teacher.teacher_id, seen)
        if row.failed:
            continue
        teachers.append(teacher)
        _same_person(row, teacher, people)
    title = table.title if table else TEACHERS.title
    by_id = [(t.id_number, t.teacher_id) for t in teachers if t.id_number is not None]
    return teachers, Refs("teacher_id", title, seen, by_id, complete=table is not None)


def _same_person(row: Row, t: Teacher, people: dict[tuple[str, object], tuple[str, int]]) -> None:
    """Warn of one person under two keys: the same ID number, or name and birth date."""
    marks: list[tuple[str, object]] = []
    if t.id_number is not None:
        marks.append(("id", t.id_number))
    if t.name and t.birth_date is not None:
        marks.append((normalize(t.name), t.birth_date))
    for mark in marks:
        other = people.setdefault(mark, (t.teacher_id, row.number))
        if other[0] != t.teacher_id:
            if mark[0] == "id":
                message = _("the same ID number as {other} (row {row}): one person under two keys?")
            else:
                message = _(
                    "the same name and birth date as {other} (row {row}): one person under two keys?"
                )
            row.problem(None, message.format(other=other[0], row=other[1]), warning=True)
            return


# --------------------------------------------------------------------------- history, pins


def _exchange(
    row: Row, t_refs: Refs, kg_refs: Refs, *, past: bool
) -> tuple[str, Activity, str | None]:
    """Teacher, activity type and host of a history record (``past``) or a pin."""
    teacher_id = row.need_ref("teacher_id", t_refs)
    activity = row.need("type", cells.ACTIVITY)
    host = row.ref("host_kg", kg_refs, unknown_ok=past)  # a past host may have left the roster
    return teacher_id, activity, host


def _history(
    tables: Mapping[str, Table], t_refs: Refs, kg_refs: Refs
) -> list[tuple[HistoryRecord, int]]:
    """History records with their rows; one teacher's records must not overlap."""
    out: list[tuple[HistoryRecord, int]] = []
    last: dict[str, tuple[HistoryRecord, int]] = {}
    for row in _rows(tables, HISTORY):
        teacher_id, activity, host = _exchange(row, t_refs, kg_refs, past=True)
        start = cast("dt.date", _date(row, "start", required=True))
        end = _date(row, "end")
        record = row.build(lambda: HistoryRecord(teacher_id, activity, host, start, end))
        if record is not None:
            out.append((record, row.number))
    for record, number in sorted(out, key=lambda r: (r[0].teacher_id, r[0].start)):
        before = last.get(record.teacher_id)
        if before is not None and record.start <= (before[0].end or before[0].start):
            table = tables[HISTORY.key]
            message = _("overlaps the record of row {row} ({start} to {end}) of the same teacher")
            end_ = before[0].end or before[0].start
            table.problems.add(
                table.title,
                number,
                table.column_name("start"),
                message.format(row=before[1], start=before[0].start, end=end_),
            )
        if before is None or (record.end or record.start) > (before[0].end or before[0].start):
            last[record.teacher_id] = (record, number)
    return out


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
            message = _("{a}–{b} is {km1} km in row {row}, here {km2} km")
            row.problem(
                "km", message.format(a=a, b=b, km1=f"{first_km:g}", row=first_row, km2=f"{km:g}")
            )
        else:
            out.append((a, b, km))
    return out


def _pin(row: Row, t_refs: Refs, kg_refs: Refs) -> Pin | None:
    teacher_id, activity, host = _exchange(row, t_refs, kg_refs, past=False)
    year = row.need("year", cells.year)
    semester = row.get("semester", cells.SEMESTER)
    forbidden = row.need("mode", cells.pin_forbidden)
    return row.build(lambda: Pin(teacher_id, activity, host, year, semester, forbidden))


def _calendar(tables: Mapping[str, Table]) -> SchoolCalendar:
    """The 校历 sheet: semester rows (year, semester, first and last day) and blackouts."""
    semesters: list[tuple[int, Semester, dt.date, dt.date | None]] = []
    blackouts: list[tuple[dt.date, dt.date, str]] = []
    seen: dict[tuple[int, Semester], int] = {}
    for row in _rows(tables, CALENDAR):
        is_semester = row.need("type", cells.semester_row)
        start = cast("dt.date", _date(row, "start", required=True))
        end = _date(row, "end", required=not is_semester)
        if start is not None and end is not None and end < start:
            row.problem("end", _("{end} is before the start {start}").format(end=end, start=start))
        if is_semester:
            year = row.need("year", cells.year)
            semester = row.need("semester", cells.SEMESTER)
            if row.failed:
                continue
            first, last = dt.date(year, 8, 1), dt.date(year + 1, 7, 31)
            for key, day in (("start", start), ("end", end)):
                if day is not None and not first <= day <= last:
                    message = _("{date} is outside the {year} academic year ({first} to {last})")
                    row.problem(key, message.format(date=day, year=year, first=first, last=last))
            if (year, semester) in seen:
                message = _("{year} {semester} is given twice (also row {row})")
                row.problem(
                    "semester",
                    message.format(year=year, semester=semester.zh, row=seen[(year, semester)]),
                )
            seen.setdefault((year, semester), row.number)
            if not row.failed:
                semesters.append((year, semester, start, end))
        elif not row.failed:
            note = row.get("note", cells.optional_text)
            blackouts.append((start, cast("dt.date", end), note or ""))
    return SchoolCalendar(tuple(semesters), tuple(blackouts))


def _records(
    tables: Mapping[str, Table], sheet: Sheet, record: Callable[[Row], T | None]
) -> list[tuple[T, int]]:
    """The sheet's rows as records with their rows; a row that fails is left out."""
    out = []
    for row in _rows(tables, sheet):
        found = record(row)
        if found is not None:
            out.append((found, row.number))
    return out


def parse_roster(path: str | Path) -> ParsedRoster:
    """Read a roster workbook; raise `InputError` with every problem if any is an error."""
    problems = Problems(str(path))
    tables = _tables(problems, Path(path))
    if not tables:  # not a workbook, or no sheet could be read: nothing further to check
        problems.close()
        raise InputError(problems.found)
    kgs, kg_refs = _kindergartens(problems, tables)
    teachers, t_refs = _teachers(problems, tables, kg_refs)
    history = _history(tables, t_refs, kg_refs)
    distances = _distances(tables, kg_refs)
    pins = _records(tables, PINS, lambda row: _pin(row, t_refs, kg_refs))
    calendar = _calendar(tables)
    for sheet, refs in ((KINDERGARTENS, kg_refs), (TEACHERS, t_refs)):
        if sheet.key in tables and not refs.rows:
            problems.add(refs.title, None, None, _("no data rows"))
    problems.close()
    if problems.failed:
        raise InputError(problems.found)
    try:
        roster = Roster(
            tuple(kgs),
            tuple(teachers),
            tuple(h for h, _n in history),
            tuple(distances),
            tuple(p for p, _n in pins),
            calendar,
        )
    except ValueError as exc:  # the row checks above catch everything; this is the backstop
        problems.add(None, None, None, str(exc))
        raise InputError(problems.found) from None
    return ParsedRoster(
        roster,
        problems.found,
        kg_refs,
        t_refs,
        problems.file,
        tuple(n for _h, n in history),
        tuple(n for _p, n in pins),
        tables,
    )


def read_roster(path: str | Path) -> tuple[Roster, list[Problem]]:
    """Parse a roster workbook; return the roster and the warnings.

    Raises `InputError` listing every problem (with file, sheet, row and column) when any
    cell, sheet or cross-reference is bad. The file is opened read-only and never changed.
    """
    parsed = parse_roster(path)
    return parsed.roster, parsed.warnings
