"""Pair exchanges: swaps (置换交流; 002 plan 4 四(三)1): SWAP-EQ; cadres exchanged both ways
(互派管理人员双向交流, 000 三(二)2; 互派干部挂职锻炼, 002 plan 4 四(二)11): CADRE-EX.

Catalogue entry and the verifier's check side by side; solver/rules/swap.py holds the CP-SAT
side. Shared with the solver: `is_young`, `swap_capacity`.

Runs count the history's swaps too (a run begun before the plan continues into it); swaps
in consecutive years are one run, so with ``swap_years = 1`` a teacher never swaps two years
in a row. ``swap_years`` is a maximum (002 plan 4 四(三)1: 交流年限由牵头校和成员校之间商定)
unless the profile fixes it (swap_fixed).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from ..i18n import _
from ..instance import Activity, Grade, Role
from ..report import Violation
from .base import Part, Rule, Severity
from .plan import about, at, consecutive, listed, shortfall

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..instance import Instance, Teacher
    from ..schedule import Assignment
    from .plan import Plan

SHARED = ("is_young", "swap_capacity", "exchanges_in", "exchange_capacity")


def is_young(inst: Instance, teacher: Teacher, year: int) -> bool:
    """Aged at most `young_age` on 1 September of the academic year."""
    if teacher.birth_date is None:
        return False
    born = teacher.birth_date
    age = year - born.year - ((born.month, born.day) > (9, 1))
    return age <= inst.profile.young_age


def swap_capacity(inst: Instance, group: str, year: int) -> int:
    """E: pairs a year could field, Σ over grades of min(lead backbones, young member
    teachers) of that grade, none cadres, none unavailable that year."""
    lead = inst.lead_of[group]
    sides: dict[Grade, list[int]] = {g: [0, 0] for g in Grade}
    for t in inst.teachers_of(group):
        if t.grade is None or t.cadre or year in t.unavailable:
            continue
        if t.home_kg == lead:
            sides[t.grade][0] += t.backbone
        elif inst.kg[t.home_kg].role is not Role.AFFILIATE and is_young(inst, t, year):
            sides[t.grade][1] += 1
    return sum(min(pair) for pair in sides.values())


def exchanges_in(inst: Instance, group: str) -> tuple[str, ...]:
    """CADRE-EX: the kindergartens whose cadres trade places with the lead's: the branches
    of a tight group (000 互派), the members (not affiliates) of an alliance (002 互派干部);
    none in a loose 1+X group or a district."""
    mode = inst.group_mode(group)
    if mode not in ("tight", "alliance"):
        return ()
    roles = (Role.BRANCH,) if mode == "tight" else (Role.BRANCH, Role.MEMBER)
    return tuple(k.kg_id for k in inst.kindergartens if k.group == group and k.role in roles)


def exchange_capacity(inst: Instance, group: str, year: int) -> int:
    """CADRE-EX's E: pairs a year could field, min(the lead's cadres, the cadres of the
    kindergartens it exchanges with), none unavailable that year."""
    lead, others = inst.lead_of[group], set(exchanges_in(inst, group))
    sides = [0, 0]
    for t in inst.teachers_of(group):
        if t.cadre and year not in t.unavailable:
            if t.home_kg == lead:
                sides[0] += 1
            elif t.home_kg in others:
                sides[1] += 1
    return min(sides)


def _side_problems(plan: Plan, a: Assignment) -> Iterator[str]:
    """Who may swap where: a lead backbone out to a member, a member's young teacher in."""
    t, home, host = plan.of(a), plan.home(a), plan.inst.kg[a.host_kg]
    lead = plan.inst.lead_of[home.group]
    if t.cadre or t.grade is None:
        yield _("cadres do not swap")
    if home.kg_id == lead:
        member = host
        if not t.backbone:
            yield _("the lead's side of a swap is a backbone teacher")
        if host.group != home.group or host.role is Role.AFFILIATE:
            yield _("the host is not a member (not an affiliate) of group {group}").format(
                group=home.group
            )
    else:
        member = home
        if host.kg_id != lead:
            yield _("a member's teacher swaps to the lead {lead}").format(lead=lead)
        if home.role is Role.AFFILIATE:
            yield _("affiliates (加盟园) do not swap")
        if not is_young(plan.inst, t, a.year):
            yield _("not a young teacher (age <= {age} on 1 September)").format(
                age=plan.inst.profile.young_age
            )
    if t.grade is not None and member.classes_of(t.grade) == 0:
        yield _("{kg} has no classes of {grade}").format(kg=member.kg_id, grade=t.grade.text)


