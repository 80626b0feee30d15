"""Verify what the office sees: hand edits of a plan's dates, teachers and hosts, JSON tables
that disagree, swapped arguments; every breach named at the plan's sheet, row and column."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kgrota.io.cli import main
from kgrota.io.plan_check import RULE_COLUMN, verify_plan
from kgrota.io.roster_write import write_roster
from kgrota.io.schedule_io import read_plan, write_schedule
from kgrota.io.schedule_tables import ASSIGNMENT_COLUMNS
from kgrota.model import RULE_BY_ID, Instance, Violation, load_profile
from kgrota.model.generate import generate
from kgrota.model.verify import verify
from kgrota.solver.options import SolveOptions
from kgrota.solver.solve import solve

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from openpyxl.worksheet.worksheet import Worksheet

START = 2026
SHEET = "Assignments"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small two-group roster and its solved plan as xlsx and JSON."""
    folder = tmp_path_factory.mktemp("plans")
    roster = generate(groups=2, kgs=4, seed=5, mode="loose", start_year=START)
    write_roster(roster, folder / "roster.xlsx")
    inst = Instance.create(roster, load_profile("default"), START)
    schedule = solve(inst, SolveOptions(time_limit=20, workers=2))
    report = verify(inst, schedule.assignments)
    assert report.ok
    out = {"roster": folder / "roster.xlsx"}
    for fmt in ("xlsx", "json"):
        out[fmt] = write_schedule(folder / f"plan.{fmt}", schedule, inst, report, fmt)
    return out


def edited(
    files: dict[str, Path], tmp_path: Path, edit: Callable[[Worksheet, dict[str, int]], int]
) -> tuple[Path, int]:
    """A copy of the xlsx plan after `edit(sheet, column numbers by key)`, which returns the
    row it changed."""
    book = load_workbook(files["xlsx"])
    sheet = book[SHEET]
    columns = {c.key: number for number, c in enumerate(ASSIGNMENT_COLUMNS, 1)}
    row = edit(sheet, columns)
    path = tmp_path / "edited.xlsx"
    book.save(path)
    return path, row


def first_row(sheet: Worksheet, columns: dict[str, int], activity: str) -> int:
    return next(
        r
        for r in range(2, sheet.max_row + 1)
        if activity in str(sheet.cell(r, columns["activity"]).value)
    )


def test_the_solver_s_own_plans_verify_with_their_dates(files: dict[str, Path]) -> None:
    for fmt in ("xlsx", "json"):
        code, output = run("verify", str(files["roster"]), str(files[fmt]))
        assert code == 0, output


DAY = dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("activity", "start", "end", "place", "message"),
    [
        # a 20-day stay
        ("shadowing", None, lambda s, e: s + 19 * DAY, "M End date: SHD-LEN", "20 days"),
        # two weeks later: another slot's dates
        ("shadowing", lambda s, e: s + 14 * DAY, lambda s, e: e + 14 * DAY,
         "L Start date: SHD-LEN", "outside its slot"),
        # into the academic year after next
        ("rotation", None, lambda s, e: e.replace(year=e.year + 1),
         "M End date: TERM-2Y", "outside the academic year"),
    ],
    ids=["visit-too-long", "visit-outside-slot", "rotation-past-its-year"],
)  # fmt: skip
def test_dates_that_break_a_length_rule_fail_at_their_row_and_column(
    files: dict[str, Path],
    tmp_path: Path,
    activity: str,
    start: Callable[[dt.datetime, dt.datetime], dt.datetime] | None,
    end: Callable[[dt.datetime, dt.datetime], dt.datetime],
    place: str,
    message: str,
) -> None:
    def redate(sheet: Worksheet, columns: dict[str, int]) -> int:
        row = first_row(sheet, columns, activity)
        first, last = (sheet.cell(row, columns[k]) for k in ("start_date", "end_date"))
        was = (first.value, last.value)
        assert all(isinstance(day, dt.datetime) for day in was)
        if start is not None:
            first.value = start(*was)
        last.value = end(*was)
        return row

    path, row = edited(files, tmp_path, redate)
    code, output = run("verify", str(files["roster"]), str(path))
    assert code == 1, output
    line = next(line for line in output.splitlines() if message in line)
    assert f"sheet {SHEET} / row {row} / column {place}" in line


