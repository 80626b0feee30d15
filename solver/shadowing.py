"""Shadowing at the lead, decided per teacher and semester (SPEC §9): SHD-CAP, SHD-COOL,
SHD-EACH-SEM. Visits are dealt into slots afterwards by solver/packing.py, which is exact
under the aggregated caps here. SHD-VETO and SHD-LEN are eligibility (variables.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ..model import Activity, Severity
from .variables import eligible_anyway
from .violations import Violations

if TYPE_CHECKING:
    from .variables import Variables


def cap(model: cp_model.CpModel, v: Variables) -> None:
    """SHD-CAP aggregated per semester: cadres ≤ cadre_cap × slots, others ≤ teacher_cap × slots."""
    profile = v.instance.profile
    slots = v.instance.horizon.slots_per_semester
    teacher = v.instance.teacher
    for i in range(len(v.semesters)):
        for cadres, limit in ((True, profile.cadre_cap), (False, profile.teacher_cap)):
            xs = [var for t, var in v.shadowing(i) if teacher[t].cadre == cadres]
            if len(xs) > limit * slots:
                model.add(cp_model.LinearExpr.sum(xs) <= limit * slots)


def cooldown(model: cp_model.CpModel, v: Variables) -> None:
    """SHD-COOL: two visits of one teacher lie ≥ 2 × cooldown_years semesters apart.

    Within the plan: every window of that many consecutive semesters holds at most one visit
    (history visits already removed the variables too close to them).
    """
    gap = 2 * v.instance.profile.cooldown_years
    if gap <= 1:
        return
    for t in v.instance.teachers:
        visits = dict(v.shadowing_of(t.teacher_id))
        if len(visits) < 2:
            continue
        for start in range(len(v.semesters) - 1):
            window = [visits[i] for i in range(start, start + gap) if i in visits]
            if len(window) > 1:
                model.add_at_most_one(window)


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
    if profile.enabled("COVER-3Y"):
        return
    rewarded = profile.severity("SHD-EACH-SEM") is Severity.HARD or (
        profile.severity("SHD-EACH-SEM") is Severity.SOFT and profile.weight("SHD-EACH-SEM") > 0
    )
    pinned = {t for t, activity in eligible_anyway(v.instance) if activity is Activity.SHADOWING}
    for kg_id, teachers in v.by_home.items():
        free = [
            t.teacher_id for t in teachers if t.teacher_id not in pinned and (t.cadre or t.backbone)
        ]
        for i in range(len(v.semesters)):
            xs = [v.shd[(t, i)] for t in free if (t, i) in v.shd]
            if len(xs) > rewarded:
                model.add(cp_model.LinearExpr.sum(xs) <= int(rewarded))
