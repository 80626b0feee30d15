"""Classes staffed and people in one place: STAFF-CLASS, AWAY-SLOT, ONE-PLACE.

Catalogue entries and the verifier's checks side by side; solver/rules/staffing.py holds the
CP-SAT side. Shared with the solver: `required`.

ONE-PLACE also reports what cannot be a placement at all: an unknown teacher or host, or a
year outside the plan (except guidance outside the plan while GUIDE-LEN is on, which names
"a planned year" itself).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from ..i18n import _
from ..instance import Activity, Grade, Semester
from ..report import Violation
from .base import Rule, Severity
from .guidance import GUIDE_LEN
from .plan import SHORT, Malformed, about, at, desc, listed

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..instance import Instance
    from .plan import Plan

SHARED = ("required",)

_ALL = tuple(Activity)


def required(inst: Instance, kg_id: str, grade: Grade) -> int:
    """STAFF-CLASS: teachers that must be present, 2 per class or the home count if short."""
    need = inst.profile.teachers_per_class * inst.kg[kg_id].classes_of(grade)
    return min(need, inst.home_count(kg_id, grade))


def _check_staff_class(plan: Plan) -> Iterator[Violation]:
    away: Counter[tuple[str, Grade, int]] = Counter()
    incoming: Counter[tuple[str, Grade, int]] = Counter()
    for (tid, year), placed in plan.placements.items():
        t = plan.inst.teacher[tid]
        if t.grade is None:
            continue
        away[(t.home_kg, t.grade, year)] += 1
        for host in {a.host_kg for a in placed}:
            incoming[(host, t.grade, year)] += 1
    for k in plan.inst.kindergartens:
        for grade in Grade:
            at_home = plan.inst.home_count(k.kg_id, grade)
            if k.classes_of(grade) == 0 and at_home == 0:
                continue
            need = required(plan.inst, k.kg_id, grade)
            for year in plan.inst.horizon.year_list:
                key = (k.kg_id, grade, year)
                present = at_home - away[key] + incoming[key]
                if present < need:
                    yield Violation(
                        STAFF_CLASS.id,
                        _(
                            "{kg} {grade} {year}: {present} teachers present, {need} required "
                            "({classes} classes, {home} at home; 每班2名专任教师)"
                        ).format(
                            kg=k.kg_id,
                            grade=grade.text,
                            year=year,
                            present=present,
                            need=need,
                            classes=k.classes_of(grade),
                            home=at_home,
                        ),
                        kg_id=k.kg_id,
                        year=year,
                    )


def _check_away_slot(plan: Plan) -> Iterator[Violation]:
    away: dict[tuple[int, Semester, int, str, str], set[str]] = defaultdict(set)
    for a in plan.short():
        assert a.semester is not None and a.slot is not None
        t = plan.of(a)
        away[(a.year, a.semester, a.slot, t.home_kg, t.slot_key)].add(a.teacher_id)
    for (year, sem, slot, home, key), ids in away.items():
        if len(ids) > 1:
            # the slot key: the grade the visitors teach, or the cadres' post
            who = _("cadres") if key == "cadre" else Grade(key).text
            yield Violation(
                AWAY_SLOT.id,
                _(
                    "{kg} {who} {year} {semester} slot {slot}: {n} away at once ({ids}); at most one"
                ).format(
                    kg=home,
                    who=who,
                    year=year,
                    semester=sem.text,
                    slot=slot,
                    n=len(ids),
                    ids=listed(sorted(ids)),
                ),
                kg_id=home,
                year=year,
                semester=sem.value,
            )


def _check_one_place(plan: Plan) -> Iterator[Violation]:
    guide_len = plan.inst.profile.enabled(GUIDE_LEN.id)
    for kind, a, problem in plan.malformed:
        if not (kind is Malformed.OUTSIDE and a.activity is Activity.GUIDANCE and guide_len):
            yield at(ONE_PLACE.id, a, about(a, problem))
    per_slot: Counter[tuple[str, int, Semester, int]] = Counter()
    shadowing: Counter[tuple[str, int, Semester]] = Counter()
    for a in plan.valid:
        t = plan.of(a)
        if a.year in t.unavailable:
            problem = _("{teacher} is unavailable in {year}").format(
                teacher=a.teacher_id, year=a.year
            )
            yield at(ONE_PLACE.id, a, about(a, problem))
        if a.semester is not None and a.slot is not None:
            per_slot[(a.teacher_id, a.year, a.semester, a.slot)] += 1
            if a.activity is Activity.SHADOWING:
                shadowing[(a.teacher_id, a.year, a.semester)] += 1
            if plan.placements.get((a.teacher_id, a.year)):
                yield at(ONE_PLACE.id, a, about(a, _("on a year-long placement that year")))
    for (tid, year), placed in plan.placements.items():
        if len(placed) > 1:
            yield Violation(
                ONE_PLACE.id,
                _("{teacher} has {n} year-long placements in {year}: {placements}").format(
                    teacher=tid,
                    n=len(placed),
                    year=year,
                    placements=listed((desc(a) for a in sorted(placed)), clauses=True),
                ),
                teacher_id=tid,
                year=year,
            )
    for (tid, year, sem, slot), n in per_slot.items():
        if n > 1:
            yield Violation(
                ONE_PLACE.id,
                _(
                    "{teacher} has {n} short visits in {year} {semester} slot {slot}; at most one "
                    "a slot"
                ).format(teacher=tid, n=n, year=year, semester=sem.text, slot=slot),
                teacher_id=tid,
                year=year,
                semester=sem.value,
            )
    for (tid, year, sem), n in shadowing.items():
        if n > 1:
            yield Violation(
                ONE_PLACE.id,
                _(
                    "{teacher} shadows {n} times in {year} {semester}; at most once a semester"
                ).format(teacher=tid, n=n, year=year, semester=sem.text),
                teacher_id=tid,
                year=year,
                semester=sem.value,
            )


STAFF_CLASS = Rule(
    "STAFF-CLASS",
    "每班配备2名专任教师",
    "every kindergarten, grade and year keeps 2 teachers per class, or no fewer than at home",
    '002 plan 3 五(四)24 "每班配备2名专任教师、1名保育员"',
    Severity.HARD,
    _check_staff_class,
    detail=(
        "present = home teachers of the grade not on a year-long placement + incoming "
        "year-long placements of that grade; present >= min(teachers_per_class × classes, "
        "home teachers of the grade)."
    ),
    keys=("staffing.teachers_per_class",),
    activities=(Activity.ROTATION, Activity.INDUCTION, Activity.SWAP),
)
AWAY_SLOT = Rule(
    "AWAY-SLOT",
    "同一时段同园同年级至多一人外出",
    "in one slot at most one teacher per kindergarten and grade is away on a short visit",
    "derived from STAFF-CLASS",
    Severity.HARD,
    _check_away_slot,
    detail="Per slot, home kg and slot key (grade, or 'cadre' for cadres): at most one short visit.",
    activities=SHORT,
)
ONE_PLACE = Rule(
    "ONE-PLACE",
    "一人同一时间只在一处",
    "one year-long placement a year, one place per slot; no short visits in a placement year",
    "common sense; 003 五(四)",
    Severity.HARD,
    _check_one_place,
    detail=(
        "A teacher has at most one year-long placement per year and at most one short visit "
        "per slot, and shadows at most once per semester; nobody with a year-long placement "
        "shadows or guides that year; nobody is assigned in a year listed as unavailable."
    ),
    activities=_ALL,
)

RULES = (STAFF_CLASS, AWAY_SLOT, ONE_PLACE)