def test_unknown_teachers_and_hosts_are_input_errors_naming_the_row(
    files: dict[str, Path], tmp_path: Path
) -> None:
    def strangers(sheet: Worksheet, columns: dict[str, int]) -> int:
        sheet.cell(2, columns["teacher_id"]).value = "NOBODY"
        sheet.cell(3, columns["host_kg"]).value = "NOWHERE"
        return 2

    path, _ = edited(files, tmp_path, strangers)
    code, output = run("verify", str(files["roster"]), str(path))
    assert code == 2, output
    assert f"sheet {SHEET} / row 2 / column A Teacher ID: unknown teacher 'NOBODY'" in output
    assert "row 3 / column F Host kindergarten: unknown kindergarten 'NOWHERE'" in output
    assert "ONE-PLACE" not in output


def moved_to_another_group(files: dict[str, Path]) -> tuple[dict[str, Any], int]:
    """The JSON plan with one rotation's host moved into the other group (visible table)."""
    doc = json.loads(files["json"].read_text(encoding="utf-8"))
    rows = doc["assignments"]
    i = next(i for i, r in enumerate(rows) if r["activity"].endswith("rotation"))
    other = next(r["host_kg"] for r in rows if r["host_kg"][:3] != rows[i]["host_kg"][:3])
    rows[i]["host_kg"] = other
    return doc, i + 1


def test_json_visible_table_and_machine_block_must_agree(
    files: dict[str, Path], tmp_path: Path
) -> None:
    doc, row = moved_to_another_group(files)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, output = run("verify", str(files["roster"]), str(path))
    assert code == 2, output
    assert f"sheet assignments / row {row}:" in output and "is not in 'schedule'" in output
    assert "sheet schedule.assignments / row" in output  # the block's row it no longer matches


def test_json_without_machine_block_verifies_the_visible_table(
    files: dict[str, Path], tmp_path: Path
) -> None:
    doc, row = moved_to_another_group(files)
    del doc["schedule"]
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, output = run("verify", str(files["roster"]), str(path))
    assert code == 1, output
    assert f"sheet assignments / row {row} / column host_kg: ROT-PAIRS" in output


def test_swapped_arguments_are_recognised(files: dict[str, Path], tmp_path: Path) -> None:
    code, output = run("verify", str(files["xlsx"]), str(files["roster"]))
    assert code == 2, output
    assert "looks like a schedule" in output and "the roster comes first" in output
    assert "missing" not in output
    code, output = run("solve", str(files["json"]), "-o", str(tmp_path / "x.xlsx"))
    assert code == 2, output
    assert "this looks like a schedule, not a roster" in output
    assert not list(tmp_path.iterdir())


def test_every_located_rule_names_a_read_column() -> None:
    assert set(RULE_COLUMN) <= set(RULE_BY_ID)
    plan_columns = {"teacher_id", "activity", "host_kg", "year", "semester", "slot", "partner"}
    assert set(RULE_COLUMN.values()) <= plan_columns


def test_breaches_without_a_teacher_point_at_the_rows_of_their_kindergarten(
    files: dict[str, Path],
) -> None:
    plan = read_plan(files["xlsx"])
    roster = generate(groups=2, kgs=4, seed=5, mode="loose", start_year=START)
    inst = Instance.create(roster, load_profile("default"), START)
    checked = verify_plan(inst, plan)
    assert checked.report.ok and not checked.pinned
    # A cap breach names kindergarten, year and semester only: its rows are the visits there.
    visit = next(r for r in plan.rows if r.assignment.activity.value == "shadowing")
    a = visit.assignment
    cap = Violation(
        "SHD-CAP", "too many", None, a.host_kg, a.year, a.semester.value if a.semester else None
    )
    line = checked.line(cap, inst)
    assert f"row {visit.row} / column K Slot: SHD-CAP: too many" in line
