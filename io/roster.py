"""Read, validate and write the roster workbook (SPEC §4).

`read_roster` collects every problem of a workbook before failing, each with file, sheet,
Excel row and column, and never changes the file: it is opened for reading only.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from python_calamine import CalamineWorkbook, SheetTypeEnum

from ..model.instance import (
    TIER_NAMES,
    Activity,
    Grade,
    HistoryRecord,
    Instance,
    Kindergarten,
    Labelled,
    Ownership,
    Pin,
    Role,
    Roster,
    Semester,
    Teacher,
    academic_year,
    parse_tier,
)
from .errors import InputError, Problem
from .headers import (
    DISTANCES,
    FIXED,
    FORBIDDEN,
    HISTORY,
    KINDERGARTENS,
    NO,
    NOTES_NAMES,
    PINS,
    SHEETS,
    TEACHERS,
    YES,
    Sheet,
    normalize,
    sheet_for,
)
from .template import write_workbook

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

    from ..model.profile import Profile

T = TypeVar("T")
E = TypeVar("E", bound=Labelled)

HEADER_SCAN_ROWS = 10  # the header row may sit below a few title rows
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # encrypted .xlsx and legacy .xls are OLE compound files

# --------------------------------------------------------------------------- cell parsers
# Each takes a non-blank cell value and returns the parsed value or raises ValueError with
# a message the user can act on.

_BOOL_WORDS = {
    **dict.fromkeys(("是", "y", "yes", "true", "1", "√", "✓", "✔", "对"), True),
    **dict.fromkeys(("否", "n", "no", "false", "0", "×", "✗", "x", "不是", "无"), False),
}
_PIN_WORDS = {
    **dict.fromkeys(("fixed", FIXED, "锁定", "必须"), False),
    **dict.fromkeys(("forbidden", FORBIDDEN, "不得", "排除"), True),
}
_NONE_TEXT = {"无", "否", "没有", "none", "no", "n/a", "na", "/"}
_DATE_FORMS = "2021-09, 2021.09, 2021/9, 2021年9月, 2021-09-01 or an Excel date"
_DATE_TEXT = re.compile(
    r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*(?:[-./月]\s*(\d{1,2})\s*日?|月)?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
)
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})?")
_SEPARATORS = re.compile(r"[,，、;；\s]+")
_LIST_SEPARATORS = re.compile(r"[,，、;；\n]+")  # names may contain spaces


def _text(value: object) -> str:
    """Text as typed; an integral number (an id Excel stored as a number) loses its ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _optional_text(value: object) -> str | None:
    """Free text where 无 / none / - mean nothing."""
    text = _text(value)
    key = normalize(text)
    return None if not key or key in _NONE_TEXT else text


def _word(value: object, words: Mapping[str, bool]) -> bool | None:
    """The meaning of a cell such as ``是``, ``yes`` or ``是 yes`` (every word must agree)."""
    found = {words.get(word) for word in _text(value).lower().split()}
    return found.pop() if len(found) == 1 else None


