"""Ranked alternatives for one manual edit (kgrota suggest): on a demo teacher, at least three
feasible alternatives, each meeting its edit and verifying when applied to the whole plan."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from kgrota.io.cli import main
from kgrota.io.roster_read import read_roster
from kgrota.io.schedule_io import read_schedule
from kgrota.model import Activity, Instance, load_profile
from kgrota.model.verify import verify
from kgrota.solver.options import SolveOptions
from kgrota.solver.suggest import candidates, key, suggest

if TYPE_CHECKING:
    from pathlib import Path

    from kgrota.model import Schedule


@pytest.fixture(scope="module")
def demo_plan(demo_dir: Path) -> tuple[Instance, Schedule, str]:
    """The demo plan, its instance, and a backbone on rotation in the smallest group."""
    roster, _ = read_roster(demo_dir / "roster.xlsx")
    plan = read_schedule(demo_dir / "schedule.xlsx")
    inst = Instance.create(roster, load_profile(plan.profile), plan.start_year, plan.years)
    smallest = min(roster.groups, key=lambda g: len(inst.teachers_of(g)))
    teacher = next(
        a.teacher_id
        for a in plan.assignments
        if a.activity is Activity.ROTATION
        and inst.kg[inst.teacher[a.teacher_id].home_kg].group == smallest
    )
    return inst, plan, teacher


def test_demo_teacher_gets_ranked_alternatives_that_verify(
    demo_plan: tuple[Instance, Schedule, str],
) -> None:
    inst, plan, teacher = demo_plan
    before = verify(inst, plan.assignments).objective
    found = suggest(inst, plan, teacher, SolveOptions(time_limit=20, workers=1, seed=0))
    assert len(found) >= 3
    assert [a.change for a in found] == sorted((a.change for a in found), reverse=True)
    for alt in found:
        report = verify(inst, alt.schedule.assignments)  # the whole plan, alternative applied
        assert report.ok, report.failures
        assert report.objective - before == alt.change
        pinned = replace(inst, roster=replace(inst.roster, pins=alt.edit.pins))
        assert verify(pinned, alt.schedule.assignments).ok  # the edit itself is met
        keys = {key(a) for a in alt.schedule.assignments}
        assert all(key(a) in keys for a in alt.added)
        assert not any(key(a) in keys for a in alt.removed)
        assert alt.added or alt.removed  # an edit changes the plan


def test_candidates_follow_host_and_year(demo_plan: tuple[Instance, Schedule, str]) -> None:
    inst, plan, teacher = demo_plan
    year = inst.horizon.year_list[-1]
    some = candidates(inst, plan, teacher, year=year)
    assert some and all(e.year == year for e in some)
    host = next(e.host for e in candidates(inst, plan, teacher) if e.host is not None)
    assert all(e.host == host for e in candidates(inst, plan, teacher, host=host))
    with pytest.raises(ValueError, match="unknown teacher"):
        candidates(inst, plan, "NOBODY")


def test_suggest_command_applies_an_alternative(
    demo_dir: Path, demo_plan: tuple[Instance, Schedule, str], tmp_path: Path
) -> None:
    _, _, teacher = demo_plan
    roster, plan, out = demo_dir / "roster.xlsx", demo_dir / "schedule.xlsx", tmp_path / "new.xlsx"
    runner = CliRunner()
    args = ["suggest", str(roster), str(plan), "--teacher", teacher, "--tries", "4"]
    result = runner.invoke(main, [*args, "--apply", "1", "-o", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "Alternatives, best first" in result.output and "Alternative 1:" in result.output
    checked = runner.invoke(main, ["verify", str(roster), str(out)])
    assert checked.exit_code == 0, checked.output
    bad = runner.invoke(main, ["suggest", str(roster), str(plan), "--teacher", "NOBODY"])
    assert bad.exit_code == 2 and "unknown teacher" in bad.output
