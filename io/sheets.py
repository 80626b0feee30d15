"""Reading sheets: open a workbook, find a table's header row, read its rows cell by cell.

The roster, partition and schedule readers all read through here. Every problem is
collected with file, sheet, row and column (the header as in the file and its letter) so
that all of them are reported at once; files are only ever opened for reading.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Self, TypeVar, cast

from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook, SheetTypeEnum

from ..model.i18n import _
from . import cells
from .errors import InputError, Problem
from .headers import normalize
from .xlsx import Refused, Scan, SheetScan, scan

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
    from pathlib import Path
    from types import TracebackType

    from .headers import Column, Sheet

    Grid = Sequence[Sequence[object]]  # a sheet's cells, row by row from A1

T = TypeVar("T")

HEADER_SCAN_ROWS = 20  # the header row may sit below a few title rows
SHOWN_ROWS = 5  # rows listed in a message that sums up many
# What offices write under a table: signatures, dates, totals and notes (a row whose first
# filled cell starts so is not data).
FOOTER = re.compile(
    r"\s*(制表|填表|填报|审核|审批|复核|负责人|经办|联系人|联系电话|单位(盖章|公章|负责人)|"
    r"合计|总计|小计|共计|备注|说明|注[:：\s\d、.]|注意|签字|签名|盖章|以上|"
    r"(prepared by|checked by|signed|total|note)\b)",
    re.IGNORECASE,
)


def blank_message() -> str:
    return _("must not be blank (value missing)")


class Problems:
    """The problems found in one input file, in the order found."""

    def __init__(self, file: str) -> None:
        self.file = cells.printable(file)
        self.found: list[Problem] = []
        self._tallies: dict[tuple[str | None, str | None, str], list[int]] = {}

    def add(
        self,
        sheet: str | None,
        row: int | None,
        column: str | None,
        message: str,
        *,
        warning: bool = False,
    ) -> None:
        """Record a problem; control characters never reach a message (nor the terminal)."""
        sheet, column = (None if v is None else cells.printable(v) for v in (sheet, column))
        problem = Problem(self.file, sheet, row, column, cells.printable(message), warning)
        self.found.append(problem)

    def tally(self, sheet: str | None, column: str | None, message: str, row: int) -> None:
        """A warning that may hold for many rows: reported once, listing them (`close`)."""
        self._tallies.setdefault((sheet, column, message), []).append(row)

    def close(self) -> None:
        """Report the tallied warnings, one per sheet, column and message."""
        for (sheet, column, message), rows in self._tallies.items():
            shown = ", ".join(map(str, rows[:SHOWN_ROWS]))
            if len(rows) > SHOWN_ROWS:
                more = _("{rows} and {n} more").format(rows=shown, n=len(rows) - SHOWN_ROWS)
            else:
                more = shown
            text = _("{message} (rows {rows})").format(message=message, rows=more)
            self.add(sheet, rows[0], column, text, warning=True)
        self._tallies.clear()

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
    problems.add(None, None, None, _("file not found") if not path.exists() else _("not a file"))
    return False


def _unreadable(problems: Problems, sheet: str | None, exc: Exception) -> None:
    message = _(
        "not a readable .xlsx workbook (damaged?): {error}; open it in Excel and save it again"
    )
    problems.add(sheet, None, None, message.format(error=exc))


def open_workbook(problems: Problems, path: Path) -> Workbook | None:
    """The workbook at ``path`` opened read-only, or None when it cannot be read (a problem).

    What is not an .xlsx workbook is named for what it is; what would unpack to far more than
    its size allows is refused before it is unpacked (io/xlsx.py).
    """
    if not readable(problems, path):
        return None
    try:
        found = scan(path)
        return Workbook(problems, CalamineWorkbook.from_path(str(path)), found)
    except Refused as exc:
        problems.add(None, None, None, str(exc))
        return None
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

    def __init__(self, problems: Problems, book: CalamineWorkbook, found: Scan) -> None:
        self.problems, self._book, self._scan = problems, book, found
        self._merged: dict[str, tuple[Merge, ...]] = {}
        # Chart sheets hold no cells (openpyxl's worksheets skip them too).
        self.titles = tuple(
            m.name for m in book.sheets_metadata if m.typ is SheetTypeEnum.WorkSheet
        )

    def fits(self, title: str) -> bool:
        """True unless the sheet spans far more cells than its size allows (see `rows`)."""
        found = self._scan.sheet(title)
        return found.cells <= found.allowed

    def rows(self, title: str) -> Grid | None:
        """The sheet's cells from A1 (so indices are Excel numbering), or None if unreadable."""
        found = self._scan.sheet(title)
        if not self.fits(title):
            message = _(
                "the sheet spans {rows} rows × {columns} columns with only {size} KB of cells "
                "(a cell far out at the edge of the sheet?): delete the rows and columns after "
                "the table, or copy the table to a new sheet"
            )
            rows, columns, size = found.rows, found.columns, found.size // 1024
            self.problems.add(
                title, None, None, message.format(rows=rows, columns=columns, size=size)
            )
            return None
        try:
            sheet = self._book.get_sheet_by_name(title)
            self._merged[title] = tuple(
                Merge(top, left, bottom, right)
                for (top, left), (bottom, right) in sheet.merged_cell_ranges or ()
            )
            return cast("Grid", sheet.to_python(skip_empty_area=False))
        except Exception as exc:  # as in open_workbook: a damaged sheet
            _unreadable(self.problems, title, exc)
            return None

    def marked(self, title: str) -> Marked | None:
        """The sheet's cells (as `rows`) with what their values do not show."""
        grid = self.rows(title)
        if grid is None:
            return None
        found: SheetScan = self._scan.sheet(title)
        return Marked(grid, Marks(found.marks, self._merged.get(title, ()), found.control))

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
    missing: tuple[Column, ...]  # the required columns not found

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
    missing = tuple(
        c
        for c in sheet.columns
        if c.required and c.key not in columns and not (c.instead and c.instead in columns)
    )
    return Header(best, columns, tuple(named), missing)


