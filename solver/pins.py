"""PIN: the office's fixed and forbidden assignments."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..model import Activity, Pin

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from .variables import Variables

log = logging.getLogger("kgrota")


def matching(v: Variables, pin: Pin) -> list[cp_model.IntVar]:
    """Variables whose assignment would match the pin (teacher, activity, year, host, semester)."""
    t, lead = pin.teacher_id, v.facts.lead
    if pin.activity is Activity.ROTATION and pin.semester is None:
        return [var for host, var in v.rotations(t, pin.year) if pin.host_kg in (None, host)]
    if pin.activity is Activity.INDUCTION and pin.semester is None and pin.host_kg in (None, lead):
        return [v.ind[t]] if t in v.ind and v.ind_year[t] == pin.year else []
    if pin.activity is Activity.SHADOWING and pin.host_kg in (None, lead):
        return [
            v.shd[(t, i)]
            for i in v.semesters_of(pin.year)
            if (t, i) in v.shd and pin.semester in (None, v.semesters[i][1])
        ]
    return []  # guidance and swaps are not planned by this model


def pins(model: cp_model.CpModel, v: Variables) -> None:
    """A fixed pin is met by at least one matching assignment; a forbidden one by none."""
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
            model.add_bool_or(xs)