def _partner_problems(plan: Plan, a: Assignment) -> Iterator[str]:
    """Partners name each other in the same year; the partner comes from this host, same grade."""
    if a.partner is None:
        yield _("no partner given")
        return
    partner = plan.inst.teacher.get(a.partner)
    if partner is None:
        yield _("partner {partner} is not in the roster").format(partner=a.partner)
        return
    back = [
        b
        for b in plan.by_teacher.get(a.partner, ())
        if b.activity is a.activity and b.year == a.year and b.partner == a.teacher_id
    ]
    if not back:
        yield _("partner {partner} has no {activity} in {year} naming {teacher}").format(
            partner=a.partner, activity=a.activity.text, year=a.year, teacher=a.teacher_id
        )
    if partner.home_kg != a.host_kg:
        yield _("partner {partner} is not from the host {kg}").format(
            partner=a.partner, kg=a.host_kg
        )
    if partner.grade != plan.of(a).grade:
        yield _("partner {partner} teaches another grade").format(partner=a.partner)


def _check_pairs(plan: Plan) -> Iterator[Violation]:
    for a in plan.activity(Activity.SWAP):
        problems = [*_side_problems(plan, a), *_partner_problems(plan, a)]
        if problems:
            yield at(SWAP_EQ.id, a, about(a, *problems))
    profile, last = plan.inst.profile, plan.inst.horizon.year_list[-1]
    first = plan.inst.horizon.start_year
    years: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    partners: dict[str, dict[int, set[str | None]]] = defaultdict(lambda: defaultdict(set))
    for (tid, year), swaps in plan.swaps.items():
        years[tid][year].update(a.host_kg for a in swaps)
        partners[tid][year].update(a.partner for a in swaps)
    for tid in list(years):  # a run may have begun before the plan: its past years count
        for h in plan.inst.history_by_teacher.get(tid, ()):
            if h.activity is Activity.SWAP and h.host_kg is not None:
                for year in h.years():
                    years[tid][year].add(h.host_kg)
    for tid, hosts in years.items():
        for run in consecutive(sorted(hosts)):
            if run[-1] < first:
                continue
            span = f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0])
            kept = {h for year in run for h in hosts[year]}
            named = {p for year in run for p in partners[tid].get(year, ())}
            if len(kept) > 1 or len(named) > 1:
                yield Violation(
                    SWAP_EQ.id,
                    _("{teacher} changes host or partner within the swap {span}").format(
                        teacher=tid, span=span
                    ),
                    teacher_id=tid,
                    year=max(run[0], first),
                )
            short = profile.swap_fixed and len(run) < profile.swap_years and run[-1] != last
            if len(run) > profile.swap_years or short:
                if profile.swap_fixed:
                    message = _(
                        "{teacher} swaps in {span} ({n} years, history included); a swap lasts "
                        "swap_years={years} (交流年限由牵头校和成员校商定)"
                    )
                else:
                    message = _(
                        "{teacher} swaps in {span} ({n} years, history included); a swap lasts "
                        "at most swap_years={years} (交流年限由牵头校和成员校商定)"
                    )
                yield Violation(
                    SWAP_EQ.id,
                    message.format(teacher=tid, span=span, n=len(run), years=profile.swap_years),
                    teacher_id=tid,
                    year=max(run[0], first),
                )


def _check_min(plan: Plan) -> Iterator[Violation]:
    want = plan.inst.profile.swap_min
    on_swap = Counter((plan.inst.teacher[tid].home_kg, year) for tid, year in plan.swaps)
    for group, lead in plan.inst.lead_of.items():
        for year in plan.inst.horizon.year_list:
            need = min(want, swap_capacity(plan.inst, group, year))
            sent = on_swap[(lead, year)]
            short = max(0, need - sent)
            for unit in range(short):
                yield Violation(
                    SWAP_EQ.id,
                    _(
                        "{kg} {year}: {sent} of {need} lead teachers on swap{part} "
                        "(每年至少选派2名骨干教师置换交流)"
                    ).format(
                        kg=lead, year=year, sent=sent, need=need, part=shortfall(unit + 1, short)
                    ),
                    kg_id=lead,
                    year=year,
                )