# --------------------------------------------------------------------------- tables and rows


@dataclass(frozen=True)
class Merge:
    """A range of merged cells, from 0, inclusive."""

    top: int
    left: int
    bottom: int
    right: int

    def ref(self, first: int = 1) -> str:
        """As Excel names it: ``A5:A9``."""
        a = f"{get_column_letter(self.left + 1)}{self.top + first}"
        return f"{a}:{get_column_letter(self.right + 1)}{self.bottom + first}"

    def covers(self, row: int, column: int) -> bool:
        """True for a cell of the range other than its first (which holds the value)."""
        inside = self.top <= row <= self.bottom and self.left <= column <= self.right
        return inside and (row, column) != (self.top, self.left)


@dataclass(frozen=True)
class Marks:
    """What a sheet's cell values do not show (io/xlsx.py and calamine): error cells and
    formulas without a saved value (code ``""``), by (row, column) from 0; merged ranges;
    whether some cell may hold a control character."""

    errors: Mapping[tuple[int, int], str] = field(default_factory=dict)
    merged: tuple[Merge, ...] = ()
    control: bool = False


NO_MARKS = Marks()


@dataclass(frozen=True)
class Marked:
    """A sheet's cells with their marks (`Workbook.marked`)."""

    cells: Grid
    marks: Marks


def _mark_message(code: str) -> str:
    if code:
        return _(
            "the cell shows the Excel error {code} (a broken formula or reference): "
            "correct it or type the value"
        ).format(code=code)
    return _(
        "a formula without a saved value: open the file in Excel and save it so that the "
        "values are stored, or type the values"
    )


