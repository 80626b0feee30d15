"""Greedy baseline: the plan a careful personnel office would make by hand.

It is the reference the optimiser must beat, a complete hint for CP-SAT and the fallback when
CP-SAT finds nothing in time, so it keeps every hard rule of model/rules/ (their `detail`
texts) with its own bookkeeping; it never calls the verifier. Each step and predicate says
which rules it implements (`implements`; `PREDICATES` lists them). Soft rules are pursued in
roster order:

1. fixed pins first (the office asked for them), everything else around them; a forbidden pin
   is never chosen;
2. year by year: swaps when SWAP-EQ is on (up to min(swap_min, E) lead backbones out, each
   with a young teacher of the member back, for a run of swap_years), rotations (each sending
   kindergarten and grade sends up to `min_per_grade` backbones to the weakest eligible
   host), then inductions of new teachers at the lead with a mentor, then each semester's
   shadowing at the lead (with COVER-3Y on, teachers still uncovered first, then every
   uncovered teacher who may go), then guidance (GUIDE-SIX: visit by visit, each member in
   roster order gets a visit from the least-loaded guide, in the semester it has had fewer
   visits, in the first slot free for guide, member and lead); finally the chosen shadowing
   visits of each semester are dealt into slots by `pack_slots`.

Its objective is whatever the verifier's evaluation says; nothing is scored here.
"""

from __future__ import annotations

import itertools
import logging
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

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
from ..model.rules.coverage import COVER_3Y
from ..model.rules.guidance import (
    GUIDE_CAP,
    GUIDE_COOP,
    GUIDE_LEN,
    GUIDE_SIX,
    guide_staff,
    members,
)
from ..model.rules.induction import IND_LEAD, IND_MENTOR, induction_year
from ..model.rules.pins import PIN
from ..model.rules.rotation import (
    LEARN_CAP,
    REST_YEAR,
    RETIRE,
    ROT_DOWN,
    ROT_PAIRS,
    ROT_PER_GRADE,
    SUP_YEAR,
    TERM_2Y,
    direction,
    retires_in,
    sends,
)
from ..model.rules.shadowing import SHD_CAP, SHD_COOL, SHD_EACH_SEM, SHD_LEN, SHD_VETO
from ..model.rules.staffing import AWAY_SLOT, ONE_PLACE, STAFF_CLASS, required
from ..model.rules.swap import (
    CADRE_EX,
    SWAP_EQ,
    exchange_capacity,
    exchanges_in,
    is_young,
    swap_capacity,
)
from .packing import pack_slots
from .rules.coverage import windows

if TYPE_CHECKING:
    from ..model.rules import Rule

log = logging.getLogger("kgrota")

F = TypeVar("F", bound=Callable[..., Any])
PREDICATES: dict[str, tuple[Rule, ...]] = {}  # greedy step or predicate → the rules it keeps


def implements(*rules: Rule) -> Callable[[F], F]:
    """Label a greedy step or predicate with the rules it implements (listed in PREDICATES)."""

    def label(fn: F) -> F:
        PREDICATES[fn.__qualname__] = rules
        return fn

    return label


