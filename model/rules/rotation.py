"""Year-long exchanges of backbone teachers and how long anyone stays away: ROT-PER-GRADE,
ROT-PAIRS, ROT-DOWN, LEARN-CAP, SUP-YEAR, TERM-2Y, REST-YEAR.

A backbone's year away is support (轮岗交流, rotation) when the host is of equal or lower tier,
and learning (跟岗实践, learning) when it is stronger (001 三(三): 鼓励优质园的骨干教师向相对薄弱园
流动; 从相对薄弱园所流出的教师，要通过挂职锻炼、跟岗实践、师徒带教等方式加强培养). Both count toward
a kindergarten's 1–2 a grade (000 三(二)2 互派); only support counts as support.

Catalogue entries and the verifier's checks side by side; solver/rules/rotation.py holds the
CP-SAT side. Shared with the solver (the definitions both must read alike): `sends`,
`receivers`, `weaker_members`, `support_possible`, `direction`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from itertools import pairwise
from typing import TYPE_CHECKING

from ..i18n import _
from ..instance import Activity, Gender, Grade, Role
from ..report import Violation
from .base import Part, Rule, Severity
from .guidance import guide_staff, visits_asked
from .plan import about, at, consecutive, listed, shortfall
from .swap import CADRE_EX, SWAP_EQ

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..instance import Instance, Kindergarten, Teacher
    from ..schedule import Assignment
    from .plan import Plan

SHARED = (
    "retires_in",
    "sends",
    "receivers",
    "weaker_members",
    "support_possible",
    "direction",
    "retirement",
)

_YEAR_LONG = tuple(a for a in Activity if a.year_long)
_EXCHANGES = (Activity.ROTATION, Activity.LEARNING)  # a backbone's year at another kindergarten


def sends(inst: Instance, k: Kindergarten) -> bool:
    """ROT-PER-GRADE senders: lead and branches (tight group); all but affiliates (loose)."""
    if k.role is Role.AFFILIATE:
        return False
    return inst.group_mode(k.group) != "tight" or k.role in (Role.LEAD, Role.BRANCH)


def receivers(inst: Instance, group: str) -> tuple[str, ...]:
    """The fairness term's receivers: branches (tight group); members and branches (loose)."""
    roles = (Role.BRANCH,) if inst.group_mode(group) == "tight" else (Role.MEMBER, Role.BRANCH)
    return tuple(k.kg_id for k in inst.kindergartens if k.group == group and k.role in roles)


REFORM = dt.date(2025, 1, 1)  # the gradual rise of the retirement age begins


