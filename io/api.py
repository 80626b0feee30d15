"""A small Python API for an analyst in a notebook: read a roster, solve it, and look at the
plan as pandas DataFrames, one per sheet of the workbook the CLI writes.

    import kgrota
    roster = kgrota.read_roster("roster.xlsx")
    plan = kgrota.solve(roster, profile="qingpu", start_year=2026)
    frames = plan.to_frames()          # sheet name → DataFrame
    plan.write("plan.xlsx")

Input problems raise `kgrota.io.errors.InputError` (each with file, sheet, row and column);
warnings about the roster go to Python's `warnings`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from ..model import Instance, Profile, Report, Roster, Schedule, load_profile
from ..model.instance import next_academic_year
from ..model.verify import verify
from ..solver.options import SolveOptions
from ..solver.solve import solve as solve_instance
from . import roster_read
from .schedule_io import write_schedule
from .schedule_tables import build_tables

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["Plan", "read_roster", "solve"]


@dataclass(frozen=True)
class Plan:
    """A solved and verified plan with what it was made from."""

    schedule: Schedule
    instance: Instance
    report: Report

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """The workbook's sheets as DataFrames, keyed and headed as the workbook is."""
        return {
            table.title: pd.DataFrame(list(table.rows), columns=[c.heading for c in table.columns])
            for table in build_tables(self.schedule, self.instance, self.report)
        }

    def write(self, path: str | Path) -> Path:
        """Write the plan as the CLI does (``.json`` for JSON, else an xlsx workbook)."""
        fmt = "json" if str(path).lower().endswith(".json") else "xlsx"
        return write_schedule(path, self.schedule, self.instance, self.report, fmt)


def read_roster(path: str | Path) -> Roster:
    """Read a roster workbook (raises `InputError`; warnings go to Python's warnings)."""
    roster, problems = roster_read.read_roster(path)
    for problem in problems:
        warnings.warn(str(problem), stacklevel=2)
    return roster


def solve(
    roster: Roster,
    *,
    profile: str | Profile = "default",
    start_year: int | None = None,
    options: SolveOptions | None = None,
) -> Plan:
    """Plan every group of the roster under a profile (a built-in name, a .toml path or a
    `Profile`), starting in `start_year` (default: the next academic year), and verify it."""
    chosen = profile if isinstance(profile, Profile) else load_profile(profile)
    instance = Instance.create(roster, chosen, start_year or next_academic_year())
    schedule = solve_instance(instance, options or SolveOptions())
    return Plan(schedule, instance, verify(instance, schedule.assignments))
