"""Keeping classes staffed and people in one place: STAFF-CLASS, AWAY-SLOT, ONE-PLACE."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ..model import Grade

if TYPE_CHECKING:
    from .variables import Variables


def staff_class(model: cp_model.CpModel, v: Variables) -> None:
    """STAFF-CLASS: home teachers − year-long away + year-long incoming ≥ required.

    Incoming are rotations into the kg and, at the lead, inductions.
    """
    inst, lead = v.instance, v.facts.lead
    for kg in inst.kindergartens:
        for grade in Grade:
            slack = inst.home_count(kg.kg_id, grade) - inst.required(kg.kg_id, grade)
            for y in v.years:
                out = [
                    var
                    for t in v.home_teachers(kg.kg_id, grade)
                    for _, var in v.placements(t.teacher_id, y)
                ]
                if len(out) <= slack:
                    continue
                into = [var for t, var in v.hosted(kg.kg_id, y) if inst.teacher[t].grade is grade]
                if kg.kg_id == lead:
                    into += [var for _, var in v.inducted(y, grade)]
                model.add(cp_model.LinearExpr.sum(out) - cp_model.LinearExpr.sum(into) <= slack)


def away_slot(model: cp_model.CpModel, v: Variables) -> None:
    """AWAY-SLOT aggregated: per semester, home kg and slot key, visits ≤ slots per semester.

    Packing then puts one key's visits into distinct slots.
    """
    slots = v.instance.horizon.slots_per_semester
    teacher = v.instance.teacher
    for i in range(len(v.semesters)):
        by_key: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        for t, var in v.shadowing(i):
            by_key.setdefault((teacher[t].home_kg, teacher[t].slot_key), []).append(var)
        for xs in by_key.values():
            if len(xs) > slots:
                model.add(cp_model.LinearExpr.sum(xs) <= slots)


def one_place(model: cp_model.CpModel, v: Variables) -> None:
    """ONE-PLACE: one year-long placement a year, and no visit in a placement year.

    One visit per semester holds by construction (one variable per teacher and semester);
    unavailable years have no variables.
    """
    for t in v.instance.teachers:
        for y in v.years:
            placed = [var for _, var in v.placements(t.teacher_id, y)]
            visits = [
                v.shd[(t.teacher_id, i)] for i in v.semesters_of(y) if (t.teacher_id, i) in v.shd
            ]
            if visits and placed:
                for visit in visits:
                    model.add_at_most_one([*placed, visit])
            elif len(placed) > 1:
                model.add_at_most_one(placed)
