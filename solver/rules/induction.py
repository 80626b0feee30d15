"""New teachers' first year at the lead on the CP-SAT side: IND-LEAD, IND-MENTOR (the rules'
meaning: model/rules/induction.py). Only new teachers away from the lead, in their first year,
get an induction variable (`induction_candidate`); mentors are named after solving
(`pair_mentors`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ...model import Grade, Teacher
from ...model.rules.induction import IND_LEAD, IND_MENTOR, induction_year
from ..violations import ValueOf, Violations
from .base import Family

if TYPE_CHECKING:
    from ...model import Instance
    from ..variables import Variables


def induction_candidate(inst: Instance, lead: str, t: Teacher) -> int | None:
    """IND-LEAD: the year a new teacher away from the lead is inducted (None: not one)."""
    year = induction_year(inst, t)
    if year is None or t.home_kg == lead or not inst.profile.enabled(IND_LEAD.id):
        return None
    return year


def lead(model: cp_model.CpModel, v: Variables) -> Violations:
    """IND-LEAD: one violation per new teacher away from the lead who is not inducted.

    `Variables` lists every such teacher in ``ind_year``; those who cannot be inducted
    (unavailable, history) have no variable and count as a fixed violation.
    """
    out = Violations()
    for t in v.ind_year:
        out.require(1, [v.ind[t]] if t in v.ind else [])
    return out


@dataclass(frozen=True)
class Candidate:
    """A possible mentor for a year: present at the lead unless `home` and a var is set."""

    teacher: Teacher
    home: bool  # lead-home: present = 1 - Σ vars (placements away); else present = Σ vars
    vars: tuple[cp_model.IntVar, ...]

    def presence(self) -> cp_model.LinearExprT:
        total = cp_model.LinearExpr.sum(self.vars)
        return 1 - total if self.home else total

    def present(self, value_of: ValueOf) -> bool:
        total = sum(value_of(x) for x in self.vars)
        return total == 0 if self.home else total > 0


def candidates(v: Variables, year: int, grade: Grade) -> list[Candidate]:
    """IND-MENTOR: backbones of the grade at the lead that year.

    Lead-home backbones are there unless on a year-long placement (or unavailable); others
    when rotating into the lead.
    """
    lead_id = v.facts.lead
    out: list[Candidate] = []
    for t in v.instance.teachers:
        if not t.backbone or t.grade is not grade:
            continue
        if t.home_kg == lead_id:
            if year not in t.unavailable:
                away = v.placed.get((t.teacher_id, year))
                out.append(Candidate(t, True, () if away is None else (away,)))
        else:
            into = tuple(var for host, var in v.rotations(t.teacher_id, year) if host == lead_id)
            if into:
                out.append(Candidate(t, False, into))
    return out


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
                present = [c.presence() for c in candidates(v, year, grade)]
                model.add(
                    cp_model.LinearExpr.sum(inductees)
                    <= capacity * cp_model.LinearExpr.sum(present)
                )


def pair_mentors(v: Variables, value_of: ValueOf, inducted: list[str]) -> dict[str, str]:
    """Inductee → mentor: present mentors (by id) take inductees (by id) up to capacity each."""
    capacity = v.instance.profile.mentor_capacity
    teacher = v.instance.teacher
    out: dict[str, str] = {}
    for year in v.years:
        for grade in Grade:
            todo = sorted(
                t for t in inducted if v.ind_year[t] == year and teacher[t].grade is grade
            )
            if not todo or not capacity:
                continue
            present = sorted(
                c.teacher.teacher_id for c in candidates(v, year, grade) if c.present(value_of)
            )
            for i, t in enumerate(todo):
                if i // capacity < len(present):
                    out[t] = present[i // capacity]
    return out


FAMILY = Family(builders={IND_LEAD: lead, IND_MENTOR: mentor}, eligibility=(IND_LEAD,))
