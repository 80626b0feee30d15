"""Keeping classes staffed and people in one place on the CP-SAT side: STAFF-CLASS,
AWAY-SLOT, ONE-PLACE. The rules' meaning: model/rules/staffing.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ...model import Grade
from ...model.rules.staffing import AWAY_SLOT, ONE_PLACE, STAFF_CLASS, required
from .base import Family
from .guidance import upper, yearly_guidance

if TYPE_CHECKING:
    from ..variables import Variables


def staff_class(model: cp_model.CpModel, v: Variables) -> None:
    """STAFF-CLASS: home teachers − year-long away + year-long incoming ≥ required.

    Incoming are rotations, learning years and swaps into the kg and, at the lead, the
    inductions of other kindergartens' new teachers.
    """
    inst, lead = v.instance, v.facts.lead
    for kg in inst.kindergartens:
        for grade in Grade:
            slack = inst.home_count(kg.kg_id, grade) - required(inst, kg.kg_id, grade)
            for y in v.years:
                home = v.home_teachers(kg.kg_id, grade)
                out = [v.placed[(t.teacher_id, y)] for t in home if (t.teacher_id, y) in v.placed]
                if len(out) <= slack:
                    continue
                hosted = v.hosted(kg.kg_id, y) + v.swaps.into(kg.kg_id, y)
                into = [var for t, var in hosted if inst.teacher[t].grade is grade]
                if kg.kg_id == lead:
                    into += [var for t, var in v.inducted(y, grade) if v.away[t]]
                model.add(cp_model.LinearExpr.sum(out) - cp_model.LinearExpr.sum(into) <= slack)


def away_slot(model: cp_model.CpModel, v: Variables) -> None:
    """AWAY-SLOT aggregated: per semester, home kg and slot key, visits ≤ slots per semester.

    Shadowing and guidance visits (the lead's staff, counted per guide) alike; packing then
    puts one key's visits into distinct slots.
    """
    teacher = v.instance.teacher
    for i, slots in enumerate(v.slots):
        by_key: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        for t, var in [*v.shadowing(i), *v.guiding(i)]:
            by_key.setdefault((teacher[t].home_kg, teacher[t].slot_key), []).append(var)
        for xs in by_key.values():
            if sum(upper(x) for x in xs) > slots:
                model.add(cp_model.LinearExpr.sum(xs) <= slots)


def one_place(model: cp_model.CpModel, v: Variables) -> None:
    """ONE-PLACE: no short visit in a year-long placement year.

    One placement a year is the `placed` channel (variables.py); one shadowing visit per
    semester holds by construction (one variable per teacher and semester), one guidance
    visit per slot by the packing (a guide's visits get distinct slots); unavailable years
    have no variables. A guide's visits are bounded per year, not per semester: with
    ``placed`` at ½ the per-semester bounds would still let the LP relaxation guide all
    year (measured: a 215-teacher group went from 0.9 s to a wide gap after 60 s).
    """
    for (t, y), placed in v.placed.items():
        guides = [v.guide[(t, i)] for i in v.semesters_of(y) if (t, i) in v.guide]
        for i in v.semesters_of(y):
            if (t, i) in v.shd:
                model.add_bool_or([~placed, ~v.shd[(t, i)]])
        if guides:
            most = yearly_guidance(v, guides)
            model.add(cp_model.LinearExpr.sum(guides) + most * placed <= most)


FAMILY = Family(builders={STAFF_CLASS: staff_class, AWAY_SLOT: away_slot, ONE_PLACE: one_place})