def retirement(inst: Instance, t: Teacher) -> dt.date | None:
    """RETIRE: the month a teacher reaches statutory retirement (None without a birth date).

    The profile's age by gender (women's when the gender is not given: almost every
    kindergarten teacher is a woman, and the earlier age is the safe one to plan with),
    raised by the 2025 decision where the profile says so: one month for every four months
    past January 2025 that the original date falls, at most three years.
    """
    if t.birth_date is None:
        return None
    profile = inst.profile
    age = profile.retire_male if t.gender is Gender.MALE else profile.retire_female
    months = (t.birth_date.year + age) * 12 + t.birth_date.month - 1
    reform = REFORM.year * 12 + REFORM.month - 1
    if profile.retire_delay and months >= reform:
        months += min(36, (months - reform) // 4 + 1)
    return dt.date(months // 12, months % 12 + 1, 1)


def retires_in(inst: Instance, t: Teacher, year: int) -> bool:
    """Whether the teacher reaches retirement before the end of academic year `year`."""
    day = retirement(inst, t)
    return day is not None and day <= dt.date(year + 1, 8, 31)


def direction(inst: Instance, home: str, host: str) -> Activity:
    """A backbone's year at host is support (rotation) unless host is stronger (learning)."""
    stronger = inst.kg[host].tier > inst.kg[home].tier
    return Activity.LEARNING if stronger else Activity.ROTATION


def weaker_members(inst: Instance, group: str) -> tuple[str, ...]:
    """SUP-YEAR: the group's kindergartens of lower tier than its lead, in roster order."""
    lead = inst.kg[inst.lead_of[group]]
    return tuple(k.kg_id for k in inst.kindergartens if k.group == group and k.tier < lead.tier)


def support_possible(inst: Instance, member: str, year: int) -> bool:
    """SUP-YEAR: someone could support the member that year: a backbone (not a cadre) of a
    kindergarten at least as strong, available, teaching a grade the member has, whom
    ROT-PAIRS lets rotate there; or, where a rule asks for guidance visits (`visits_asked`),
    one of the lead's guidance staff."""
    m = inst.kg[member]
    lead = inst.lead_of[m.group]
    tight = inst.group_mode(m.group) == "tight"
    for t in inst.teachers_of(m.group):
        if year in t.unavailable:
            continue
        if visits_asked(inst.profile) and guide_staff(inst, t):
            return True
        home = inst.kg[t.home_kg]
        if not t.backbone or t.cadre or t.grade is None or home.kg_id == member:
            continue
        if home.tier < m.tier or m.classes_of(t.grade) == 0:
            continue
        if Role.AFFILIATE in (home.role, m.role) or (tight and home.kg_id != lead):
            continue
        return True
    return False


def _rotating(plan: Plan) -> Counter[tuple[str, Grade, int]]:
    """Distinct teachers away on rotation or learning per (home kg, grade, year)."""
    seen = {(a.teacher_id, a.year) for a in plan.valid if a.activity in _EXCHANGES}
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
                _(
                    "{kg} {grade} {year}: {n} teachers sent, more than max_per_grade={cap} "
                    "(各年级派出1-2名)"
                ).format(kg=k.kg_id, grade=grade.text, year=year, n=n, cap=cap),
                kg_id=k.kg_id,
                year=year,
            )
    for a in plan.valid:
        if a.activity not in _EXCHANGES:
            continue
        t, host = plan.of(a), plan.inst.kg[a.host_kg]
        if t.grade is None:
            yield at(ROT_PER_GRADE.id, a, about(a, _("the teacher teaches no grade")))
        elif host.classes_of(t.grade) == 0:
            problem = _("the host has no classes of {grade}").format(grade=t.grade.text)
            yield at(ROT_PER_GRADE.id, a, about(a, problem))


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
            yield Violation(
                ROT_PER_GRADE.id,
                _(
                    "{kg} {grade} {year}: {sent} of {need} backbone sent ({eligible} eligible)"
                    "{part}"
                ).format(
                    kg=k.kg_id,
                    grade=grade.text,
                    year=year,
                    sent=sent,
                    need=need,
                    eligible=eligible,
                    part=shortfall(unit + 1, short),
                ),
                kg_id=k.kg_id,
                year=year,
            )


def _pair_problem(plan: Plan, a: Assignment) -> str | None:
    """Why this home → host pairing is not allowed for the activity, if it is not."""
    home, host = plan.home(a), plan.inst.kg[a.host_kg]
    lead = plan.inst.lead_of[home.group]
    if a.activity is Activity.GUIDANCE:
        return None  # who may guide whom is GUIDE-CAP's well-formedness
    if a.activity in (Activity.SWAP, Activity.EXCHANGE):
        # Pairs exist only when their rule is on, which then checks them itself.
        rule = SWAP_EQ if a.activity is Activity.SWAP else CADRE_EX
        if plan.inst.profile.enabled(rule.id):
            return None
        return _("there is no {activity} unless the profile turns {rule} on").format(
            activity=a.activity.text, rule=rule.id
        )
    if host.group != home.group:
        return _("host is in group {host}, home in {home} (never across groups)").format(
            host=host.group, home=home.group
        )
    if a.activity is Activity.INDUCTION:
        return None  # where an induction may happen is IND-MENTOR's well-formedness
    if host.kg_id == home.kg_id:
        return _("host is the teacher's own home")
    one_side_lead = (home.kg_id == lead) != (host.kg_id == lead)
    if a.activity in _EXCHANGES:
        if Role.AFFILIATE in (home.role, host.role):
            return _("affiliates (加盟园) neither send nor host rotations")
        if plan.tight(home.group) and not one_side_lead:
            return _("in a tight group rotations run between the lead and a branch (互派)")
    elif a.activity is Activity.SHADOWING and (host.kg_id != lead or home.kg_id == lead):
        return _("shadowing is at the lead {lead}, by teachers from other kindergartens").format(
            lead=lead
        )
    return None


def _check_pairs(plan: Plan) -> Iterator[Violation]:
    for a in plan.valid:
        problem = _pair_problem(plan, a)
        if problem:
            yield at(ROT_PAIRS.id, a, about(a, problem))


def _check_down(plan: Plan) -> Iterator[Violation]:
    for a in plan.valid:
        if a.activity not in _EXCHANGES:
            continue
        home, host = plan.home(a), plan.inst.kg[a.host_kg]
        if a.activity is not direction(plan.inst, home.kg_id, host.kg_id):
            problem = _(
                "host tier {host}, home tier {home}: support goes to an equal or weaker "
                "kindergarten, a year at a stronger one is learning (跟岗实践)"
            ).format(host=host.tier, home=home.tier)
            yield at(ROT_DOWN.id, a, about(a, problem))


def _check_learn_cap(plan: Plan) -> Iterator[Violation]:
    cap = plan.inst.profile.learn_host_cap
    learners: Counter[tuple[str, Grade, int]] = Counter()
    for a in plan.activity(Activity.LEARNING):
        grade = plan.of(a).grade
        if grade is not None:
            learners[(a.host_kg, grade, a.year)] += 1
    for (host, grade, year), n in learners.items():
        if n > cap:
            yield Violation(
                LEARN_CAP.id,
                _(
                    "{kg} {grade} {year}: {n} teachers come to learn, more than learn_host_cap={cap}"
                ).format(kg=host, grade=grade.text, year=year, n=n, cap=cap),
                kg_id=host,
                year=year,
            )


def supports(plan: Plan, a: Assignment) -> bool:
    """Whether an assignment is support for its host: a rotation, a guidance visit, or the
    lead's side of a swap or a cadre exchange."""
    if a.activity in (Activity.ROTATION, Activity.GUIDANCE):
        return True
    lead_side = plan.of(a).home_kg == plan.lead_of_kg(a.host_kg)
    return a.activity in (Activity.SWAP, Activity.EXCHANGE) and lead_side


def _check_sup_year(plan: Plan) -> Iterator[Violation]:
    received = {(a.host_kg, a.year) for a in plan.valid if supports(plan, a)}
    for group in plan.inst.roster.groups:
        for member in weaker_members(plan.inst, group):
            for year in plan.inst.horizon.year_list:
                if (member, year) in received or not support_possible(plan.inst, member, year):
                    continue
                yield Violation(
                    SUP_YEAR.id,
                    _(
                        "{kg} receives no support in {year} (no rotation, guidance or swap "
                        "from a stronger kindergarten), though a donor could go"
                    ).format(kg=member, year=year),
                    kg_id=member,
                    year=year,
                )


def _away_years(plan: Plan) -> Iterator[tuple[str, dict[int, set[str | None]], set[int]]]:
    """(teacher, year → hosts of her year-long placements away with history, planned years)
    for every teacher with a planned placement."""
    away: dict[str, dict[int, set[str | None]]] = defaultdict(lambda: defaultdict(set))
    for (tid, year), placed in plan.placements.items():
        away[tid][year].update(a.host_kg for a in placed)
    for tid, hosts in away.items():
        planned = set(hosts)
        for h in plan.inst.history_by_teacher.get(tid, ()):
            if h.activity.year_long:
                for year in h.years():
                    hosts[year].add(h.host_kg)
        yield tid, hosts, planned


def _check_term(plan: Plan) -> Iterator[Violation]:
    limit = plan.inst.profile.max_term_years
    for tid, hosts, planned in _away_years(plan):
        yield from _term_runs(tid, hosts, planned, limit)


def _check_rest(plan: Plan) -> Iterator[Violation]:
    rest = plan.inst.profile.rest_years
    for tid, hosts, planned in _away_years(plan):
        stays = [(run[0], run[-1]) for run in consecutive(sorted(hosts))]
        for (_begun, end), (start, _ended) in pairwise(stays):
            if start - end <= rest and planned.intersection(range(end, start + 1)):
                yield Violation(
                    REST_YEAR.id,
                    _(
                        "{teacher} is sent out again in {start} after an exchange ending in "
                        "{end}, {home} year(s) at home between; rest_years={rest} (须及时回到原学校)"
                    ).format(teacher=tid, start=start, end=end, home=start - end - 1, rest=rest),
                    teacher_id=tid,
                    year=max(start, min(planned)),
                )


def _check_retire(plan: Plan) -> Iterator[Violation]:
    for (tid, year), placed in plan.placements.items():
        t = plan.inst.teacher[tid]
        if retires_in(plan.inst, t, year):
            day = retirement(plan.inst, t)
            assert day is not None  # retires_in says there is a date
            problem = _(
                "{teacher} reaches retirement ({year}-{month:02}) by the end of that school year"
            ).format(teacher=tid, year=day.year, month=day.month)
            for a in placed:
                yield at(RETIRE.id, a, about(a, problem))


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
                _(
                    "{teacher} is away {n} consecutive years {span} (history included), more "
                    "than max_term_years={limit} (须及时回到原学校)"
                ).format(teacher=tid, n=len(run), span=span, limit=limit),
                teacher_id=tid,
                year=min(planned.intersection(run)),
            )
        named = {h for year in run for h in hosts[year] if h is not None}
        if len(run) > 1 and len(named) > 1:
            yield Violation(
                TERM_2Y.id,
                _("{teacher} changes host within one continuous stay {span}: {hosts}").format(
                    teacher=tid, span=span, hosts=listed(sorted(named))
                ),
                teacher_id=tid,
                year=min(planned.intersection(run)),
            )


