"""Year-long rotations on the CP-SAT side: ROT-PER-GRADE, ROT-DOWN, TERM-2Y as constraints;
ROT-PAIRS, and TERM-2Y against history, as eligibility (`rotation_hosts`, `term_allows`: a
placement they refuse gets no variable). The rules' meaning: model/rules/rotation.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ...model import Grade, Role
from ...model.rules.rotation import ROT_DOWN, ROT_PAIRS, ROT_PER_GRADE, TERM_2Y
from ..violations import Violations
from .base import Family

if TYPE_CHECKING:
    from ...model import Instance, Teacher
    from ..variables import GroupFacts, Variables


def yearlong_history(instance: Instance, teacher_id: str) -> dict[int, str | None]:
    """Academic year → host of the teacher's past year-long placements (TERM-2Y runs)."""
    return {
        year: h.host_kg
        for h in instance.history_by_teacher.get(teacher_id, ())
        if h.activity.year_long
        for year in h.years()
    }


def rotation_hosts(instance: Instance, facts: GroupFacts, teacher: Teacher) -> list[str]:
    """ROT-PAIRS: hosts in the group other than home with classes of the teacher's grade.

    Affiliates neither send nor host; in a tight group exactly one of home and host is the lead.
    """
    if teacher.grade is None:
        return []
    grade = teacher.grade
    pairs = instance.profile.enabled(ROT_PAIRS.id)
    home = instance.kg[teacher.home_kg]
    out = []
    for host in instance.kindergartens:
        if host.kg_id == home.kg_id or host.classes_of(grade) == 0:
            continue
        if pairs:
            if Role.AFFILIATE in (home.role, host.role):
                continue
            if facts.tight and (home.kg_id == facts.lead) == (host.kg_id == facts.lead):
                continue
        out.append(host.kg_id)
    return out


def term_allows(history: dict[int, str | None], host: str, span: range, max_years: int) -> bool:
    """TERM-2Y against history: a stay over `span` joined to adjacent records is short, one host."""
    if any(y in history for y in span):
        return False  # already away then per the records
    if any(adj in history and history[adj] != host for adj in (span[0] - 1, span[-1] + 1)):
        return False
    before = next(n for n in range(len(history) + 1) if span[0] - 1 - n not in history)
    after = next(n for n in range(len(history) + 1) if span[-1] + 1 + n not in history)
    return before + len(span) + after <= max_years


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
    hosts. History years count as placed (their hosts were checked by `term_allows`).
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


FAMILY = Family(
    builders={ROT_PER_GRADE: per_grade, ROT_DOWN: down, TERM_2Y: term},
    eligibility=(ROT_PAIRS, TERM_2Y),
)