@dataclass
class Table:
    """A sheet's table: where its columns are and its non-blank data rows."""

    problems: Problems
    sheet: Sheet
    title: str  # as in the file
    columns: dict[str, tuple[int, str]]  # key → (0-based index, header text as in the file)
    rows: list[tuple[int, Sequence[object]]]  # (row number, values)
    label: Callable[[int, str], str] = header_letter
    first: int = 1  # the number of the grid's first row
    marks: Marks = NO_MARKS
    broken: set[tuple[int, int]] = field(default_factory=set)  # (row number, column index)
    broken_rows: set[int] = field(default_factory=set)

    @classmethod
    def read(
        cls,
        problems: Problems,
        sheet: Sheet,
        title: str,
        grid: Grid | Marked,
        *,
        label: Callable[[int, str], str] = header_letter,
        first: int = 1,
    ) -> Table | None:
        """The table under the header row, or None (with problems) when there is none.

        ``first`` is the number of the grid's first row: 1 in Excel, 0 where the header is
        row 0 and the data rows count from 1 (JSON). Unknown columns are warned about (with
        the column they may have meant); footer rows (signatures, totals, notes) are skipped
        with a warning; a column's vertically merged cells give each row the merged value.
        A `Marked` grid's error cells and formulas without values are reported where read.
        """
        grid, marks = (grid.cells, grid.marks) if isinstance(grid, Marked) else (grid, NO_MARKS)
        header = find_header(sheet, grid)
        if header is None:
            _no_header(problems, sheet, title, grid)
            return None
        number = header.index + first
        table = cls(problems, sheet, title, header.columns, [], label, first, marks)
        if not table._check_header(header, number):
            return None  # rows of a sheet with a broken header would only repeat its problem
        table.rows = table._data(grid, header.index)
        return table

    def _check_header(self, header: Header, number: int) -> bool:
        """Report unknown, repeated and missing columns; True if the header can be read."""
        problems, title, label = self.problems, self.title, self.label
        unknown = {text: index for index, text, key in header.cells if key is None}
        absent = [c for c in self.sheet.columns if c.key not in header.columns]
        spellings = {name: c for c in absent for name in (c.zh, c.key, c.header, *c.aliases)}
        repeated = False
        for index, text, key in header.cells:
            if key is None:
                meant = cells.suggest(text, spellings, whole=True)
                if meant is None:
                    message = _("extra column ignored")
                else:
                    message = _("extra column ignored; did you mean {header}?")
                    message = message.format(header=spellings[meant].header)
                problems.add(title, number, label(index, text), message, warning=True)
            elif header.columns[key][0] != index:
                repeated = True
                also = get_column_letter(header.columns[key][0] + 1)
                message = _("column {key} appears twice (also column {also})")
                problems.add(title, number, label(index, text), message.format(key=key, also=also))
        for column in header.missing:
            what = column.header
            if column.instead:
                what = _("{header} (or {other})").format(
                    header=what, other=self.sheet.column(column.instead).header
                )
            meant = cells.suggest(column.zh, unknown, whole=True) or cells.suggest(
                column.key, unknown, whole=True
            )
            if meant is None:
                message = _("missing column {header}").format(header=what)
            else:
                message = _("missing column {header}; did you mean {found} (column {letter})?")
                letter = get_column_letter(unknown[meant] + 1)
                message = message.format(header=what, found=meant, letter=letter)
            problems.add(title, number, column.header, message)
        merged = [m for m in self.marks.merged if m.top <= header.index <= m.bottom]
        if header.missing and merged:
            message = _(
                "the header row has merged cells {cells}: unmerge them so that each column "
                "has its own header"
            )
            refs = ", ".join(m.ref(self.first) for m in merged)
            problems.add(title, number, None, message.format(cells=refs))
        return not (header.missing or repeated)

    def _data(self, grid: Grid, header: int) -> list[tuple[int, Sequence[object]]]:
        """The data rows below the header row, without blank and footer rows."""
        positions = [i for i, _ in self.columns.values()]
        grid = self._unmerge(grid, header, set(positions))
        rows = []
        for index in range(header + 1, len(grid)):
            values = grid[index]
            if all(cells.blank(values[i]) for i in positions if i < len(values)):
                continue
            if self.marks.control:
                values = self._clean(index + self.first, values, positions)
            rows.append((index + self.first, values))
        rows = self._without_footers(rows)
        kept = {number for number, _ in rows}
        names = dict(self.columns.values())
        for (row, column), code in sorted(self.marks.errors.items()):
            number = row + self.first
            if number in kept and column in names:
                self.broken.add((number, column))
                self.broken_rows.add(number)
                self.problems.add(
                    self.title, number, self.label(column, names[column]), _mark_message(code)
                )
        return rows

    def _unmerge(self, grid: Grid, header: int, positions: set[int]) -> Grid:
        """The grid with each data column's vertically merged cells holding the merged value."""
        filled: list[Sequence[object]] | None = None
        for m in self.marks.merged:
            if m.left != m.right or m.bottom == m.top or m.top <= header or m.left not in positions:
                continue
            filled = filled if filled is not None else list(grid)
            value = filled[m.top][m.left]
            for index in range(m.top + 1, min(m.bottom + 1, len(filled))):
                row = list(filled[index])
                if m.left < len(row):
                    row[m.left] = value
                filled[index] = row
            message = _("merged cells {cells}: the value of the first is read for each row")
            column = self.label(m.left, _header_text(self, m.left))
            self.problems.add(
                self.title,
                m.top + self.first,
                column,
                message.format(cells=m.ref(self.first)),
                warning=True,
            )
        return grid if filled is None else filled

    def _clean(
        self, number: int, values: Sequence[object], positions: list[int]
    ) -> Sequence[object]:
        """The row with control characters removed from its cells, each removal warned of."""
        out = list(values)
        for i in positions:
            value = out[i] if i < len(out) else None
            if isinstance(value, str):
                clean = cells.printable(value, "")
                if clean != value:
                    out[i] = clean
                    message = _(
                        "control characters removed from the cell (pasted from another program?)"
                    )
                    self.problems.add(
                        self.title,
                        number,
                        self.label(i, _header_text(self, i)),
                        message,
                        warning=True,
                    )
        return out

    def _without_footers(
        self, rows: list[tuple[int, Sequence[object]]]
    ) -> list[tuple[int, Sequence[object]]]:
        """Rows without footers: a row opening with 制表人, 合计, 备注 … anywhere, and rows of a
        single filled cell (a note or a date) after the last data row."""
        kept = []
        for number, values in rows:
            first = next((v for v in values if not cells.blank(v)), None)
            if isinstance(first, str) and FOOTER.match(first):
                text = " ".join(str(v).strip() for v in values if not cells.blank(v))
                message = _("footer row skipped (signature, total or note): {text!r}")
                self.problems.add(
                    self.title, number, None, message.format(text=text[:60]), warning=True
                )
            else:
                kept.append((number, values))
        while kept and sum(not cells.blank(v) for v in kept[-1][1]) == 1:
            number, values = kept.pop()
            text = next(str(v).strip() for v in values if not cells.blank(v))
            message = _(
                "a single filled cell after the last row, read as a note and skipped: {text!r}"
            )
            self.problems.add(
                self.title, number, None, message.format(text=text[:60]), warning=True
            )
        return kept

    def column_name(self, key: str) -> str:
        """The column for problems: as in the file with its letter, or the header if absent."""
        if key in self.columns:
            return self.label(*self.columns[key])
        return self.sheet.column(key).header

    def merged_over(self, number: int, key: str) -> Merge | None:
        """The merged range hiding this row's cell of ``key`` (its value is in another cell)."""
        where = self.columns.get(key)
        if where is None:
            return None
        row = number - self.first
        return next((m for m in self.marks.merged if m.covers(row, where[0])), None)

    def __iter__(self) -> Iterator[Row]:
        for number, values in self.rows:
            yield Row(self, number, values)


