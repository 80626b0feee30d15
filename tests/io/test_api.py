"""The notebook API: read a roster, solve it, and get the workbook's sheets as DataFrames."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import pytest
from openpyxl import load_workbook

import kgrota
from kgrota.io.errors import InputError
from kgrota.io.roster_write import write_roster
from kgrota.io.schedule_tables import build_tables
from kgrota.model.generate import generate
from kgrota.solver.options import SolveOptions

if TYPE_CHECKING:
    from pathlib import Path


def test_read_solve_frames_and_write(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    write_roster(generate(groups=2, kgs=3, seed=2, start_year=2026), path)
    roster = kgrota.read_roster(path)
    plan = kgrota.solve(
        roster, profile="default", start_year=2026, options=SolveOptions(time_limit=20, workers=1)
    )
    assert plan.report.ok
    frames = plan.to_frames()
    assert all(isinstance(f, pd.DataFrame) for f in frames.values())
    written = plan.write(tmp_path / "plan.xlsx")
    book = load_workbook(written, read_only=True)
    assert list(frames) == book.sheetnames  # one frame per sheet, in the workbook's order
    titles = {t.key: t.title for t in build_tables(plan.schedule, plan.instance, plan.report)}
    assignments = frames[titles["assignments"]]
    assert len(assignments) == len(plan.schedule.assignments)
    sheet = book[titles["assignments"]]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert list(assignments.columns) == header


def test_bad_roster_raises_input_error(tmp_path: Path) -> None:
    path = tmp_path / "not-a-roster.xlsx"
    path.write_text("name,kg\n", encoding="utf-8")
    with pytest.raises(InputError):
        kgrota.read_roster(path)