def _integral(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _count(value: object) -> int:
    number = _integral(value)
    if number is None or number < 0:
        raise ValueError(f"{value!r} is not a whole number >= 0")
    return number


def _km(value: object) -> float:
    try:
        km = float(str(value))  # str() first: a bool cell is not a distance
    except ValueError:
        raise ValueError(f"{value!r} is not a number of km") from None
    if not 0 <= km < float("inf"):
        raise ValueError(f"{value!r} is not a distance >= 0 km")
    return km


def _bool(value: object) -> bool:
    flag = value if isinstance(value, bool) else _word(value, _BOOL_WORDS)
    if flag is None:
        raise ValueError(f"{value!r} is not yes or no (是/否, Y/N, 1/0)")
    return flag


def _year(value: object) -> int:
    text = _text(value).removesuffix("学年").removesuffix("年")
    year = _integral(text)
    if year is None or not 1900 <= year <= 2200:
        raise ValueError(f"{value!r} is not an academic year such as 2027")
    return year


def _years(value: object) -> frozenset[int]:
    return frozenset(_year(token) for token in _SEPARATORS.split(_text(value)) if token)


def _month_of_decimals(value: float) -> int:
    """Month from a year.month number: Excel turns a typed 2021.09 into 2021.09 and 2021.10
    into 2021.1, so the decimals are month digits (2021.1 = October); 2021.9 means September."""
    digits = f"{value:.2f}".split(".")[1]
    month = int(digits)
    return int(digits[0]) if month > 12 and digits[1] == "0" else month


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if 1900 <= value < 2200:
                if float(value).is_integer():
                    raise ValueError
                return dt.date(int(value), _month_of_decimals(float(value)), 1)
            if 20000 <= value < 80000:  # an Excel serial day number shown without a date format
                return cast("dt.datetime", from_excel(value)).date()
            raise ValueError
        text = _text(value)
        match = _DATE_TEXT.fullmatch(text) or _DATE_COMPACT.fullmatch(text)
        if match is None:
            raise ValueError
        year, month, day = match.groups()
        if not 1900 <= int(year) < 2200:
            raise ValueError
        return dt.date(int(year), int(month), int(day or 1))
    except (ValueError, OverflowError):
        raise ValueError(f"{value!r} is not a year and month ({_DATE_FORMS})") from None


def _tier(value: object) -> int:
    number = None if isinstance(value, str) else _integral(value)
    return parse_tier(number if number is not None else _text(value))


def _pin_forbidden(value: object) -> bool:
    forbidden = _word(value, _PIN_WORDS)
    if forbidden is None:
        raise ValueError(f"{value!r} is not 固定 fixed or 禁止 forbidden")
    return forbidden


def _enum(cls: type[E]) -> Callable[[object], E]:
    # Cached by text: a city roster repeats a handful of spellings 60,000 times, and
    # Labelled.parse scans every member's names on each call.
    spelled = functools.cache(cls.parse)

    def parse(value: object) -> E:
        return cast("E", spelled(_text(value)))

    return parse


_GRADE, _ROLE, _OWNERSHIP = _enum(Grade), _enum(Role), _enum(Ownership)
_ACTIVITY, _SEMESTER = _enum(Activity), _enum(Semester)

# --------------------------------------------------------------------------- references


class _Refs:
    """Ids of one sheet with their rows; resolves a reference typed as an id or a name.

    When the sheet itself could not be read (``complete`` false) unknown references pass
    unreported: the sheet's own problem says enough, and a flood of follow-ups helps nobody.
    """

    def __init__(
        self,
        what: str,
        title: str,
        rows: dict[str, int],
        names: Iterable[tuple[str, str]] = (),
        *,
        complete: bool = True,
    ) -> None:
        self.what, self.title, self.rows, self.complete = what, title, rows, complete
        self.by_name: dict[str, list[str]] = {}
        for name, item_id in names:
            self.by_name.setdefault(name, []).append(item_id)
        # Excel drops leading zeros from an id typed as a number: 007 becomes 7.
        self.unpadded: dict[str, list[str]] = {}
        for item_id in rows:
            if item_id.isdigit():
                self.unpadded.setdefault(item_id.lstrip("0"), []).append(item_id)

    def resolve(self, text: str) -> tuple[str, str | None]:
        """The id, and a warning when it was found only by restoring leading zeros."""
        if text in self.rows:
            return text, None
        by_name = self.by_name.get(text, [])
        if len(by_name) == 1:
            return by_name[0], None
        if by_name:
            raise ValueError(f"name {text!r} is shared by {', '.join(by_name)}: use the id")
        padded = self.unpadded.get(text.lstrip("0"), []) if text.isdigit() else []
        if len(padded) == 1:
            note = f"{text!r} read as {padded[0]!r} (Excel drops leading zeros: format ids as text)"
            return padded[0], note
        if not self.complete:
            return text, None
        raise ValueError(f"unknown {self.what} {text!r} (not in sheet {self.title})")

    def where(self, item_id: str) -> tuple[str, int | None]:
        """Sheet title and row of an id, for messages."""
        return self.title, self.rows.get(item_id)


# --------------------------------------------------------------------------- sheets and rows


@dataclass
class _Table:
    """One roster sheet of the workbook: where its columns are and its non-blank data rows."""

    sheet: Sheet
    title: str  # as in the file
    columns: dict[str, tuple[int, str]]  # key -> (0-based index, header text as in the file)
    rows: list[tuple[int, Sequence[object]]]  # (Excel row number, values)

    def column_name(self, key: str) -> str:
        if key in self.columns:
            index, text = self.columns[key]
            return f"{text} ({get_column_letter(index + 1)})"
        return self.sheet.column(key).header


@dataclass
class _Reader:
    file: str
    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        sheet: str | None,
        row: int | None,
        column: str | None,
        message: str,
        *,
        warning: bool = False,
    ) -> None:
        self.problems.append(Problem(self.file, sheet, row, column, message, warning))

    @property
    def failed(self) -> bool:
        return any(not p.warning for p in self.problems)