def _header_text(table: Table, index: int) -> str:
    return next((text for i, text in table.columns.values() if i == index), "")


def _no_header(problems: Problems, sheet: Sheet, title: str, grid: Grid) -> None:
    if all(all(cells.blank(v) for v in values) for values in grid):
        problems.add(title, None, None, _("sheet is empty"), warning=not sheet.required)
    else:
        expected = ", ".join(c.header for c in sheet.columns if c.required)
        message = _("no header row in the first {n} rows; expected {columns}")
        problems.add(title, None, None, message.format(n=HEADER_SCAN_ROWS, columns=expected))


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
        """The id, and a warning when it was found only by restoring leading zeros or by
        reading full-width characters (全角) as the ordinary ones."""
        found = self._exact(text)
        if found is not None:
            return found, None
        narrow = unicodedata.normalize("NFKC", text).strip()
        if narrow != text and (found := self._exact(narrow)) is not None:
            note = _("{text!r} has full-width characters (全角), read as {id!r}")
            return found, note.format(text=text, id=found)
        padded = self.unpadded.get(text.lstrip("0"), []) if text.isdigit() else []
        if len(padded) == 1:
            note = _("{text!r} read as {id!r} (Excel drops leading zeros: format ids as text)")
            return padded[0], note.format(text=text, id=padded[0])
        if not self.complete:
            return text, None
        meant = cells.suggest(text, [*self.rows, *self.by_name])
        if meant is None:
            message = _("unknown {what} {text!r} (not in sheet {sheet})")
            raise ValueError(message.format(what=self.what, text=text, sheet=self.title))
        ids = self.by_name.get(meant, [meant])
        shown = meant if ids == [meant] else f"{meant} ({', '.join(ids)})"
        message = _("unknown {what} {text!r} (not in sheet {sheet}); did you mean {choice}?")
        raise ValueError(message.format(what=self.what, text=text, sheet=self.title, choice=shown))

    def _exact(self, text: str) -> str | None:
        """The id ``text`` is or names; a name shared by several is an error."""
        if text in self.rows:
            return text
        by_name = self.by_name.get(text, [])
        if len(by_name) > 1:
            message = _("name {text!r} is shared by {ids}: use the id")
            raise ValueError(message.format(text=text, ids=", ".join(by_name)))
        return by_name[0] if by_name else None

    def where(self, item_id: str) -> tuple[str, int | None]:
        """Sheet title and row of an id, for messages."""
        return self.title, self.rows.get(item_id)


