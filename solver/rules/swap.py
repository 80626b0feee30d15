"""Pair exchanges on the CP-SAT side: swaps (置换交流, SWAP-EQ; 002 plan 4 四(三)1): lead
backbones go to members for a year, as many young teachers of those members come to the lead;
and cadre exchanges (干部交流, CADRE-EX; 000 三(二)2 互派管理人员双向交流, 002 plan 4 四(二)11
互派干部挂职锻炼): the lead's cadres and a member's cadres trade places for a year. The rules'
meaning: model/rules/swap.py.

A swap is decided as the *start* of a run of ``swap_years`` years (cut where the plan ends),
so a run keeps its host and partner by construction. Per member, grade and start year the
lead's starts equal the member's (pairs are formed within that set after solving, which is
always possible with equal counts), so staffing stays balanced and every swap has a partner.
Two runs of one teacher never touch (swaps in consecutive years would be one longer run).
Swaps are year-long placements: `Variables.placements` lists them, so ONE-PLACE, TERM-2Y
(with history via the eligibility check), STAFF-CLASS, IND-MENTOR presence and PIN see them.

variables.py builds both `Swaps` (one per rule) while it creates its variables, before the
``placed`` channels that sum them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ...model import Activity, Assignment, Grade, Instance, Role, Teacher
from ...model.rules.swap import (
    CADRE_EX,
    SWAP_EQ,
    exchange_capacity,
    exchanges_in,
    is_young,
    swap_capacity,
)
from ..violations import Aux, ValueOf, Violations
from .base import Family

if TYPE_CHECKING:
    from ..variables import Variables

SwapKey = tuple[str, str, int]  # teacher id, host kg, year
SideKey = tuple[str, Grade | None, int]  # member, grade (None: cadres), run start
# TERM-2Y against history: may the teacher be away at host over these years?
TermCheck = Callable[[Teacher, str, range], bool]


@dataclass
class Swaps:
    """The pair variables of one group and rule (`activity`: swaps or cadre exchanges);
    empty while the rule is off.

    - ``start[(t, host, s)]``: t begins a run at host in year s.
    - ``on[(t, host, y)]``: t is away at host in year y (the start covering y, or a
      channel summing the starts covering y).
    - ``sides[(m, grade, s)]``: the lead's starts to m and m's starts to the lead, of that
      grade (None for cadres), in year s.
    """

    activity: Activity = Activity.SWAP
    years: tuple[int, ...] = ()
    length: int = 1
    lead: str = ""
    start: dict[SwapKey, cp_model.IntVar] = field(default_factory=dict)
    on: dict[SwapKey, cp_model.IntVar] = field(default_factory=dict)
    sides: dict[SideKey, tuple[list[str], list[str]]] = field(default_factory=dict)
    _by_teacher: defaultdict[tuple[str, int], list[tuple[str, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list), repr=False
    )
    _by_host: defaultdict[tuple[str, int], list[tuple[str, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list), repr=False
    )
    _starts: defaultdict[tuple[str, int], list[cp_model.IntVar]] = field(
        default_factory=lambda: defaultdict(list), repr=False
    )

    @classmethod
    def create(
        cls, model: cp_model.CpModel, instance: Instance, allows: TermCheck, aux: list[Aux]
    ) -> Swaps:
        """Variables for every eligible side of a pair (SWAP-EQ detail), channels into ``aux``.

        A backbone's start exists per member; a young teacher's only in her home member's
        side of her grade. The young side must be young and both sides available in every
        year of the run (the detail asks it of each swap's year).
        """
        [group] = instance.roster.groups
        lead = instance.lead_of[group]
        out = cls(Activity.SWAP, instance.horizon.year_list, instance.profile.swap_years, lead)
        backbones = [
            t
            for t in instance.teachers
            if t.home_kg == lead and t.backbone and not t.cadre and t.grade is not None
        ]
        members = [
            k for k in instance.kindergartens if k.kg_id != lead and k.role is not Role.AFFILIATE
        ]
        free = out._free(instance, allows)
        for s in out.years:
            span = out.run(s)
            for m in members:
                for grade in Grade:
                    if m.classes_of(grade) == 0:
                        continue
                    outgoing = [
                        b.teacher_id
                        for b in backbones
                        if b.grade is grade and free(b, m.kg_id, span)
                    ]
                    incoming = [
                        t.teacher_id
                        for t in instance.teachers
                        if t.home_kg == m.kg_id
                        and t.grade is grade
                        and not t.cadre
                        and all(is_young(instance, t, y) for y in span)
                        and free(t, lead, span)
                    ]
                    out._add_side(model, (m.kg_id, grade, s), outgoing, incoming)
        out._channel(model, aux)
        out._index()
        return out

    @classmethod
    def exchanges(
        cls, model: cp_model.CpModel, instance: Instance, allows: TermCheck, aux: list[Aux]
    ) -> Swaps:
        """CADRE-EX: a one-year exchange of a lead cadre and a cadre of a member (`exchanges_in`
        says which), both available that year."""
        [group] = instance.roster.groups
        lead = instance.lead_of[group]
        out = cls(Activity.EXCHANGE, instance.horizon.year_list, 1, lead)
        cadres = [t for t in instance.teachers if t.cadre]
        free = out._free(instance, allows)
        for s in out.years:
            span = out.run(s)
            for m in exchanges_in(instance, group):
                outgoing = [t.teacher_id for t in cadres if t.home_kg == lead and free(t, m, span)]
                incoming = [t.teacher_id for t in cadres if t.home_kg == m and free(t, lead, span)]
                out._add_side(model, (m, None, s), outgoing, incoming)
        out._channel(model, aux)
        out._index()
        return out

    def _free(self, instance: Instance, allows: TermCheck) -> TermCheck:
        """Available every year of the span, `allows`, and the run touches no earlier run of
        this kind, a past one included (it would be one run longer than its own count)."""
        past = {
            tid: {y for h in records if h.activity is self.activity for y in h.years()}
            for tid, records in instance.history_by_teacher.items()
        }

        def free(t: Teacher, host: str, span: range) -> bool:
            if span[0] - 1 in past.get(t.teacher_id, ()):
                return False
            return not any(y in t.unavailable for y in span) and allows(t, host, span)

        return free

    def _add_side(
        self, model: cp_model.CpModel, key: SideKey, outgoing: list[str], incoming: list[str]
    ) -> None:
        if outgoing and incoming:
            member, _, s = key
            self.sides[key] = (outgoing, incoming)
            for t in outgoing:
                self._new_start(model, t, member, s)
            for t in incoming:
                self._new_start(model, t, self.lead, s)

    def run(self, s: int) -> range:
        """Years of a run starting in s: swap_years long, cut at the plan's end."""
        return range(s, min(s + self.length, self.years[-1] + 1))

    def _new_start(self, model: cp_model.CpModel, t: str, host: str, s: int) -> None:
        self.start[(t, host, s)] = model.new_bool_var(f"{self.activity.value}[{t},{host},{s}]")

    def _channel(self, model: cp_model.CpModel, aux: list[Aux]) -> None:
        """``on`` per teacher, host and year: the covering start itself when there is one."""
        covering: dict[SwapKey, list[cp_model.IntVar]] = defaultdict(list)
        for (t, host, s), var in self.start.items():
            for y in self.run(s):
                covering[(t, host, y)].append(var)
        for (t, host, y), starts in covering.items():
            if len(starts) == 1:
                self.on[(t, host, y)] = starts[0]
            else:
                on = model.new_bool_var(f"on_{self.activity.value}[{t},{host},{y}]")
                model.add(on == cp_model.LinearExpr.sum(starts))
                self.on[(t, host, y)] = on
                aux.append((on, partial(_total, starts)))

    def _index(self) -> None:
        for (t, host, y), var in self.on.items():
            self._by_teacher[(t, y)].append((host, var))
            self._by_host[(host, y)].append((t, var))
        for (t, _, s), var in self.start.items():
            self._starts[(t, s)].append(var)

    # Lookups -----------------------------------------------------------------------------

    def of(self, teacher_id: str, year: int) -> list[tuple[str, cp_model.IntVar]]:
        """(host, var) of the teacher's possible swaps that year."""
        return self._by_teacher.get((teacher_id, year), [])

    def into(self, host: str, year: int) -> list[tuple[str, cp_model.IntVar]]:
        """(teacher, var) of possible swaps into a host that year."""
        return self._by_host.get((host, year), [])

    def starts_of(self, teacher_id: str, s: int) -> list[cp_model.IntVar]:
        """The teacher's possible run starts in year s (any host)."""
        return self._starts.get((teacher_id, s), [])


def _pairs(model: cp_model.CpModel, sw: Swaps) -> None:
    """As many of the member's starts as the lead's per member, grade and start (pairs form
    within that set after solving); one teacher's runs never touch."""
    for (m, _, s), (outgoing, incoming) in sw.sides.items():
        model.add(
            cp_model.LinearExpr.sum([sw.start[(b, m, s)] for b in outgoing])
            == cp_model.LinearExpr.sum([sw.start[(t, sw.lead, s)] for t in incoming])
        )
    for t in sorted({t for t, _, _ in sw.start}):
        for s in sw.years:
            this, following = sw.starts_of(t, s), sw.starts_of(t, s + sw.length)
            if this and following:
                model.add(cp_model.LinearExpr.sum(this + following) <= 1)


def swap_eq(model: cp_model.CpModel, v: Variables) -> Violations:
    """SWAP-EQ: the pairs (`_pairs`), and the yearly minimum of lead teachers on swap as
    violations: min(swap_min, E), E = `swap_capacity` (pairs the group could field that
    year); only it follows the profile's severity (the rest is structure).
    """
    sw = v.swaps
    _pairs(model, sw)
    inst = v.instance
    backbones = [
        t
        for t in inst.teachers
        if t.home_kg == sw.lead and t.backbone and not t.cadre and t.grade is not None
    ]
    out = Violations()
    for y in v.years:
        away = [var for t in backbones for _, var in sw.of(t.teacher_id, y)]
        out.require(min(inst.profile.swap_min, swap_capacity(inst, v.facts.name, y)), away)
    return out


def cadre_ex(model: cp_model.CpModel, v: Variables) -> Violations:
    """CADRE-EX: the pairs (`_pairs`), and the yearly minimum of lead cadres on exchange:
    min(cadre_pairs, E), E = `exchange_capacity`; only it follows the profile's severity."""
    ex = v.exchanges
    _pairs(model, ex)
    out = Violations()
    for y in v.years:
        away = [var for (t, host, year), var in ex.on.items() if year == y and host != ex.lead]
        need = min(v.instance.profile.cadre_pairs, exchange_capacity(v.instance, v.facts.name, y))
        out.require(need, away)
    return out


def assignments(
    sw: Swaps, value_of: ValueOf, previous: Sequence[Assignment] = ()
) -> list[Assignment]:
    """Both sides of every chosen pair, a row per year of its run, partners paired within
    member, grade and start (so a run keeps its partner): the previous plan's pairs first
    (--previous: a re-plan changes no pair it need not), the others by id."""
    before = {(a.teacher_id, a.year): a.partner for a in previous if a.activity is sw.activity}
    out: list[Assignment] = []
    for (m, _, s), (outgoing, incoming) in sw.sides.items():
        sent = sorted(b for b in outgoing if value_of(sw.start[(b, m, s)]))
        came = sorted(t for t in incoming if value_of(sw.start[(t, sw.lead, s)]))
        paired: dict[str, str] = {}
        for b in sent:
            t = before.get((b, s))
            if t in came and t not in paired.values():
                paired[b] = t
        sent = [*paired, *(b for b in sent if b not in paired)]
        came = [*paired.values(), *(t for t in came if t not in paired.values())]
        for b, t in zip(sent, came, strict=False):  # equal counts: a hard constraint
            for y in sw.run(s):
                out.append(Assignment(b, sw.activity, m, y, partner=t))
                out.append(Assignment(t, sw.activity, sw.lead, y, partner=b))
    return out


def starts_in(sw: Swaps, schedule: Sequence[Assignment]) -> list[cp_model.IntVar]:
    """The run starts a schedule's pairs take: each teacher's years at one host, split into
    runs of the pair's length from the first uncovered year."""
    years: dict[tuple[str, str], set[int]] = defaultdict(set)
    for a in schedule:
        if a.activity is sw.activity:
            years[(a.teacher_id, a.host_kg)].add(a.year)
    out: list[cp_model.IntVar] = []
    for (t, host), ys in years.items():
        covered = -1
        for y in sorted(ys):
            if y < covered:
                continue  # inside the run already started
            var = sw.start.get((t, host, y))
            if var is not None:
                out.append(var)
            covered = y + sw.length
    return out


def _total(xs: list[cp_model.IntVar], value_of: ValueOf) -> int:
    return sum(value_of(x) for x in xs)


FAMILY = Family(builders={SWAP_EQ: swap_eq, CADRE_EX: cadre_ex})
