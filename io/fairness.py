"""Fairness over a window of school years (history + plan): who moved and how often, and which
kindergartens sent and received support against their tier.

Support and learning are told apart as SPEC §10 says: support is a rotation or a guidance
visit, or the lead's side of a swap or cadre exchange; a year at a stronger kindergarten, a
shadowing visit and the other side of a swap or exchange are learning; an induction is its
own kind. History records are read the same way (an old "rotation" to a stronger
kindergarten is learning). The workbook's fairness sheets and the HTML report read this.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from ..model import Activity, Instance, Kindergarten, Schedule, Teacher
from ..model.rules.rotation import weaker_members

if TYPE_CHECKING:
    from collections.abc import Iterable

WINDOW = 5  # school years ending with the plan's last: 2 before a 3-year plan, then the plan


class Kind(str, Enum):
    """What a teacher's time at another kindergarten is for its host."""

    SUPPORT = "support"
    LEARNING = "learning"
    INDUCTION = "induction"


@dataclass(frozen=True)
class Move:
    """One exchange of a teacher, planned or on record: host, activity, school year, days.

    ``days`` is the teaching days of a short visit (0 for a year-long placement)."""

    teacher: Teacher
    activity: Activity
    host: str
    year: int
    days: int = 0
    planned: bool = True

    @property
    def year_long(self) -> bool:
        return self.activity.year_long


def kind(inst: Instance, teacher: Teacher, activity: Activity, host: str) -> Kind:
    """Support, learning or induction, by activity and direction (see the module note)."""
    if activity is Activity.INDUCTION:
        return Kind.INDUCTION
    home = inst.kg[teacher.home_kg]
    if activity is Activity.GUIDANCE:
        return Kind.SUPPORT
    if activity is Activity.ROTATION:
        return Kind.SUPPORT if inst.kg[host].tier <= home.tier else Kind.LEARNING
    if activity in (Activity.SWAP, Activity.EXCHANGE):
        lead_side = teacher.home_kg == inst.lead(host)
        return Kind.SUPPORT if lead_side else Kind.LEARNING
    return Kind.LEARNING  # learning years and shadowing visits


def support_received(schedule: Schedule, inst: Instance) -> Counter[tuple[str, int, bool]]:
    """Support per (host, planned year, year-long?): teachers for the year, or visits."""
    out: Counter[tuple[str, int, bool]] = Counter()
    for a in schedule.assignments:
        t = inst.teacher.get(a.teacher_id)
        if t is None or a.host_kg not in inst.kg or a.host_kg == t.home_kg:
            continue
        if kind(inst, t, a.activity, a.host_kg) is Kind.SUPPORT:
            out[(a.host_kg, a.year, a.activity.year_long)] += 1
    return out


def weaker(inst: Instance) -> list[str]:
    """Every group's kindergartens of lower tier than its lead (SUP-YEAR), in roster order."""
    return [kg for g in inst.roster.groups for kg in weaker_members(inst, g)]


@dataclass(frozen=True)
class TeacherShare:
    """One teacher's exchanges in the window."""

    teacher: Teacher
    exchanges: int  # stays (consecutive years at one host count once) and short visits
    years_away: int  # school years on a year-long placement away from home
    visit_days: int  # teaching days on short visits
    last_year: int | None  # the last school year with an exchange, in the window or before


@dataclass(frozen=True)
class KgShare:
    """One kindergarten's support in the window (year-long support in teacher-years)."""

    kg: Kindergarten
    weaker: bool  # of lower tier than its lead (SUP-YEAR)
    sent_years: int
    sent_visits: int
    received_years: int
    received_visits: int
    learning_out: int  # teacher-years its teachers spend learning elsewhere
    learning_in: int  # teacher-years others spend learning here
    supported_years: int  # school years of the window in which it received any support

    @property
    def balance(self) -> int:
        """Support received minus sent, in teacher-years (visits left out)."""
        return self.received_years - self.sent_years


@dataclass(frozen=True)
class Fairness:
    first: int
    last: int
    teachers: tuple[TeacherShare, ...]
    kindergartens: tuple[KgShare, ...]
    worst: KgShare | None  # the worst-served weaker kindergarten

    @property
    def years(self) -> int:
        return self.last - self.first + 1


