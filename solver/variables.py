"""The decision variables of one group's model.

Only placements some rule could allow get a variable, so the rule builders never see an
ineligible one. Which ones those are, each family decides (solver/rules/): rotation hosts
and TERM-2Y against history (rotation.py), new teachers' induction year (induction.py),
the semesters a teacher may shadow in (shadowing.py), who may guide (guidance.py), swap
sides (swap.py), and what pins or the previous plan open anyway (pins.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property, partial
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ..model import Activity, Grade, Instance, Semester, Teacher
from ..model.rules.guidance import GUIDE_CAP, members
from ..model.rules.rotation import (
    REST_YEAR,
    RETIRE,
    TERM_2Y,
    direction,
    receivers,
    retires_in,
    sends,
)
from ..model.rules.swap import CADRE_EX, SWAP_EQ
from .rules.guidance import guides
from .rules.induction import induction_candidate
from .rules.pins import eligible_anyway
from .rules.rotation import rest_allows, rotation_hosts, term_allows, yearlong_history
from .rules.shadowing import cool_allows, semesters_open
from .rules.swap import Swaps
from .slotted import Grid

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .violations import Aux, ValueOf

RotKey = tuple[str, str, int]  # teacher id, host kg, year


@dataclass(frozen=True)
class GroupFacts:
    """What the rules need to know about the group itself."""

    name: str
    lead: str
    tight: bool
    sending: tuple[str, ...]  # ROT-PER-GRADE: kindergartens with per-grade quotas
    receivers: tuple[str, ...]  # fairness: branches (tight); members and branches (loose)

    @classmethod
    def of(cls, instance: Instance) -> GroupFacts:
        groups = instance.roster.groups
        if len(groups) != 1:
            raise ValueError(
                f"Must solve one group at a time, got {len(groups)}: use Instance.for_group."
            )
        name = groups[0]
        tight = instance.group_mode(name) == "tight"
        sending = tuple(k.kg_id for k in instance.kindergartens if sends(instance, k))
        return cls(name, instance.lead_of[name], tight, sending, receivers(instance, name))


class Variables:
    """Every decision variable of one group with the lookups the rule modules use.

    - ``rot[(t, host, y)]``: teacher t rotates to host for academic year y.
    - ``rot[(t, host, y)]`` is a backbone's year at another kindergarten: support (rotation)
      or learning, as `activity_of` names it by the hosts' tiers (ROT-DOWN).
    - ``ind[t]``: new teacher t is inducted, with a mentor, at the lead in ``ind_year[t]``
      (the lead's own new teachers at home: no placement away).
    - ``shd[(t, i)]``: teacher t shadows at the lead in plan semester i (0 = first autumn).
    - ``swaps``, ``exchanges``: swap and cadre-exchange runs and their yearly channels
      (solver/rules/swap.py; empty unless SWAP-EQ, CADRE-EX).
    - ``placed[(t, y)]``: t is on some year-long placement in y, channelled as the sum of
      the rotation, induction and swap variables; being a 0/1 sum, it also keeps a teacher to
      one placement a year (ONE-PLACE). Rules state presence, terms and staffing through it, so
      they stay small however many hosts there are.
    - ``guide[(p, i)]``: guidance visits the lead's person p makes in plan semester i;
      ``guided[(m, i)]``: visits member m receives then; ``reserve[(p, m, i)]``: one of them
      is p visiting m (a pinned visit). Who visits whom, in which slot and with which item
      is decided after solving (solver/rules/guidance.py).
    - ``shadow_grid``, ``guide_grid``: the visits placed in slots by the model, in the
      semesters where a previous or pinned visit holds its slot (solver/slotted.py).
    """

    def __init__(self, model: cp_model.CpModel, instance: Instance) -> None:
        self.instance = instance
        self.facts = GroupFacts.of(instance)
        self.years = instance.horizon.year_list
        self.semesters: tuple[tuple[int, Semester], ...] = instance.horizon.semesters
        self.slots = tuple(instance.horizon.slot_count(y, s) for y, s in self.semesters)
        self.rot: dict[RotKey, cp_model.IntVar] = {}
        self.ind: dict[str, cp_model.IntVar] = {}
        self.ind_year: dict[str, int] = {}
        self.shd: dict[tuple[str, int], cp_model.IntVar] = {}
        self.aux: list[Aux] = []  # channel variables, with their value from the decisions
        self._history: dict[str, dict[int, str | None]] = {}  # yearlong_history per teacher
        fixed = eligible_anyway(instance)
        for t in instance.teachers:
            self._add_rotations(model, t, (t.teacher_id, Activity.ROTATION) in fixed)
            self._add_induction(model, t)
            self._add_shadowing(model, t, (t.teacher_id, Activity.SHADOWING) in fixed)
        self.swaps = (
            Swaps.create(model, instance, self._may_stay, self.aux)
            if instance.profile.enabled(SWAP_EQ.id)
            else Swaps()
        )
        self.exchanges = (
            Swaps.exchanges(model, instance, self._may_stay, self.aux)
            if instance.profile.enabled(CADRE_EX.id)
            else Swaps(Activity.EXCHANGE)
        )
        self.placed: dict[tuple[str, int], cp_model.IntVar] = {}
        for t in instance.teachers:
            for y in self.years:
                options = [var for _, var in self.placements(t.teacher_id, y)]
                if len(options) == 1:
                    self.placed[(t.teacher_id, y)] = options[0]
                elif options:
                    placed = model.new_bool_var(f"placed[{t.teacher_id},{y}]")
                    model.add(placed == cp_model.LinearExpr.sum(options))
                    self.placed[(t.teacher_id, y)] = placed
                    self.aux.append((placed, partial(_total, options)))
        self.guide: dict[tuple[str, int], cp_model.IntVar] = {}
        self.guided: dict[tuple[str, int], cp_model.IntVar] = {}
        self.reserve: dict[tuple[str, str, int], cp_model.IntVar] = {}
        self._add_guidance(model, fixed)
        lead = [self.facts.lead]
        self.shadow_grid = Grid.create(
            model,
            instance,
            Activity.SHADOWING,
            self.shd,
            dict.fromkeys(range(len(self.slots)), lead),
        )
        hosts: dict[int, list[str]] = defaultdict(list)
        for m, i in self.guided:
            hosts[i].append(m)
        self.guide_grid = Grid.create(model, instance, Activity.GUIDANCE, self.guide, hosts)

    def _add_rotations(self, model: cp_model.CpModel, t: Teacher, pinned: bool) -> None:
        if not (t.backbone or pinned):
            return
        hosts = rotation_hosts(self.instance, self.facts, t)
        for y in self.years:
            if not hosts or y in t.unavailable or not self._year_open(t, y):
                continue
            for host in hosts:
                if self._term_open(t, host, range(y, y + 1)):
                    self.rot[(t.teacher_id, host, y)] = model.new_bool_var(
                        f"rot[{t.teacher_id},{host},{y}]"
                    )

    def _may_stay(self, t: Teacher, host: str, span: range) -> bool:
        """RETIRE, and TERM-2Y and REST-YEAR against history, for a stay at host over span
        (each only while on)."""
        return all(self._year_open(t, y) for y in span) and self._term_open(t, host, span)

    def _year_open(self, t: Teacher, year: int) -> bool:
        """RETIRE and REST-YEAR against history: whatever the host."""
        profile = self.instance.profile
        if profile.enabled(RETIRE.id) and retires_in(self.instance, t, year):
            return False
        return not profile.enabled(REST_YEAR.id) or rest_allows(
            self.instance, t.teacher_id, year, self._past(t)
        )

    def _term_open(self, t: Teacher, host: str, span: range) -> bool:
        """TERM-2Y against history."""
        profile = self.instance.profile
        if not profile.enabled(TERM_2Y.id):
            return True
        return term_allows(self._past(t), host, span, profile.max_term_years)

    def _past(self, t: Teacher) -> dict[int, str | None]:
        """The teacher's past year-long placements (once per teacher: asked for every host
        and year)."""
        history = self._history.get(t.teacher_id)
        if history is None:
            history = self._history[t.teacher_id] = yearlong_history(self.instance, t.teacher_id)
        return history

    def _add_induction(self, model: cp_model.CpModel, t: Teacher) -> None:
        year = induction_candidate(self.instance, t)
        if year is None:
            return
        self.ind_year[t.teacher_id] = year
        away = t.home_kg != self.facts.lead
        if year in t.unavailable or (
            away and not self._may_stay(t, self.facts.lead, range(year, year + 1))
        ):
            return
        self.ind[t.teacher_id] = model.new_bool_var(f"ind[{t.teacher_id}]")

    def _add_shadowing(self, model: cp_model.CpModel, t: Teacher, pinned: bool) -> None:
        for i in semesters_open(self.instance, self.facts.lead, t, self.semesters, pinned):
            self.shd[(t.teacher_id, i)] = model.new_bool_var(f"shd[{t.teacher_id},{i}]")

    def _add_guidance(self, model: cp_model.CpModel, fixed: set[tuple[str, Activity]]) -> None:
        """Guidance counts per semester (packed into slots by solver/packing.py).

        Guides as `guides` says (no guide, no variable). Reservations are the pinned (guide,
        member, semester) visits that the packing honours first; the previous plan's visits
        hold their slots instead (`guide_grid`).
        """
        inst, profile = self.instance, self.instance.profile
        capped = profile.enabled(GUIDE_CAP.id)
        wanted = {t for t, activity in fixed if activity is Activity.GUIDANCE}
        staff = guides(inst, self.facts.lead, wanted)
        if not staff:
            return
        spread = -(-profile.visits_per_year // 2)  # GUIDE-CAP: per member and semester
        for i, ((y, _), slots) in enumerate(zip(self.semesters, self.slots, strict=True)):
            most = min(slots, profile.guide_max_per_year) if capped else slots
            for t in staff:
                cooled = not profile.cool_guidance or cool_allows(inst, t.teacher_id, i)
                if y not in t.unavailable and cooled:
                    self.guide[(t.teacher_id, i)] = model.new_int_var(
                        0, most, f"guide[{t.teacher_id},{i}]"
                    )
        for m in members(inst, self.facts.name):
            for i, slots in enumerate(self.slots):
                top = min(slots, spread) if capped else slots
                self.guided[(m, i)] = model.new_int_var(0, top, f"guided[{m},{i}]")
        for guide, m, i in sorted(self._reservations()):
            if (guide, i) in self.guide and (m, i) in self.guided:
                self.reserve[(guide, m, i)] = model.new_bool_var(f"reserve[{guide},{m},{i}]")

    def _reservations(self) -> set[tuple[str, str, int]]:
        """(guide, member, semester) of fixed pins naming a host but no slot."""
        out: set[tuple[str, str, int]] = set()
        for pin in self.instance.roster.pins:
            if pin.activity is not Activity.GUIDANCE or pin.forbidden or not pin.host_kg:
                continue
            if pin.slot is None:
                for i in self.semesters_of(pin.year):
                    if pin.semester in (None, self.semesters[i][1]):
                        out.add((pin.teacher_id, pin.host_kg, i))
        return out

    # Lookups -----------------------------------------------------------------------------

    @cached_property
    def _rot_by_teacher_year(self) -> dict[tuple[str, int], list[tuple[str, cp_model.IntVar]]]:
        out: dict[tuple[str, int], list[tuple[str, cp_model.IntVar]]] = {}
        for (t, host, y), var in self.rot.items():
            out.setdefault((t, y), []).append((host, var))
        return out

    @cached_property
    def _rot_by_host_year(self) -> dict[tuple[str, int], list[tuple[str, cp_model.IntVar]]]:
        out: dict[tuple[str, int], list[tuple[str, cp_model.IntVar]]] = {}
        for (t, host, y), var in self.rot.items():
            out.setdefault((host, y), []).append((t, var))
        return out

    @cached_property
    def _shd_by_semester(self) -> dict[int, list[tuple[str, cp_model.IntVar]]]:
        return _by_semester(self.shd)

    @cached_property
    def by_home(self) -> dict[str, list[Teacher]]:
        out: dict[str, list[Teacher]] = {k.kg_id: [] for k in self.instance.kindergartens}
        for t in self.instance.teachers:
            out[t.home_kg].append(t)
        return out

    def home_teachers(self, kg_id: str, grade: Grade) -> list[Teacher]:
        return [t for t in self.by_home[kg_id] if t.grade is grade]

    def rotations(self, teacher_id: str, year: int) -> list[tuple[str, cp_model.IntVar]]:
        """(host, var) of the teacher's possible rotations that year."""
        return self._rot_by_teacher_year.get((teacher_id, year), [])

    def placements(self, teacher_id: str, year: int) -> list[tuple[str, cp_model.IntVar]]:
        """(host, var) of every year-long placement the teacher may take that year."""
        out = [
            *self.rotations(teacher_id, year),
            *self.swaps.of(teacher_id, year),
            *self.exchanges.of(teacher_id, year),
        ]
        if teacher_id in self.ind and self.ind_year[teacher_id] == year and self.away[teacher_id]:
            out.append((self.facts.lead, self.ind[teacher_id]))
        return out

    @cached_property
    def away(self) -> dict[str, bool]:
        """Teacher → whether an induction takes her away from home (not the lead's own)."""
        lead = self.facts.lead
        return {t: self.instance.teacher[t].home_kg != lead for t in self.ind}

    def activity_of(self, teacher_id: str, host: str) -> Activity:
        """Support (rotation) or learning: what a backbone's year at host is (ROT-DOWN)."""
        return direction(self.instance, self.instance.teacher[teacher_id].home_kg, host)

    def hosted(self, host: str, year: int) -> list[tuple[str, cp_model.IntVar]]:
        """(teacher, var) of rotations and learning years into a host that year."""
        return self._rot_by_host_year.get((host, year), [])

    def supported(self, host: str, year: int) -> list[tuple[str, cp_model.IntVar]]:
        """(teacher, var) of support rotations into a host that year."""
        return [
            (t, var)
            for t, var in self.hosted(host, year)
            if self.activity_of(t, host) is Activity.ROTATION
        ]

    def inducted(self, year: int, grade: Grade) -> list[tuple[str, cp_model.IntVar]]:
        """(teacher, var) of possible inductions that year, of that grade (the lead's own
        new teachers included)."""
        teacher = self.instance.teacher
        return [
            (t, var)
            for t, var in self.ind.items()
            if self.ind_year[t] == year and teacher[t].grade is grade
        ]

    def shadowing(self, semester: int) -> list[tuple[str, cp_model.IntVar]]:
        """(teacher, var) of possible shadowing visits in a plan semester."""
        return self._shd_by_semester.get(semester, [])

    def shadowing_of(self, teacher_id: str) -> list[tuple[int, cp_model.IntVar]]:
        return [
            (i, self.shd[(teacher_id, i)])
            for i in range(len(self.semesters))
            if (teacher_id, i) in self.shd
        ]

    @cached_property
    def _guide_by_semester(self) -> dict[int, list[tuple[str, cp_model.IntVar]]]:
        return _by_semester(self.guide)

    def guiding(self, semester: int) -> list[tuple[str, cp_model.IntVar]]:
        """(guide, count) of guidance visits the lead's staff may make in a plan semester."""
        return self._guide_by_semester.get(semester, [])

    def semesters_of(self, year: int) -> list[int]:
        return [i for i, (y, _) in enumerate(self.semesters) if y == year]

    def all_vars(self) -> Iterable[cp_model.IntVar]:
        """The decision variables (channels and auxiliaries excluded)."""
        yield from self.rot.values()
        yield from self.ind.values()
        yield from self.shd.values()
        yield from self.swaps.start.values()
        yield from self.exchanges.start.values()
        yield from self.guide.values()
        yield from self.guided.values()
        yield from self.reserve.values()
        yield from self.shadow_grid.variables()
        yield from self.guide_grid.variables()


def _by_semester(
    variables: dict[tuple[str, int], cp_model.IntVar],
) -> dict[int, list[tuple[str, cp_model.IntVar]]]:
    """Plan semester → (teacher, var) of a (teacher, semester)-keyed family."""
    out: dict[int, list[tuple[str, cp_model.IntVar]]] = {}
    for (t, i), var in variables.items():
        out.setdefault(i, []).append((t, var))
    return out


def _total(xs: list[cp_model.IntVar], value_of: ValueOf) -> int:
    return sum(value_of(x) for x in xs)
