"""Reading sheets: open a workbook, find a table's header row, read its rows cell by cell.

The roster, partition and schedule readers all read through here. Every problem is
collected with file, sheet, row and column (the header as in the file and its letter) so
that all of them are reported at once; files are only ever opened for reading.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Self, TypeVar, cast

from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook, SheetTypeEnum

from . import cells
from .errors import InputError, Problem
from .headers import normalize

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from pathlib import Path
    from types import TracebackType

    from .headers import Sheet

    Grid = Sequence[Sequence[object]]  # a sheet's cells, row by row from A1

T = TypeVar("T")

HEADER_SCAN_ROWS = 20  # the header row may sit below a few title rows
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # encrypted .xlsx and legacy .xls are OLE compound files
_BLANK = "must not be blank (value missing, 必填)"


class Problems:
    """The problems found in one input file, in the order found."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.found: list[Problem] = []

    def add(
        self,
        sheet: str | None,
        row: int | None,
        column: str | None,
        message: str,
        *,
        warning: bool = False,
    ) -> None:
        self.found.append(Problem(self.file, sheet, row, column, message, warning))

    @property
    def failed(self) -> bool:
        return any(not p.warning for p in self.found)

    @property
    def errors(self) -> list[Problem]:
        """The problems that are not warnings (for readers that return no warnings)."""
        return [p for p in self.found if not p.warning]

    def fatal(self, message: str, sheet: str | None = None) -> InputError:
        """The error to raise when reading cannot go on: the errors so far and ``message``."""
        self.add(sheet, None, None, message)
        return InputError(self.errors)


# --------------------------------------------------------------------------- workbooks


def readable(problems: Problems, path: Path) -> bool:
    """True when ``path`` is a file; otherwise says why not."""
    if path.is_file():
        return True
    problems.add(
        None, None, None, "file not found (文件不存在)" if not path.exists() else "not a file"
    )
    return False


def _unreadable(problems: Problems, sheet: str | None, exc: Exception) -> None:
    message = (
        "not a readable .xlsx workbook (not an Excel workbook, or damaged; 无法读取的 Excel 文件)"
    )
    problems.add(sheet, None, None, f"{message}: {exc}")


def open_workbook(problems: Problems, path: Path) -> Workbook | None:
    """The workbook at ``path`` opened read-only, or None when it cannot be read (a problem)."""
    if not readable(problems, path):
        return None
    try:
        with path.open("rb") as handle:
            if handle.read(4) == _OLE_MAGIC:
                problems.add(
                    None,
                    None,
                    None,
                    "the file is password-protected or an old .xls: "
                    "save it as .xlsx without a password "
                    "(文件加密或为旧版 .xls，请另存为无密码的 .xlsx)",
                )
                return None
        return Workbook(problems, CalamineWorkbook.from_path(str(path)))
    # A damaged or foreign file fails inside calamine (zip, XML) with several exception
    # types; every one of them means "not a readable .xlsx".
    except Exception as exc:
        _unreadable(problems, None, exc)
        return None


class Workbook:
    """An open workbook: its worksheet titles, and each sheet's cells on demand.

    calamine (Rust) reads a 60,000-teacher roster in about a second where openpyxl took
    ten. Blank cells come back as ``""`` and numbers as floats: the cell parsers take both.
    """

    def __init__(self, problems: Problems, book: CalamineWorkbook) -> None:
        self.problems, self._book = problems, book
        # Chart sheets hold no cells (openpyxl's worksheets skip them too).
        self.titles = tuple(
            m.name for m in book.sheets_metadata if m.typ is SheetTypeEnum.WorkSheet
        )

    def rows(self, title: str) -> Grid | None:
        """The sheet's cells from A1 (so indices are Excel numbering), or None if unreadable."""
        try:
            sheet = self._book.get_sheet_by_name(title)
            return cast("Grid", sheet.to_python(skip_empty_area=False))
        except Exception as exc:  # as in open_workbook: a damaged sheet
            _unreadable(self.problems, title, exc)
            return None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._book.close()


# --------------------------------------------------------------------------- header row


def header_letter(index: int, text: str) -> str:
    """A column named as the roster and partition readers do: ``等级 (F)``."""
    return f"{text} ({get_column_letter(index + 1)})"


def letter_header(index: int, text: str) -> str:
    """A column named as the schedule reader does: ``F 等级``."""
    return f"{get_column_letter(index + 1)} {text}"


def header_only(index: int, text: str) -> str:
    """A column without a letter (JSON keys)."""
    return text


@functools.cache
def _lookup(sheet: Sheet) -> dict[str, str]:
    """Every normalized spelling of the sheet's headers → column key."""
    return {name: c.key for c in sheet.columns for name in c.names}


@dataclass(frozen=True)
class Header:
    """The header row of a table: its index, known columns and every named cell."""

    index: int  # in the grid, from 0
    columns: dict[str, tuple[int, str]]  # key → (index, header text as in the file); first wins
    cells: tuple[tuple[int, str, str | None], ...]  # (index, text, key or None if unknown)
    missing: tuple[str, ...]  # headers of the required columns not found

    @property
    def complete(self) -> bool:
        return not self.missing


