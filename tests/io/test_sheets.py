"""The one sheet and row reader (io/sheets.py), and the three readers built on it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from openpyxl import Workbook

from kgrota.io import cells
from kgrota.io.errors import InputError
from kgrota.io.headers import PARTITION_KGS, Column, Sheet
from kgrota.io.partition_io import read_partition_input
from kgrota.io.schedule_io import read_schedule
from kgrota.io.sheets import (
    Problems,
    Refs,
    Table,
    find_header,
    header_only,
    letter_header,
    open_workbook,
)

if TYPE_CHECKING:
    from pathlib import Path

THINGS = Sheet(
    "things",
    "物品",
    (
        Column("thing_id", "编号"),
        Column("count", "数量", aliases=("件数",)),
        Column("note", "备注", required=False),
    ),
    required=True,
    note="",
)


def table(grid: list[list[object]], **style: Any) -> tuple[Table | None, Problems]:
    problems = Problems("f.xlsx")
    return Table.read(problems, THINGS, "物品", grid, **style), problems


def test_header_below_title_rows_in_either_language_or_by_alias() -> None:
    grid: list[list[object]] = [
        ["2026 物品清单", ""],
        ["", ""],
        ["件数", "THINGS_ID", "编号 thing_id"],  # not a header of this sheet: "things_id"
        ["note 备注", "thing_id", "件数"],
        ["ok", "A1", 3.0],
    ]
    header = find_header(THINGS, grid)
    assert header is not None and header.index == 3 and not header.missing
    assert header.columns == {
        "note": (0, "note 备注"),
        "thing_id": (1, "thing_id"),
        "count": (2, "件数"),
    }


def test_rows_keep_their_numbers_and_blank_rows_are_skipped() -> None:
    found, problems = table(
        [
            ["title"],
            ["编号", "数量", "其他"],
            ["A", 1],
            ["", " ", "only an unknown column"],
            ["B", 2],
        ]
    )
    assert found is not None
    assert [number for number, _ in found.rows] == [3, 5]
    assert [(p.row, p.column, p.warning) for p in problems.found] == [(2, "其他 (C)", True)]


@pytest.mark.parametrize(
    ("style", "row", "column"),
    [
        ({}, 2, "数量 (B)"),  # roster and partition
        ({"label": letter_header}, 2, "B 数量"),  # schedule workbooks
        ({"label": header_only, "first": 0}, 1, "数量"),  # JSON: header row 0, rows from 1
    ],
)
def test_a_bad_cell_is_located_in_each_style(style: dict[str, Any], row: int, column: str) -> None:
    found, problems = table([["编号", "数量"], ["A", "many"]], **style)
    assert found is not None
    [cells_of_row] = found
    assert cells_of_row.get("count", cells.count) is None and cells_of_row.failed
    [problem] = problems.found
    assert (problem.file, problem.sheet, problem.row, problem.column) == (
        "f.xlsx",
        "物品",
        row,
        column,
    )
    assert problem.message == "count 数量: 'many' is not a whole number >= 0"


def test_need_ref_and_unique() -> None:
    found, problems = table([["编号", "数量", "备注"], ["A", None, "7"], ["A", 2, "x、y"]])
    assert found is not None
    first, second = found
    refs = Refs("thing", "物品", {"007": 1, "x": 2}, [("叉", "x")])
    assert first.need("count", cells.count) is None
    assert first.ref("note", refs) == "007"  # Excel dropped the leading zeros: warned
    seen: dict[str, int] = {}
    first.unique("thing_id", "A", seen)
    second.unique("thing_id", "A", seen)
    assert second.refs("note", refs) == ("x",)  # y is unknown
    assert [(p.row, p.column, p.message, p.warning) for p in problems.found] == [
        (2, "数量 (B)", "count 数量: must not be blank (value missing)", False),
        (
            2,
            "备注 (C)",
            "note 备注: '7' read as '007' (Excel drops leading zeros: format ids as text)",
            True,
        ),
        (3, "编号 (A)", "thing_id 编号: duplicate 'A' (also row 2)", False),
        (3, "备注 (C)", "note 备注: unknown thing 'y' (not in sheet 物品)", False),
    ]


@pytest.mark.parametrize(
    ("grid", "where", "message", "warning"),
    [
        ([], (None, None), "sheet is empty", False),
        (
            [["hello"], ["world"]],
            (None, None),
            "no header row in the first 20 rows; expected 编号 thing_id, 数量 count",
            False,
        ),
        (
            [["编号", "件数", "数量"]],
            (1, "数量 (C)"),
            "column count appears twice (also column B)",
            False,
        ),
        ([["编号", "备注"]], (1, "数量 count"), "missing column 数量 count", False),
    ],
)
def test_broken_tables(
    grid: list[list[object]], where: tuple[object, object], message: str, warning: bool
) -> None:
    found, problems = table(grid)
    assert found is None
    assert [(p.row, p.column, p.message, p.warning) for p in problems.found] == [
        (*where, message, warning)
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "file not found"),
        (b"", "the file is empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 60, "old-format Excel file (.xls)"),
    ],
)
def test_unreadable_workbooks_are_problems(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "x.xlsx"
    if content is not None:
        path.write_bytes(content)
    problems = Problems(str(path))
    assert open_workbook(problems, path) is None
    [problem] = problems.found
    assert message in problem.message and problem.file == str(path)


def test_workbook_lists_worksheets_and_reads_from_a1(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["C3"] = "x"
    wb.create_chartsheet("chart")
    wb.save(tmp_path / "b.xlsx")
    problems = Problems("b.xlsx")
    book = open_workbook(problems, tmp_path / "b.xlsx")
    assert book is not None
    with book:
        assert book.titles == ("Sheet",)
        grid = book.rows("Sheet")
        assert grid is not None and grid[2][2] == "x"
        assert book.rows("missing") is None
    assert "not a readable" in problems.found[0].message


# --------------------------------------------------------------------------- the readers


def test_partition_header_names_do_not_collide() -> None:
    names = [name for c in PARTITION_KGS.columns for name in c.names]
    assert len(names) == len(set(names))


def test_partition_reader_takes_roster_aliases_and_blank_counts(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "kindergartens"
    ws.append(
        ["园所编号", "园所名称", "办园性质", "办园等级", "乡镇街道", "小班数", "中班数", "大班数"]
    )
    ws.append(["001", "一幼", "公办", "示范", "福田", 2, None, 1])  # a blank count is 0
    ws.append(["002", "二幼", "公办", "一级", "无", 1, 1, 1])  # 无: no town, so no location
    wb.save(tmp_path / "kgs.xlsx")
    with pytest.raises(InputError) as info:
        read_partition_input(tmp_path / "kgs.xlsx")
    [problem] = info.value.problems
    assert (problem.row, problem.column) == (3, "乡镇街道 (E)") and "location" in problem.message
    ws["E3"] = "南山"
    wb.save(tmp_path / "kgs.xlsx")
    first, _ = read_partition_input(tmp_path / "kgs.xlsx")
    assert (first.classes, first.tier, first.town) == ((2, 0, 1, 0), 5, "福田")


def test_schedule_reader_refuses_a_column_given_twice(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["工号", "交流类型", "交流园所", "学年", "teacher_id"])
    ws.append(["T1", "轮岗", "L", 2026, "T2"])
    wb.save(tmp_path / "plan.xlsx")
    with pytest.raises(InputError) as info:
        read_schedule(tmp_path / "plan.xlsx")
    [problem] = info.value.problems
    assert (problem.row, problem.column) == (1, "E teacher_id")
    assert "appears twice (also column A)" in problem.message


def test_schedule_json_rows_are_numbered_from_one(tmp_path: Path) -> None:
    rows = [
        {"teacher_id": "T1", "activity": "轮岗", "host_kg": "L", "year": 2026},
        {"teacher_id": "T2", "activity": "轮岗", "host_kg": "L", "year": "明年"},
    ]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"assignments": rows}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_schedule(path)
    [problem] = info.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("assignments", 2, "year")
