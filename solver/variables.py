"""Eligibility pruning and the decision variables of one group's model.

Only placements some rule could allow get a variable, so the rule modules never see an
ineligible one. Rules enforced here (a reader looking for them lands in this file):

- ROT-PAIRS: rotation hosts follow the group mode (`rotation_hosts`).
- SHD-VETO: a teacher with a veto reason gets no shadowing variable.
- SHD-LEN, GUIDE-LEN: a visit is one slot by construction: short visits are decided per
  semester, and solver/packing.py gives each chosen visit exactly one slot.
- TERM-2Y and SHD-COOL against history records (the in-plan parts are in rotation.py and
  shadowing.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, partial
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ..model import Activity, Grade, Instance, Role, Semester, Teacher, semester_of
from .swap import Swaps

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
        kgs = instance.kindergartens
        if tight:
            sending = tuple(k.kg_id for k in kgs if k.role in (Role.LEAD, Role.BRANCH))
        else:
            sending = tuple(k.kg_id for k in kgs if k.role is not Role.AFFILIATE)
        roles = (Role.BRANCH,) if tight else (Role.MEMBER, Role.BRANCH)
        receivers = tuple(k.kg_id for k in kgs if k.role in roles)
        return cls(name, instance.lead_of[name], tight, sending, receivers)


def eligible_anyway(instance: Instance) -> set[tuple[str, Activity]]:
    """Teacher-activity pairs that get variables beyond the dominance pruning: fixed pins, and
    the previous plan's assignments when stability rewards keeping them."""
    out = {(p.teacher_id, p.activity) for p in instance.roster.pins if not p.forbidden}
    if instance.profile.stability > 0:
        out |= {(a.teacher_id, a.activity) for a in instance.previous}
    return out


def yearlong_history(instance: Instance, teacher_id: str) -> dict[int, str | None]:
    """Academic year → host of the teacher's past year-long placements (TERM-2Y runs)."""
    return {
        year: h.host_kg
        for h in instance.history_by_teacher.get(teacher_id, ())
        if h.activity.year_long
        for year in h.years()
    }


def shadowing_history(instance: Instance, teacher_id: str) -> list[int]:
    """Semester indices (relative to the plan) covered by past shadowing visits (SHD-COOL)."""
    out: list[int] = []
    for h in instance.history_by_teacher.get(teacher_id, ()):
        if h.activity is Activity.SHADOWING:
            first = instance.horizon.semester_index(*semester_of(h.start))
            last = instance.horizon.semester_index(*semester_of(h.end or h.start))
            out.extend(range(first, last + 1))
    return out


def last_history_year(instance: Instance, teacher_id: str) -> int | None:
    years = [max(h.years()) for h in instance.history_by_teacher.get(teacher_id, ())]
    return max(years) if years else None


def rotation_hosts(instance: Instance, facts: GroupFacts, teacher: Teacher) -> list[str]:
    """ROT-PAIRS: hosts in the group other than home with classes of the teacher's grade.

    Affiliates neither send nor host; in a tight group exactly one of home and host is the lead.
    """
    if teacher.grade is None:
        return []
    grade = teacher.grade
    pairs = instance.profile.enabled("ROT-PAIRS")
    home = instance.kg[teacher.home_kg]
    out = []
    for host in instance.kindergartens:
        if host.kg_id == home.kg_id or host.classes_of(grade) == 0:
            continue
        if pairs:
            if Role.AFFILIATE in (home.role, host.role):
                continue
            if facts.tight and (home.kg_id == facts.lead) == (host.kg_id == facts.lead):
                continue
        out.append(host.kg_id)
    return out


def term_allows(history: dict[int, str | None], host: str, span: range, max_years: int) -> bool:
    """TERM-2Y against history: a stay over `span` joined to adjacent records is short, one host."""
    if any(y in history for y in span):
        return False  # already away then per the records
    if any(adj in history and history[adj] != host for adj in (span[0] - 1, span[-1] + 1)):
        return False
    before = next(n for n in range(len(history) + 1) if span[0] - 1 - n not in history)
    after = next(n for n in range(len(history) + 1) if span[-1] + 1 + n not in history)
    return before + len(span) + after <= max_years


