"""One formula guard for every writer: text Excel would run is stored as text and reads back."""

from __future__ import annotations

import dataclasses
import re
import zipfile
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from conftest import instance, kg, staff
from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell

from kgrota.io.cells import literal
from kgrota.io.cli import main
from kgrota.io.roster_read import read_roster
from kgrota.io.roster_write import write_roster
from kgrota.io.schedule_io import read_schedule, write_schedule
from kgrota.io.template import write_template
from kgrota.model import Activity, Assignment, Report, Role, Schedule

if TYPE_CHECKING:
    from pathlib import Path

HYPERLINK = '=HYPERLINK("http://x","y")'
# Text a writer must keep as text: formulas (also full-width), and error codes.
RISKY = [HYPERLINK, "=1+1", "+8610", "-5", "@SUM(A1)", "＝1+1", "#N/A", "#REF!"]
_FORMULA_XML = re.compile(rb"<(?:\w+:)?f[ >/]")


def formulas(path: Path) -> list[str]:
    """Every sheet of a written workbook that holds a formula, from its XML."""
    with zipfile.ZipFile(path) as z:
        return [
            name
            for name in z.namelist()
            if name.startswith("xl/worksheets/") and _FORMULA_XML.search(z.read(name))
        ]


def test_guard_marks_only_risky_text() -> None:
    ws = Workbook().create_sheet("x")
    for value in RISKY:
        cell = literal(ws, value)
        assert isinstance(cell, Cell), value
        # text, and Excel's quote prefix keeps it text when the cell is edited later
        assert (cell.value, cell.data_type, cell.quotePrefix) == (value, "s", True)
    for plain in ("张三", "2026-09", "a=b", 5, 2.5, None, "", "T-1"):
        assert literal(ws, plain) == plain


def test_partition_writes_a_formula_like_name_that_validate_reads_back(tmp_path: Path) -> None:
    source = tmp_path / "kgs.xlsx"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "园所 kindergartens"
    ws.append(["园所代码", "园名", "性质", "等级", "乡镇", "小班数", "中班数", "大班数"])
    rows = [
        ["001", HYPERLINK, "公办", "示范", "福田", 2, 2, 2],
        ["002", "二园", "民办", "二级", "福田", 1, 1, 1],
        ["003", "三园", "公办", "一级", "南山", 1, 1, 1],
    ]
    for row in rows:  # the office's list holds the name as text (typed with a leading ')
        ws.append([literal(ws, v) for v in row])
    wb.save(source)
    out = tmp_path / "roster.xlsx"
    runner = CliRunner()
    result = runner.invoke(main, ["partition", str(source), "-o", str(out), "--time-limit", "1"])
    assert result.exit_code == 0, result.output
    assert formulas(out) == []

    # The office fills in the teachers sheet in Excel, then validates.
    book = load_workbook(out)
    for i, kg_id in enumerate(("001", "002", "003")):
        book["teachers 教师"].append(
            [f"T{i}", "甲", kg_id, "小班", "否", "否", "2015-09", "1990-05"]
        )
    book.save(out)
    result = runner.invoke(main, ["validate", str(out)])
    assert result.exit_code == 0, result.output
    roster, _ = read_roster(out)
    assert roster.kindergartens[0].name == HYPERLINK
    assert formulas(out) == []


def test_roster_writer_keeps_risky_text(tmp_path: Path) -> None:
    kgs = [kg("L", Role.LEAD, 5), kg("B", Role.BRANCH, 3)]
    roster = instance(kgs, [*staff("L", 2, 1), *staff("B", 2, 1)]).roster
    teachers = tuple(
        dataclasses.replace(t, name=RISKY[i % len(RISKY)]) for i, t in enumerate(roster.teachers)
    )
    roster = dataclasses.replace(roster, teachers=teachers)
    path = write_roster(roster, tmp_path / "roster.xlsx")
    assert formulas(path) == []
    again, _ = read_roster(path)
    assert [t.name for t in again.teachers] == [t.name for t in teachers]


def test_template_has_no_formulas(tmp_path: Path) -> None:
    assert formulas(write_template(tmp_path / "template.xlsx")) == []


@pytest.mark.parametrize("name", RISKY)
def test_schedule_writer_keeps_risky_ids(tmp_path: Path, name: str) -> None:
    kgs = [kg("L", Role.LEAD, 5), kg(name, Role.BRANCH, 3)]
    inst = instance(kgs, [*staff("L", 2, 1), *staff(name, 2, 1)])
    mover = f"{name}-small-0"
    plan = Schedule("default", 2026, 2, (Assignment(mover, Activity.ROTATION, "L", 2026),))
    path = write_schedule(tmp_path / "plan.xlsx", plan, inst, Report(()))
    assert formulas(path) == []
    assert read_schedule(path).assignments == plan.assignments
