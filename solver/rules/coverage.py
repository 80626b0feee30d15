"""COVER-3Y (深圳 004 二(二)2(5) "以三年为周期…全员轮训") on the CP-SAT side: everyone takes part
in some activity within every window of ``cover_years`` academic years.

One requirement per teacher and window (model/rules/coverage.py): windows end in a planned year and
start no earlier than `cover_start`; a history record of any activity in the window
covers it; a window in which the teacher is unavailable every planned year is exempt. The
activities a plan can give are the year-long placements (the ``placed`` channel), shadowing
visits and guidance visits (integer counts per person and semester). While the rule is on,
shadowing.py opens shadowing to every non-lead teacher and its dominance pruning stands
down, so the requirement is reachable wherever a rule allows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...model.rules.coverage import COVER_3Y, cover_start
from ..violations import Violations
from .base import Family

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from ...model import Instance, Teacher
    from ..variables import Variables


def cover(model: cp_model.CpModel, v: Variables) -> Violations:
    """COVER-3Y: one violation per teacher and uncovered, non-exempt window."""
    out = Violations()
    for t in v.instance.teachers:
        for window in windows(v.instance, t):
            planned = [y for y in window if y in v.years]
            out.require(1, [x for y in planned for x in activities(v, t, y)])
    return out


def windows(inst: Instance, t: Teacher) -> list[range]:
    """The teacher's windows the plan must cover: not exempt, no history record inside."""
    years = inst.horizon.year_list
    past = {y for h in inst.history_by_teacher.get(t.teacher_id, ()) for y in h.years()}
    first = cover_start(inst, t)
    out = []
    for end in years:
        window = range(end - inst.profile.cover_years + 1, end + 1)
        if window[0] < first or past.intersection(window):
            continue
        if all(y in t.unavailable for y in window if y in years):
            continue  # unavailable every planned year of the window: exempt
        out.append(window)
    return out


def activities(v: Variables, t: Teacher, year: int) -> list[cp_model.IntVar]:
    """Variables whose positive value gives the teacher an assignment in that year."""
    tid = t.teacher_id
    out = [v.placed[(tid, year)]] if (tid, year) in v.placed else []
    if tid in v.ind and v.ind_year[tid] == year and not v.away[tid]:
        out.append(v.ind[tid])  # the lead's own new teacher, inducted at home
    semesters = v.semesters_of(year)
    out += [var for i, var in v.shadowing_of(tid) if i in semesters]
    out += [v.guide[(tid, i)] for i in semesters if (tid, i) in v.guide]
    return out


FAMILY = Family(builders={COVER_3Y: cover})