def moves(schedule: Schedule, inst: Instance, *, visit_days: int) -> list[Move]:
    """Every exchange away from home: the plan's and the history's (guidance visits last
    ``visit_days``, shadowing visits their slot's teaching days)."""
    out: list[Move] = []
    horizon = inst.horizon
    for a in schedule.assignments:
        t = inst.teacher.get(a.teacher_id)
        if t is None or a.host_kg not in inst.kg or a.host_kg == t.home_kg:
            continue
        days = 0
        if a.semester is not None and a.slot is not None:
            if a.activity is Activity.GUIDANCE:
                days = visit_days
            elif a.slot <= horizon.slot_count(a.year, a.semester):
                days = _weekdays(*horizon.slot_dates(a.year, a.semester, a.slot))
        out.append(Move(t, a.activity, a.host_kg, a.year, days))
    for h in inst.roster.history:
        t = inst.teacher[h.teacher_id]
        if h.host_kg is None or h.host_kg not in inst.kg or h.host_kg == t.home_kg:
            continue
        if h.activity.year_long:
            out += [Move(t, h.activity, h.host_kg, y, planned=False) for y in h.years()]
        else:
            days = _weekdays(h.start, h.end or h.start + dt.timedelta(weeks=2, days=-3))
            out.append(Move(t, h.activity, h.host_kg, h.years()[0], days, planned=False))
    return out


def _weekdays(first: dt.date, last: dt.date) -> int:
    return sum((first + dt.timedelta(days=d)).weekday() < 5 for d in range((last - first).days + 1))


def fairness(schedule: Schedule, inst: Instance, window: int = WINDOW) -> Fairness:
    """Fairness over the `window` school years ending with the plan's last."""
    last = schedule.start_year + schedule.years - 1
    first = last - window + 1
    every = moves(schedule, inst, visit_days=inst.profile.visit_days)
    inside = [m for m in every if first <= m.year <= last]
    teachers = _teachers(inst, inside, every)
    kgs = _kindergartens(inst, inside)
    weaker = [k for k in kgs if k.weaker]
    worst = min(
        weaker,
        key=lambda k: (k.supported_years, k.received_years, k.received_visits, k.kg.tier),
        default=None,
    )
    return Fairness(first, last, teachers, kgs, worst)


def _teachers(inst: Instance, inside: list[Move], every: list[Move]) -> tuple[TeacherShare, ...]:
    by_teacher: dict[str, list[Move]] = defaultdict(list)
    for m in inside:
        by_teacher[m.teacher.teacher_id].append(m)
    last_year: dict[str, int] = {}
    for m in every:
        tid = m.teacher.teacher_id
        last_year[tid] = max(last_year.get(tid, m.year), m.year)
    return tuple(
        TeacherShare(
            t,
            exchanges=_exchanges(by_teacher[t.teacher_id]),
            years_away=len({m.year for m in by_teacher[t.teacher_id] if m.year_long}),
            visit_days=sum(m.days for m in by_teacher[t.teacher_id]),
            last_year=last_year.get(t.teacher_id),
        )
        for t in inst.teachers
    )


def _exchanges(mine: Iterable[Move]) -> int:
    """Short visits, plus stays: a year-long placement continuing the previous year's (same
    activity and host) is the same stay."""
    stays = {(m.year, m.activity, m.host) for m in mine if m.year_long}
    visits = sum(not m.year_long for m in mine)
    return visits + sum((y - 1, act, host) not in stays for y, act, host in stays)


def _kindergartens(inst: Instance, inside: list[Move]) -> tuple[KgShare, ...]:
    sent: dict[tuple[str, bool], int] = defaultdict(int)
    received: dict[tuple[str, bool], int] = defaultdict(int)
    learning_out: dict[str, int] = defaultdict(int)
    learning_in: dict[str, int] = defaultdict(int)
    supported: dict[str, set[int]] = defaultdict(set)
    for m in inside:
        what = kind(inst, m.teacher, m.activity, m.host)
        home = m.teacher.home_kg
        if what is Kind.SUPPORT:
            sent[(home, m.year_long)] += 1
            received[(m.host, m.year_long)] += 1
            supported[m.host].add(m.year)
        elif what is Kind.LEARNING and m.year_long:
            learning_out[home] += 1
            learning_in[m.host] += 1
    lower = set(weaker(inst))
    return tuple(
        KgShare(
            k,
            weaker=k.kg_id in lower,
            sent_years=sent[(k.kg_id, True)],
            sent_visits=sent[(k.kg_id, False)],
            received_years=received[(k.kg_id, True)],
            received_visits=received[(k.kg_id, False)],
            learning_out=learning_out[k.kg_id],
            learning_in=learning_in[k.kg_id],
            supported_years=len(supported[k.kg_id]),
        )
        for k in inst.kindergartens
    )
