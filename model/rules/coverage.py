"""Everyone takes part within a window (深圳 004 二(二)2(5) "以三年为周期…全员轮训"): COVER-3Y.

Catalogue entry and the verifier's check side by side; solver/rules/coverage.py holds the
CP-SAT side. Shared with the solver: `cover_start`. One violation per teacher and uncovered
window, located at the window's last year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..i18n import _
from ..instance import academic_year
from ..report import Violation
from .base import Rule, Severity
from .guidance import GUIDE_SIX, guide_staff

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..instance import Instance, Teacher
    from .plan import Plan

SHARED = ("cover_start",)


def cover_start(inst: Instance, teacher: Teacher) -> int:
    """The first academic year a window may start in for this teacher.

    The look-back of the teacher's group (its earliest history year, or the plan's start
    when the group has no history), and never before the teacher's first year of service.
    """
    group = inst.kg[teacher.home_kg].group
    first = inst.history_start.get(group, inst.horizon.start_year)
    if teacher.hire_date is not None:
        first = max(first, academic_year(teacher.hire_date))
    return first


def _check(plan: Plan) -> Iterator[Violation]:
    width, planned = plan.inst.profile.cover_years, plan.inst.horizon.year_list
    for t in plan.inst.teachers:
        first = cover_start(plan.inst, t)
        covered = {a.year for a in plan.by_teacher.get(t.teacher_id, ())}
        for h in plan.inst.history_by_teacher.get(t.teacher_id, ()):
            covered.update(h.years())
        for end in planned:
            start = end - width + 1
            if start < first or covered.intersection(range(start, end + 1)):
                continue
            if all(y in t.unavailable for y in planned if start <= y <= end):
                continue  # unavailable in every planned year of the window: exempt
            yield Violation(
                COVER_3Y.id,
                _(
                    "{teacher} takes part in no exchange in {start}–{end} "
                    "(以{width}年为周期全员轮训){reason}"
                ).format(
                    teacher=t.teacher_id, start=start, end=end, width=width, reason=_reason(plan, t)
                ),
                teacher_id=t.teacher_id,
                kg_id=t.home_kg,
                year=end,
            )


def _reason(plan: Plan, t: Teacher) -> str:
    """Why no plan could cover a teacher, where the profile opens no activity to her at all:
    the lead's own staff never shadow, and only backbones rotate or swap and guide staff
    guide (GUIDE-CAP)."""
    inst = plan.inst
    if t.home_kg != plan.lead_of_kg(t.home_kg) or t.backbone:
        return ""
    if inst.profile.enabled(GUIDE_SIX.id) and guide_staff(inst, t):
        return ""
    return _("; no exchange is open to the lead's own non-backbone staff under this profile")


COVER_3Y = Rule(
    "COVER-3Y",
    "以三年为周期实现学区内幼儿园教职工全员轮训",
    "every teacher takes part in some exchange within any cover_years-year window",
    '004 二(二)2(5) "以三年为周期实现学区内幼儿园教职工全员轮训"',
    Severity.OFF,
    _check,
    weight=2,
    can_be_soft=True,
    detail=(
        "For each teacher and each window of cover_years consecutive academic years that "
        "ends in a planned year and starts no earlier than `cover_start` (the group's "
        "earliest history year, or the plan start without history; not before the "
        "teacher's hire year): one violation unless an assignment or history record of the "
        "teacher, of any activity, covers a year of the window. Windows in which the "
        "teacher is unavailable in every planned year are exempt."
    ),
    keys=("coverage.cover_years",),
)

RULES = (COVER_3Y,)
