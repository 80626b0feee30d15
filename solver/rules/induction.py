"""New teachers' first year with a mentor of the lead on the CP-SAT side: IND-LEAD,
IND-MENTOR (the rules' meaning: model/rules/induction.py). Only new teachers, in their first
year, get an induction variable (`induction_candidate`); the lead's own are inducted at home.
Mentors are named after solving (`pair_mentors`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ...model import Activity, Grade, Teacher
from ...model.rules.induction import IND_LEAD, IND_MENTOR, induction_year
from ..violations import ValueOf, Violations
from .base import Family

if TYPE_CHECKING:
    from ...model import Instance
    from ..variables import Variables


def induction_candidate(inst: Instance, t: Teacher) -> int | None:
    """IND-LEAD: the year a new teacher is inducted (None: not one, or the rule is off)."""
    year = induction_year(inst, t)
    return year if inst.profile.enabled(IND_LEAD.id) else None


def lead(model: cp_model.CpModel, v: Variables) -> Violations:
    """IND-LEAD: one violation per new teacher away from the lead who is not inducted.

    `Variables` lists every new teacher in ``ind_year``; those who cannot be inducted
    (unavailable, history) have no variable and count as a fixed violation.
    """
    out = Violations()
    for t in v.ind_year:
        out.require(1, [v.ind[t]] if t in v.ind else [])
    return out


def mentors(v: Variables, year: int, grade: Grade) -> list[tuple[str, cp_model.IntVar | None]]:
    """IND-MENTOR: the lead's own backbones of the grade, available that year, each with the
    variable placing her away then (None: she cannot be away, so she is there)."""
    lead = v.facts.lead
    return [
        (t.teacher_id, v.placed.get((t.teacher_id, year)))
        for t in v.by_home[lead]
        if t.backbone and t.grade is grade and year not in t.unavailable
    ]


def mentor(model: cp_model.CpModel, v: Variables) -> None:
    """IND-MENTOR as capacity: inductees of a grade ≤ mentor_capacity × mentors present.

    Any present mentor of the grade can take any inductee of it, so the pairing is a complete
    bipartite matching and this count is exact; `pair_mentors` names the partners afterwards.
    """
    capacity = v.instance.profile.mentor_capacity
    for year in v.years:
        for grade in Grade:
            inductees = [var for _, var in v.inducted(year, grade)]
            if inductees:
                both = mentors(v, year, grade)
                away = [var for _, var in both if var is not None]
                model.add(
                    cp_model.LinearExpr.sum(inductees) + capacity * cp_model.LinearExpr.sum(away)
                    <= capacity * len(both)
                )


def pair_mentors(v: Variables, value_of: ValueOf, inducted: list[str]) -> dict[str, str]:
    """Inductee → mentor: present mentors (by id) take inductees (by id) up to capacity each;
    an inductee keeps her mentor of the previous plan (--previous) while that one is present
    and has room, so a re-plan changes no pair it need not."""
    capacity = v.instance.profile.mentor_capacity
    teacher = v.instance.teacher
    before = {
        (a.teacher_id, a.year): a.partner
        for a in v.instance.previous
        if a.activity is Activity.INDUCTION and a.partner
    }
    out: dict[str, str] = {}
    for year in v.years:
        for grade in Grade:
            todo = sorted(
                t for t in inducted if v.ind_year[t] == year and teacher[t].grade is grade
            )
            if not todo or not capacity:
                continue
            present = sorted(
                t for t, var in mentors(v, year, grade) if var is None or not value_of(var)
            )
            load = dict.fromkeys(present, 0)
            for t in todo:
                mentor = before.get((t, year))
                if mentor in load and load[mentor] < capacity:
                    out[t] = mentor
                    load[mentor] += 1
            for t in todo:
                free = next((m for m in present if load[m] < capacity), None)
                if t not in out and free is not None:
                    out[t] = free
                    load[free] += 1
    return out


FAMILY = Family(builders={IND_LEAD: lead, IND_MENTOR: mentor}, eligibility=(IND_LEAD,))
