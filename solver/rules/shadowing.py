"""Shadowing at the lead on the CP-SAT side, decided per teacher and semester (SPEC §9):
SHD-CAP, SHD-COOL, SHD-EACH-SEM as constraints; SHD-VETO, SHD-LEN and SHD-COOL against history
as eligibility (`semesters_open`). Visits are dealt into slots afterwards by
solver/packing.py, which is exact under the aggregated caps here, except in the semesters
where a visit holds its slot: there the model places them (solver/slotted.py, `in_slots`). The rules' meaning:
model/rules/shadowing.py.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ...model import Activity, semester_of
from ...model.rules.coverage import COVER_3Y
from ...model.rules.shadowing import SHD_CAP, SHD_COOL, SHD_EACH_SEM, SHD_LEN, SHD_VETO
from ...model.rules.staffing import AWAY_SLOT
from ..packing import pack_slots
from ..violations import Violations
from .base import Extra, Family
from .guidance import upper
from .pins import eligible_anyway
from .rotation import yearlong_history

if TYPE_CHECKING:
    from collections.abc import Hashable

    from ...model import Instance, Semester, Teacher
    from ..variables import Variables
    from ..violations import ValueOf


def shadowing_history(instance: Instance, teacher_id: str) -> list[int]:
    """Semester indices (relative to the plan) covered by past visits SHD-COOL counts."""
    out: list[int] = []
    visits = cooled(instance)
    for h in instance.history_by_teacher.get(teacher_id, ()):
        if h.activity in visits:
            first = instance.horizon.semester_index(*semester_of(h.start))
            last = instance.horizon.semester_index(*semester_of(h.end or h.start))
            out.extend(range(first, last + 1))
    return out


def semesters_open(
    inst: Instance, lead: str, t: Teacher, semesters: tuple[tuple[int, Semester], ...], pinned: bool
) -> list[int]:
    """Plan semesters in which the teacher may shadow at the lead (one slot each: SHD-LEN).

    Not the lead's own staff; not with a veto (SHD-VETO); not in an unavailable year or a
    year away per the history; not within the cooldown of a past visit (SHD-COOL). Only
    cadres and backbones count for SHD-EACH-SEM,
    so unless COVER-3Y rewards anyone's visit (hard, or soft with a weight) other teachers may
    shadow only where a pin fixes their visit (dominance, not a rule).
    """
    profile = inst.profile
    rewarded = t.cadre or t.backbone or pinned or profile.rewards(COVER_3Y.id)
    if t.home_kg == lead or not rewarded:
        return []
    if t.veto and profile.enabled(SHD_VETO.id):
        return []
    away = yearlong_history(inst, t.teacher_id)
    return [
        i
        for i, (y, _) in enumerate(semesters)
        if y not in t.unavailable and y not in away and cool_allows(inst, t.teacher_id, i)
    ]


def cooled(inst: Instance) -> tuple[Activity, ...]:
    """The visits SHD-COOL and SHD-VETO cover: shadowing, and the lead's 团队进驻 (guidance)
    where the profile says so (cool_guidance)."""
    if inst.profile.cool_guidance:
        return (Activity.SHADOWING, Activity.GUIDANCE)
    return (Activity.SHADOWING,)


def cool_allows(inst: Instance, teacher_id: str, semester: int) -> bool:
    """SHD-COOL against history: a visit in this plan semester lies 2 × cooldown_years
    semesters from every past visit it covers."""
    if not inst.profile.enabled(SHD_COOL.id):
        return True
    gap = 2 * inst.profile.cooldown_years
    return all(abs(semester - h) >= gap for h in shadowing_history(inst, teacher_id))


def cap(model: cp_model.CpModel, v: Variables) -> None:
    """SHD-CAP aggregated per semester: cadres ≤ cadre_cap × slots, others ≤ teacher_cap × slots."""
    profile = v.instance.profile
    teacher = v.instance.teacher
    for i, slots in enumerate(v.slots):
        for cadres, limit in ((True, profile.cadre_cap), (False, profile.teacher_cap)):
            xs = [var for t, var in v.shadowing(i) if teacher[t].cadre == cadres]
            if len(xs) > limit * slots:
                model.add(cp_model.LinearExpr.sum(xs) <= limit * slots)


def cooldown(model: cp_model.CpModel, v: Variables) -> None:
    """SHD-COOL: two visits of one teacher lie ≥ 2 × cooldown_years semesters apart.

    Within the plan: every window of that many consecutive semesters holds at most one visit
    (history visits already removed the variables too close to them); guidance visits count
    too where the profile covers them (`cooled`).
    """
    gap = 2 * v.instance.profile.cooldown_years
    if gap <= 1:
        return
    guidance = Activity.GUIDANCE in cooled(v.instance)
    semesters = range(len(v.semesters))
    starts = range(
        max(1, len(semesters) - gap + 1)
    )  # a window cut by the plan's end is inside another
    for t in v.instance.teachers:
        tid = t.teacher_id
        visits = dict(v.shadowing_of(tid))
        if guidance:  # a guide's visit counts: at most one in any window, however many a term
            visits |= {i: v.guide[(tid, i)] for i in semesters if (tid, i) in v.guide}
        if not visits:
            continue
        for start in starts:
            window = [visits[i] for i in range(start, start + gap) if i in visits]
            if sum(upper(x) for x in window) > 1:
                model.add(cp_model.LinearExpr.sum(window) <= 1)


def each_semester(model: cp_model.CpModel, v: Variables) -> Violations:
    """SHD-EACH-SEM: each non-lead kg sends a cadre or backbone to the lead every semester.

    Counted where some cadre or backbone of the kg could shadow (no veto, available that year).
    """
    out = Violations()
    for kg_id, teachers in v.by_home.items():
        if kg_id == v.facts.lead:
            continue
        senders = [t for t in teachers if t.cadre or t.backbone]
        for i, (year, _) in enumerate(v.semesters):
            if any(not t.veto and year not in t.unavailable for t in senders):
                out.require(
                    1, [v.shd[(t.teacher_id, i)] for t in senders if (t.teacher_id, i) in v.shd]
                )
    return out


def dominance(model: cp_model.CpModel, v: Variables) -> None:
    """Keep at most one unpinned cadre/backbone visit per kindergarten and semester.

    Only SHD-EACH-SEM rewards a visit and one visitor meets it; dropping any other unpinned
    visit keeps every rule and never lowers the objective (the spread term only ever
    subtracts), so an optimum survives. With SHD-EACH-SEM not rewarding visits, unpinned
    visits go entirely. Removes a large plateau of equal-valued schedules. COVER-3Y rewards
    any visit of an uncovered teacher, so while it is on nothing is dropped.
    """
    profile = v.instance.profile
    if profile.rewards(COVER_3Y.id):
        return
    rewarded = profile.rewards(SHD_EACH_SEM.id)
    pinned = {t for t, activity in eligible_anyway(v.instance) if activity is Activity.SHADOWING}
    for kg_id, teachers in v.by_home.items():
        free = [
            t.teacher_id for t in teachers if t.teacher_id not in pinned and (t.cadre or t.backbone)
        ]
        for i in range(len(v.semesters)):
            xs = [v.shd[(t, i)] for t in free if (t, i) in v.shd]
            if len(xs) > rewarded:
                model.add(cp_model.LinearExpr.sum(xs) <= int(rewarded))


def in_slots(model: cp_model.CpModel, v: Variables) -> None:
    """Structure: in the semesters the model places in slots (solver/slotted.py), each key's
    visits are its held and fresh slot variables, within the packing's limits per slot
    (SHD-CAP per stream, AWAY-SLOT per key)."""
    grid = v.shadow_grid
    grid.bound(model, v.shd)
    sums: dict[Hashable, list[cp_model.IntVar]] = defaultdict(list)
    for (t, i), var in v.shd.items():
        if i in grid.semesters:
            sums[(grid.keys[t], i)].append(var)
    grid.tie(model, lambda e: (e.key, e.i), sums)
    grid.limit_slots(model, v.instance, hosts_once=False)


def slots(v: Variables, i: int, visitors: list[Teacher], value_of: ValueOf) -> dict[str, int]:
    """Teacher id → slot of a semester's chosen visitors: read off the model where it places
    the semester in slots, else dealt by `pack_slots`."""
    if i in v.shadow_grid.semesters:
        return v.shadow_grid.seat(i, value_of, (t.teacher_id for t in visitors))
    return pack_slots(visitors, v.slots[i])


FAMILY = Family(
    builders={SHD_CAP: cap, SHD_COOL: cooldown, SHD_EACH_SEM: each_semester},
    eligibility=(SHD_LEN, SHD_VETO, SHD_COOL),
    extras=(
        Extra("dominance", (SHD_EACH_SEM, COVER_3Y), dominance),
        Extra("structure", (SHD_CAP, AWAY_SLOT), in_slots),
    ),
)
