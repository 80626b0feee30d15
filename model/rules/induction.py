"""New teachers' first year at the lead, with a mentor of the lead: IND-LEAD, IND-MENTOR.

Every new teacher is paired with a backbone of the lead (003 三(二) 以老带新 covers all new
teachers): those of other kindergartens spend the year at the lead (000 三(二)2), the lead's
own are inducted at home. A mentor is the lead's own staff, there that year.

Catalogue entries and the verifier's checks side by side; solver/rules/induction.py holds the
CP-SAT side. Shared with the solver: `induction_year`.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..i18n import _
from ..instance import Activity, academic_year
from ..report import Violation
from .base import Rule, Severity
from .plan import about, at

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
        if (t.teacher_id, year, lead) not in inducted:
            if t.home_kg == lead:
                missing = _(
                    "new teacher {teacher} of {kg} has no induction year with a mentor at home "
                    "in {year} (新教师在总园工作学习一年，以老带新){reason}"
                )
            else:
                missing = _(
                    "new teacher {teacher} of {kg} has no induction year at the lead {lead} in "
                    "{year} (新教师在总园工作学习一年，以老带新){reason}"
                )
            reason = _reason(plan, t, year)
            yield Violation(
                IND_LEAD.id,
                missing.format(
                    teacher=t.teacher_id, kg=t.home_kg, lead=lead, year=year, reason=reason
                ),
                teacher_id=t.teacher_id,
                kg_id=t.home_kg,
                year=year,
            )


def _reason(plan: Plan, t: Teacher, year: int) -> str:
    """Why a new teacher has no induction, where the roster or plan says: she is
    unavailable, or the lead has no backbone of her grade free to mentor her."""
    if year in t.unavailable:
        return _("; {teacher} is unavailable in {year}").format(teacher=t.teacher_id, year=year)
    lead = plan.lead_of_kg(t.home_kg)
    free = [
        m
        for m in plan.inst.teachers_of(plan.inst.kg[lead].group)
        if m.home_kg == lead and m.backbone and m.grade is t.grade and year not in m.unavailable
    ]
    if not free:
        return _("; the lead has no backbone of this grade to mentor")
    home = [m for m in free if not plan.placements.get((m.teacher_id, year))]
    if not home:
        return _("; the lead's backbones of this grade are all away that year")
    new = [
        n
        for n in plan.inst.teachers_of(plan.inst.kg[lead].group)
        if n.grade is t.grade and induction_year(plan.inst, n) == year
    ]
    capacity = len(home) * plan.inst.profile.mentor_capacity
    if capacity < len(new):
        return _(
            "; the lead's {home} backbone(s) of this grade at home that year can mentor "
            "{capacity} of its {new} new teachers (mentor_capacity={each})"
        ).format(
            home=len(home),
            capacity=capacity,
            new=len(new),
            each=plan.inst.profile.mentor_capacity,
        )
    return ""


def _mentor_at_lead(plan: Plan, mentor: Teacher, year: int, lead: str) -> bool:
    return mentor.home_kg == lead and not plan.placements.get((mentor.teacher_id, year))


def _induction_problems(plan: Plan, a: Assignment) -> Iterator[str]:
    t = plan.of(a)
    lead = plan.lead_of_kg(t.home_kg)
    first = induction_year(plan.inst, t)
    if first is None:
        yield _("not a new teacher (graded, not a cadre, first year of service in the plan)")
    elif a.year != first:
        yield _("induction in {year}, but the first year of service is {first}").format(
            year=a.year, first=first
        )
    if a.host_kg != lead:
        yield _("induction is at the lead {lead}").format(lead=lead)
    if a.partner is None:
        yield _("no mentor (partner) given")
        return
    mentor = plan.inst.teacher.get(a.partner)
    if mentor is None:
        yield _("mentor {mentor} is not in the roster").format(mentor=a.partner)
        return
    if not mentor.backbone:
        yield _("mentor {mentor} is not a backbone teacher").format(mentor=mentor.teacher_id)
    if mentor.grade != t.grade:
        yield _("mentor {mentor} teaches another grade").format(mentor=mentor.teacher_id)
    if not _mentor_at_lead(plan, mentor, a.year, lead):
        yield _("mentor {mentor} is not the lead's own staff at the lead in {year}").format(
            mentor=mentor.teacher_id, year=a.year
        )


def _check_mentor(plan: Plan) -> Iterator[Violation]:
    load: Counter[tuple[str, int]] = Counter()
    for a in plan.activity(Activity.INDUCTION):
        problems = list(_induction_problems(plan, a))
        if problems:
            yield at(IND_MENTOR.id, a, about(a, *problems))
        if a.partner is not None and a.partner in plan.inst.teacher:
            load[(a.partner, a.year)] += 1
    cap = plan.inst.profile.mentor_capacity
    for (mentor, year), n in load.items():
        if n > cap:
            yield Violation(
                IND_MENTOR.id,
                _(
                    "mentor {mentor} takes {n} new teachers in {year}, more than "
                    "mentor_capacity={cap} (以老带新)"
                ).format(mentor=mentor, n=n, year=year, cap=cap),
                teacher_id=mentor,
                year=year,
            )


IND_LEAD = Rule(
    "IND-LEAD",
    "新分配教师原则上需在总园工作学习一年，以老带新",
    "every new teacher has an induction year with a mentor of the lead, away at the lead",
    '000 三(二)2 "新分配教师原则上需在总园工作学习一年"; 003 三(二) "建立集团校以老带新结对帮扶队伍"',
    Severity.SOFT,
    _check_lead,
    weight=50,
    can_be_soft=True,
    detail=(
        "New teacher: not a cadre, has a grade, hire date in a planned academic year Y. One "
        "violation if there is no induction at the lead in year Y (for the lead's own new "
        "teachers an induction at home: a mentor, no placement away). Induction exists only "
        "for such teachers, only in year Y, only at the lead."
    ),
    activities=(Activity.INDUCTION,),
)
IND_MENTOR = Rule(
    "IND-MENTOR",
    "以老带新结对帮扶",
    "each inducted new teacher has a backbone mentor of the lead, same grade, there that year",
    '003 三(二) "集团内部以学科带头人、老教师为龙头，建立集团校以老带新结对帮扶队伍"; 000 三(三)4',
    Severity.HARD,
    _check_mentor,
    detail=(
        "The partner of an induction is a backbone of the same grade whose home is the lead "
        "and who is on no year-long placement away that year. A mentor takes at most "
        "mentor_capacity new teachers a year."
    ),
    keys=("induction.mentor_capacity",),
    activities=(Activity.INDUCTION,),
)

RULES = (IND_LEAD, IND_MENTOR)