def _check_exchange_pairs(plan: Plan) -> Iterator[Violation]:
    runs: dict[str, set[int]] = defaultdict(set)
    for a in plan.activity(Activity.EXCHANGE):
        t, home = plan.of(a), plan.home(a)
        lead = plan.inst.lead_of[home.group]
        others = exchanges_in(plan.inst, home.group)
        problems = [] if t.cadre else [_("only cadres exchange (管理人员)")]
        if home.kg_id == lead and a.host_kg not in others:
            if others:
                problems.append(
                    _("the host is not one the lead exchanges cadres with ({kgs})").format(
                        kgs=listed(others)
                    )
                )
            else:
                problems.append(_("the lead exchanges cadres with no kindergarten"))
        if home.kg_id != lead and (home.kg_id not in others or a.host_kg != lead):
            problems.append(
                _("a cadre of {kg} exchanges with the lead {lead} only").format(
                    kg=home.kg_id, lead=lead
                )
            )
        problems += _partner_problems(plan, a)
        if problems:
            yield at(CADRE_EX.id, a, about(a, *problems))
        runs[a.teacher_id].add(a.year)
    for tid, years in runs.items():
        for run in consecutive(sorted(years)):
            if len(run) > 1:
                yield Violation(
                    CADRE_EX.id,
                    _(
                        "{teacher} is exchanged {n} years in a row from {year}; an exchange "
                        "lasts one year"
                    ).format(teacher=tid, n=len(run), year=run[0]),
                    teacher_id=tid,
                    year=run[0],
                )


def _check_exchange_min(plan: Plan) -> Iterator[Violation]:
    want = plan.inst.profile.cadre_pairs
    away = Counter(
        (plan.of(a).home_kg, a.year)
        for a in plan.activity(Activity.EXCHANGE)
        if plan.of(a).home_kg == plan.lead_of_kg(plan.of(a).home_kg)
    )
    for group, lead in plan.inst.lead_of.items():
        for year in plan.inst.horizon.year_list:
            need = min(want, exchange_capacity(plan.inst, group, year))
            if away[(lead, year)] < need:
                yield Violation(
                    CADRE_EX.id,
                    _("{kg} {year}: {n} of {need} cadres exchanged (互派管理人员双向交流)").format(
                        kg=lead, year=year, n=away[(lead, year)], need=need
                    ),
                    kg_id=lead,
                    year=year,
                )


SWAP_EQ = Rule(
    "SWAP-EQ",
    "牵头校每年至少选派2名骨干教师和成员校同等数量的青年教师进行置换交流",
    "the lead sends >= 2 backbones a year to members and takes as many of their young teachers",
    '002 plan 4 四(三)1 "每年至少要选派2名骨干教师…和成员校同等数量的青年教师进行置换交流"',
    Severity.OFF,
    _check_min,
    weight=30,
    can_be_soft=True,
    detail=(
        "Swaps exist only when this rule is on. A swap is a year-long placement, one of a "
        "pair: a backbone (not cadre) whose home is the lead goes to a member that is not "
        "an affiliate, and a young teacher (not cadre, age <= young_age on 1 September of "
        "that year) of that member goes to the lead; both have the same grade, and the "
        "member has classes of it. Each names the other as partner, both in the same year. "
        "A teacher's swaps in consecutive years, history records included, form a run that "
        "keeps host and partner and lasts at most swap_years years (exactly, where "
        "swap_fixed, shorter only where the plan ends). Each year: shortfall = "
        "max(0, min(swap_min, E) - lead teachers on swap), E = Σ over grades of min(lead "
        "backbones, young teachers of the group's non-affiliate members) of that grade, "
        "none cadres, none unavailable that year (`swap_capacity`); each unit is a "
        "violation (the only part that may be soft)."
    ),
    keys=("swap.swap_min", "swap.swap_years", "swap.swap_fixed", "people.young_age"),
    activities=(Activity.SWAP,),
    parts=(Part("pairs part", _check_pairs),),
)

CADRE_EX = Rule(
    "CADRE-EX",
    "总园和分园之间互派管理人员双向交流",
    "the lead and its branches (alliance: members) exchange cadres both ways, a pair a year",
    '000 三(二)2 "探索建立集团总园和分园之间互派管理人员双向交流"; 002 plan 4 四(二)11 "互派干部挂职锻炼"',
    Severity.SOFT,
    _check_exchange_min,
    weight=20,
    can_be_soft=True,
    detail=(
        "A cadre exchange is a one-year placement, one of a pair: a cadre of the lead goes to "
        "a kindergarten of `exchanges_in` (the branches of a tight group, the members of an "
        "alliance; none otherwise) and a cadre of that kindergarten goes to the lead, naming "
        "each other as partners the same year; one teacher's exchanges never run two years "
        "in a row. Each year: shortfall = max(0, min(cadre_pairs, E) - lead cadres exchanged), "
        "E = `exchange_capacity`; each unit is a violation (the only part that may be soft)."
    ),
    keys=("cadre.cadre_pairs", "mode"),
    activities=(Activity.EXCHANGE,),
    parts=(Part("pairs part", _check_exchange_pairs),),
)

RULES = (SWAP_EQ, CADRE_EX)