class _Row:
    """Cells of one data row by column key; bad cells become problems and fail the row."""

    __slots__ = ("failed", "number", "reader", "table", "values")

    def __init__(
        self, reader: _Reader, table: _Table, number: int, values: Sequence[object]
    ) -> None:
        self.reader, self.table, self.number, self.values = reader, table, number, values
        self.failed = False

    def raw(self, key: str) -> object:
        """The cell value, None when the column is absent or the cell blank."""
        where = self.table.columns.get(key)
        if where is None or where[0] >= len(self.values):
            return None
        value = self.values[where[0]]
        if isinstance(value, str):
            return value.strip() or None
        return value

    def problem(self, key: str | None, message: str, *, warning: bool = False) -> None:
        column = None
        if key is not None:
            spec = self.table.sheet.column(key)
            column, message = self.table.column_name(key), f"{spec.key} {spec.zh}: {message}"
        self.reader.add(self.table.title, self.number, column, message, warning=warning)
        self.failed = self.failed or not warning

    def get(self, key: str, parse: Callable[[object], T]) -> T | None:
        """The parsed cell, or None when blank or bad (a bad cell is reported)."""
        value = self.raw(key)
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as exc:
            self.problem(key, str(exc))
            return None

    def need(self, key: str, parse: Callable[[object], T]) -> T:
        """The parsed cell; a blank or bad cell is reported and fails the row.

        On failure the returned value is a placeholder: callers check `failed` before using it.
        """
        value = self.get(key, parse)
        if value is None and self.raw(key) is None:
            self.problem(key, "must not be blank")
        return cast("T", value)

    def ref(self, key: str, refs: _Refs, *, unknown_ok: bool = False) -> str | None:
        """One id or name reference (blank → None); ``unknown_ok`` keeps unknown text and warns."""
        text = self.get(key, _text)
        if text is None:
            return None
        try:
            found, note = refs.resolve(text)
        except ValueError as exc:
            self.problem(
                key, f"{exc}; kept as given" if unknown_ok else str(exc), warning=unknown_ok
            )
            return text if unknown_ok else None
        if note:
            self.problem(key, note, warning=True)
        return found

    def refs(self, key: str, refs: _Refs) -> tuple[str, ...]:
        """Several references in one cell, separated by , ， 、 ; or new lines."""
        out: list[str] = []
        for token in _LIST_SEPARATORS.split(self.get(key, _text) or ""):
            if not token.strip():
                continue
            try:
                found, note = refs.resolve(token.strip())
            except ValueError as exc:
                self.problem(key, str(exc))
                continue
            if note:
                self.problem(key, note, warning=True)
            if found not in out:
                out.append(found)
        return tuple(out)


def _header_lookup(sheet: Sheet) -> dict[str, str]:
    return {name: c.key for c in sheet.columns for name in c.names}