class Row:
    """Cells of one data row by column key; bad cells become problems and fail the row."""

    __slots__ = ("failed", "number", "table", "values")

    def __init__(self, table: Table, number: int, values: Sequence[object]) -> None:
        self.table, self.number, self.values = table, number, values
        self.failed = number in table.broken_rows  # an error cell, reported by the table

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
            self.blank(key)
        return cast("T", value)

    def blank(self, key: str) -> None:
        """Report a required cell left blank (unless its error mark was reported), saying
        when a merged range hides its value."""
        where = self.table.columns.get(key)
        if where is not None and (self.number, where[0]) in self.table.broken:
            return
        merged = self.table.merged_over(self.number, key)
        if merged is None:
            self.problem(key, blank_message())
        else:
            message = _(
                "blank: the cell is inside merged cells {cells}, whose value is in the first "
                "cell only; unmerge them and fill each cell"
            )
            self.problem(key, message.format(cells=merged.ref(self.table.first)))

    def ref(self, key: str, refs: Refs, *, unknown_ok: bool = False) -> str | None:
        """One id or name reference (blank → None); ``unknown_ok`` keeps unknown text and warns."""
        typed = self.get(key, cells.text)
        if typed is None:
            return None
        try:
            found, note = refs.resolve(typed)
        except ValueError as exc:
            message = _("{problem}; kept as given").format(problem=exc) if unknown_ok else str(exc)
            self.problem(key, message, warning=unknown_ok)
            return typed if unknown_ok else None
        if note:
            self.problem(key, note, warning=True)
        return found

    def need_ref(self, key: str, refs: Refs) -> str:
        """One reference that must be given; as `need`, a placeholder on failure."""
        found = self.ref(key, refs)
        if found is None and self.raw(key) is None:
            self.blank(key)
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
            message = _("duplicate {value!r} (also row {row})")
            self.problem(key, message.format(value=value, row=seen[value]))
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
