"""New teachers' first year at the lead: IND-LEAD, IND-MENTOR.

Catalogue entries and the verifier's checks side by side; solver/rules/induction.py holds the
CP-SAT side. Shared with the solver: `induction_year`.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..instance import Activity, academic_year
from ..report import Violation
from .base import Rule, Severity
from .plan import at, desc

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..instance import Instance, Teacher
    from ..schedule import Assignment
    from .plan import Plan

SHARED = ("induction_year",)


def induction_year(inst: Instance, teacher: Teacher) -> int | None:
    """The planned year a new teacher (first year of service) is inducted, if any."""
    if teacher.hire_date is None or teacher.cadre or teacher.grade is None:
        return None
    year = academic_year(teacher.hire_date)
    return year if year in inst.horizon.year_list else None


def _check_lead(plan: Plan) -> Iterator[Violation]:
    inducted = {(a.teacher_id, a.year, a.host_kg) for a in plan.activity(Activity.INDUCTION)}
    for t in plan.inst.teachers:
        year = induction_year(plan.inst, t)
        if year is None:
            continue
        lead = plan.lead_of_kg(t.home_kg)
        if t.home_kg != lead and (t.teacher_id, year, lead) not in inducted:
            yield Violation(
                IND_LEAD.id,
                f"new teacher {t.teacher_id} of {t.home_kg} has no induction year at the lead "
                f"{lead} in {year} (新教师在总园工作学习一年)",
                teacher_id=t.teacher_id,
                kg_id=t.home_kg,
                year=year,
            )


def _mentor_at_lead(plan: Plan, mentor: Teacher, year: int, lead: str) -> bool:
    placed = plan.placements.get((mentor.teacher_id, year), [])
    if mentor.home_kg == lead and not placed:
        return True
    return any(p.activity is Activity.ROTATION and p.host_kg == lead for p in placed)


def _induction_problems(plan: Plan, a: Assignment) -> Iterator[str]:
    t = plan.of(a)
    lead = plan.lead_of_kg(t.home_kg)
    first = induction_year(plan.inst, t)
    if first is None:
        yield "not a new teacher (graded, not a cadre, first year of service in the plan)"
    elif a.year != first:
        yield f"induction in {a.year}, but the first year of service is {first}"
    if t.home_kg == lead:
        yield "the teacher's home is the lead itself"
    if a.host_kg != lead:
        yield f"induction is at the lead {lead}"
    if a.partner is None:
        yield "no mentor (partner) given"
        return
    mentor = plan.inst.teacher.get(a.partner)
    if mentor is None:
        yield f"mentor {a.partner} is not in the roster"
        return
    if not mentor.backbone:
        yield f"mentor {mentor.teacher_id} is not a backbone teacher"
    if mentor.grade != t.grade:
        yield f"mentor {mentor.teacher_id} teaches another grade"
    if not _mentor_at_lead(plan, mentor, a.year, lead):
        yield f"mentor {mentor.teacher_id} is not at the lead {lead} in {a.year}"


def _check_mentor(plan: Plan) -> Iterator[Violation]:
    load: Counter[tuple[str, int]] = Counter()
    for a in plan.activity(Activity.INDUCTION):
        problems = list(_induction_problems(plan, a))
        if problems:
            yield at(IND_MENTOR.id, a, f"{desc(a)}: {'; '.join(problems)}")
        if a.partner is not None and a.partner in plan.inst.teacher:
            load[(a.partner, a.year)] += 1
    cap = plan.inst.profile.mentor_capacity
    for (mentor, year), n in load.items():
        if n > cap:
            yield Violation(
                IND_MENTOR.id,
                f"mentor {mentor} takes {n} new teachers in {year}, more than "
                f"mentor_capacity={cap} (以老带新)",
                teacher_id=mentor,
                year=year,
            )


IND_LEAD = Rule(
    "IND-LEAD",
    "新分配教师原则上需在总园工作学习一年",
    "a new teacher whose home is not the lead spends the first year at the lead",
    '000 三(二)2 "新分配教师原则上需在总园工作学习一年"',
    Severity.SOFT,
    _check_lead,
    weight=50,
    can_be_soft=True,
    detail=(
        "New teacher: not a cadre, has a grade, hire date in a planned academic year Y; "
        "home not the lead. One violation if there is no induction at the lead in year Y. "
        "Induction exists only for such teachers, only in year Y, only at the lead."
    ),
    activities=(Activity.INDUCTION,),
)
IND_MENTOR = Rule(
    "IND-MENTOR",
    "以老带新结对帮扶",
    "each inducted new teacher has a backbone mentor of the same grade at the lead that year",
    "003 三(二) 教师结对 以老带新; 000 三(三)4 结对帮扶",
    Severity.HARD,
    _check_mentor,
    detail=(
        "The partner of an induction is a backbone of the same grade who is at the lead that "
        "year: lead-home and on no year-long placement, or rotating into the lead. A mentor "
        "takes at most mentor_capacity new teachers a year."
    ),
    keys=("induction.mentor_capacity",),
    activities=(Activity.INDUCTION,),
)

RULES = (IND_LEAD, IND_MENTOR)