_LOOKUP = {s.key: _header_lookup(s) for s in SHEETS}


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table(
    reader: _Reader, sheet: Sheet, title: str, rows: Sequence[Sequence[object]]
) -> _Table | None:
    """Find the header row (the one among the first rows matching most known headers)."""
    lookup = _LOOKUP[sheet.key]
    best, best_hits = -1, 0
    for index, values in enumerate(rows[:HEADER_SCAN_ROWS]):
        hits = sum(1 for v in values if not _blank(v) and normalize(v) in lookup)
        if hits > best_hits:
            best, best_hits = index, hits
    expected = ", ".join(c.header for c in sheet.columns if c.required)
    if best < 0:
        if all(all(_blank(v) for v in values) for values in rows):
            reader.add(title, None, None, "sheet is empty (工作表为空)", warning=not sheet.required)
        else:
            reader.add(
                title,
                None,
                None,
                f"no header row in the first {HEADER_SCAN_ROWS} rows; expected {expected}",
            )
        return None
    columns: dict[str, tuple[int, str]] = {}
    repeated = False
    for index, value in enumerate(rows[best]):
        if _blank(value):
            continue
        text = str(value).strip()
        letter = get_column_letter(index + 1)
        key = lookup.get(normalize(value))
        if key is None:
            reader.add(
                title,
                best + 1,
                f"{text} ({letter})",
                "extra column ignored (未识别的列，已忽略)",
                warning=True,
            )
        elif key in columns:
            repeated = True
            first = get_column_letter(columns[key][0] + 1)
            reader.add(
                title,
                best + 1,
                f"{text} ({letter})",
                f"column {key} appears twice (also column {first})",
            )
        else:
            columns[key] = (index, text)
    missing = [c for c in sheet.columns if c.required and c.key not in columns]
    for column in missing:
        reader.add(title, best + 1, column.header, f"missing column {column.header} (缺少列)")
    if missing or repeated:
        return None  # rows of a sheet with a broken header would only repeat its problem
    positions = [i for i, _ in columns.values()]
    data = [
        (number, values)
        for number, values in enumerate(rows[best + 1 :], best + 2)
        if not all(_blank(values[i]) for i in positions if i < len(values))
    ]
    return _Table(sheet, title, columns, data)


def _load(reader: _Reader, path: Path) -> dict[str, _Table]:
    """Open the workbook read-only and pick out the roster sheets; file trouble is a problem."""
    if not path.is_file():
        reader.add(
            None, None, None, "file not found (文件不存在)" if not path.exists() else "not a file"
        )
        return {}
    raw: list[tuple[Sheet | None, str, Sequence[Sequence[object]]]] = []
    try:
        with path.open("rb") as handle:
            if handle.read(4) == _OLE_MAGIC:
                reader.add(
                    None,
                    None,
                    None,
                    "the file is password-protected or an old .xls: "
                    "save it as .xlsx without a password "
                    "(文件加密或为旧版 .xls，请另存为无密码的 .xlsx)",
                )
                return {}
        # calamine (Rust) reads a 60,000-teacher roster in about a second where openpyxl took
        # ten. Blank cells come back as "" and numbers as floats: the cell parsers take both.
        with CalamineWorkbook.from_path(str(path)) as book:
            for meta in book.sheets_metadata:
                if meta.typ is not SheetTypeEnum.WorkSheet:
                    continue  # chart sheets hold no cells (openpyxl's worksheets skip them too)
                sheet = sheet_for(meta.name)
                rows: Sequence[Sequence[object]] = []
                if sheet is not None:
                    # skip_empty_area=False keeps rows and columns from A1: Excel numbering
                    rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
                raw.append((sheet, meta.name, rows))
    # A damaged or foreign file can fail inside calamine (zip, XML) with several exception
    # types; every one of them means "not a readable .xlsx".
    except Exception as exc:
        reader.add(
            None, None, None, f"not a readable .xlsx workbook (无法读取的 Excel 文件): {exc}"
        )
        return {}

    tables: dict[str, _Table] = {}
    seen: dict[str, str] = {}
    for sheet, title, rows in raw:
        if sheet is None:
            if normalize(title) not in NOTES_NAMES:
                known = ", ".join(s.title for s in SHEETS)
                reader.add(
                    title, None, None, f"unknown sheet ignored (known: {known})", warning=True
                )
        elif sheet.key in seen:
            reader.add(
                title, None, None, f"sheet {seen[sheet.key]!r} is already the {sheet.title} sheet"
            )
        else:
            seen[sheet.key] = title
            table = _table(reader, sheet, title, rows)
            if table is not None:
                tables[sheet.key] = table
    for sheet in SHEETS:
        if sheet.required and sheet.key not in seen:
            names = f"{sheet.zh}, {sheet.key} or {sheet.title}"
            reader.add(
                sheet.title,
                None,
                None,
                f"missing sheet {sheet.title} (缺少工作表; name it {names})",
            )
    return tables


# --------------------------------------------------------------------------- per-sheet parsing


def _rows(reader: _Reader, tables: Mapping[str, _Table], sheet: Sheet) -> Iterator[_Row]:
    table = tables.get(sheet.key)
    if table is not None:
        for number, values in table.rows:
            yield _Row(reader, table, number, values)


