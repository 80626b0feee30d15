"""Backbones' years away and how long anyone stays away, on the CP-SAT side: ROT-PER-GRADE,
LEARN-CAP, SUP-YEAR, TERM-2Y and REST-YEAR as constraints; ROT-PAIRS, ROT-DOWN, RETIRE, and
TERM-2Y and REST-YEAR against history, as eligibility (`rotation_hosts`, `term_allows`, `rest_allows`: a
placement they refuse gets no variable). One variable family, ``rot[(t, host, y)]``, holds a
backbone's year at another kindergarten; `direction` names it support (rotation) or learning,
so ROT-DOWN holds by construction. The rules' meaning: model/rules/rotation.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ...model import Activity, Grade, Role
from ...model.rules.rotation import (
    LEARN_CAP,
    REST_YEAR,
    RETIRE,
    ROT_DOWN,
    ROT_PAIRS,
    ROT_PER_GRADE,
    SUP_YEAR,
    TERM_2Y,
    support_possible,
    weaker_members,
)
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
    if not history:
        return len(span) <= max_years
    if any(y in history for y in span):
        return False  # already away then per the records
    if any(adj in history and history[adj] != host for adj in (span[0] - 1, span[-1] + 1)):
        return False
    before = next(n for n in range(len(history) + 1) if span[0] - 1 - n not in history)
    after = next(n for n in range(len(history) + 1) if span[-1] + 1 + n not in history)
    return before + len(span) + after <= max_years


def rest_allows(
    instance: Instance, teacher_id: str, year: int, placed: dict[int, str | None] | None = None
) -> bool:
    """REST-YEAR against history: a placement in `year` leaves rest_years at home after every
    past stay; right after a past one it continues that stay (TERM-2Y decides whether it
    may). `placed` is the teacher's `yearlong_history`, when the caller has it."""
    if placed is None:
        placed = yearlong_history(instance, teacher_id)
    for before in range(1, instance.profile.rest_years + 1):
        past = year - before
        if past in placed and not all(y in placed for y in range(past, year)):
            return False
    return True


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


def learn_cap(model: cp_model.CpModel, v: Variables) -> None:
    """LEARN-CAP: learning years into a host, per grade and year, at most learn_host_cap."""
    cap = v.instance.profile.learn_host_cap
    learners: dict[tuple[str, Grade, int], list[cp_model.IntVar]] = {}
    for (t, host, y), var in v.rot.items():
        grade = v.instance.teacher[t].grade
        if grade is not None and v.activity_of(t, host) is Activity.LEARNING:
            learners.setdefault((host, grade, y), []).append(var)
    for xs in learners.values():
        if len(xs) > cap:
            model.add(cp_model.LinearExpr.sum(xs) <= cap)


def sup_year(model: cp_model.CpModel, v: Variables) -> Violations:
    """SUP-YEAR: each weaker kindergarten receives support every year where someone could
    go (`support_possible`): a rotation into it, a guidance visit, or the lead's side of a
    swap there."""
    inst, lead = v.instance, v.facts.lead
    out = Violations()
    for m in weaker_members(inst, v.facts.name):
        for y in v.years:
            xs = [var for _, var in v.supported(m, y)]
            xs += [
                var
                for pairs in (v.swaps, v.exchanges)
                for t, var in pairs.into(m, y)
                if inst.teacher[t].home_kg == lead
            ]
            xs += [v.guided[(m, i)] for i in v.semesters_of(y) if (m, i) in v.guided]
            out.require(int(support_possible(inst, m, y)), xs)
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


def rest(model: cp_model.CpModel, v: Variables) -> None:
    """REST-YEAR within the plan: after a stay ends (placed in y, not in y + 1) the next
    rest_years hold no placement: x_y + x_{y+d} <= 1 + x_{y+1} for 2 <= d <= rest_years
    (with one rest year any year at home between two stays is that rest). History is
    eligibility (`rest_allows`)."""
    gap = v.instance.profile.rest_years
    for t in v.instance.teachers:
        tid = t.teacher_id
        placed = {y: v.placed[(tid, y)] for y in v.years if (tid, y) in v.placed}
        for y in v.years:
            for d in range(2, gap + 1):
                later = y + d
                if y in placed and later in placed:
                    between = placed.get(y + 1)
                    ended = [] if between is None else [between]
                    model.add(placed[y] + placed[later] - cp_model.LinearExpr.sum(ended) <= 1)


FAMILY = Family(
    builders={
        ROT_PER_GRADE: per_grade,
        LEARN_CAP: learn_cap,
        SUP_YEAR: sup_year,
        TERM_2Y: term,
        REST_YEAR: rest,
    },
    eligibility=(ROT_PAIRS, ROT_DOWN, TERM_2Y, REST_YEAR, RETIRE),
)