def find_header(sheet: Sheet, grid: Grid) -> Header | None:
    """The row among the first `HEADER_SCAN_ROWS` naming most of ``sheet``'s columns."""
    lookup = _lookup(sheet)
    best, best_hits = -1, 0
    for index, values in enumerate(grid[:HEADER_SCAN_ROWS]):
        hits = sum(1 for v in values if not cells.blank(v) and normalize(v) in lookup)
        if hits > best_hits:
            best, best_hits = index, hits
    if best < 0:
        return None
    columns: dict[str, tuple[int, str]] = {}
    named: list[tuple[int, str, str | None]] = []
    for index, value in enumerate(grid[best]):
        if cells.blank(value):
            continue
        text, key = str(value).strip(), lookup.get(normalize(value))
        named.append((index, text, key))
        if key is not None:
            columns.setdefault(key, (index, text))
    missing = tuple(c.header for c in sheet.columns if c.required and c.key not in columns)
    return Header(best, columns, tuple(named), missing)


# --------------------------------------------------------------------------- tables and rows


@dataclass
class Table:
    """A sheet's table: where its columns are and its non-blank data rows."""

    problems: Problems
    sheet: Sheet
    title: str  # as in the file
    columns: dict[str, tuple[int, str]]  # key → (0-based index, header text as in the file)
    rows: list[tuple[int, Sequence[object]]]  # (row number, values)
    label: Callable[[int, str], str] = header_letter

    @classmethod
    def read(
        cls,
        problems: Problems,
        sheet: Sheet,
        title: str,
        grid: Grid,
        *,
        label: Callable[[int, str], str] = header_letter,
        first: int = 1,
    ) -> Table | None:
        """The table under the header row, or None (with problems) when there is none.

        ``first`` is the number of the grid's first row: 1 in Excel, 0 where the header is
        row 0 and the data rows count from 1 (JSON). Unknown columns are warned about.
        """
        header = find_header(sheet, grid)
        if header is None:
            if all(all(cells.blank(v) for v in values) for values in grid):
                problems.add(
                    title, None, None, "sheet is empty (工作表为空)", warning=not sheet.required
                )
            else:
                expected = ", ".join(c.header for c in sheet.columns if c.required)
                problems.add(
                    title,
                    None,
                    None,
                    f"no header row in the first {HEADER_SCAN_ROWS} rows; expected {expected}",
                )
            return None
        number = header.index + first
        repeated = False
        for index, text, key in header.cells:
            if key is None:
                message = "extra column ignored (未识别的列，已忽略)"
                problems.add(title, number, label(index, text), message, warning=True)
            elif header.columns[key][0] != index:
                repeated = True
                also = get_column_letter(header.columns[key][0] + 1)
                message = f"column {key} appears twice (also column {also})"
                problems.add(title, number, label(index, text), message)
        for missing in header.missing:
            problems.add(title, number, missing, f"missing column {missing} (缺少列)")
        if header.missing or repeated:
            return None  # rows of a sheet with a broken header would only repeat its problem
        positions = [i for i, _ in header.columns.values()]
        rows = [
            (n, values)
            for n, values in enumerate(grid[header.index + 1 :], number + 1)
            if not all(cells.blank(values[i]) for i in positions if i < len(values))
        ]
        return cls(problems, sheet, title, header.columns, rows, label)

    def column_name(self, key: str) -> str:
        """The column for problems: as in the file with its letter, or the header if absent."""
        if key in self.columns:
            return self.label(*self.columns[key])
        return self.sheet.column(key).header

    def __iter__(self) -> Iterator[Row]:
        for number, values in self.rows:
            yield Row(self, number, values)


class Refs:
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


class Row:
    """Cells of one data row by column key; bad cells become problems and fail the row."""

    __slots__ = ("failed", "number", "table", "values")

    def __init__(self, table: Table, number: int, values: Sequence[object]) -> None:
        self.table, self.number, self.values = table, number, values
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
        """Report a problem of this row, in the column of ``key`` if given."""
        table, column = self.table, None
        if key is not None:
            spec = table.sheet.column(key)
            column, message = table.column_name(key), f"{spec.key} {spec.zh}: {message}"
        table.problems.add(table.title, self.number, column, message, warning=warning)
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
            self.problem(key, _BLANK)
        return cast("T", value)

    def ref(self, key: str, refs: Refs, *, unknown_ok: bool = False) -> str | None:
        """One id or name reference (blank → None); ``unknown_ok`` keeps unknown text and warns."""
        typed = self.get(key, cells.text)
        if typed is None:
            return None
        try:
            found, note = refs.resolve(typed)
        except ValueError as exc:
            self.problem(
                key, f"{exc}; kept as given" if unknown_ok else str(exc), warning=unknown_ok
            )
            return typed if unknown_ok else None
        if note:
            self.problem(key, note, warning=True)
        return found

    def need_ref(self, key: str, refs: Refs) -> str:
        """One reference that must be given; as `need`, a placeholder on failure."""
        found = self.ref(key, refs)
        if found is None and self.raw(key) is None:
            self.problem(key, _BLANK)
        return cast("str", found)

    def refs(self, key: str, refs: Refs) -> tuple[str, ...]:
        """Several references in one cell, separated by , ， 、 ; or new lines."""
        out: list[str] = []
        for token in self.get(key, cells.items) or ():
            try:
                found, note = refs.resolve(token)
            except ValueError as exc:
                self.problem(key, str(exc))
                continue
            if note:
                self.problem(key, note, warning=True)
            if found not in out:
                out.append(found)
        return tuple(out)

    def unique(self, key: str, value: str | None, seen: dict[str, int]) -> None:
        """Report a repeated id (the first occurrence is kept)."""
        if value is None:
            return
        if value in seen:
            self.problem(key, f"duplicate {value!r} (also row {seen[value]})")
        else:
            seen[value] = self.number

    def build(self, make: Callable[[], T]) -> T | None:
        """A model object for a clean row; its own checks become a problem of the row."""
        if self.failed:
            return None
        try:
            return make()
        except ValueError as exc:
            self.problem(None, str(exc))
            return None
