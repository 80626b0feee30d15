"""Shadowing visits at the lead (跟岗学习): SHD-LEN, SHD-CAP, SHD-COOL, SHD-VETO, SHD-EACH-SEM.

Catalogue entries and the verifier's checks side by side; solver/rules/shadowing.py holds the
CP-SAT side.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import pairwise
from typing import TYPE_CHECKING

from ..i18n import _
from ..instance import Activity, Semester, Teacher, semester_of
from ..report import Violation
from .base import Rule, Severity
from .plan import about, at, beyond_semester

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .plan import Plan

SHARED: tuple[str, ...] = ()

_SHD = (Activity.SHADOWING,)


def _check_len(plan: Plan) -> Iterator[Violation]:
    return beyond_semester(plan, Activity.SHADOWING, SHD_LEN.id, "跟岗不得超过2周")


def _check_cap(plan: Plan) -> Iterator[Violation]:
    visitors: dict[tuple[str, int, Semester, int, bool], set[str]] = defaultdict(set)
    for a in plan.activity(Activity.SHADOWING):
        assert a.semester is not None and a.slot is not None  # Assignment guarantees it
        group = plan.inst.kg[a.host_kg].group
        visitors[(group, a.year, a.semester, a.slot, plan.of(a).cadre)].add(a.teacher_id)
    profile = plan.inst.profile
    for (group, year, sem, slot, cadre), ids in visitors.items():
        cap = profile.cadre_cap if cadre else profile.teacher_cap
        if len(ids) > cap:
            if cadre:
                message = _(
                    "group {group}, {year} {semester} slot {slot}: {n} cadres shadow at once, "
                    "more than {cap} (干部不超过5人、教师不超过7人)"
                )
            else:
                message = _(
                    "group {group}, {year} {semester} slot {slot}: {n} teachers shadow at once, "
                    "more than {cap} (干部不超过5人、教师不超过7人)"
                )
            yield Violation(
                SHD_CAP.id,
                message.format(
                    group=group, year=year, semester=sem.text, slot=slot, n=len(ids), cap=cap
                ),
                kg_id=plan.inst.lead_of[group],
                year=year,
                semester=sem.value,
            )


def _covered(plan: Plan) -> tuple[Activity, ...]:
    """The visits SHD-COOL and SHD-VETO cover: shadowing, and guidance (the lead cadres'
    跟岗锻炼/团队进驻) where the profile says so (cool_guidance, 003 五(四))."""
    if plan.inst.profile.cool_guidance:
        return (Activity.SHADOWING, Activity.GUIDANCE)
    return (Activity.SHADOWING,)


def _check_cool(plan: Plan) -> Iterator[Violation]:
    gap = 2 * plan.inst.profile.cooldown_years
    horizon = plan.inst.horizon
    covered = _covered(plan)
    planned: dict[str, list[int]] = defaultdict(list)
    for a in plan.short():
        if a.activity in covered:
            assert a.semester is not None
            planned[a.teacher_id].append(horizon.semester_index(a.year, a.semester))
    for tid, indices in planned.items():
        past = [
            horizon.semester_index(*semester_of(h.start))
            for h in plan.inst.history_by_teacher.get(tid, ())
            if h.activity in covered
        ]
        visits = sorted([(i, True) for i in indices] + [(i, False) for i in past])
        for (before, b_planned), (after, a_planned) in pairwise(visits):
            if (b_planned or a_planned) and after - before < gap:
                if b_planned:
                    message = _(
                        "{teacher} shadows {n} semesters after a visit planned; {gap} semesters "
                        "must lie between (两年内不得再次跟岗)"
                    )
                else:
                    message = _(
                        "{teacher} shadows {n} semesters after a visit in the history; {gap} "
                        "semesters must lie between (两年内不得再次跟岗)"
                    )
                yield Violation(
                    SHD_COOL.id,
                    message.format(teacher=tid, n=after - before, gap=gap),
                    teacher_id=tid,
                    year=horizon.start_year + after // 2,
                    semester=(Semester.AUTUMN if after % 2 == 0 else Semester.SPRING).value,
                )


def _check_veto(plan: Plan) -> Iterator[Violation]:
    covered = _covered(plan)
    for a in plan.short():
        veto = plan.of(a).veto
        if veto and a.activity in covered:
            problem = _("vetoed from shadowing ({veto}; 一票否决)").format(veto=veto)
            yield at(SHD_VETO.id, a, about(a, problem))


def _check_each_sem(plan: Plan) -> Iterator[Violation]:
    def counts(t: Teacher) -> bool:
        return t.cadre or t.backbone

    candidates: Counter[str] = Counter()
    unavailable: Counter[tuple[str, int]] = Counter()
    for t in plan.inst.teachers:
        if counts(t) and not t.veto:
            candidates[t.home_kg] += 1
            for year in t.unavailable:
                unavailable[(t.home_kg, year)] += 1
    sent: set[tuple[str, int, Semester]] = set()
    for a in plan.activity(Activity.SHADOWING):
        t = plan.of(a)
        if counts(t) and a.semester is not None and a.host_kg == plan.lead_of_kg(t.home_kg):
            sent.add((t.home_kg, a.year, a.semester))
    for k in plan.inst.kindergartens:
        lead = plan.inst.lead_of[k.group]
        if k.kg_id == lead:
            continue
        for year in plan.inst.horizon.year_list:
            if candidates[k.kg_id] - unavailable[(k.kg_id, year)] <= 0:
                continue
            for sem in Semester:
                if (k.kg_id, year, sem) not in sent:
                    yield Violation(
                        SHD_EACH_SEM.id,
                        _(
                            "no cadre or backbone of {kg} shadows at the lead {lead} in {year} "
                            "{semester} (每学期到总园跟岗)"
                        ).format(kg=k.kg_id, lead=lead, year=year, semester=sem.text),
                        kg_id=k.kg_id,
                        year=year,
                        semester=sem.value,
                    )


SHD_LEN = Rule(
    "SHD-LEN",
    "跟岗锻炼时间不得超过2周",
    "a shadowing visit lasts at most 2 weeks (one slot)",
    '003 三(一) "跟岗锻炼时间不得超过2周"; 五(四)',
    Severity.HARD,
    _check_len,
    detail=(
        "A shadowing visit has a year, semester and slot; its dates span <= slot_weeks <= 2 weeks."
    ),
    keys=("horizon.slot_weeks", "horizon.weeks_per_semester"),
    activities=_SHD,
)
SHD_CAP = Rule(
    "SHD-CAP",
    "中层以上干部跟岗学习人数不超过5人，任课教师跟岗学习人数不超过7人",
    "at one time at most 5 cadres and at most 7 teachers shadow in a group",
    '003 五(四) "中层以上干部跟岗学习人数不超过5人，任课教师跟岗学习人数不超过7人"',
    Severity.HARD,
    _check_cap,
    detail="Per group and slot: shadowing cadres <= cadre_cap, other shadowing teachers <= teacher_cap.",
    keys=("shadowing.cadre_cap", "shadowing.teacher_cap"),
    activities=_SHD,
)
SHD_COOL = Rule(
    "SHD-COOL",
    "跟岗结束后两年内不得再次申请",
    "after a shadowing visit, no new one for 2 years (history included)",
    '003 五(四) "两年内不得再次提出跟岗锻炼、跟岗学习申请"',
    Severity.HARD,
    _check_cool,
    detail=(
        "Two shadowing visits of one teacher (history included) lie at least "
        "2 × cooldown_years semesters apart (semester index difference); with cool_guidance "
        "guidance visits count as such visits too (003 五(四) 跟岗锻炼 = 团队进驻)."
    ),
    keys=("shadowing.cooldown_years", "shadowing.cool_guidance"),
    activities=_SHD,
)
SHD_VETO = Rule(
    "SHD-VETO",
    "一票否决，不得申请跟岗",
    "teachers flagged (ethics, paid tutoring, refusing assignments, frequent sick leave) never shadow",
    "003 五(四) 一票否决",
    Severity.HARD,
    _check_veto,
    detail=(
        "A teacher with a veto reason has no shadowing visit (nor, with cool_guidance, a "
        "guidance visit)."
    ),
    keys=("shadowing.cool_guidance",),
    activities=_SHD,
)
SHD_EACH_SEM = Rule(
    "SHD-EACH-SEM",
    "分园和加盟园每学期分期分批安排管理人员或骨干教师到总园跟岗学习",
    "each branch, member and affiliate sends a cadre or backbone to shadow at the lead every semester",
    '000 三(二)2 "每学期分期分批…到集团总园跟岗学习"',
    Severity.SOFT,
    _check_each_sem,
    weight=10,
    can_be_soft=True,
    detail=(
        "Shadowing is at the lead, by teachers whose home is not the lead. For each non-lead "
        "kg and semester where some cadre or backbone of it could shadow (no veto, not "
        "unavailable that year): one violation if none of its cadres/backbones shadows."
    ),
    activities=_SHD,
)

RULES = (SHD_LEN, SHD_CAP, SHD_COOL, SHD_VETO, SHD_EACH_SEM)