def _unique(row: _Row, key: str, value: str | None, seen: dict[str, int]) -> None:
    """Report a repeated id (the first occurrence is kept)."""
    if value is None:
        return
    if value in seen:
        row.problem(key, f"duplicate {value!r} (also row {seen[value]})")
    else:
        seen[value] = row.number


def _build(row: _Row, make: Callable[[], T]) -> T | None:
    """Construct a model object for a clean row; its own checks become a problem for the row."""
    if row.failed:
        return None
    try:
        return make()
    except ValueError as exc:
        row.problem(None, str(exc))
        return None


def _need_ref(row: _Row, key: str, refs: _Refs) -> str:
    found = row.ref(key, refs)
    if found is None and row.raw(key) is None:
        row.problem(key, "must not be blank")
    return cast("str", found)


@dataclass(frozen=True)
class _Parsed:
    roster: Roster
    warnings: list[Problem]
    kgs: _Refs  # kindergarten ids with their rows, for validation messages
    teachers: _Refs


def _kindergartens(
    reader: _Reader, tables: Mapping[str, _Table]
) -> tuple[list[Kindergarten], _Refs]:
    kgs: list[Kindergarten] = []
    seen: dict[str, int] = {}
    names: list[tuple[str, str]] = []
    members: dict[str, list[int]] = {}
    leads: dict[str, list[int]] = {}
    for row in _rows(reader, tables, KINDERGARTENS):
        kg_id = row.need("kg_id", _text)
        name = row.need("name", _text)
        group = row.need("group", _text)
        role = row.need("role", _ROLE)
        ownership = row.need("ownership", _OWNERSHIP)
        tier = row.need("tier", _tier)
        small, middle, large, mixed = (row.get(f"classes_{g.value}", _count) or 0 for g in Grade)
        town = row.get("town", _optional_text)
        _unique(row, "kg_id", kg_id, seen)
        if kg_id is not None and name is not None:
            names.append((name, kg_id))
        if group is not None:
            members.setdefault(group, []).append(row.number)
            if role is Role.LEAD:
                leads.setdefault(group, []).append(row.number)
        classes = (small, middle, large, mixed)
        kg = _build(
            row, lambda: Kindergarten(kg_id, name, group, role, ownership, tier, classes, town)
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
                reader.add(table.title, (found[1:] or rows)[0], table.column_name("role"), message)
    title = table.title if table else KINDERGARTENS.title
    what = "kindergarten (kg_id or name)"
    return kgs, _Refs(what, title, seen, names, complete=table is not None)


def _teachers(
    reader: _Reader, tables: Mapping[str, _Table], kg_refs: _Refs
) -> tuple[list[Teacher], _Refs]:
    teachers: list[Teacher] = []
    seen: dict[str, int] = {}
    for row in _rows(reader, tables, TEACHERS):
        teacher_id = row.need("teacher_id", _text)
        name = row.get("name", _text) or ""
        home = _need_ref(row, "home_kg", kg_refs)
        grade = row.get("grade", _GRADE)
        backbone = bool(row.get("backbone", _bool))
        cadre = bool(row.get("cadre", _bool))
        hire = row.get("hire_date", _date)
        birth = row.get("birth_date", _date)
        veto = row.get("veto", _optional_text)
        unavailable = row.get("unavailable", _years) or frozenset()
        preferred = row.refs("preferred_hosts", kg_refs)
        if grade is None and row.raw("grade") is None and not cadre:
            row.problem(
                "grade",
                f"blank, but the teacher is not a cadre (是否干部 = {NO}): "
                "give 小班/中班/大班/混龄",
            )
        _unique(row, "teacher_id", teacher_id, seen)
        teacher = _build(
            row,
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
    return teachers, _Refs("teacher_id", title, seen, complete=table is not None)


def _history(
    reader: _Reader, tables: Mapping[str, _Table], t_refs: _Refs, kg_refs: _Refs
) -> list[HistoryRecord]:
    out = []
    for row in _rows(reader, tables, HISTORY):
        teacher_id = _need_ref(row, "teacher_id", t_refs)
        activity = row.need("type", _ACTIVITY)
        host = row.ref("host_kg", kg_refs, unknown_ok=True)  # a past host may have left the roster
        start = row.need("start", _date)
        end = row.get("end", _date)
        record = _build(row, lambda: HistoryRecord(teacher_id, activity, host, start, end))
        if record is not None:
            out.append(record)
    return out


def _distances(
    reader: _Reader, tables: Mapping[str, _Table], kg_refs: _Refs
) -> list[tuple[str, str, float]]:
    out: list[tuple[str, str, float]] = []
    seen: dict[frozenset[str], tuple[float, int]] = {}
    for row in _rows(reader, tables, DISTANCES):
        a = _need_ref(row, "from_kg", kg_refs)
        b = _need_ref(row, "to_kg", kg_refs)
        km = row.need("km", _km)
        if row.failed:
            continue
        pair = frozenset((a, b))
        first_km, first_row = seen.setdefault(pair, (km, row.number))
        if first_km != km:
            row.problem("km", f"{a}–{b} is {first_km:g} km in row {first_row}, here {km:g} km")
        else:
            out.append((a, b, km))
    return out


def _pins(
    reader: _Reader, tables: Mapping[str, _Table], t_refs: _Refs, kg_refs: _Refs
) -> list[Pin]:
    out = []
    for row in _rows(reader, tables, PINS):
        teacher_id = _need_ref(row, "teacher_id", t_refs)
        activity = row.need("type", _ACTIVITY)
        host = row.ref("host_kg", kg_refs)
        year = row.need("year", _year)
        semester = row.get("semester", _SEMESTER)
        forbidden = row.need("mode", _pin_forbidden)
        pin = _build(row, lambda: Pin(teacher_id, activity, host, year, semester, forbidden))
        if pin is not None:
            out.append(pin)
    return out


def _read(path: str | Path) -> _Parsed:
    reader = _Reader(str(path))
    tables = _load(reader, Path(path))
    if not tables:  # not a workbook, or no sheet could be read: nothing further to check
        raise InputError(reader.problems)
    kgs, kg_refs = _kindergartens(reader, tables)
    teachers, t_refs = _teachers(reader, tables, kg_refs)
    history = _history(reader, tables, t_refs, kg_refs)
    distances = _distances(reader, tables, kg_refs)
    pins = _pins(reader, tables, t_refs, kg_refs)
    for sheet, refs in ((KINDERGARTENS, kg_refs), (TEACHERS, t_refs)):
        if sheet.key in tables and not refs.rows:
            reader.add(refs.title, None, None, "no data rows (没有数据)")
    if reader.failed:
        raise InputError(reader.problems)
    try:
        roster = Roster(tuple(kgs), tuple(teachers), tuple(history), tuple(distances), tuple(pins))
    except ValueError as exc:  # the row checks above catch everything; this is the backstop
        raise InputError(
            [*reader.problems, Problem(reader.file, None, None, None, str(exc))]
        ) from None
    return _Parsed(roster, reader.problems, kg_refs, t_refs)


def read_roster(path: str | Path) -> tuple[Roster, list[Problem]]:
    """Parse a roster workbook; return the roster and the warnings.

    Raises `InputError` listing every problem (with file, sheet, row and column) when any
    cell, sheet or cross-reference is bad. The file is opened read-only and never changed.
    """
    parsed = _read(path)
    return parsed.roster, parsed.warnings


# --------------------------------------------------------------------------- validation


def validate_roster(path: str | Path, profile: Profile) -> list[Problem]:
    """Read a roster and add cross-checks that are warnings (GROUP-SIZE, short staff, no backbone).

    Raises `InputError` as `read_roster` does; returns every warning otherwise.
    """
    parsed = _read(path)
    roster, file = parsed.roster, str(path)
    warnings = list(parsed.warnings)
    # The checks below need no horizon; any start year gives the same group modes and counts.
    instance = Instance.create(roster, profile, academic_year(dt.date.today()) + 1)

    def warn(where: tuple[str, int | None], message: str) -> None:
        warnings.append(Problem(file, where[0], where[1], None, message, warning=True))

    by_group: dict[str, list[Kindergarten]] = {}
    for k in roster.kindergartens:
        by_group.setdefault(k.group, []).append(k)
    backbones = {(t.home_kg, t.grade) for t in roster.teachers if t.backbone and not t.cadre}
    for group, kgs in by_group.items():
        if 0 < profile.max_group_size < len(kgs):
            warn(
                parsed.kgs.where(instance.lead_of[group]),
                f"GROUP-SIZE: group {group!r} has {len(kgs)} kindergartens, more than "
                f"{profile.max_group_size} (profile {profile.name})",
            )
        tight = instance.group_mode(group) == "tight"
        for k in kgs:
            sending = k.role in (Role.LEAD, Role.BRANCH) if tight else k.role is not Role.AFFILIATE
            for grade in Grade:
                classes = k.classes_of(grade)
                if classes == 0:
                    continue
                need = profile.teachers_per_class * classes
                have = instance.home_count(k.kg_id, grade)
                if have < need:
                    warn(
                        parsed.kgs.where(k.kg_id),
                        f"STAFF-CLASS: {k.kg_id} {grade.label}: already short, {have} teachers for "
                        f"{classes} classes (needs {need}); "
                        "nobody of this grade can leave without cover",
                    )
                if (
                    sending
                    and (k.kg_id, grade) not in backbones
                    and profile.enabled("ROT-PER-GRADE")
                ):
                    warn(
                        parsed.kgs.where(k.kg_id),
                        f"ROT-PER-GRADE: {k.kg_id} {grade.label} has no backbone (骨干) to send",
                    )
    for t in roster.teachers:
        group = instance.kg[t.home_kg].group
        for host in t.preferred_hosts:
            if instance.kg[host].group != group:
                warn(
                    parsed.teachers.where(t.teacher_id),
                    f"teacher {t.teacher_id}: preferred host {host} is in another group (ignored)",
                )
    return warnings


# --------------------------------------------------------------------------- writing


def _yes_no(flag: bool) -> str:
    return YES if flag else NO


def _cells(sheet: Sheet, **values: object) -> list[object]:
    """Cell values in the header table's column order; columns not given stay blank."""
    return [values.get(c.key) for c in sheet.columns]


def _kg_cells(k: Kindergarten) -> list[object]:
    classes = {f"classes_{g.value}": k.classes_of(g) for g in Grade}
    return _cells(
        KINDERGARTENS,
        kg_id=k.kg_id,
        name=k.name,
        group=k.group,
        role=k.role.zh,
        ownership=k.ownership.zh,
        tier=TIER_NAMES[k.tier],
        town=k.town,
        **classes,
    )


def _teacher_cells(t: Teacher) -> list[object]:
    return _cells(
        TEACHERS,
        teacher_id=t.teacher_id,
        name=t.name,
        home_kg=t.home_kg,
        grade=t.grade.zh if t.grade else None,
        backbone=_yes_no(t.backbone),
        cadre=_yes_no(t.cadre),
        hire_date=t.hire_date,
        birth_date=t.birth_date,
        veto=t.veto,
        unavailable="、".join(map(str, sorted(t.unavailable))) or None,
        preferred_hosts="、".join(t.preferred_hosts) or None,
    )


def _history_cells(h: HistoryRecord) -> list[object]:
    return _cells(
        HISTORY,
        teacher_id=h.teacher_id,
        type=h.activity.zh,
        host_kg=h.host_kg,
        start=h.start,
        end=h.end,
    )


def _pin_cells(p: Pin) -> list[object]:
    return _cells(
        PINS,
        teacher_id=p.teacher_id,
        type=p.activity.zh,
        host_kg=p.host_kg,
        year=p.year,
        semester=p.semester.zh if p.semester else None,
        mode=FORBIDDEN if p.forbidden else FIXED,
    )


def write_roster(roster: Roster, path: str | Path) -> Path:
    """Write a roster in the workbook shape `read_roster` reads (bilingual headers), atomically."""
    rows: dict[str, Iterable[list[object]]] = {
        KINDERGARTENS.key: map(_kg_cells, roster.kindergartens),
        TEACHERS.key: map(_teacher_cells, roster.teachers),
        HISTORY.key: map(_history_cells, roster.history),
        DISTANCES.key: (
            _cells(DISTANCES, from_kg=a, to_kg=b, km=km) for a, b, km in roster.distances
        ),
        PINS.key: map(_pin_cells, roster.pins),
    }
    return write_workbook(path, rows)