ROT_PER_GRADE = Rule(
    "ROT-PER-GRADE",
    "总园和分园各年级派出1-2名骨干教师轮岗交流一学年",
    "each sending kindergarten sends 1–2 backbone teachers of each grade away for a year",
    '000 三(二)2 "总园和分园各年级派出1-2名骨干教师轮岗交流一学年"',
    Severity.SOFT,
    _check_per_grade_min,
    weight=30,
    can_be_soft=True,
    detail=(
        "Sending kindergartens: lead and branches (tight group); all but affiliates (loose). "
        "For each sending kg, grade with classes > 0 there, and year: the number of its "
        "teachers of that grade away on rotation or learning that year is <= max_per_grade "
        "(always hard). Shortfall = max(0, min(min_per_grade, E) - count), E = backbone "
        "teachers of that kg and grade, not cadre, not unavailable that year; each unit is a "
        "violation of the (soft by default) minimum. The host has classes of her grade."
    ),
    keys=("rotation.min_per_grade", "rotation.max_per_grade"),
    activities=_EXCHANGES,
    parts=(Part("max part", _check_per_grade_max),),
)
ROT_PAIRS = Rule(
    "ROT-PAIRS",
    "总园和分园之间互派；松散型集团成员园之间交流",
    "tight group: exchanges run lead↔branch only; loose group: between any two members",
    '000 三(二)2 "总园和分园之间互派管理人员双向交流、互派教师轮岗交流"; 001 三(三)',
    Severity.HARD,
    _check_pairs,
    detail=(
        "A rotation's or learning year's host is in the teacher's group and differs from "
        "home; affiliates neither send nor host them; in a tight group exactly one of home "
        "and host is the lead. Shadowing is at the lead by teachers from elsewhere."
    ),
    keys=("mode",),
    activities=_EXCHANGES,
)
ROT_DOWN = Rule(
    "ROT-DOWN",
    "骨干教师向相对薄弱园流动；从相对薄弱园流出的教师以跟岗实践方式培养",
    "support goes to an equal or weaker kindergarten; a year at a stronger one is learning",
    '001 三(三) "鼓励优质园的骨干教师向相对薄弱园流动…从相对薄弱园所流出的教师，要通过挂职锻炼、'
    '跟岗实践、师徒带教等方式，加强培养和提升能力"',
    Severity.HARD,
    _check_down,
    detail=(
        "A rotation's host tier is <= the home tier; a learning year's host tier is above it "
        "(the direction names the activity)."
    ),
    activities=_EXCHANGES,
)
LEARN_CAP = Rule(
    "LEARN-CAP",
    "跟岗实践按流入园带教能力安排",
    "a kindergarten takes at most learn_host_cap learners of a grade a year",
    '001 三(三) "通过挂职锻炼、跟岗实践、师徒带教等方式" (number: card default)',
    Severity.HARD,
    _check_learn_cap,
    can_be_soft=False,
    detail="Per host, grade and year: learning years of teachers of that grade <= learn_host_cap.",
    keys=("rotation.learn_host_cap",),
    activities=(Activity.LEARNING,),
)
SUP_YEAR = Rule(
    "SUP-YEAR",
    "重点关注相对薄弱园，每年得到支援",
    "every weaker kindergarten receives support every year where a donor could go",
    '001 二 "重点关注新建园和相对薄弱幼儿园的发展"; 004 二(二)2(3) "帮扶提升薄弱园"',
    Severity.SOFT,
    _check_sup_year,
    weight=40,
    can_be_soft=True,
    detail=(
        "Weaker: a kindergarten of the group of lower tier than its lead. Support: a "
        "rotation into it, a guidance visit to it, or the lead's side of a swap or cadre "
        "exchange there. One violation per weaker kindergarten and year without support "
        "where `support_possible` (a backbone, not a cadre, of a kg at least as strong, "
        "available, teaching a grade it has, allowed by ROT-PAIRS; or, where a rule asks for "
        "guidance visits (GUIDE-SIX, GUIDE-COOP), a "
        "guide of the lead available that year)."
    ),
    activities=(Activity.ROTATION, Activity.GUIDANCE, Activity.SWAP, Activity.EXCHANGE),
)
TERM_2Y = Rule(
    "TERM-2Y",
    "集团内教师柔性流动原则上不超过两年",
    "continuous time away is at most 2 years (history included); a 2-year stay keeps its host",
    '001 三(三) "集团内教师柔性流动原则上不超过两年"',
    Severity.HARD,
    _check_term,
    detail=(
        "Year-long placements away from home (rotation, learning, swap, cadre exchange, "
        "induction at the lead) in consecutive academic years, history records included, "
        "form a run; a run is at most max_term_years long and every year of a run has the "
        "same host."
    ),
    keys=("rotation.max_term_years",),
    activities=_YEAR_LONG,
)
REST_YEAR = Rule(
    "REST-YEAR",
    "交流结束须及时回到原学校，间隔后方可再次交流",
    "after a year-long stay away a teacher is home for rest_years before the next one",
    '003 五(四) "跟岗锻炼、跟岗学习结束后，相关人员须及时回到原学校上岗"',
    Severity.HARD,
    _check_rest,
    detail=(
        "A teacher's stays, history included, are runs of consecutive years with a "
        "year-long placement away. Between the end of one stay and the start of the next "
        "lie at least rest_years years at home: start - end > rest_years. Short visits "
        "(shadowing, guidance) are not stays and need no rest."
    ),
    keys=("rotation.rest_years",),
    activities=_YEAR_LONG,
)

RETIRE = Rule(
    "RETIRE",
    "达到法定退休年龄的学年不安排交流",
    "nobody is placed away for a school year in which they reach retirement age",
    "国发〔1978〕104号 (男60周岁、女干部55周岁); 全国人大常委会关于实施渐进式延迟法定退休年龄的决定 "
    "(2024-09-13)",
    Severity.HARD,
    _check_retire,
    detail=(
        "No year-long placement away in academic year Y when `retirement` (birth date + "
        "retire_female or retire_male by gender, women's when not given; with retire_delay "
        "one month more for every four months past January 2025, at most 36) falls on or "
        "before 31 August of Y + 1."
    ),
    keys=("people.retire_female", "people.retire_male", "people.retire_delay"),
    activities=_YEAR_LONG,
)

RULES = (ROT_PER_GRADE, ROT_PAIRS, ROT_DOWN, LEARN_CAP, SUP_YEAR, TERM_2Y, REST_YEAR, RETIRE)
