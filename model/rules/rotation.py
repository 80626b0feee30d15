"""Year-long rotations of backbone teachers: ROT-PER-GRADE, ROT-PAIRS, ROT-DOWN, TERM-2Y.

Catalogue entries and the verifier's checks side by side; solver/rules/rotation.py holds the
CP-SAT side. Shared with the solver (the definitions both must read alike): `sends`,
`receivers`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from ..instance import Activity, Grade, Role
from ..report import Violation
from .base import Part, Rule, Severity
from .plan import at, consecutive, desc
from .swap import SWAP_EQ

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..instance import Instance, Kindergarten
    from ..schedule import Assignment
    from .plan import Plan

SHARED = ("sends", "receivers")

_YEAR_LONG = (Activity.ROTATION, Activity.INDUCTION, Activity.SWAP)


def sends(inst: Instance, k: Kindergarten) -> bool:
    """ROT-PER-GRADE senders: lead and branches (tight group); all but affiliates (loose)."""
    if k.role is Role.AFFILIATE:
        return False
    return inst.group_mode(k.group) != "tight" or k.role in (Role.LEAD, Role.BRANCH)


def receivers(inst: Instance, group: str) -> tuple[str, ...]:
    """The fairness term's receivers: branches (tight group); members and branches (loose)."""
    roles = (Role.BRANCH,) if inst.group_mode(group) == "tight" else (Role.MEMBER, Role.BRANCH)
    return tuple(k.kg_id for k in inst.kindergartens if k.group == group and k.role in roles)


def _rotating(plan: Plan) -> Counter[tuple[str, Grade, int]]:
    """Distinct teachers on rotation per (home kg, grade, year)."""
    seen = {(a.teacher_id, a.year) for a in plan.activity(Activity.ROTATION)}
    out: Counter[tuple[str, Grade, int]] = Counter()
    for tid, year in seen:
        t = plan.inst.teacher[tid]
        if t.grade is not None:
            out[(t.home_kg, t.grade, year)] += 1
    return out


def _sender_grades(plan: Plan) -> Iterator[tuple[Kindergarten, Grade, int]]:
    """Every (sending kg, grade it has classes of, planned year)."""
    for k in plan.inst.kindergartens:
        if sends(plan.inst, k):
            for grade in Grade:
                if k.classes_of(grade) > 0:
                    for year in plan.inst.horizon.year_list:
                        yield k, grade, year


def _check_per_grade_max(plan: Plan) -> Iterator[Violation]:
    cap = plan.inst.profile.max_per_grade
    counts = _rotating(plan)
    for k, grade, year in _sender_grades(plan):
        n = counts[(k.kg_id, grade, year)]
        if n > cap:
            yield Violation(
                ROT_PER_GRADE.id,
                f"{k.kg_id} {grade.label} {year}: {n} teachers on rotation, more than "
                f"max_per_grade={cap} (各年级派出1-2名)",
                kg_id=k.kg_id,
                year=year,
            )
    for a in plan.activity(Activity.ROTATION):
        t, host = plan.of(a), plan.inst.kg[a.host_kg]
        if t.grade is None or host.classes_of(t.grade) == 0:
            taught = t.grade.label if t.grade else "no grade"
            yield at(ROT_PER_GRADE.id, a, f"{desc(a)}: the host has no classes of {taught}")


def _check_per_grade_min(plan: Plan) -> Iterator[Violation]:
    want = plan.inst.profile.min_per_grade
    counts = _rotating(plan)
    backbones: Counter[tuple[str, Grade]] = Counter()
    away: Counter[tuple[str, Grade, int]] = Counter()  # eligible backbones unavailable that year
    for t in plan.inst.teachers:
        if t.backbone and not t.cadre and t.grade is not None:
            backbones[(t.home_kg, t.grade)] += 1
            for year in t.unavailable:
                away[(t.home_kg, t.grade, year)] += 1
    for k, grade, year in _sender_grades(plan):
        eligible = backbones[(k.kg_id, grade)] - away[(k.kg_id, grade, year)]
        need = min(want, eligible)
        sent = counts[(k.kg_id, grade, year)]
        short = max(0, need - sent)
        for unit in range(short):
            part = f" (shortfall {unit + 1}/{short})" if short > 1 else ""
            yield Violation(
                ROT_PER_GRADE.id,
                f"{k.kg_id} {grade.label} {year}: {sent} of {need} backbone sent "
                f"({eligible} eligible){part}",
                kg_id=k.kg_id,
                year=year,
            )


def _pair_problem(plan: Plan, a: Assignment) -> str | None:
    """Why this home → host pairing is not allowed for the activity, if it is not."""
    home, host = plan.home(a), plan.inst.kg[a.host_kg]
    lead = plan.inst.lead_of[home.group]
    if a.activity is Activity.GUIDANCE:
        return None  # who may guide whom is GUIDE-CAP's well-formedness
    if a.activity is Activity.SWAP:
        # Swaps exist only when SWAP-EQ is on, which then checks them itself.
        on = plan.inst.profile.enabled(SWAP_EQ.id)
        return None if on else "swaps exist only when the profile turns SWAP-EQ on"
    if host.group != home.group:
        return f"host is in group {host.group}, home in {home.group} (never across groups)"
    if a.activity is Activity.INDUCTION:
        return None  # where an induction may happen is IND-MENTOR's well-formedness
    if host.kg_id == home.kg_id:
        return "host is the teacher's own home"
    one_side_lead = (home.kg_id == lead) != (host.kg_id == lead)
    if a.activity is Activity.ROTATION:
        if Role.AFFILIATE in (home.role, host.role):
            return "affiliates (加盟园) neither send nor host rotations"
        if plan.tight(home.group) and not one_side_lead:
            return "in a tight group rotations run between the lead and a branch (互派)"
    elif a.activity is Activity.SHADOWING and (host.kg_id != lead or home.kg_id == lead):
        return f"shadowing is at the lead {lead}, by teachers from other kindergartens"
    return None


