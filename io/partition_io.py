"""Read the district-partition input workbook: one sheet ``园所 kindergartens``.

Columns (`headers.PARTITION_KGS`; header ``中文 english`` or either alone, in any order, below
title rows): kg_id 园所代码, name 园名, ownership 性质, tier 等级, classes_small 小班数,
classes_middle 中班数, classes_large 大班数, and optionally classes_mixed 混龄班数, town 乡镇,
lat 纬度, lon 经度. Each row needs coordinates or a town. Every problem is collected and
raised at once as an `InputError` with file, sheet, Excel row and column; the file is opened
read-only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..model.instance import Grade
from ..model.partition import KgSite
from . import cells
from .errors import InputError
from .headers import PARTITION_KGS, normalize
from .sheets import Problems, Table, open_workbook

if TYPE_CHECKING:
    from .sheets import Row

_SHEET_NAME = f"{PARTITION_KGS.zh} {PARTITION_KGS.key}"


def _site(row: Row) -> KgSite | None:
    """One data row as a `KgSite`; each bad cell becomes a problem."""
    # The location first: its check below must know whether one of its cells was bad.
    town = row.get("town", cells.optional_text)
    lat, lon = row.get("lat", cells.LATITUDE), row.get("lon", cells.LONGITUDE)
    if not row.failed:  # else a bad location cell said enough
        if (lat is None) != (lon is None):
            row.problem(
                "lon" if lon is None else "lat", "give both 纬度 lat and 经度 lon, or neither"
            )
        elif lat is None and town is None:
            key = "town" if "town" in row.table.columns else None
            row.problem(key, "give 纬度/经度 lat/lon or 乡镇 town (location needed)")
    kg_id = row.need("kg_id", cells.text)
    name = row.need("name", cells.text)
    ownership = row.need("ownership", cells.OWNERSHIP)
    tier = row.need("tier", cells.tier)
    small, middle, large, mixed = (row.get(f"classes_{g.value}", cells.count) or 0 for g in Grade)
    classes = (small, middle, large, mixed)
    return row.build(lambda: KgSite(kg_id, name, ownership, tier, classes, town, lat, lon))


def read_partition_input(path: str | Path) -> tuple[KgSite, ...]:
    """The kindergartens of a partition input workbook, in row order.

    Raises `InputError` listing every problem (file, sheet, row, column) at once.
    """
    problems = Problems(str(path))
    book = open_workbook(problems, Path(path))
    if book is None:
        raise InputError(problems.errors)
    with book:
        title = next((t for t in book.titles if normalize(t) in PARTITION_KGS.names), None)
        if title is None:
            found = ", ".join(map(repr, book.titles))
            raise problems.fatal(f"missing sheet {_SHEET_NAME} (缺少工作表; found {found})")
        grid = book.rows(title)
    table = None if grid is None else Table.read(problems, PARTITION_KGS, title, grid)
    sites: list[KgSite] = []
    seen: dict[str, int] = {}
    for row in table or ():
        site = _site(row)
        if site is not None:
            row.unique("kg_id", site.kg_id, seen)
            if not row.failed:
                sites.append(site)
    if table is not None and not table.rows:
        problems.add(table.title, None, None, "no data rows (没有数据)")
    if problems.failed:
        raise InputError(problems.errors)
    return tuple(sites)