class Variables:
    """Every decision variable of one group with the lookups the rule modules use.

    - ``rot[(t, host, y)]``: teacher t rotates to host for academic year y.
    - ``ind[t]``: new teacher t is inducted at the lead in ``ind_year[t]``.
    - ``shd[(t, i)]``: teacher t shadows at the lead in plan semester i (0 = first autumn).
    - ``swaps``: swap runs and their yearly channels (solver/swap.py; empty unless SWAP-EQ).
    - ``placed[(t, y)]``: t is on some year-long placement in y, channelled as the sum of
      the rotation, induction and swap variables; being a 0/1 sum, it also keeps a teacher to
      one placement a year (ONE-PLACE). Rules state presence, terms and staffing through it, so
      they stay small however many hosts there are.
    - ``guide[(p, i)]``: guidance visits the lead's person p makes in plan semester i;
      ``guided[(m, i)]``: visits member m receives then; ``reserve[(p, m, i)]``: one of them
      is p visiting m (a pinned or previously planned visit). Who visits whom, in which
      slot and with which item is decided after solving (solver/guidance.py).
    """

    def __init__(self, model: cp_model.CpModel, instance: Instance) -> None:
        self.instance = instance
        self.facts = GroupFacts.of(instance)
        self.years = instance.horizon.year_list
        self.semesters: tuple[tuple[int, Semester], ...] = tuple(
            (y, s) for y in self.years for s in sorted(Semester, key=lambda s: s.order)
        )
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
            Swaps.create(model, instance, self._term_ok, self.aux)
            if instance.profile.enabled("SWAP-EQ")
            else Swaps()
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

    def _add_rotations(self, model: cp_model.CpModel, t: Teacher, pinned: bool) -> None:
        if not (t.backbone or pinned):
            return
        for y in self.years:
            if y in t.unavailable:
                continue
            for host in rotation_hosts(self.instance, self.facts, t):
                if not self._term_ok(t, host, range(y, y + 1)):
                    continue
                self.rot[(t.teacher_id, host, y)] = model.new_bool_var(
                    f"rot[{t.teacher_id},{host},{y}]"
                )

    def _term_ok(self, t: Teacher, host: str, span: range) -> bool:
        """TERM-2Y against history for a stay at host over span (always true when off)."""
        profile = self.instance.profile
        if not profile.enabled("TERM-2Y"):
            return True
        history = self._history.get(t.teacher_id)
        if history is None:  # once per teacher: asked for every host and year
            history = self._history[t.teacher_id] = yearlong_history(self.instance, t.teacher_id)
        return term_allows(history, host, span, profile.max_term_years)

    def _add_induction(self, model: cp_model.CpModel, t: Teacher) -> None:
        """IND-LEAD: only new teachers away from the lead, only in their first year."""
        profile = self.instance.profile
        year = self.instance.induction_year(t)
        if year is None or t.home_kg == self.facts.lead or not profile.enabled("IND-LEAD"):
            return
        self.ind_year[t.teacher_id] = year
        if year in t.unavailable or not self._term_ok(t, self.facts.lead, range(year, year + 1)):
            return
        self.ind[t.teacher_id] = model.new_bool_var(f"ind[{t.teacher_id}]")

    def _add_shadowing(self, model: cp_model.CpModel, t: Teacher, pinned: bool) -> None:
        """Shadowing is at the lead by teachers from elsewhere.

        Only cadres and backbones count for SHD-EACH-SEM, so while COVER-3Y is off (it rewards
        anyone's visit) other teachers get a variable only when a pin fixes their visit
        (dominance, not a rule).
        """
        profile = self.instance.profile
        rewarded = t.cadre or t.backbone or pinned or profile.enabled("COVER-3Y")
        if t.home_kg == self.facts.lead or not rewarded:
            return
        if t.veto and profile.enabled("SHD-VETO"):
            return
        away = yearlong_history(self.instance, t.teacher_id)
        gap = 2 * profile.cooldown_years if profile.enabled("SHD-COOL") else 0
        past = shadowing_history(self.instance, t.teacher_id)
        for i, (y, _) in enumerate(self.semesters):
            if y in t.unavailable or y in away or any(abs(i - h) < gap for h in past):
                continue
            self.shd[(t.teacher_id, i)] = model.new_bool_var(f"shd[{t.teacher_id},{i}]")

    def _add_guidance(self, model: cp_model.CpModel, fixed: set[tuple[str, Activity]]) -> None:
        """Guidance counts per semester (packed into slots by solver/packing.py).

        Guides are the lead's guidance staff (`Instance.guide_staff`) when GUIDE-SIX asks for
        visits, and otherwise only those a pin or the previous plan has guiding; no guide, no
        variable. Reservations are the pinned or previously planned (guide, member, semester)
        visits that the packing honours first.
        """
        inst, profile = self.instance, self.instance.profile
        slots = inst.horizon.slots_per_semester
        capped = profile.enabled("GUIDE-CAP")
        wanted = {t for t, activity in fixed if activity is Activity.GUIDANCE}
        guides = [
            t
            for t in inst.teachers
            if t.home_kg == self.facts.lead
            and (inst.guide_staff(t) or not capped)
            and (profile.enabled("GUIDE-SIX") or t.teacher_id in wanted)
        ]
        if not guides:
            return
        most = min(slots, profile.guide_max_per_year) if capped else slots
        for t in guides:
            for i, (y, _) in enumerate(self.semesters):
                if y not in t.unavailable:
                    self.guide[(t.teacher_id, i)] = model.new_int_var(
                        0, most, f"guide[{t.teacher_id},{i}]"
                    )
        spread = min(slots, -(-len(profile.guide_items) // 2)) if capped else slots
        for m in inst.members(self.facts.name):
            for i in range(len(self.semesters)):
                self.guided[(m, i)] = model.new_int_var(0, spread, f"guided[{m},{i}]")
        for guide, m, i in sorted(self._reservations()):
            if (guide, i) in self.guide and (m, i) in self.guided:
                self.reserve[(guide, m, i)] = model.new_bool_var(f"reserve[{guide},{m},{i}]")

    def _reservations(self) -> set[tuple[str, str, int]]:
        """(guide, member, semester) of fixed pins naming a host, and of the previous plan."""
        horizon = self.instance.horizon
        out: set[tuple[str, str, int]] = set()
        for pin in self.instance.roster.pins:
            if pin.activity is Activity.GUIDANCE and not pin.forbidden and pin.host_kg:
                for i in self.semesters_of(pin.year):
                    if pin.semester in (None, self.semesters[i][1]):
                        out.add((pin.teacher_id, pin.host_kg, i))
        if self.instance.profile.stability > 0:
            for a in self.instance.previous:
                if a.activity is Activity.GUIDANCE and a.semester is not None:
                    out.add((a.teacher_id, a.host_kg, horizon.semester_index(a.year, a.semester)))
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
        out = list(self.rotations(teacher_id, year)) + self.swaps.of(teacher_id, year)
        if teacher_id in self.ind and self.ind_year[teacher_id] == year:
            out.append((self.facts.lead, self.ind[teacher_id]))
        return out

    def hosted(self, host: str, year: int) -> list[tuple[str, cp_model.IntVar]]:
        """(teacher, var) of rotations into a host that year."""
        return self._rot_by_host_year.get((host, year), [])

    def inducted(self, year: int, grade: Grade) -> list[tuple[str, cp_model.IntVar]]:
        """(teacher, var) of possible inductions at the lead that year, of that grade."""
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
        yield from self.guide.values()
        yield from self.guided.values()
        yield from self.reserve.values()


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