def _check_pairs(plan: Plan) -> Iterator[Violation]:
    for a in plan.valid:
        problem = _pair_problem(plan, a)
        if problem:
            yield at(ROT_PAIRS.id, a, f"{desc(a)}: {problem}")


def _check_down(plan: Plan) -> Iterator[Violation]:
    for a in plan.activity(Activity.ROTATION):
        home, host = plan.home(a), plan.inst.kg[a.host_kg]
        if host.tier >= home.tier:
            yield at(
                ROT_DOWN.id,
                a,
                f"{desc(a)}: host tier {host.tier} is not below home tier {home.tier} "
                "(鼓励优质园向薄弱园流动)",
            )


def _check_term(plan: Plan) -> Iterator[Violation]:
    limit = plan.inst.profile.max_term_years
    away: dict[str, dict[int, set[str | None]]] = defaultdict(lambda: defaultdict(set))
    for (tid, year), placed in plan.placements.items():
        away[tid][year].update(a.host_kg for a in placed)
    for tid, hosts in away.items():
        planned = set(hosts)
        for h in plan.inst.history_by_teacher.get(tid, ()):
            if h.activity.year_long:
                for year in h.years():
                    hosts[year].add(h.host_kg)
        yield from _term_runs(tid, hosts, planned, limit)


def _term_runs(
    tid: str, hosts: dict[int, set[str | None]], planned: set[int], limit: int
) -> Iterator[Violation]:
    """Split a teacher's away-years into consecutive runs and check those touching the plan."""
    for run in consecutive(sorted(hosts)):
        if not planned.intersection(run):
            continue  # entirely in the past: not this plan's doing
        first, last = run[0], run[-1]
        span = f"{first}–{last}" if first != last else str(first)
        if len(run) > limit:
            yield Violation(
                TERM_2Y.id,
                f"{tid} is away {len(run)} consecutive years {span} (history included), "
                f"more than max_term_years={limit} (须及时回到原学校)",
                teacher_id=tid,
                year=min(planned.intersection(run)),
            )
        named = {h for year in run for h in hosts[year] if h is not None}
        if len(run) > 1 and len(named) > 1:
            yield Violation(
                TERM_2Y.id,
                f"{tid} changes host within one continuous stay {span}: {', '.join(sorted(named))}",
                teacher_id=tid,
                year=min(planned.intersection(run)),
            )


ROT_PER_GRADE = Rule(
    "ROT-PER-GRADE",
    "总园和分园各年级派出1-2名骨干教师轮岗交流一学年",
    "each sending kindergarten sends 1–2 backbone teachers of each grade on rotation a year",
    '000 三(二)2 "总园和分园各年级派出1-2名骨干教师轮岗交流一学年"',
    Severity.SOFT,
    _check_per_grade_min,
    weight=30,
    can_be_soft=True,
    detail=(
        "Sending kindergartens: lead and branches (tight group); all but affiliates (loose). "
        "For each sending kg, grade with classes > 0 there, and year: the number of its "
        "teachers of that grade on rotation that year is <= max_per_grade (always hard). "
        "Shortfall = max(0, min(min_per_grade, E) - count), E = backbone teachers of that "
        "kg and grade, not cadre, not unavailable that year; each unit is a violation of "
        "the (soft by default) minimum. A rotating teacher's host has classes of her grade."
    ),
    keys=("rotation.min_per_grade", "rotation.max_per_grade"),
    activities=(Activity.ROTATION,),
    parts=(Part("max part", _check_per_grade_max),),
)
ROT_PAIRS = Rule(
    "ROT-PAIRS",
    "总园和分园之间互派；松散型集团成员园之间交流",
    "tight group: rotations run lead↔branch only; loose group: between any two members",
    "000 三(二)2; 001 三(三)",
    Severity.HARD,
    _check_pairs,
    detail=(
        "Rotation host is in the teacher's group and differs from home; affiliates neither "
        "send nor host rotations; in a tight group exactly one of home and host is the lead."
    ),
    keys=("mode",),
    activities=(Activity.ROTATION,),
)
ROT_DOWN = Rule(
    "ROT-DOWN",
    "鼓励优质园的骨干教师向相对薄弱园流动",
    "a backbone's rotation goes to a host of lower tier than home (strong → weak)",
    '001 三(三) "鼓励优质园的骨干教师向相对薄弱园流动"',
    Severity.SOFT,
    _check_down,
    weight=8,
    can_be_soft=True,
    detail="One violation per rotation-year whose host tier >= home tier.",
    activities=(Activity.ROTATION,),
)
TERM_2Y = Rule(
    "TERM-2Y",
    "柔性流动原则上不超过两年，须及时回到原学校",
    "continuous time away is at most 2 years (history included); a 2-year stay keeps its host",
    '001 三(三) "柔性流动原则上不超过两年"; 003 五(四) 须及时回到原学校',
    Severity.HARD,
    _check_term,
    detail=(
        "Year-long placements (rotation, induction, swap) in consecutive academic years, "
        "history records included, form a run; a run is at most max_term_years long and "
        "every year of a run has the same host."
    ),
    keys=("rotation.max_term_years",),
    activities=_YEAR_LONG,
)

RULES = (ROT_PER_GRADE, ROT_PAIRS, ROT_DOWN, TERM_2Y)
