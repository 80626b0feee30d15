"""Greedy baseline: the plan a careful personnel office would make by hand.

It is the reference the optimiser must beat, a complete hint for CP-SAT and the fallback when
CP-SAT finds nothing in time, so it keeps every hard rule of model/rules.py (their `detail`
texts) with its own bookkeeping; it never calls the verifier. Soft rules are pursued in
roster order:

1. fixed pins first (the office asked for them), everything else around them; a forbidden pin
   is never chosen;
2. year by year: rotations (each sending kindergarten and grade sends up to `min_per_grade`
   backbones to the weakest eligible host), then inductions of new teachers at the lead with
   a mentor, then each semester's shadowing at the lead; finally the chosen visits of each
   semester are dealt into slots by `pack_slots`.

Its objective is whatever the verifier's evaluation says; nothing is scored here.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass

from ..model import (
    Activity,
    Assignment,
    Grade,
    Instance,
    Kindergarten,
    Pin,
    Role,
    Semester,
    Teacher,
    semester_of,
)
from .packing import pack_slots

log = logging.getLogger("kgrota")


def greedy(instance: Instance) -> list[Assignment]:
    """A rule-abiding schedule for every group of the instance, in roster order."""
    groups = instance.roster.groups
    if len(groups) == 1:
        return _GroupPlan(instance).run()
    out: list[Assignment] = []
    for group in groups:
        out += _GroupPlan(instance.for_group(group)).run()
    return out


@dataclass(frozen=True)
class _Visit:
    """A short visit chosen for a semester, before it gets its slot."""

    teacher: Teacher
    activity: Activity
    host: str


class _GroupPlan:
    """Bookkeeping and steps of the greedy for one group's instance."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.profile = inst.profile
        self.horizon = inst.horizon
        self.slots = inst.horizon.slots_per_semester
        self.kgs: tuple[Kindergarten, ...] = inst.kindergartens
        group = self.kgs[0].group
        self.lead = inst.lead_of[group]
        self.tight = inst.group_mode(group) == "tight"
        self.position = {k.kg_id: i for i, k in enumerate(self.kgs)}
        self.classes = {(k.kg_id, g): k.classes_of(g) for k in self.kgs for g in Grade}
        self.required = {key: inst.required(*key) for key in self.classes}
        self.by_home: dict[str, list[Teacher]] = defaultdict(list)
        # rotation candidates (ROT-PER-GRADE counts non-cadre backbones) by home and grade
        self.backbones: dict[tuple[str, Grade | None], list[Teacher]] = defaultdict(list)
        for t in inst.teachers:
            self.by_home[t.home_kg].append(t)
            if t.backbone and not t.cadre:
                self.backbones[(t.home_kg, t.grade)].append(t)

        self.year_long: list[Assignment] = []
        self.visits: dict[tuple[int, Semester], list[_Visit]] = defaultdict(list)
        # teacher -> year -> host of a year-long placement (history included): TERM-2Y, ONE-PLACE
        self.placed: dict[str, dict[int, str | None]] = defaultdict(dict)
        self.rotating: dict[tuple[str, int], str] = {}  # (teacher, year) -> rotation host
        self.short: set[tuple[str, int, Semester]] = set()  # ONE-PLACE: one short visit a semester
        self.short_years: set[tuple[str, int]] = set()
        self.away: Counter[tuple[str, Grade, int]] = Counter()  # STAFF-CLASS: home staff placed out
        self.incoming: Counter[tuple[str, Grade, int]] = Counter()
        self.sent: Counter[tuple[str, Grade, int]] = Counter()  # ROT-PER-GRADE
        self.hosted: Counter[str] = Counter()  # rotation-years received, to spread ties
        self.mentees: Counter[tuple[str, int]] = Counter()  # IND-MENTOR
        self.away_short: Counter[tuple[str, str, int, Semester]] = Counter()  # AWAY-SLOT
        self.stream: Counter[tuple[bool, int, Semester]] = Counter()  # SHD-CAP, aggregated
        self.shadowed_from: set[tuple[str, int, Semester]] = set()  # SHD-EACH-SEM
        self.shadow_sems: dict[str, list[int]] = defaultdict(list)  # SHD-COOL
        for h in inst.roster.history:
            if h.activity.year_long:
                for y in h.years():
                    self.placed[h.teacher_id][y] = h.host_kg
            elif h.activity is Activity.SHADOWING:
                self.shadow_sems[h.teacher_id].append(
                    self.horizon.semester_index(*semester_of(h.start))
                )
        self.forbidden: dict[tuple[str, Activity, int], list[Pin]] = defaultdict(list)
        for p in inst.roster.pins:
            if p.forbidden:
                self.forbidden[(p.teacher_id, p.activity, p.year)].append(p)

    # -- the procedure -------------------------------------------------------------------

    def run(self) -> list[Assignment]:
        self._place_pins()
        for year in self.horizon.year_list:
            self._rotations(year)
            self._inductions(year)
            for sem in Semester:
                self._shadowing(year, sem)
        return self.year_long + self._pack()

    def _rotations(self, year: int) -> None:
        """ROT-PER-GRADE: the first eligible backbones of each sending kg and grade go out.

        Passes repeat until nothing changes: a teacher arriving later in roster order (a
        branch's backbone at the lead) can free a colleague to leave an earlier kindergarten.
        """
        placed = -1
        while placed != len(self.year_long):
            placed = len(self.year_long)
            for home in self.kgs:
                if self._sends(home):
                    for grade in Grade:
                        if self.classes[(home.kg_id, grade)] > 0:
                            self._send(home.kg_id, grade, year)

    def _send(self, home: str, grade: Grade, year: int) -> None:
        for t in self.backbones[(home, grade)]:
            if self.sent[(home, grade, year)] >= self.profile.min_per_grade:
                return
            if not self._can_leave(home, grade, year):
                return
            if not self._free(t, year) or self.mentees[(t.teacher_id, year)]:
                continue  # placed, unavailable, visiting, or mentoring at the lead (a pin)
            host = self._rotation_host(t, year)
            if host is not None:
                self._place_year(t, Activity.ROTATION, host, year)

    def _inductions(self, year: int) -> None:
        """IND-LEAD: a new teacher spends her first year at the lead, paired with a mentor."""
        if not self.profile.enabled("IND-LEAD"):
            return
        for t in self.inst.teachers:
            if t.grade is None or t.home_kg == self.lead or self.inst.induction_year(t) != year:
                continue
            if not self._free(t, year) or not self._can_leave(t.home_kg, t.grade, year):
                continue
            if self._is_forbidden(t, Activity.INDUCTION, year, self.lead) or not self._term_ok(
                t, year, self.lead
            ):
                continue
            mentor = self._mentor(t.grade, year)
            if mentor is not None:
                self._place_year(t, Activity.INDUCTION, self.lead, year, partner=mentor)

    def _shadowing(self, year: int, sem: Semester) -> None:
        """SHD-EACH-SEM: each non-lead kg sends its first eligible cadre or backbone."""
        if not self.profile.enabled("SHD-EACH-SEM"):
            return
        for home in self.kgs:
            if home.kg_id == self.lead or (home.kg_id, year, sem) in self.shadowed_from:
                continue
            for t in self.by_home[home.kg_id]:
                if (t.cadre or t.backbone) and self._can_shadow(t, year, sem):
                    self._place_short(t, Activity.SHADOWING, self.lead, year, sem)
                    break

    # -- pins --------------------------------------------------------------------------

    def _place_pins(self) -> None:
        """Fixed pins in the plan's years: year-long ones, then inductions (their mentors
        depend on who is at the lead), then short visits."""
        years = set(self.horizon.year_list)
        fixed = [p for p in self.inst.roster.pins if not p.forbidden and p.year in years]
        phase = {Activity.ROTATION: 0, Activity.SWAP: 0, Activity.INDUCTION: 1}
        for p in sorted(fixed, key=lambda p: phase.get(p.activity, 2)):
            t = self.inst.teacher[p.teacher_id]
            if p.activity is Activity.INDUCTION:
                mentor = self._mentor(t.grade, p.year) if t.grade is not None else None
                if mentor is None:
                    log.warning(
                        "pinned induction of %s in %s: no mentor available", t.teacher_id, p.year
                    )
                self._place_year(t, p.activity, p.host_kg or self.lead, p.year, partner=mentor)
            elif p.activity.year_long:
                host = p.host_kg or self._rotation_host(t, p.year)
                if host is None:
                    log.warning(
                        "pinned %s of %s in %s: no eligible host",
                        p.activity.value,
                        t.teacher_id,
                        p.year,
                    )
                    continue
                self._place_year(t, p.activity, host, p.year)
            else:
                host = p.host_kg or self._pin_visit_host(t, p.activity)
                if host is None:
                    log.warning(
                        "pinned guidance of %s in %s: no kindergarten to visit",
                        t.teacher_id,
                        p.year,
                    )
                    continue
                sem = p.semester or self._pin_semester(t, p)
                self._place_short(t, p.activity, host, p.year, sem)

    def _pin_visit_host(self, t: Teacher, activity: Activity) -> str | None:
        """Shadowing is at the lead; guidance goes to the first other non-lead kindergarten."""
        if activity is Activity.SHADOWING:
            return self.lead
        return next((k.kg_id for k in self.kgs if k.kg_id not in (t.home_kg, self.lead)), None)

    def _pin_semester(self, t: Teacher, p: Pin) -> Semester:
        """The first semester of the pin's year with room for the visit (else autumn)."""
        for sem in Semester:
            if (t.teacher_id, p.year, sem) in self.short:
                continue
            if self.away_short[(t.home_kg, t.slot_key, p.year, sem)] >= self.slots:
                continue
            if p.activity is Activity.SHADOWING and self.stream[
                (t.cadre, p.year, sem)
            ] >= self._cap(t):
                continue
            return sem
        return Semester.AUTUMN

    # -- eligibility -------------------------------------------------------------------

    def _sends(self, k: Kindergarten) -> bool:
        """ROT-PER-GRADE: lead and branches (tight); all but affiliates (loose)."""
        if self.tight:
            return k.role in (Role.LEAD, Role.BRANCH)
        return k.role is not Role.AFFILIATE

    def _present(self, kg_id: str, grade: Grade, year: int) -> int:
        key = (kg_id, grade, year)
        return self.inst.home_count(kg_id, grade) - self.away[key] + self.incoming[key]

    def _can_leave(self, kg_id: str, grade: Grade, year: int) -> bool:
        """STAFF-CLASS still holds at home with one teacher of the grade fewer."""
        return self._present(kg_id, grade, year) - 1 >= self.required[(kg_id, grade)]

    def _free(self, t: Teacher, year: int) -> bool:
        """ONE-PLACE: available, no year-long placement (history included), no short visit."""
        return (
            year not in t.unavailable
            and year not in self.placed[t.teacher_id]
            and (t.teacher_id, year) not in self.short_years
        )

    def _term_ok(self, t: Teacher, year: int, host: str) -> bool:
        """TERM-2Y: the run of consecutive year-long placements through `year` is short
        enough and keeps one host."""
        hosts: dict[int, str | None] = {**self.placed[t.teacher_id], year: host}
        first, last = year, year
        while first - 1 in hosts:
            first -= 1
        while last + 1 in hosts:
            last += 1
        run = [hosts[y] for y in range(first, last + 1)]
        return len(run) <= self.profile.max_term_years and all(h == host for h in run)

    def _is_forbidden(
        self, t: Teacher, activity: Activity, year: int, host: str, sem: Semester | None = None
    ) -> bool:
        """PIN: a forbidden pin matches (host and semester only when the pin gives them)."""
        return any(
            (p.host_kg is None or p.host_kg == host) and (p.semester is None or p.semester == sem)
            for p in self.forbidden.get((t.teacher_id, activity, year), ())
        )

    def _rotation_host(self, t: Teacher, year: int) -> str | None:
        """The weakest host below home (ROT-DOWN); where none is below (a branch in a tight
        group, the weakest members) the weakest other host, since a missed rotation costs more
        than an upward one. Ties go to the host that received fewest, then roster order."""
        home, grade = self.inst.kg[t.home_kg], t.grade
        if grade is None:
            return None
        hosts = [
            k
            for k in self.kgs
            if k.kg_id != home.kg_id
            and k.role is not Role.AFFILIATE
            and (not self.tight or (home.kg_id == self.lead) != (k.kg_id == self.lead))
            and self.classes[(k.kg_id, grade)] > 0
            and not self._is_forbidden(t, Activity.ROTATION, year, k.kg_id)
            and self._term_ok(t, year, k.kg_id)
        ]
        if not hosts:
            return None
        best = min(
            hosts,
            key=lambda k: (
                k.tier >= home.tier,
                k.tier,
                self.hosted[k.kg_id],
                self.position[k.kg_id],
            ),
        )
        return best.kg_id

    def _mentor(self, grade: Grade, year: int) -> str | None:
        """IND-MENTOR: a backbone of the grade at the lead that year (lead-home and not placed,
        or rotating in) with capacity left, in roster order."""
        for m in self.inst.teachers:
            if m.grade is not grade or not m.backbone or year in m.unavailable:
                continue
            if self.mentees[(m.teacher_id, year)] >= self.profile.mentor_capacity:
                continue
            at_home = m.home_kg == self.lead and year not in self.placed[m.teacher_id]
            if at_home or self.rotating.get((m.teacher_id, year)) == self.lead:
                return m.teacher_id
        return None

    def _cap(self, t: Teacher) -> int:
        """SHD-CAP aggregated over the semester's slots, per stream."""
        return (self.profile.cadre_cap if t.cadre else self.profile.teacher_cap) * self.slots

    def _can_shadow(self, t: Teacher, year: int, sem: Semester) -> bool:
        index = self.horizon.semester_index(year, sem)
        gap = 2 * self.profile.cooldown_years
        return (
            t.veto is None  # SHD-VETO
            and self._free(t, year)
            and (t.teacher_id, year, sem) not in self.short
            and all(abs(index - s) >= gap for s in self.shadow_sems[t.teacher_id])  # SHD-COOL
            and self.away_short[(t.home_kg, t.slot_key, year, sem)] < self.slots  # AWAY-SLOT
            and self.stream[(t.cadre, year, sem)] < self._cap(t)
            and not self._is_forbidden(t, Activity.SHADOWING, year, self.lead, sem)
        )

    # -- bookkeeping -------------------------------------------------------------------

    def _place_year(
        self, t: Teacher, activity: Activity, host: str, year: int, partner: str | None = None
    ) -> None:
        self.year_long.append(Assignment(t.teacher_id, activity, host, year, partner=partner))
        self.placed[t.teacher_id][year] = host
        if t.grade is not None:
            self.away[(t.home_kg, t.grade, year)] += 1
            self.incoming[(host, t.grade, year)] += 1
        if activity is Activity.ROTATION:
            self.rotating[(t.teacher_id, year)] = host
            self.hosted[host] += 1
            if t.grade is not None:
                self.sent[(t.home_kg, t.grade, year)] += 1
        if partner is not None:
            self.mentees[(partner, year)] += 1

    def _place_short(
        self, t: Teacher, activity: Activity, host: str, year: int, sem: Semester
    ) -> None:
        self.visits[(year, sem)].append(_Visit(t, activity, host))
        self.short.add((t.teacher_id, year, sem))
        self.short_years.add((t.teacher_id, year))
        self.away_short[(t.home_kg, t.slot_key, year, sem)] += 1
        if activity is Activity.SHADOWING:
            self.stream[(t.cadre, year, sem)] += 1
            self.shadowed_from.add((t.home_kg, year, sem))
            self.shadow_sems[t.teacher_id].append(self.horizon.semester_index(year, sem))

    def _pack(self) -> list[Assignment]:
        """Deal each semester's shadowing into slots; guidance takes the first slot its
        home kindergarten and slot key leave free (AWAY-SLOT)."""
        out: list[Assignment] = []
        for (year, sem), visits in sorted(
            self.visits.items(), key=lambda kv: (kv[0][0], kv[0][1].order)
        ):
            shadow = [v for v in visits if v.activity is Activity.SHADOWING]
            slot_of = pack_slots((v.teacher for v in shadow), self.slots)
            taken: dict[tuple[str, str], set[int]] = defaultdict(set)
            for v in shadow:
                taken[(v.teacher.home_kg, v.teacher.slot_key)].add(slot_of[v.teacher.teacher_id])
            for v in visits:
                t = v.teacher
                if v.activity is not Activity.SHADOWING:
                    used = taken[(t.home_kg, t.slot_key)]
                    slot = next((s for s in range(1, self.slots + 1) if s not in used), 1)
                    used.add(slot)
                    slot_of[t.teacher_id] = slot
                out.append(
                    Assignment(t.teacher_id, v.activity, v.host, year, sem, slot_of[t.teacher_id])
                )
        return sorted(
            out,
            key=lambda a: (
                a.year,
                a.semester.order if a.semester else 0,
                a.slot or 0,
                a.teacher_id,
            ),
        )
