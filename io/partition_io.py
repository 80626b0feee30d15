"""Read the district-partition input workbook: one sheet ``园所 kindergartens``.

Columns (header ``中文 english`` or either alone, in any order, below up to a few title rows):
kg_id 园所代码, name 园名, ownership 性质, tier 等级, classes_small 小班数, classes_middle 中班数,
classes_large 大班数, and optionally classes_mixed 混龄班数, town 乡镇, lat 纬度, lon 经度. Each
row needs coordinates or a town. Every problem is collected and raised at once as an
`InputError` with file, sheet, Excel row and column; the file is opened read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ..model.instance import Ownership, parse_tier
from ..model.partition import KgSite
from .errors import InputError, Problem
from .headers import normalize, spellings

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

HEADER_SCAN_ROWS = 10
SHEET_ZH, SHEET_EN = "园所", "kindergartens"


@dataclass(frozen=True)
class _Column:
    key: str
    zh: str
    required: bool = True
    aliases: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        return f"{self.zh} {self.key}"


COLUMNS = (
    _Column("kg_id", "园所代码", aliases=("园所编号",)),
    _Column("name", "园名", aliases=("园所名称", "幼儿园")),
    _Column("ownership", "性质", aliases=("办园性质",)),
    _Column("tier", "等级", aliases=("办园等级",)),
    _Column("town", "乡镇", required=False, aliases=("街道", "乡镇街道")),
    _Column("lat", "纬度", required=False, aliases=("latitude",)),
    _Column("lon", "经度", required=False, aliases=("longitude", "lng")),
    _Column("classes_small", "小班数"),
    _Column("classes_middle", "中班数"),
    _Column("classes_large", "大班数"),
    _Column("classes_mixed", "混龄班数", required=False),
)
_LOOKUP = {name: c for c in COLUMNS for name in spellings(c.zh, c.key, c.aliases)}


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    """Text as typed; an id Excel stored as a number loses its ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _count(value: object) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{value!r} is not a whole number >= 0")
    return value


def _degrees(low: float, high: float) -> Callable[[object], float]:
    def parse(value: object) -> float:
        try:
            number = float(cast("str", value))
        except (TypeError, ValueError):
            raise ValueError(f"{value!r} is not a number of degrees") from None
        if isinstance(value, bool) or not low <= number <= high:
            raise ValueError(f"{value!r} is outside {low:g}..{high:g} degrees")
        return number

    return parse


def _tier(value: object) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return parse_tier(value if isinstance(value, int) else _text(value))


_PARSERS: dict[str, Callable[[object], object]] = {
    "kg_id": _text,
    "name": _text,
    "ownership": lambda v: Ownership.parse(_text(v)),
    "tier": _tier,
    "town": _text,
    "lat": _degrees(-90, 90),
    "lon": _degrees(-180, 180),
    **{c.key: _count for c in COLUMNS if c.key.startswith("classes_")},
}


