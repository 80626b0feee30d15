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
                home = v.home_teachers(kg.kg_id, grade)
                out = [v.placed[(t.teacher_id, y)] for t in home if (t.teacher_id, y) in v.placed]
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
    """ONE-PLACE: no short visit in a year-long placement year.

    One placement a year is the `placed` channel (variables.py); one visit per semester holds
    by construction (one variable per teacher and semester); unavailable years have no
    variables.
    """
    for (t, y), placed in v.placed.items():
        for i in v.semesters_of(y):
            if (t, i) in v.shd:
                model.add_bool_or([~placed, ~v.shd[(t, i)]])
