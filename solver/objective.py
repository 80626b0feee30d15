"""The objective (model/rules/objective.py OBJECTIVE_TERMS): maximise Σ weight × term.

Every term is reported; only terms with weight > 0 enter the model (PyJobShop's
Objective.py habit). Term values are read off the decision variables exactly, so they equal
the verifier's `evaluate` even where an auxiliary variable is not tight.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ..model import Activity

if TYPE_CHECKING:
    from ..model import Instance
    from .variables import Variables
    from .violations import Aux, ValueOf, Violations


class Term(ABC):
    name: str
    weight: int

    @abstractmethod
    def value(self, value_of: ValueOf) -> int: ...

    @abstractmethod
    def expression(self, model: cp_model.CpModel, aux: list[Aux]) -> cp_model.LinearExprT: ...


@dataclass
class LinearTerm(Term):
    """Σ coefficient × variable, plus a constant."""

    name: str
    weight: int
    coefficients: list[tuple[cp_model.IntVar, int]]
    constant: int = 0

    def value(self, value_of: ValueOf) -> int:
        return self.constant + sum(c * value_of(x) for x, c in self.coefficients)

    def expression(self, model: cp_model.CpModel, aux: list[Aux]) -> cp_model.LinearExprT:
        return self.constant + cp_model.LinearExpr.weighted_sum(
            [x for x, _ in self.coefficients], [c for _, c in self.coefficients]
        )


@dataclass
class MinTerm(Term):
    """The minimum over groups of Σ variables (max-min fairness: z ≤ each sum); 0 if none."""

    name: str
    weight: int
    groups: list[list[cp_model.IntVar]]
    var: cp_model.IntVar | None = None  # z, once the term is in the model

    def value(self, value_of: ValueOf) -> int:
        return min((sum(value_of(x) for x in g) for g in self.groups), default=0)

    def expression(self, model: cp_model.CpModel, aux: list[Aux]) -> cp_model.LinearExprT:
        if not self.groups:
            return 0
        z = model.new_int_var(0, min(len(g) for g in self.groups), self.name)
        for g in self.groups:
            model.add(z <= cp_model.LinearExpr.sum(g))
        aux.append((z, self.value))
        self.var = z
        return z


@dataclass
class PenaltyTerm(Term):
    """``penalty:<RULE-ID>`` = −(violations of a soft rule)."""

    name: str
    weight: int
    violations: Violations

    def value(self, value_of: ValueOf) -> int:
        return -self.violations.value(value_of)

    def expression(self, model: cp_model.CpModel, aux: list[Aux]) -> cp_model.LinearExprT:
        return -self.violations.count(model, aux)


def terms(v: Variables, penalties: dict[str, Violations]) -> list[Term]:
    """All objective terms of one group, in OBJECTIVE_TERMS order, then penalties."""
    inst = v.instance
    profile = inst.profile
    kg, teacher = inst.kg, inst.teacher
    uplift, commute, preference = [], [], []
    for (t, host, _), var in v.rot.items():
        home = teacher[t].home_kg
        drop = kg[home].tier - kg[host].tier
        if drop > 0:
            uplift.append((var, drop))
        km = inst.distance.get((home, host))
        if km is not None and round(km):
            commute.append((var, -round(km)))
        if host in teacher[t].preferred_hosts:
            preference.append((var, 1))
    received = [[var for y in v.years for _, var in v.supported(r, y)] for r in v.facts.receivers]
    out: list[Term] = [
        LinearTerm("uplift", profile.uplift, uplift),
        MinTerm("fairness", profile.fairness, received),
        LinearTerm("spread", profile.spread, _spread(v)),
        LinearTerm("commute", profile.commute, commute),
        LinearTerm("preference", profile.preference, preference),
        _stability(v),
    ]
    out += [
        PenaltyTerm(f"penalty:{rule}", profile.weight(rule), viol)
        for rule, viol in penalties.items()
    ]
    return out


def _last_history_year(instance: Instance, teacher_id: str) -> int | None:
    years = [max(h.years()) for h in instance.history_by_teacher.get(teacher_id, ())]
    return max(years) if years else None


def _spread(v: Variables) -> list[tuple[cp_model.IntVar, int]]:
    """−(spread_cap − gap) per rotation-year and shadowing visit; gap = years since history."""
    cap = v.instance.profile.spread_cap
    start = v.instance.horizon.start_year
    cost: dict[str, int] = {}
    for t in v.instance.teachers:
        last = _last_history_year(v.instance, t.teacher_id)
        gap = cap if last is None else min(cap, start - 1 - last)
        cost[t.teacher_id] = cap - gap
    rotations = [(var, -cost[t]) for (t, _, _), var in v.rot.items() if cost[t]]
    return rotations + [(var, -cost[t]) for (t, _), var in v.shd.items() if cost[t]]


def _stability(v: Variables) -> LinearTerm:
    """−(changes) = 2 × kept − |previous| − |new|: every decision variable counts the
    assignments (rows) it makes, each previous assignment kept counts twice (`_kept`). A
    group without previous assignments (`Instance.for_group` keeps its teachers' only) has
    nothing to change."""
    inst = v.instance
    if not inst.previous:
        return LinearTerm("stability", inst.profile.stability, [])
    rows = [*v.rot.values(), *v.ind.values(), *v.shd.values(), *v.guide.values()]
    rows += [*v.swaps.on.values(), *v.exchanges.on.values()]
    coefficients = [(var, -1) for var in rows] + [(var, 2) for var, _ in _kept(v)]
    return LinearTerm("stability", inst.profile.stability, coefficients, -len(inst.previous_keys))


def _kept(v: Variables) -> list[tuple[cp_model.IntVar, int]]:
    """The decisions that keep a previous assignment (each counts once): a year-long one by
    its variable, a short visit by the one holding its slot (solver/slotted.py)."""
    keys = v.instance.previous_keys
    out = [
        (var, 1)
        for (t, host, y), var in v.rot.items()
        if (t, v.activity_of(t, host), host, y, None, None) in keys
    ]
    out += [
        (var, 1)
        for t, var in v.ind.items()
        if (t, Activity.INDUCTION, v.facts.lead, v.ind_year[t], None, None) in keys
    ]
    out += [
        (var, 1)
        for pairs in (v.swaps, v.exchanges)
        for (t, host, y), var in pairs.on.items()
        if (t, pairs.activity, host, y, None, None) in keys
    ]
    out += [
        (var, 1)
        for grid in (v.shadow_grid, v.guide_grid)
        for (t, host, i, slot), var in grid.held.items()
        if (t, grid.activity, host, *v.semesters[i], slot) in keys
    ]
    return out


def maximise(model: cp_model.CpModel, all_terms: list[Term], aux: list[Aux]) -> None:
    """Add the weighted terms with weight > 0 as the model's objective."""
    active = [t for t in all_terms if t.weight > 0]
    exprs = [t.expression(model, aux) for t in active]
    model.maximize(cp_model.LinearExpr.weighted_sum(exprs, [t.weight for t in active]))
