"""Tiny named fixtures built in code (PyVRP's ``ok_small`` habit)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from typing import TYPE_CHECKING, Any

import pytest

from kgrota.model import (
    Grade,
    GroupResult,
    HistoryRecord,
    Instance,
    Kindergarten,
    Ownership,
    Pin,
    Profile,
    Role,
    Roster,
    RuleSetting,
    Severity,
    SolveStatus,
    Teacher,
    load_profile,
)
from kgrota.model.verify import verify
from kgrota.solver.cpsat import solve_group
from kgrota.solver.options import SolveOptions

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

START = 2026

# Tests read messages in English unless they ask for Chinese (the default for users).
os.environ["KGROTA_LANG"] = "en"


def profile(**changes: Any) -> Profile:
    """The default profile with numbers changed and rules given as ``RULE_ID=(severity, weight)``."""
    base = load_profile("default")
    rules = {k: RuleSetting(Severity(v[0]), v[1]) for k, v in changes.items() if k.isupper()}
    fields = {k: v for k, v in changes.items() if not k.isupper()}
    return dataclasses.replace(base, **fields, rules={**base.rules, **rules})


def solved(inst: Instance, status: SolveStatus = SolveStatus.OPTIMAL) -> GroupResult:
    """Solve one group deterministically; the verifier must agree on feasibility and objective."""
    result = solve_group(inst, SolveOptions(time_limit=20, workers=1, seed=0))
    assert result.status is status
    if status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        report = verify(inst, result.assignments)
        assert report.ok, report.failures
        assert (report.terms, report.objective) == (result.terms, result.objective)
    return result


def kg(
    kg_id: str,
    role: Role,
    tier: int,
    classes: tuple[int, int, int, int] = (1, 1, 1, 0),
    group: str = "G",
    ownership: Ownership = Ownership.PUBLIC,
) -> Kindergarten:
    return Kindergarten(kg_id, f"{kg_id}园", group, role, ownership, tier, classes)


def teacher(
    teacher_id: str,
    home: str,
    grade: Grade | None = Grade.SMALL,
    *,
    backbone: bool = False,
    cadre: bool = False,
    hired: int = 2015,
    veto: str | None = None,
    unavailable: Iterable[int] = (),
) -> Teacher:
    return Teacher(
        teacher_id=teacher_id,
        name=f"教师{teacher_id}",
        home_kg=home,
        grade=grade,
        backbone=backbone,
        cadre=cadre,
        hire_date=dt.date(hired, 9, 1),
        birth_date=dt.date(1990, 5, 1),
        veto=veto,
        unavailable=frozenset(unavailable),
    )


def staff(
    home: str,
    per_grade: int,
    backbone: int,
    grades: Iterable[Grade] = (Grade.SMALL, Grade.MIDDLE, Grade.LARGE),
) -> list[Teacher]:
    """``per_grade`` teachers of each grade at ``home``, the first ``backbone`` of them backbone."""
    out = []
    for g in grades:
        for i in range(per_grade):
            out.append(teacher(f"{home}-{g.value}-{i}", home, g, backbone=i < backbone))
    return out


def instance(
    kgs: Iterable[Kindergarten],
    teachers: Iterable[Teacher],
    *,
    history: Iterable[HistoryRecord] = (),
    pins: Iterable[Pin] = (),
    profile: Profile | None = None,
    years: int = 2,
) -> Instance:
    roster = Roster(tuple(kgs), tuple(teachers), tuple(history), (), tuple(pins))
    return Instance.create(roster, profile or load_profile("default"), START, years)


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``kgrota demo`` once per run: the 青浦 roster, its solved plan and notice (English)."""
    from click.testing import CliRunner

    from kgrota.io.cli import main

    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--time-limit", "20"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def tight_small() -> Instance:
    """Tight group: lead (tier 5), two branches (tiers 3 and 2), one affiliate (tier 1).

    One class per grade everywhere, three teachers per grade (one spare), a cadre each,
    one new teacher at branch B1, hired in the plan's first year.
    """
    kgs = [
        kg("L", Role.LEAD, 5),
        kg("B1", Role.BRANCH, 3),
        kg("B2", Role.BRANCH, 2),
        kg("A", Role.AFFILIATE, 1, ownership=Ownership.PRIVATE),
    ]
    teachers = [*staff("L", 3, 2), *staff("B1", 3, 1), *staff("B2", 3, 1), *staff("A", 2, 0)]
    teachers += [teacher(f"{k.kg_id}-cadre", k.kg_id, None, cadre=True) for k in kgs]
    teachers.append(teacher("B1-new", "B1", Grade.SMALL, hired=START))
    return instance(kgs, teachers)


def loose_group() -> tuple[list[Kindergarten], list[Teacher]]:
    """Loose 1+X group: lead tier 5 and three members of tiers 4, 3, 1, with a cadre each."""
    kgs = [
        kg("L", Role.LEAD, 5),
        kg("M1", Role.MEMBER, 4),
        kg("M2", Role.MEMBER, 3),
        kg("M3", Role.MEMBER, 1),
    ]
    teachers = [*staff("L", 3, 2), *staff("M1", 3, 1), *staff("M2", 3, 1), *staff("M3", 2, 0)]
    teachers += [teacher(f"{k.kg_id}-cadre", k.kg_id, None, cadre=True) for k in kgs]
    return kgs, teachers


@pytest.fixture
def loose_small() -> Instance:
    """Loose 1+X group: lead tier 5 and three members of tiers 4, 3, 1."""
    return instance(*loose_group())
