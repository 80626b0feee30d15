"""COVER-3Y (深圳 全员轮训): every teacher takes part in some activity in each window."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

import conftest
import pytest
from conftest import START, instance, loose_group, teacher
from test_greedy import assert_sound

from kgrota.model import (
    Activity,
    Grade,
    HistoryRecord,
    Instance,
    RuleSetting,
    Severity,
    load_profile,
)
from kgrota.model.generate import generate
from kgrota.model.verify import evaluate, verify
from kgrota.solver.cpsat import build
from kgrota.solver.greedy import greedy
from kgrota.solver.rules.coverage import windows

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kgrota.model import Assignment

SHD = Activity.SHADOWING


def cover_profile(**changes: Any) -> Any:
    """The default profile as 深圳's: district mode, COVER-3Y soft (weight 2), 3-year windows."""
    base = load_profile("default")
    rules = {**base.rules, "COVER-3Y": RuleSetting(Severity.SOFT, 2)}
    return dataclasses.replace(base, mode="district", rules=rules, **changes)


def district(*, years: int = 3, history: Sequence[HistoryRecord] = (), **kw: Any) -> Instance:
    """Lead L and members M1–M3, three teachers a grade (two lead backbones a grade), a cadre
    each, and a member teacher with a veto (never shadows)."""
    kgs, teachers = loose_group()
    teachers.append(teacher("M1-veto", "M1", Grade.SMALL, veto="有偿补课"))
    profile = kw.pop("profile", cover_profile())
    return instance(kgs, teachers, years=years, history=history, profile=profile, **kw)


def uncovered(inst: Instance, plan: Sequence[Assignment]) -> list[str]:
    """Teachers the verifier reports under COVER-3Y (one entry per window)."""
    report = verify(inst, plan)
    assert report.ok, report.failures
    return sorted(
        v.teacher_id or "" for r in report.rules if r.rule.id == "COVER-3Y" for v in r.violations
    )


def solved(inst: Instance) -> list[Assignment]:
    return list(conftest.solved(inst).assignments)


def test_everyone_who_can_take_part_does() -> None:
    inst = district()
    plan = solved(inst)
    # left out: the lead's ordinary teachers (no activity takes them: rotation, swap and
    # guidance are for backbones and cadres, shadowing is at the lead) and the vetoed one
    assert uncovered(inst, plan) == ["L-large-2", "L-middle-2", "L-small-2", "M1-veto"]
    # the lead's cadre takes part by guiding, ordinary member teachers by shadowing
    active = {a.teacher_id for a in plan}
    assert "L-cadre" in active and {"M1-small-2", "M3-large-1"} <= active
    assert uncovered(inst, plan) == uncovered(inst, greedy(inst))


def test_ordinary_teachers_shadow_only_while_the_rule_is_on() -> None:
    on = build(district()).variables
    off = build(district(profile=load_profile("default"))).variables
    assert any(t == "M1-small-2" for t, _ in on.shd)
    assert not any(t == "M1-small-2" for t, _ in off.shd)


@pytest.mark.parametrize(("seed", "kgs"), [(1, 5), (2, 6)])
def test_cpsat_beats_greedy_with_coverage_on(seed: int, kgs: int) -> None:
    # Coverage is one soft term among others (a teacher's visit may cost a rotation
    # elsewhere), so the optimum need not cover more people than the greedy: it scores at
    # least as well, and the verifier counts its uncovered windows as the model does.
    roster = generate(groups=1, kgs=kgs, seed=seed, mode="loose")
    inst = Instance.create(dataclasses.replace(roster, history=()), cover_profile(), START)
    plan, baseline = solved(inst), greedy(inst)
    assert_sound(inst, baseline)
    assert evaluate(inst, plan)[1] >= evaluate(inst, baseline)[1]


def test_history_in_the_window_covers_it() -> None:
    # a 2-year plan whose look-back starts a year early (M2's cadre shadowed then): the only
    # window is START-1..START+1; the vetoed teacher cannot take part within the plan
    other = HistoryRecord("M2-cadre", SHD, "L", dt.date(START - 1, 10, 12))
    before = HistoryRecord("M1-veto", SHD, "L", dt.date(START - 1, 10, 12))
    without, with_record = (
        district(years=2, history=[other]),
        district(years=2, history=[other, before]),
    )
    veto = without.teacher["M1-veto"]
    assert windows(without, veto) == [range(START - 1, START + 2)]
    assert windows(with_record, veto) == []
    assert "M1-veto" in uncovered(without, solved(without))
    assert "M1-veto" not in uncovered(with_record, solved(with_record))


def test_a_window_unavailable_throughout_is_exempt() -> None:
    away = teacher("M1-away", "M1", Grade.SMALL, unavailable=range(START, START + 3))
    inst = district()
    inst = dataclasses.replace(
        inst, roster=dataclasses.replace(inst.roster, teachers=(*inst.teachers, away))
    )
    assert windows(inst, away) == []
    assert "M1-away" not in uncovered(inst, greedy(inst))


def test_hire_year_starts_the_windows() -> None:
    inst = district()
    late = teacher("M1-late", "M1", Grade.SMALL, hired=START + 1)
    assert windows(inst, late) == []  # the first window would end after the plan


def test_uncovered_lead_staff_are_told_why() -> None:
    """The lead's ordinary teachers have no activity at all: the shortfall says so."""
    inst = district()
    report = verify(inst, [])
    reasons = {
        v.teacher_id: v.message
        for r in report.rules
        if r.rule.id == "COVER-3Y"
        for v in r.violations
    }
    lead_plain = next(t for t in inst.teachers if t.home_kg == "L" and not t.backbone)
    member = next(t for t in inst.teachers if t.home_kg == "M1" and not t.backbone)
    assert "no exchange is open" in reasons[lead_plain.teacher_id]
    assert "no exchange is open" not in reasons[member.teacher_id]
