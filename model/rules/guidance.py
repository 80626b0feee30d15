"""The lead's guidance visits to its members (六个一, 团队进驻): GUIDE-SIX, GUIDE-LEN, GUIDE-CAP.

六个一 are six one-off training activities a year (000 三(三)4: 一次专题讲座…), not six stays: a
visit is a short event (`visit_days` teaching days) that carries up to `items_per_visit` items,
so a member needs `Profile.visits_per_year` visits a year.

Catalogue entries and the verifier's checks side by side; solver/rules/guidance.py holds the
CP-SAT side. Shared with the solver: `members`, `guide_staff`.

Guidance items are compared after `Profile.guide_item` (full name or Chinese part); GUIDE-SIX
counts every guidance visit to the member with the item, whoever made it (a visit by someone
who may not guide already fails GUIDE-CAP).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..i18n import N_, _, language
from ..instance import Activity, Semester
from ..report import Violation
from .base import Rule, Severity
from .plan import Malformed, about, at, beyond_semester, shortfall

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..instance import Instance, Teacher
    from ..profile import Profile
    from ..schedule import Assignment
    from .plan import Plan

SHARED = ("members", "guide_staff", "visits_asked")

_GUIDE = (Activity.GUIDANCE,)

# GUIDE-CAP: who may guide, by the profile's guide_staff
_GUIDES = {
    "cadre": N_("guidance is by a cadre whose home is the lead {lead}"),
    "backbone+cadre": N_("guidance is by a backbone or cadre whose home is the lead {lead}"),
}


def members(inst: Instance, group: str) -> tuple[str, ...]:
    """GUIDE-SIX: every kindergarten of the group but the lead, in roster order."""
    lead = inst.lead_of[group]
    return tuple(k.kg_id for k in inst.kindergartens if k.group == group and k.kg_id != lead)


def visits_asked(profile: Profile) -> bool:
    """Whether a rule asks for guidance visits: GUIDE-SIX, or GUIDE-COOP with a minimum."""
    return profile.enabled(GUIDE_SIX.id) or (
        profile.enabled(GUIDE_COOP.id) and profile.coop_min > 0
    )


def guide_staff(inst: Instance, teacher: Teacher) -> bool:
    """GUIDE-CAP: may guide, i.e. a lead-home cadre, or backbone when the profile allows."""
    if teacher.home_kg != inst.lead(teacher.home_kg):
        return False
    return teacher.cadre or (inst.profile.guide_staff == "backbone+cadre" and teacher.backbone)


def _item_text(item: str) -> str:
    """A guidance item as the current language names it: its Chinese part in Chinese
    (``专题讲座``), in full in English (``专题讲座 lecture``)."""
    return item.split(" ", 1)[0] if language() == "zh" else item


def _check_six(plan: Plan) -> Iterator[Violation]:
    profile = plan.inst.profile
    delivered = {
        (a.host_kg, a.year, profile.guide_item(item))
        for a in plan.activity(Activity.GUIDANCE)
        for item in a.items
    }
    for group in plan.inst.roster.groups:
        why = {year: _short_of_guides(plan, group, year) for year in plan.inst.horizon.year_list}
        for member in members(plan.inst, group):
            for year in plan.inst.horizon.year_list:
                for item in profile.guide_items:
                    if (member, year, item) not in delivered:
                        yield Violation(
                            GUIDE_SIX.id,
                            _(
                                "{kg} {year}: no guidance visit brings {item} (每学年“六个一”)"
                                "{reason}"
                            ).format(kg=member, year=year, item=_item_text(item), reason=why[year]),
                            kg_id=member,
                            year=year,
                        )


def _short_of_guides(plan: Plan, group: str, year: int) -> str:
    """Why items go missing, where the roster and plan say: the lead's guides available that
    year (not away on a year-long placement) cannot make the visits the members need."""
    inst = plan.inst
    staff = [t for t in inst.teachers_of(group) if guide_staff(inst, t)]
    free = [
        t
        for t in staff
        if year not in t.unavailable and not plan.placements.get((t.teacher_id, year))
    ]
    need = len(members(inst, group)) * inst.profile.visits_per_year
    if len(free) * inst.profile.guide_max_per_year >= need:
        return ""
    away = len(staff) - len(free)
    if away:
        reason = _(
            "; the lead's {free} available guides can make {can} of the {need} visits needed "
            "({away} away or unavailable that year)"
        )
    else:
        reason = _(
            "; the lead's {free} available guides can make {can} of the {need} visits needed"
        )
    can = len(free) * inst.profile.guide_max_per_year
    return reason.format(free=len(free), can=can, need=need, away=away)


def _check_len(plan: Plan) -> Iterator[Violation]:
    # GUIDE-LEN names "a planned year" itself: it reports guidance outside the plan's years.
    for kind, a, problem in plan.malformed:
        if kind is Malformed.OUTSIDE and a.activity is Activity.GUIDANCE:
            yield at(GUIDE_LEN.id, a, about(a, problem))
    yield from beyond_semester(plan, Activity.GUIDANCE, GUIDE_LEN.id, "蹲点指导不得超过2周")


def _guide_problems(plan: Plan, a: Assignment) -> Iterator[str]:
    t, home, host = plan.of(a), plan.home(a), plan.inst.kg[a.host_kg]
    lead = plan.inst.lead_of[home.group]
    if not guide_staff(plan.inst, t):
        yield _(_GUIDES[plan.inst.profile.guide_staff]).format(lead=lead)
    if host.group != home.group or host.kg_id == lead:
        yield _("the host is not a member of group {group}").format(group=home.group)
    profile = plan.inst.profile
    if not a.items:
        yield _("no guidance item given")
    if len(a.items) > profile.items_per_visit:
        yield _("{n} items, more than items_per_visit={cap}").format(
            n=len(a.items), cap=profile.items_per_visit
        )
    for item in a.items:
        if profile.guide_item(item) is None:
            yield _("{item!r} is not one of the profile's guide_items").format(item=item)


def _check_cap(plan: Plan) -> Iterator[Violation]:
    profile = plan.inst.profile
    per_item: Counter[tuple[str, int, str]] = Counter()
    per_member_slot: Counter[tuple[str, int, Semester, int]] = Counter()
    per_member_sem: Counter[tuple[str, int, Semester]] = Counter()
    per_member_year: Counter[tuple[str, int]] = Counter()
    per_teacher: Counter[tuple[str, int]] = Counter()
    per_lead_slot: Counter[tuple[str, int, Semester, int]] = Counter()
    for a in plan.activity(Activity.GUIDANCE):
        assert a.semester is not None and a.slot is not None  # Assignment guarantees it
        problems = list(_guide_problems(plan, a))
        if problems:
            yield at(GUIDE_CAP.id, a, about(a, *problems))
        for item in {profile.guide_item(i) for i in a.items} - {None}:
            assert item is not None
            per_item[(a.host_kg, a.year, item)] += 1
        per_member_slot[(a.host_kg, a.year, a.semester, a.slot)] += 1
        per_member_sem[(a.host_kg, a.year, a.semester)] += 1
        per_member_year[(a.host_kg, a.year)] += 1
        per_teacher[(a.teacher_id, a.year)] += 1
        per_lead_slot[(plan.lead_of_kg(plan.of(a).home_kg), a.year, a.semester, a.slot)] += 1
    spread = (profile.visits_per_year + 1) // 2  # ceil(visits / 2) a semester
    for (member, year, item), n in per_item.items():
        if n > 1:
            yield Violation(
                GUIDE_CAP.id,
                _("{kg} {year}: {n} guidance visits bring {item}; at most one").format(
                    kg=member, year=year, n=n, item=_item_text(item)
                ),
                kg_id=member,
                year=year,
            )
    for (member, year, sem, slot), n in per_member_slot.items():
        if n > 1:
            yield Violation(
                GUIDE_CAP.id,
                _(
                    "{kg} {year} {semester} slot {slot}: {n} guidance visits at once; at most one"
                ).format(kg=member, year=year, semester=sem.text, slot=slot, n=n),
                kg_id=member,
                year=year,
                semester=sem.value,
            )
    for (member, year), n in per_member_year.items():
        if n > profile.visits_per_year:
            yield Violation(
                GUIDE_CAP.id,
                _(
                    "{kg} {year}: {n} guidance visits, more than the {need} its items need "
                    "(每次活动可含多项)"
                ).format(kg=member, year=year, n=n, need=profile.visits_per_year),
                kg_id=member,
                year=year,
            )
    for (member, year, sem), n in per_member_sem.items():
        if n > spread:
            yield Violation(
                GUIDE_CAP.id,
                _(
                    "{kg} {year} {semester}: {n} guidance visits, more than {spread} a semester "
                    "(spread over the year)"
                ).format(kg=member, year=year, semester=sem.text, n=n, spread=spread),
                kg_id=member,
                year=year,
                semester=sem.value,
            )
    for (tid, year), n in per_teacher.items():
        if n > profile.guide_max_per_year:
            yield Violation(
                GUIDE_CAP.id,
                _(
                    "{teacher} makes {n} guidance visits in {year}, more than "
                    "guide_max_per_year={cap}"
                ).format(teacher=tid, n=n, year=year, cap=profile.guide_max_per_year),
                teacher_id=tid,
                year=year,
            )
    for (lead, year, sem, slot), n in per_lead_slot.items():
        if n > profile.guide_slot_cap:
            yield Violation(
                GUIDE_CAP.id,
                _(
                    "{kg} {year} {semester} slot {slot}: {n} staff out on guidance, more than "
                    "guide_slot_cap={cap}"
                ).format(
                    kg=lead,
                    year=year,
                    semester=sem.text,
                    slot=slot,
                    n=n,
                    cap=profile.guide_slot_cap,
                ),
                kg_id=lead,
                year=year,
                semester=sem.value,
            )


def _check_coop(plan: Plan) -> Iterator[Violation]:
    want = plan.inst.profile.coop_min
    held = Counter(
        (plan.inst.kg[a.host_kg].group, a.year, a.semester)
        for a in plan.activity(Activity.GUIDANCE)
    )
    for group in plan.inst.roster.groups:
        if not members(plan.inst, group):
            continue
        for year, semester in plan.inst.horizon.semesters:
            n = held[(group, year, semester)]
            for unit in range(want - n):
                yield Violation(
                    GUIDE_COOP.id,
                    _(
                        "group {group} {year} {semester}: {n} of {want} cooperation visits{part} "
                        "(每学期不得低于4次)"
                    ).format(
                        group=group,
                        year=year,
                        semester=semester.text,
                        n=n,
                        want=want,
                        part=shortfall(unit + 1, want - n),
                    ),
                    kg_id=plan.inst.lead_of[group],
                    year=year,
                    semester=semester.value,
                )


GUIDE_SIX = Rule(
    "GUIDE-SIX",
    "每学年总园应到成员园开展“六个一”培训活动",
    "each year the lead delivers the profile's guidance items (六个一) to every member",
    '000 三(三)4 "每学年总园应到成员园开展‘六个一’培训活动"; 003 三(一) 团队进驻',
    Severity.SOFT,
    _check_six,
    weight=6,
    can_be_soft=True,
    detail=(
        "Members: every kindergarten of the group but the lead. For each member, planned "
        "year and item of guide_items: one violation unless a guidance visit to that "
        "member that year carries that item. A visit carries up to items_per_visit items."
    ),
    keys=("guidance.guide_items", "guidance.items_per_visit"),
    activities=_GUIDE,
)
GUIDE_LEN = Rule(
    "GUIDE-LEN",
    "蹲点指导、团队进驻时间不得超过2周",
    "a guidance stay lasts at most 2 weeks (one slot)",
    '003 三(一) "跟岗锻炼时间不得超过2周"; 000 三(二)2 蹲点指导',
    Severity.HARD,
    _check_len,
    detail=(
        "A guidance visit has a planned year, a semester and a slot within the semester's "
        "slots; it lasts visit_days teaching days from the slot's first day, within the slot "
        "(<= slot_weeks <= 2 weeks)."
    ),
    keys=("horizon.slot_weeks", "horizon.weeks_per_semester", "guidance.visit_days"),
    activities=_GUIDE,
)
GUIDE_CAP = Rule(
    "GUIDE-CAP",
    "总园派出指导人员有度，分散到各时段",
    "guidance is by the lead's cadres or backbones, spread over the year, within loads",
    "000 三(三)4; 003 三(一) 中层副职以上干部",
    Severity.HARD,
    _check_cap,
    detail=(
        "A guidance visit is made by a teacher whose home is the group's lead and who is a "
        "cadre, or a backbone when guide_staff is backbone+cadre; its host is a member of "
        "that group; it carries 1 to items_per_visit items of guide_items. Per member, year "
        "and item at most one visit; per member and year at most V = ceil(len(guide_items) / "
        "items_per_visit) visits, per member, year and semester at most ceil(V / 2) (spread "
        "over the year); per member and slot at most one; per teacher and year at most "
        "guide_max_per_year; per lead and slot at most guide_slot_cap."
    ),
    keys=("guidance.guide_staff", "guidance.guide_max_per_year", "guidance.guide_slot_cap"),
    activities=_GUIDE,
)

GUIDE_COOP = Rule(
    "GUIDE-COOP",
    "定期开展合作交流活动，每学期不得低于4次",
    "a group holds at least coop_min cooperation visits (lead staff to a member) a semester",
    '002 plan 4 四(三)2 "定期开展合作交流活动，每学期不得低于4次"',
    Severity.HARD,
    _check_coop,
    weight=20,
    can_be_soft=True,
    detail=(
        "For each group with members and each planned semester: one violation per unit of "
        "coop_min - (guidance visits to the group's members that semester) above zero."
    ),
    keys=("guidance.coop_min",),
    activities=_GUIDE,
)

RULES = (GUIDE_SIX, GUIDE_COOP, GUIDE_LEN, GUIDE_CAP)
