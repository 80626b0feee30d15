"""The greedy baseline: every output keeps the hard rules, and it plans what an office would."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from conftest import START, instance, kg, staff, teacher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgrota.model import (
    Activity,
    Assignment,
    Grade,
    HistoryRecord,
    Instance,
    Pin,
    Role,
    RuleSetting,
    Semester,
    Severity,
    load_profile,
)
from kgrota.model.generate import generate, qingpu_roster
from kgrota.model.rules.guidance import guide_staff
from kgrota.model.rules.staffing import required
from kgrota.model.verify import verify
from kgrota.solver.greedy import greedy

if TYPE_CHECKING:
    from collections.abc import Sequence

ROT, IND, SHD, GUIDE = Activity.ROTATION, Activity.INDUCTION, Activity.SHADOWING, Activity.GUIDANCE
LEARN = Activity.LEARNING


def breaches(inst: Instance, plan: Sequence[Assignment]) -> list[str]:
    """Key hard rules checked directly (beside the verifier): staffing, per-grade maximum,
    slot caps, one place, mentors."""
    p, out = inst.profile, []
    year_long = [a for a in plan if a.activity.year_long]
    short = [a for a in plan if not a.activity.year_long]
    away: Counter[tuple[str, Grade, int]] = Counter()
    arrive: Counter[tuple[str, Grade, int]] = Counter()
    for a in year_long:
        t = inst.teacher[a.teacher_id]
        if t.grade is not None:
            away[(t.home_kg, t.grade, a.year)] += 1
            arrive[(a.host_kg, t.grade, a.year)] += 1
    for k in inst.kindergartens:
        for g in Grade:
            for y in inst.horizon.year_list:
                key = (k.kg_id, g, y)
                if inst.home_count(k.kg_id, g) - away[key] + arrive[key] < required(
                    inst, k.kg_id, g
                ):
                    out.append(f"STAFF-CLASS {key}")
    sent = Counter(
        (inst.teacher[a.teacher_id].home_kg, inst.teacher[a.teacher_id].grade, a.year)
        for a in year_long
        if a.activity is ROT
    )
    out += [f"ROT-PER-GRADE max {key}" for key, n in sent.items() if n > p.max_per_grade]
    streams = Counter(
        (
            inst.kg[a.host_kg].group,
            inst.teacher[a.teacher_id].cadre,
            a.year,
            a.semester,
            a.slot,
        )
        for a in short
        if a.activity is SHD
    )
    for (_, cadre, *when), n in streams.items():
        if n > (p.cadre_cap if cadre else p.teacher_cap):
            out.append(f"SHD-CAP {when}")
    slot_keys = Counter(
        (
            inst.teacher[a.teacher_id].home_kg,
            inst.teacher[a.teacher_id].slot_key,
            a.year,
            a.semester,
            a.slot,
        )
        for a in short
    )
    out += [f"AWAY-SLOT {key}" for key, n in slot_keys.items() if n > 1]
    placed = Counter((a.teacher_id, a.year) for a in year_long)
    out += [f"ONE-PLACE {key}" for key, n in placed.items() if n > 1]
    out += [f"ONE-PLACE short {a}" for a in short if (a.teacher_id, a.year) in placed]
    mentors = Counter((a.partner, a.year) for a in year_long if a.activity is IND)
    out += [
        f"IND-MENTOR {key}" for key, n in mentors.items() if key[0] is None or n > p.mentor_capacity
    ]
    return out


def assert_sound(inst: Instance, plan: Sequence[Assignment]) -> None:
    assert breaches(inst, plan) == []
    report = verify(inst, plan)
    assert report.ok, report.failures


def test_tight_small_plan(tight_small: Instance) -> None:
    plan = greedy(tight_small)
    assert_sound(tight_small, plan)
    rotations = {(a.teacher_id, a.year): a.host_kg for a in plan if a.activity is ROT}
    # the lead's first backbone of each grade goes to the weakest branch (ROT-DOWN), 2 years
    assert rotations[("L-small-0", START)] == rotations[("L-small-0", START + 1)] == "B2"
    # branches send to the lead (互派): their only host in a tight group, a stronger one, so
    # the year is learning (跟岗实践), not support
    learning = {(a.teacher_id, a.year): a.host_kg for a in plan if a.activity is LEARN}
    assert learning[("B1-small-0", START)] == "L"
    # the new teacher is inducted at the lead with a lead backbone who stayed home
    [induction] = [a for a in plan if a.activity is IND]
    assert (induction.teacher_id, induction.host_kg, induction.partner) == (
        "B1-new",
        "L",
        "L-small-1",
    )
    # the affiliate neither sends nor hosts rotations, but shadows
    assert all(tight_small.teacher[t].home_kg != "A" for t, _ in rotations)
    assert "A" not in rotations.values()
    assert any(a.teacher_id == "A-cadre" for a in plan if a.activity is SHD)


def test_loose_small_plan(loose_small: Instance) -> None:
    plan = greedy(loose_small)
    assert_sound(loose_small, plan)
    hosts = {a.host_kg for a in plan if a.activity is ROT}
    assert hosts == {"M3"}  # every sender has the tier-1 member below it
    shadows = {
        (loose_small.teacher[a.teacher_id].home_kg, a.year, a.semester)
        for a in plan
        if a.activity is SHD
    }
    assert {home for home, *_ in shadows} == {"M1", "M2", "M3"}


def test_staffing_blocks_a_grade_without_spare() -> None:
    # M has exactly 2 teachers for its one small class: its backbone must stay home
    kgs = [kg("L", Role.LEAD, 5, (1, 0, 0, 0)), kg("M", Role.MEMBER, 3, (1, 0, 0, 0))]
    teachers = [*staff("L", 3, 1, (Grade.SMALL,)), *staff("M", 2, 1, (Grade.SMALL,))]
    inst = instance(kgs, teachers, years=1)
    plan = greedy(inst)
    assert_sound(inst, plan)
    # the lead's backbone arrives first in roster order, so M's backbone may then leave
    # (to the stronger lead: learning)
    assert {(a.teacher_id, a.activity, a.host_kg) for a in plan if a.activity.year_long} == {
        ("L-small-0", ROT, "M"),
        ("M-small-0", LEARN, "L"),
    }
    # with no spare at the lead nobody arrives, and M's backbone stays home
    alone = instance(
        kgs, [*staff("L", 2, 0, (Grade.SMALL,)), *staff("M", 2, 1, (Grade.SMALL,))], years=1
    )
    assert not [a for a in greedy(alone) if a.activity.year_long]


def test_history_limits_terms_and_shadowing(loose_small: Instance) -> None:
    history = (
        # two years away ending last year: must come home (TERM-2Y)
        HistoryRecord("L-small-0", ROT, "M2", dt.date(START - 2, 9, 1), dt.date(START, 7, 10)),
        # first year at M2: may continue, but only at M2
        HistoryRecord("L-middle-0", ROT, "M2", dt.date(START - 1, 9, 1), dt.date(START, 7, 10)),
        # shadowed last spring: not again before spring of the plan's second year (SHD-COOL)
        HistoryRecord("M1-cadre", SHD, "L", dt.date(START, 3, 2), dt.date(START, 3, 13)),
    )
    inst = replace(loose_small, roster=replace(loose_small.roster, history=history))
    plan = greedy(inst)
    assert_sound(inst, plan)
    rot = {(a.teacher_id, a.year): a.host_kg for a in plan if a.activity is ROT}
    assert ("L-small-0", START) not in rot and rot[("L-small-1", START)] == "M3"
    assert rot[("L-middle-0", START)] == "M2" and ("L-middle-0", START + 1) not in rot
    cadre_visits = [a for a in plan if a.teacher_id == "M1-cadre"]
    assert all(
        inst.horizon.semester_index(a.year, a.semester) >= 3 for a in cadre_visits if a.semester
    )


def test_pins_are_kept(tight_small: Instance) -> None:
    pins = (
        Pin("L-small-1", ROT, "B1", START),  # fixed, against ROT-DOWN's preference for B2
        Pin("L-middle-0", ROT, None, START, forbidden=True),  # forbidden: next backbone goes
        Pin("B2-cadre", SHD, None, START, Semester.SPRING),
        Pin("B1-cadre", SHD, None, START, forbidden=True),
    )
    inst = replace(tight_small, roster=replace(tight_small.roster, pins=pins))
    plan = greedy(inst)
    assert_sound(inst, plan)
    rot = {(a.teacher_id, a.year): a.host_kg for a in plan if a.activity is ROT}
    assert rot[("L-small-1", START)] == "B1"
    assert ("L-small-0", START) not in rot  # one per grade: the pin filled the small grade
    assert ("L-middle-0", START) not in rot and rot[("L-middle-1", START)] == "B2"
    shd = {(a.teacher_id, a.year, a.semester) for a in plan if a.activity is SHD}
    assert ("B2-cadre", START, Semester.SPRING) in shd
    assert not any(t == "B1-cadre" and y == START for t, y, _ in shd)


def test_mentor_shortage_leaves_new_teacher_home() -> None:
    # two new teachers, one lead backbone of their grade, capacity 1: one induction only
    kgs = [kg("L", Role.LEAD, 5, (1, 0, 0, 0)), kg("M", Role.MEMBER, 3, (1, 0, 0, 0))]
    teachers = [*staff("L", 2, 1, (Grade.SMALL,)), *staff("M", 3, 0, (Grade.SMALL,))]
    teachers += [teacher(f"M-new{i}", "M", Grade.SMALL, hired=START) for i in range(2)]
    inst = instance(kgs, teachers, years=1)
    plan = greedy(inst)
    assert_sound(inst, plan)
    assert [(a.teacher_id, a.partner) for a in plan if a.activity is IND] == [
        ("M-new0", "L-small-0")
    ]


@pytest.mark.parametrize("who", ["backbone+cadre", "cadre"])
def test_guidance_keeps_its_limits(who: str) -> None:
    # 9 kindergartens: members want more items than the lead's staff can give (GUIDE-SIX soft)
    roster = generate(groups=1, kgs=9, seed=3, start_year=START)
    inst = Instance.create(roster, replace(load_profile("default"), guide_staff=who), START)
    plan = greedy(inst)
    assert_sound(inst, plan)
    p, visits = inst.profile, [a for a in plan if a.activity is GUIDE]
    assert visits
    assert all(guide_staff(inst, inst.teacher[a.teacher_id]) for a in visits)
    assert who == "backbone+cadre" or all(inst.teacher[a.teacher_id].cadre for a in visits)
    assert max(Counter((a.teacher_id, a.year) for a in visits).values()) <= p.guide_max_per_year
    assert max(Counter((a.year, a.semester, a.slot) for a in visits).values()) <= p.guide_slot_cap
    assert max(Counter((a.host_kg, a.year, a.semester, a.slot) for a in visits).values()) == 1
    assert max(Counter((a.host_kg, a.year, i) for a in visits for i in a.items).values()) == 1
    placed = {(a.teacher_id, a.year) for a in plan if a.activity.year_long}
    assert not any((a.teacher_id, a.year) in placed for a in visits)  # ONE-PLACE


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    mode=st.sampled_from(["tight", "loose"]),
    size=st.integers(2, 16),
    profile=st.sampled_from(["default", "lechang", "qingpu", "huaiyuan"]),
)
def test_generated_rosters_verify(seed: int, mode: str, size: int, profile: str) -> None:
    roster = generate(groups=2, kgs=(2, size), seed=seed, mode=mode)
    inst = Instance.create(roster, load_profile(profile), START)
    plan = greedy(inst)
    assert_sound(inst, plan)
    # groups never exchange staff
    for a in plan:
        assert inst.kg[a.host_kg].group == inst.kg[inst.teacher[a.teacher_id].home_kg].group


def test_whole_roster_is_the_groups_side_by_side() -> None:
    inst = Instance.create(generate(groups=3, kgs=6, seed=7), load_profile("default"), START)
    plan = greedy(inst)
    assert plan == [a for g in inst.roster.groups for a in greedy(inst.for_group(g))]
    assert plan == greedy(inst)  # deterministic


@pytest.mark.parametrize("profile", ["qingpu", "default"])
def test_qingpu_scenario_verifies(profile: str) -> None:
    inst = Instance.create(qingpu_roster(), load_profile(profile), START)
    assert_sound(inst, greedy(inst))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), size=st.integers(2, 12), swap_years=st.integers(1, 2))
def test_swap_and_cover_profile_verifies(seed: int, size: int, swap_years: int) -> None:
    # 青铜峡 swaps (soft: a roster may lack young teachers) with 深圳 coverage on top
    base = load_profile("default")
    soft = {rule: RuleSetting(Severity.SOFT, base.weight(rule)) for rule in ("SWAP-EQ", "COVER-3Y")}
    profile = replace(base, mode="alliance", swap_years=swap_years, rules={**base.rules, **soft})
    inst = Instance.create(generate(groups=1, kgs=(2, size), seed=seed), profile, START)
    plan = greedy(inst)
    assert_sound(inst, plan)
    swaps = {(a.teacher_id, a.year): a for a in plan if a.activity is Activity.SWAP}
    for (t, year), a in swaps.items():
        assert a.partner is not None and swaps[(a.partner, year)].partner == t