def greedy(instance: Instance) -> list[Assignment]:
    """A rule-abiding schedule for every group of the instance, in roster order."""
    groups = instance.roster.groups
    if len(groups) == 1:
        return _GroupPlan(instance).run()
    out: list[Assignment] = []
    for part in instance.by_group().values():
        out += _GroupPlan(part).run()
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
        self.slots = {(y, s): inst.horizon.slot_count(y, s) for y, s in inst.horizon.semesters}
        self.kgs: tuple[Kindergarten, ...] = inst.kindergartens
        group = self.kgs[0].group
        self.lead = inst.lead_of[group]
        self.tight = inst.group_mode(group) == "tight"
        self.position = {k.kg_id: i for i, k in enumerate(self.kgs)}
        self.classes = {(k.kg_id, g): k.classes_of(g) for k in self.kgs for g in Grade}
        self.required = {key: required(inst, *key) for key in self.classes}
        self.by_home: dict[str, list[Teacher]] = defaultdict(list)
        # rotation candidates (ROT-PER-GRADE counts non-cadre backbones) by home and grade
        self.backbones: dict[tuple[str, Grade | None], list[Teacher]] = defaultdict(list)
        for t in inst.teachers:
            self.by_home[t.home_kg].append(t)
            if t.backbone and not t.cadre:
                self.backbones[(t.home_kg, t.grade)].append(t)

        self.year_long: list[Assignment] = []
        self.visits: dict[tuple[int, Semester], list[_Visit]] = defaultdict(list)
        self.pinned_slot: dict[tuple[str, int, Semester], int] = {}  # PIN with a slot
        # teacher -> year -> host of a year-long placement (history included): TERM-2Y, ONE-PLACE
        self.placed: dict[str, dict[int, str | None]] = defaultdict(dict)
        self.short: set[tuple[str, int, Semester]] = set()  # ONE-PLACE: one short visit a semester
        self.short_years: set[tuple[str, int]] = set()
        self.away: Counter[tuple[str, Grade, int]] = Counter()  # STAFF-CLASS: home staff placed out
        self.incoming: Counter[tuple[str, Grade, int]] = Counter()
        self.sent: Counter[tuple[str, Grade, int]] = Counter()  # ROT-PER-GRADE
        self.hosted: Counter[str] = Counter()  # support years received, to spread (SUP-YEAR)
        self.learners: Counter[tuple[str, Grade, int]] = Counter()  # LEARN-CAP
        self.mentees: Counter[tuple[str, int]] = Counter()  # IND-MENTOR
        self.away_short: Counter[tuple[str, str, int, Semester]] = Counter()  # AWAY-SLOT
        self.stream: Counter[tuple[bool, int, Semester]] = Counter()  # SHD-CAP, aggregated
        self.shadowed_from: set[tuple[str, int, Semester]] = set()  # SHD-EACH-SEM
        # SHD-COOL: visits it covers (shadowing; guidance too with cool_guidance)
        covered = (
            {Activity.SHADOWING, Activity.GUIDANCE}
            if self.profile.cool_guidance
            else {Activity.SHADOWING}
        )
        self.cool_sems: dict[str, list[int]] = defaultdict(list)
        self.guidance: list[Assignment] = []  # slotted when chosen
        self.guide_load: Counter[tuple[str, int]] = Counter()  # GUIDE-CAP per guide and year
        self.guided: Counter[tuple[str, int, Semester]] = Counter()  # GUIDE-CAP spread
        self.guide_slots: Counter[tuple[int, Semester, int]] = Counter()  # guide_slot_cap
        # (kind, who, year, semester, slot) taken: a member visited, a slot key of the lead away
        self.busy: set[tuple[str, str, int, Semester, int]] = set()
        self.swap_years: dict[str, set[int]] = defaultdict(set)  # SWAP-EQ: runs never touch
        self.swapping: Counter[int] = Counter()  # SWAP-EQ: lead teachers on swap a year
        self.swapped_to: Counter[str] = Counter()  # swap-years a member received, to spread
        # COVER-3Y: the windows (not covered by history) each teacher needs an activity in
        cover = self.profile.rewards(COVER_3Y.id)
        self.windows = {t.teacher_id: windows(inst, t) for t in inst.teachers if cover}
        for h in inst.roster.history:
            if h.activity.year_long:
                for y in h.years():
                    self.placed[h.teacher_id][y] = h.host_kg
            else:
                if h.activity in covered:
                    index = self.horizon.semester_index(*semester_of(h.start))
                    self.cool_sems[h.teacher_id].append(index)
        self.forbidden: dict[tuple[str, Activity, int], list[Pin]] = defaultdict(list)
        for p in inst.roster.pins:
            if p.forbidden:
                self.forbidden[(p.teacher_id, p.activity, p.year)].append(p)

    # -- the procedure -------------------------------------------------------------------

    def run(self) -> list[Assignment]:
        self._place_pins()
        for year in self.horizon.year_list:
            self._swaps(year)
            self._exchanges(year)
            self._rotations(year)
            self._inductions(year)
            for sem in Semester:
                self._shadowing(year, sem)
            self._guidance(year)
            self._cooperation(year)
        return self.year_long + self._pack() + self.guidance

    @implements(CADRE_EX)
    def _exchanges(self, year: int) -> None:
        """CADRE-EX: the lead's cadres trade places with a cadre of a branch (alliance:
        member), kindergarten by kindergarten in roster order, until min(cadre_pairs, E)."""
        if not self.profile.enabled(CADRE_EX.id):
            return
        group = self.kgs[0].group
        need = min(self.profile.cadre_pairs, exchange_capacity(self.inst, group, year))
        done = 0
        for m in exchanges_in(self.inst, group):
            if done >= need:
                return
            lead_side = self._exchange_cadre(self.lead, m, year)
            member_side = self._exchange_cadre(m, self.lead, year)
            if lead_side is not None and member_side is not None:
                lead_id, member_id = lead_side.teacher_id, member_side.teacher_id
                self._place_year(lead_side, Activity.EXCHANGE, m, year, partner=member_id)
                self._place_year(member_side, Activity.EXCHANGE, self.lead, year, partner=lead_id)
                done += 1

    def _exchange_cadre(self, home: str, host: str, year: int) -> Teacher | None:
        """The first cadre of home free that year (and not the year before: one year at a
        time) whom TERM-2Y and the pins let go to host."""
        return next(
            (
                t
                for t in self.by_home[home]
                if t.cadre
                and self._free(t, year)
                and self.placed[t.teacher_id].get(year - 1) is None
                and self._term_ok(t, year, host)
                and not self._is_forbidden(t, Activity.EXCHANGE, year, host)
            ),
            None,
        )

    @implements(ROT_PER_GRADE)
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

    @implements(SWAP_EQ)
    def _swaps(self, year: int) -> None:
        """SWAP-EQ: lead backbones (of the grades with most backbones first) go to members,
        each with a young teacher of that member back, until min(swap_min, E) are away."""
        if not self.profile.enabled(SWAP_EQ.id):
            return
        by_grade = [self.backbones[(self.lead, g)] for g in Grade]
        need = min(self.profile.swap_min, swap_capacity(self.inst, self.kgs[0].group, year))
        for b in [t for ts in sorted(by_grade, key=len, reverse=True) for t in ts]:
            if self.swapping[year] >= need:
                return
            pair = self._swap_partner(b, year, self._swap_members(b))
            if pair is not None:
                self._place_swap(b, *pair, year)

    @implements(ROT_PER_GRADE)
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
                self._place_year(t, direction(self.inst, home, host), host, year)

    @implements(IND_LEAD, IND_MENTOR)
    def _inductions(self, year: int) -> None:
        """IND-LEAD: a new teacher spends her first year at the lead (the lead's own at home),
        paired with a mentor."""
        if not self.profile.enabled(IND_LEAD.id):
            return
        for t in self.inst.teachers:
            if t.grade is None or induction_year(self.inst, t) != year:
                continue
            if self._is_forbidden(t, Activity.INDUCTION, year, self.lead):
                continue
            away = t.home_kg != self.lead
            if away and not (
                self._free(t, year)
                and self._can_leave(t.home_kg, t.grade, year)
                and self._term_ok(t, year, self.lead)
            ):
                continue
            if not away and year in t.unavailable:
                continue
            mentor = self._mentor(t.grade, year)
            if mentor is not None:
                self._place_year(t, Activity.INDUCTION, self.lead, year, partner=mentor)

    @implements(SHD_EACH_SEM, COVER_3Y)
    def _shadowing(self, year: int, sem: Semester) -> None:
        """SHD-EACH-SEM: each non-lead kg sends its first eligible cadre or backbone, one
        still uncovered first (COVER-3Y); then every uncovered teacher who may go."""
        if self.profile.enabled(SHD_EACH_SEM.id):
            for home in self.kgs:
                if home.kg_id == self.lead or (home.kg_id, year, sem) in self.shadowed_from:
                    continue
                staff = sorted(self.by_home[home.kg_id], key=lambda t: not self._uncovered(t, year))
                for t in staff:
                    if (t.cadre or t.backbone) and self._can_shadow(t, year, sem):
                        self._place_short(t, Activity.SHADOWING, self.lead, year, sem)
                        break
        for t in self.inst.teachers:
            eligible = t.home_kg != self.lead and self._uncovered(t, year)
            if eligible and self._can_shadow(t, year, sem):
                self._place_short(t, Activity.SHADOWING, self.lead, year, sem)

    @implements(GUIDE_SIX)
    def _guidance(self, year: int) -> None:
        """GUIDE-SIX: visit by visit (each carrying the next items_per_visit items), every
        member in roster order gets one if any guide and slot can take it."""
        if not self.profile.enabled(GUIDE_SIX.id):
            return
        for _ in range(self.profile.visits_per_year):
            for m in members(self.inst, self.kgs[0].group):
                for sem in sorted(Semester, key=lambda s: (self.guided[(m, year, s)], s.order)):
                    if self._guide_visit(m, year, sem):
                        break

    @implements(GUIDE_COOP)
    def _cooperation(self, year: int) -> None:
        """GUIDE-COOP: each semester, visits to the members who have had fewest until the
        group holds coop_min (or no guide and slot can take one more)."""
        if not self.profile.enabled(GUIDE_COOP.id):
            return
        group = self.kgs[0].group
        for sem in Semester:
            while sum(self.guided[(m, year, sem)] for m in members(self.inst, group)) < (
                self.profile.coop_min
            ):
                order = sorted(
                    members(self.inst, group), key=lambda m: len(self._guidance_of(m, year))
                )
                if not any(self._guide_visit(m, year, sem) for m in order):
                    break

    def _guidance_of(self, member: str, year: int) -> list[Assignment]:
        return [a for a in self.guidance if a.host_kg == member and a.year == year]

    @implements(GUIDE_CAP, GUIDE_LEN, AWAY_SLOT, ONE_PLACE, PIN)
    def _guide_visit(
        self,
        member: str,
        year: int,
        sem: Semester,
        guides: list[Teacher] | None = None,
        slot: int | None = None,
    ) -> bool:
        """One visit to `member` in `sem` by the least-loaded guide of `guides` (default:
        the lead's guidance staff) in the first slot every rule leaves free (only `slot`, a
        pinned one, if given)."""
        p = self.profile
        given = self._guidance_of(member, year)
        spread = -(-p.visits_per_year // 2)  # GUIDE-CAP: per member and semester
        if len(given) >= p.visits_per_year or self.guided[(member, year, sem)] >= spread:
            return False
        pool = guides or [t for t in self.by_home[self.lead] if guide_staff(self.inst, t)]
        for t in sorted(pool, key=lambda t: self.guide_load[(t.teacher_id, year)]):
            if (
                year in t.unavailable
                or year in self.placed[t.teacher_id]
                or self.guide_load[(t.teacher_id, year)] >= p.guide_max_per_year
                or self._is_forbidden(t, Activity.GUIDANCE, year, member, sem)
                or (
                    self.profile.cool_guidance
                    and (
                        t.veto is not None
                        or not self._cooled(t, self.horizon.semester_index(year, sem))
                    )
                )
            ):
                continue
            free = next(
                (
                    s
                    for s in range(1, self.slots[(year, sem)] + 1)
                    if slot in (None, s)
                    and self.guide_slots[(year, sem, s)] < p.guide_slot_cap
                    and ("member", member, year, sem, s) not in self.busy  # GUIDE-CAP
                    and ("key", t.slot_key, year, sem, s) not in self.busy  # AWAY-SLOT
                ),
                None,
            )
            if free is not None:
                done = {i for a in given for i in a.items}
                items = tuple(i for i in p.guide_items if i not in done)[: p.items_per_visit]
                self._place_guidance(t, member, year, sem, free, items)
                return True
        return False

    # -- pins --------------------------------------------------------------------------

    @implements(PIN)
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
            elif p.activity is Activity.SWAP:
                self._pin_swap(t, p)
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
            elif p.activity is Activity.GUIDANCE:
                self._pin_guidance(t, p)
            else:
                sem = p.semester or self._pin_semester(t, p)
                self._place_short(t, p.activity, p.host_kg or self.lead, p.year, sem)
                if p.slot is not None:
                    self.pinned_slot[t.teacher_id, p.year, sem] = p.slot

    def _pin_guidance(self, t: Teacher, p: Pin) -> None:
        """A pinned guidance visit: to its member (else the first that can take it), in its
        semester (else either), if the teacher may guide and the host is a member (GUIDE-CAP)."""
        hosts = [m for m in members(self.inst, self.kgs[0].group) if p.host_kg in (None, m)]
        sems = [p.semester] if p.semester else list(Semester)
        if t.home_kg == self.lead and guide_staff(self.inst, t):
            for host in hosts:
                for sem in sems:
                    if self._guide_visit(host, p.year, sem, [t], slot=p.slot):
                        return
        log.warning("pinned guidance of %s in %s: no visit fits", t.teacher_id, p.year)

    def _pin_swap(self, t: Teacher, p: Pin) -> None:
        """A fixed swap of a lead backbone or of a member's young teacher, with a partner
        found for it; none while SWAP-EQ is off (swaps exist only then)."""
        span = self._swap_run(p.year)
        lead_side = self.backbones[(self.lead, t.grade)]
        pair: tuple[Teacher, str, Teacher] | None = None
        if not self.profile.enabled(SWAP_EQ.id):
            pass
        elif t in lead_side:
            members = [m for m in self._swap_members(t) if p.host_kg in (None, m)]
            found = self._swap_partner(t, p.year, members)
            pair = None if found is None else (t, *found)
        elif (
            p.host_kg in (None, self.lead)
            and t.home_kg in self._swap_members(t)
            and self._young_ok(t, span)
        ):
            b = next((b for b in lead_side if self._can_swap(b, t.home_kg, span)), None)
            pair = None if b is None else (b, t.home_kg, t)
        if pair is None:
            log.warning("pinned swap of %s in %s: no eligible pair", t.teacher_id, p.year)
        else:
            self._place_swap(*pair, p.year)

    def _pin_semester(self, t: Teacher, p: Pin) -> Semester:
        """The first semester of the pin's year with room for the visit (else autumn)."""
        for sem in Semester:
            if (t.teacher_id, p.year, sem) in self.short:
                continue
            if self.away_short[(t.home_kg, t.slot_key, p.year, sem)] >= self.slots[(p.year, sem)]:
                continue
            if p.activity is Activity.SHADOWING and self.stream[
                (t.cadre, p.year, sem)
            ] >= self._cap(t, p.year, sem):
                continue
            return sem
        return Semester.AUTUMN

    # -- eligibility -------------------------------------------------------------------

    @implements(ROT_PER_GRADE)
    def _sends(self, k: Kindergarten) -> bool:
        return sends(self.inst, k)

    def _present(self, kg_id: str, grade: Grade, year: int) -> int:
        key = (kg_id, grade, year)
        return self.inst.home_count(kg_id, grade) - self.away[key] + self.incoming[key]

    @implements(STAFF_CLASS)
    def _can_leave(self, kg_id: str, grade: Grade, year: int) -> bool:
        """STAFF-CLASS still holds at home with one teacher of the grade fewer."""
        return self._present(kg_id, grade, year) - 1 >= self.required[(kg_id, grade)]

    @implements(ONE_PLACE, REST_YEAR, RETIRE)
    def _free(self, t: Teacher, year: int, placement: bool = True) -> bool:
        """ONE-PLACE: available, no year-long placement (history included), no short visit;
        REST-YEAR and RETIRE (placements only): a placement then leaves the rest years at
        home around her other stays, and is not in the year she retires."""
        return (
            year not in t.unavailable
            and year not in self.placed[t.teacher_id]
            and (t.teacher_id, year) not in self.short_years
            and not (
                placement
                and (
                    (self.profile.enabled(RETIRE.id) and retires_in(self.inst, t, year))
                    or not self._rested(t, year)
                )
            )
        )

    def _rested(self, t: Teacher, year: int) -> bool:
        stays: list[list[int]] = []  # [first, last] of each run of placement years
        for y in sorted({*self.placed[t.teacher_id], year}):
            if stays and stays[-1][1] == y - 1:
                stays[-1][1] = y
            else:
                stays.append([y, y])
        rest = self.profile.rest_years
        return all(b - a > rest for (_, a), (b, _) in itertools.pairwise(stays))

    @implements(TERM_2Y)
    def _term_ok(self, t: Teacher, year: int, host: str, years: int = 1) -> bool:
        """TERM-2Y: the run of consecutive year-long placements through `years` years from
        `year` is short enough and keeps one host."""
        stay = dict.fromkeys(range(year, year + years), host)
        hosts: dict[int, str | None] = {**self.placed[t.teacher_id], **stay}
        first, last = year, year + years - 1
        while first - 1 in hosts:
            first -= 1
        while last + 1 in hosts:
            last += 1
        run = [hosts[y] for y in range(first, last + 1)]
        return len(run) <= self.profile.max_term_years and all(h == host for h in run)

    @implements(PIN)
    def _is_forbidden(
        self, t: Teacher, activity: Activity, year: int, host: str, sem: Semester | None = None
    ) -> bool:
        """PIN: a forbidden pin matches (host and semester only when the pin gives them)."""
        return any(
            (p.host_kg is None or p.host_kg == host) and (p.semester is None or p.semester == sem)
            for p in self.forbidden.get((t.teacher_id, activity, year), ())
        )

    @implements(ROT_PAIRS, ROT_DOWN, ROT_PER_GRADE, LEARN_CAP, SUP_YEAR, PIN, TERM_2Y)
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
            and not self._is_forbidden(t, direction(self.inst, home.kg_id, k.kg_id), year, k.kg_id)
            and self._term_ok(t, year, k.kg_id)
            and (
                k.tier <= home.tier
                or self.learners[(k.kg_id, grade, year)] < self.profile.learn_host_cap
            )
        ]
        if not hosts:
            return None
        best = min(
            hosts,
            key=lambda k: (
                k.tier > home.tier,  # support first; learning where no weaker host can take her
                k.tier,
                self.hosted[k.kg_id],
                self.position[k.kg_id],
            ),
        )
        return best.kg_id

    def _swap_run(self, year: int) -> range:
        """SWAP-EQ: a run of swap_years from `year`, cut where the plan ends."""
        return range(year, min(year + self.profile.swap_years, self.horizon.year_list[-1] + 1))

    def _swap_members(self, t: Teacher) -> list[str]:
        """Members a swap of the teacher's grade may involve: not affiliates, with classes of
        the grade; fewest swap-years received first, then the weakest."""
        members = [
            k
            for k in self.kgs
            if k.kg_id != self.lead
            and k.role is not Role.AFFILIATE
            and t.grade is not None
            and self.classes[(k.kg_id, t.grade)] > 0
        ]
        members.sort(key=lambda k: (self.swapped_to[k.kg_id], k.tier, self.position[k.kg_id]))
        return [k.kg_id for k in members]

    def _swap_partner(
        self, b: Teacher, year: int, members: list[str]
    ) -> tuple[str, Teacher] | None:
        """The first member (in the order given) with a young teacher of b's grade, both
        sides free for the run from `year`."""
        span = self._swap_run(year)
        for m in members:
            if not self._can_swap(b, m, span):
                continue
            for t in self.by_home[m]:
                if t.grade is b.grade and self._young_ok(t, span):
                    return m, t
        return None

    @implements(SWAP_EQ)
    def _young_ok(self, t: Teacher, span: range) -> bool:
        """SWAP-EQ's incoming side: not a cadre, young every year of the run, free to go."""
        young = all(is_young(self.inst, t, y) for y in span)
        return not t.cadre and young and self._can_swap(t, self.lead, span)

    @implements(SWAP_EQ, ONE_PLACE, PIN, IND_MENTOR, TERM_2Y)
    def _can_swap(self, t: Teacher, host: str, span: range) -> bool:
        """ONE-PLACE, PIN, IND-MENTOR and TERM-2Y over the run; runs of one teacher never
        touch (swaps in consecutive years would be one longer run)."""
        years = self.swap_years[t.teacher_id]
        return (
            all(
                self._free(t, y)
                and not self.mentees[(t.teacher_id, y)]
                and not self._is_forbidden(t, Activity.SWAP, y, host)
                for y in span
            )
            and self._term_ok(t, span[0], host, len(span))
            and span[0] - 1 not in years
            and span[-1] + 1 not in years
        )

    @implements(IND_MENTOR)
    def _mentor(self, grade: Grade, year: int) -> str | None:
        """IND-MENTOR: a backbone of the lead, of the grade, not away that year, with capacity
        left, in roster order."""
        for m in self.by_home[self.lead]:
            if m.grade is not grade or not m.backbone or year in m.unavailable:
                continue
            if self.mentees[(m.teacher_id, year)] >= self.profile.mentor_capacity:
                continue
            if year not in self.placed[m.teacher_id]:
                return m.teacher_id
        return None

    @implements(COVER_3Y)
    def _uncovered(self, t: Teacher, year: int) -> bool:
        """COVER-3Y: a window through `year` still has no activity of the teacher."""
        tid = t.teacher_id

        def active(y: int) -> bool:
            return y in self.placed[tid] or (tid, y) in self.short_years

        return any(year in w and not any(active(y) for y in w) for w in self.windows.get(tid, ()))

    @implements(SHD_CAP)
    def _cap(self, t: Teacher, year: int, sem: Semester) -> int:
        """SHD-CAP aggregated over the semester's slots, per stream."""
        limit = self.profile.cadre_cap if t.cadre else self.profile.teacher_cap
        return limit * self.slots[(year, sem)]

    @implements(SHD_COOL)
    def _cooled(self, t: Teacher, index: int) -> bool:
        """SHD-COOL: a visit in plan semester `index` lies 2 × cooldown_years semesters from
        every visit the rule covers (history included)."""
        gap = 2 * self.profile.cooldown_years
        return all(abs(index - s) >= gap for s in self.cool_sems[t.teacher_id])

    @implements(SHD_VETO, SHD_COOL, SHD_CAP, AWAY_SLOT, ONE_PLACE, PIN)
    def _can_shadow(self, t: Teacher, year: int, sem: Semester) -> bool:
        index = self.horizon.semester_index(year, sem)
        return (
            t.veto is None  # SHD-VETO
            and self._free(t, year, placement=False)
            and (t.teacher_id, year, sem) not in self.short
            and self._cooled(t, index)
            and self.away_short[(t.home_kg, t.slot_key, year, sem)] < self.slots[(year, sem)]
            and self.stream[(t.cadre, year, sem)] < self._cap(t, year, sem)
            and not self._is_forbidden(t, Activity.SHADOWING, year, self.lead, sem)
        )

    # -- bookkeeping -------------------------------------------------------------------

    def _place_year(
        self, t: Teacher, activity: Activity, host: str, year: int, partner: str | None = None
    ) -> None:
        self.year_long.append(Assignment(t.teacher_id, activity, host, year, partner=partner))
        if partner is not None and activity is Activity.INDUCTION:
            self.mentees[(partner, year)] += 1
        if host == t.home_kg:
            return  # the lead's own new teacher, inducted at home: no placement away
        self.placed[t.teacher_id][year] = host
        if t.grade is not None:
            self.away[(t.home_kg, t.grade, year)] += 1
            self.incoming[(host, t.grade, year)] += 1
        if activity in (Activity.ROTATION, Activity.LEARNING) and t.grade is not None:
            self.sent[(t.home_kg, t.grade, year)] += 1
        if activity is Activity.ROTATION:
            self.hosted[host] += 1
        elif activity is Activity.LEARNING and t.grade is not None:
            self.learners[(host, t.grade, year)] += 1

    def _place_swap(self, b: Teacher, member: str, t: Teacher, start: int) -> None:
        """Both sides of a swap, for every year of its run, naming each other as partner."""
        for y in self._swap_run(start):
            self._place_year(b, Activity.SWAP, member, y, partner=t.teacher_id)
            self._place_year(t, Activity.SWAP, self.lead, y, partner=b.teacher_id)
            self.swap_years[b.teacher_id].add(y)
            self.swap_years[t.teacher_id].add(y)
            self.swapping[y] += 1
            self.swapped_to[member] += 1

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
            self.cool_sems[t.teacher_id].append(self.horizon.semester_index(year, sem))

    def _place_guidance(
        self, t: Teacher, member: str, year: int, sem: Semester, slot: int, items: tuple[str, ...]
    ) -> None:
        self.guidance.append(
            Assignment(t.teacher_id, Activity.GUIDANCE, member, year, sem, slot, items=items)
        )
        self.guide_load[(t.teacher_id, year)] += 1
        self.guided[(member, year, sem)] += 1
        self.guide_slots[(year, sem, slot)] += 1
        self.busy |= {("member", member, year, sem, slot), ("key", t.slot_key, year, sem, slot)}
        self.short_years.add((t.teacher_id, year))  # ONE-PLACE: no placement that year
        if self.profile.cool_guidance:
            self.cool_sems[t.teacher_id].append(self.horizon.semester_index(year, sem))

    @implements(SHD_LEN, SHD_CAP, AWAY_SLOT)
    def _pack(self) -> list[Assignment]:
        """Deal each semester's shadowing into slots (guidance has its slots already: lead
        staff never share a slot key with shadowing visitors from elsewhere)."""
        out: list[Assignment] = []
        for (year, sem), visits in sorted(
            self.visits.items(), key=lambda kv: (kv[0][0], kv[0][1].order)
        ):
            fixed = {
                v.teacher.teacher_id: slot
                for v in visits
                if (slot := self.pinned_slot.get((v.teacher.teacher_id, year, sem))) is not None
            }
            slot_of = pack_slots((v.teacher for v in visits), self.slots[(year, sem)], fixed)
            for v in visits:
                t = v.teacher
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
