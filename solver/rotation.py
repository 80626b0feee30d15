"""Year-long rotations: ROT-PER-GRADE, ROT-DOWN, TERM-2Y (ROT-PAIRS: eligibility, variables.py)."""

from __future__ import annotations

from ortools.sat.python import cp_model

from ..model import Grade
from .variables import Variables, yearlong_history
from .violations import Violations


def per_grade(model: cp_model.CpModel, v: Variables) -> Violations:
    """ROT-PER-GRADE: at most max_per_grade (always hard); the minimum as violations.

    Per sending kg, grade with classes there, and year; the minimum is min(min_per_grade, E),
    E = backbones of that kg and grade, not cadres, available that year.
    """
    profile = v.instance.profile
    out = Violations()
    for kg_id in v.facts.sending:
        kg = v.instance.kg[kg_id]
        for grade in Grade:
            if kg.classes_of(grade) == 0:
                continue
            teachers = v.home_teachers(kg_id, grade)
            for y in v.years:
                sent = [var for t in teachers for _, var in v.rotations(t.teacher_id, y)]
                if len(sent) > profile.max_per_grade:
                    model.add(cp_model.LinearExpr.sum(sent) <= profile.max_per_grade)
                eligible = sum(
                    t.backbone and not t.cadre and y not in t.unavailable for t in teachers
                )
                out.require(min(profile.min_per_grade, eligible), sent)
    return out


def down(model: cp_model.CpModel, v: Variables) -> Violations:
    """ROT-DOWN: one violation per rotation-year whose host tier is not below home tier."""
    kg, teacher = v.instance.kg, v.instance.teacher
    out = Violations()
    for (t, host, _), var in v.rot.items():
        if kg[host].tier >= kg[teacher[t].home_kg].tier:
            out.flag(var)
    return out


def term(model: cp_model.CpModel, v: Variables) -> None:
    """TERM-2Y: a run of consecutive year-long placements is ≤ max_term_years, one host.

    Stated on the `placed` channel, so each clause has three literals whatever the number of
    hosts. History years count as placed (their hosts were checked in variables.py).
    """
    limit = v.instance.profile.max_term_years
    first, last = v.years[0], v.years[-1]
    for t in v.instance.teachers:
        tid = t.teacher_id
        placed = {y: v.placed[(tid, y)] for y in v.years if (tid, y) in v.placed}
        if not placed:
            continue
        history = yearlong_history(v.instance, tid)
        # Every window of limit + 1 consecutive years has a free year.
        for start in range(first - limit, last + 1):
            window = range(start, start + limit + 1)
            xs = [placed[y] for y in window if y in placed]
            past = sum(y in history for y in window)
            if xs and len(xs) + past > limit:
                model.add(cp_model.LinearExpr.sum(xs) <= limit - past)
        # Placed in consecutive plan years: the same host (host h in y and placed in y + 1
        # means h in y + 1).
        for y in v.years[:-1]:
            if y + 1 not in placed:
                continue
            following: dict[str, list[cp_model.IntVar]] = {}
            for host, var in v.placements(tid, y + 1):  # a rotation and a swap may share a host
                following.setdefault(host, []).append(var)
            for host, var in v.placements(tid, y):
                model.add_bool_or([~var, ~placed[y + 1], *following.get(host, [])])