class _Sheet:
    """The located sheet: header positions and data rows, reporting into ``problems``."""

    def __init__(self, file: str, title: str, problems: list[Problem]) -> None:
        self.file, self.title, self.problems = file, title, problems
        self.columns: dict[str, tuple[int, str]] = {}  # key → (index, header as in the file)

    def add(self, row: int | None, key: str | None, message: str) -> None:
        column = None
        if key is not None:
            index, text = self.columns[key]
            column = f"{text} ({get_column_letter(index + 1)})"
        self.problems.append(Problem(self.file, self.title, row, column, message))

    def header(self, rows: Sequence[tuple[object, ...]]) -> int | None:
        """Index of the header row (the one matching most known headers), or None."""
        hits = [
            sum(not _blank(v) and normalize(v) in _LOOKUP for v in values)
            for values in rows[:HEADER_SCAN_ROWS]
        ]
        best = max(range(len(hits)), key=lambda i: (hits[i], -i), default=None)
        if best is None or hits[best] == 0:
            expected = ", ".join(c.header for c in COLUMNS if c.required)
            self.add(
                None,
                None,
                f"no header row in the first {HEADER_SCAN_ROWS} rows; expected {expected}",
            )
            return None
        for index, value in enumerate(rows[best]):
            column = None if _blank(value) else _LOOKUP.get(normalize(value))
            if column is not None and column.key in self.columns:
                self.problems.append(
                    Problem(
                        self.file,
                        self.title,
                        best + 1,
                        str(value),
                        f"column {column.key} appears twice",
                    )
                )
            elif column is not None:
                self.columns[column.key] = (index, str(value).strip())
        missing = [c.header for c in COLUMNS if c.required and c.key not in self.columns]
        for header in missing:
            self.problems.append(
                Problem(
                    self.file, self.title, best + 1, header, f"missing column {header} (缺少列)"
                )
            )
        return None if missing else best

    def site(self, number: int, values: tuple[object, ...]) -> KgSite | None:
        """One data row as a `KgSite`; each bad cell becomes a problem."""
        cells: dict[str, object] = {}
        bad: set[str] = set()
        for c in COLUMNS:
            where = self.columns.get(c.key)
            value = values[where[0]] if where is not None and where[0] < len(values) else None
            if _blank(value):
                if where is not None and c.required:
                    self.add(number, c.key, "must not be blank")
                    bad.add(c.key)
                continue
            try:
                cells[c.key] = _PARSERS[c.key](value)
            except ValueError as exc:
                self.add(number, c.key, str(exc))
                bad.add(c.key)
        checked = not bad & {"lat", "lon", "town"}  # else a bad location cell said enough
        if checked and ("lat" in cells) != ("lon" in cells):
            blank = "lon" if "lat" in cells else "lat"
            self.add(number, blank, "give both 纬度 lat and 经度 lon, or neither")
            bad.add(blank)
        elif checked and "lat" not in cells and "town" not in cells:
            key = "town" if "town" in self.columns else None
            self.add(number, key, "give 纬度/经度 lat/lon or 乡镇 town (location needed)")
            bad.add("town")
        if bad:
            return None
        classes = tuple(cells.get(f"classes_{g}", 0) for g in ("small", "middle", "large", "mixed"))
        try:
            return KgSite(
                kg_id=cast("str", cells["kg_id"]),
                name=cast("str", cells["name"]),
                ownership=cast("Ownership", cells["ownership"]),
                tier=cast("int", cells["tier"]),
                classes=cast("tuple[int, int, int, int]", classes),
                town=cast("str | None", cells.get("town")),
                lat=cast("float | None", cells.get("lat")),
                lon=cast("float | None", cells.get("lon")),
            )
        except ValueError as exc:
            self.add(number, None, str(exc))
            return None


def read_partition_input(path: str | Path) -> tuple[KgSite, ...]:
    """The kindergartens of a partition input workbook, in row order.

    Raises `InputError` listing every problem (file, sheet, row, column) at once.
    """
    path = Path(path)
    file = str(path)
    problems: list[Problem] = []
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    # openpyxl, zipfile and the XML parser raise many exception types for foreign files.
    except Exception as exc:
        raise InputError(
            [Problem(file, None, None, None, f"not a readable .xlsx workbook: {exc}")]
        ) from None
    try:
        names = spellings(SHEET_ZH, SHEET_EN)
        ws = next((ws for ws in book.worksheets if normalize(ws.title) in names), None)
        if ws is None:
            found = ", ".join(repr(w.title) for w in book.worksheets)
            message = f"missing sheet {SHEET_ZH} {SHEET_EN} (缺少工作表; found {found})"
            raise InputError([Problem(file, None, None, None, message)])
        ws.reset_dimensions()  # some writers store a wrong sheet size
        rows = list(ws.iter_rows(values_only=True))
        title = ws.title
    finally:
        book.close()
    sheet = _Sheet(file, title, problems)
    start = sheet.header(rows)
    sites: list[KgSite] = []
    seen: dict[str, int] = {}
    if start is not None:
        for number, values in enumerate(rows[start + 1 :], start + 2):
            if all(_blank(v) for v in values):
                continue
            site = sheet.site(number, values)
            if site is None:
                continue
            if site.kg_id in seen:
                sheet.add(
                    number, "kg_id", f"duplicate {site.kg_id!r} (also row {seen[site.kg_id]})"
                )
                continue
            seen[site.kg_id] = number
            sites.append(site)
        if not problems and not sites:
            sheet.add(None, None, "no kindergartens (no data rows)")
    if problems:
        raise InputError(problems)
    return tuple(sites)
