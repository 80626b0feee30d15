"""PIN on the CP-SAT side: the office's fixed and forbidden assignments (the rule's meaning:
model/rules/pins.py). Fixed pins, and the previous plan's assignments while stability rewards
keeping them, also open variables the dominance pruning would leave out (`eligible_anyway`)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ...model import Activity, Instance, Pin
from ...model.rules.pins import PIN
from .base import Family

if TYPE_CHECKING:
    from ..variables import Variables

log = logging.getLogger("kgrota")


def eligible_anyway(instance: Instance) -> set[tuple[str, Activity]]:
    """Teacher-activity pairs that get variables beyond the dominance pruning: fixed pins, and
    the previous plan's assignments when stability rewards keeping them."""
    out = {(p.teacher_id, p.activity) for p in instance.roster.pins if not p.forbidden}
    if instance.profile.stability > 0:
        out |= {(a.teacher_id, a.activity) for a in instance.previous}
    return out


def matching(v: Variables, pin: Pin) -> list[cp_model.IntVar]:
    """Variables whose assignment would match the pin (teacher, activity, year, host, semester)."""
    t, lead = pin.teacher_id, v.facts.lead
    if pin.activity in (Activity.ROTATION, Activity.LEARNING) and pin.semester is None:
        return [
            var
            for host, var in v.rotations(t, pin.year)
            if pin.host_kg in (None, host) and v.activity_of(t, host) is pin.activity
        ]
    if pin.activity is Activity.INDUCTION and pin.semester is None and pin.host_kg in (None, lead):
        return [v.ind[t]] if t in v.ind and v.ind_year[t] == pin.year else []
    if pin.activity is Activity.SHADOWING and pin.host_kg in (None, lead):
        semesters = [
            i for i in v.semesters_of(pin.year) if pin.semester in (None, v.semesters[i][1])
        ]
        if pin.slot is not None and not pin.forbidden:
            held = v.shadow_grid.held
            return [held[k] for i in semesters if (k := (t, lead, i, pin.slot)) in held]
        return [v.shd[(t, i)] for i in semesters if (t, i) in v.shd]
    if pin.activity in (Activity.SWAP, Activity.EXCHANGE) and pin.semester is None:
        pairs = v.swaps if pin.activity is Activity.SWAP else v.exchanges
        return [var for host, var in pairs.of(t, pin.year) if pin.host_kg in (None, host)]
    if pin.activity is Activity.GUIDANCE:
        return _guidance(v, pin)
    return []


def _guidance(v: Variables, pin: Pin) -> list[cp_model.IntVar]:
    """A fixed pin naming a host: its reservations (packing pairs them first) and the visits
    to that host held in a slot (the pin's slot only, if it names one); otherwise the
    guide's visit counts in the pin's year or semester, so a forbidden pin stops them all
    whatever member or slot it names (who visits whom is settled after solving, guidance.py)."""
    t, host = pin.teacher_id, pin.host_kg
    semesters = [i for i in v.semesters_of(pin.year) if pin.semester in (None, v.semesters[i][1])]
    if host and not pin.forbidden:
        held = [
            var
            for (p, m, i, s), var in v.guide_grid.held.items()
            if (p, m) == (t, host) and i in semesters and pin.slot in (None, s)
        ]
        if pin.slot is not None:
            return held
        return [v.reserve[(t, host, i)] for i in semesters if (t, host, i) in v.reserve] + held
    return [v.guide[(t, i)] for i in semesters if (t, i) in v.guide]


def pins(model: cp_model.CpModel, v: Variables) -> None:
    """A fixed pin is met by at least one matching assignment; a forbidden one by none.

    Under ``--freeze-before`` nothing but pinned assignments starts before the date: a
    year-long placement of an earlier year no fixed pin matches is left out (short visits:
    the frozen slots have no fresh variables, solver/slotted.py).
    """
    pinned: set[int] = set()  # indices of variables a fixed pin may take
    for pin in v.instance.roster.pins:
        xs = matching(v, pin)
        if pin.forbidden:
            for var in xs:
                model.add(var == 0)
        else:
            if not xs:
                log.warning(
                    "pin %s %s %s: no eligible assignment can meet it",
                    pin.teacher_id,
                    pin.activity.value,
                    pin.year,
                )
            model.add(cp_model.LinearExpr.sum(xs) >= 1)  # guidance: counts, not booleans
            pinned |= {var.index for var in xs}
    for t in v.instance.teachers:
        for y in v.years:
            if not v.instance.frozen(y):
                continue
            for _, var in v.placements(t.teacher_id, y):
                if var.index not in pinned:
                    model.add(var == 0)
            inducted = v.ind.get(t.teacher_id)  # the lead's own are not in placements
            if (
                inducted is not None
                and v.ind_year[t.teacher_id] == y
                and inducted.index not in pinned
            ):
                model.add(inducted == 0)


FAMILY = Family(builders={PIN: pins})
