"""One group's CP-SAT model: Variables → rule families → Objective → GroupResult.

`RULE_FAMILIES` is the ordered registry: rule id → builder. A profile severity ``off``
skips the builder; a soft-capable rule's builder returns its `Violations`, which become
hard constraints (HARD) or a ``penalty:<ID>`` objective term (SOFT). Rules enforced by
eligibility alone are listed in `BY_ELIGIBILITY` (see variables.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from ..model import Activity, Assignment, GroupResult, Instance, Severity, SolveStatus
from . import induction, pins, rotation, shadowing, staffing
from .objective import Term, maximise, terms
from .packing import pack_slots
from .variables import Variables
from .violations import Aux, ValueOf, Violations

log = logging.getLogger("kgrota")

Builder = Callable[[cp_model.CpModel, Variables], Violations | None]

RULE_FAMILIES: dict[str, Builder] = {
    "ROT-PER-GRADE": rotation.per_grade,
    "ROT-DOWN": rotation.down,
    "TERM-2Y": rotation.term,
    "IND-LEAD": induction.lead,
    "IND-MENTOR": induction.mentor,
    "SHD-CAP": shadowing.cap,
    "SHD-COOL": shadowing.cooldown,
    "SHD-EACH-SEM": shadowing.each_semester,
    "STAFF-CLASS": staffing.staff_class,
    "AWAY-SLOT": staffing.away_slot,
    "ONE-PLACE": staffing.one_place,
    "PIN": pins.pins,
}
BY_ELIGIBILITY = ("ROT-PAIRS", "SHD-VETO", "SHD-LEN")

_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.UNKNOWN: SolveStatus.UNKNOWN,
}


@dataclass
class Built:
    """A built model with its variables, objective terms and auxiliary variables."""

    model: cp_model.CpModel
    variables: Variables
    terms: list[Term]
    aux: list[Aux]

    def evaluate(self, value_of: ValueOf) -> tuple[int, dict[str, int]]:
        """Objective and term values for given variable values (exact, as the verifier)."""
        values = {t.name: t.value(value_of) for t in self.terms}
        return sum(t.weight * values[t.name] for t in self.terms), values

    def assignments(self, value_of: ValueOf) -> tuple[Assignment, ...]:
        """The schedule the variable values describe, sorted."""
        v = self.variables
        lead = v.facts.lead
        out = [
            Assignment(t, Activity.ROTATION, host, y)
            for (t, host, y), var in v.rot.items()
            if value_of(var)
        ]
        inducted = [t for t, var in v.ind.items() if value_of(var)]
        mentors = (
            induction.pair_mentors(v, value_of, inducted)
            if v.instance.profile.enabled("IND-MENTOR")
            else {}
        )
        out += [
            Assignment(t, Activity.INDUCTION, lead, v.ind_year[t], partner=mentors.get(t))
            for t in inducted
        ]
        slots = v.instance.horizon.slots_per_semester
        teacher = v.instance.teacher
        for i, (year, semester) in enumerate(v.semesters):
            visitors = [teacher[t] for t, var in v.shadowing(i) if value_of(var)]
            for t_id, slot in pack_slots(visitors, slots).items():
                out.append(Assignment(t_id, Activity.SHADOWING, lead, year, semester, slot))
        return tuple(sorted(out))

    def values_of(self, schedule: Sequence[Assignment]) -> ValueOf:
        """Variable values describing a schedule (assignments without a variable are dropped)."""
        v = self.variables
        horizon = v.instance.horizon
        chosen: list[cp_model.IntVar | None] = []
        for a in schedule:
            if a.activity is Activity.ROTATION:
                chosen.append(v.rot.get((a.teacher_id, a.host_kg, a.year)))
            elif a.activity is Activity.INDUCTION and v.ind_year.get(a.teacher_id) == a.year:
                chosen.append(v.ind.get(a.teacher_id))
            elif a.activity is Activity.SHADOWING and a.semester is not None:
                chosen.append(v.shd.get((a.teacher_id, horizon.semester_index(a.year, a.semester))))
        values = {var.index: 1 for var in chosen if var is not None}

        def value_of(var: cp_model.IntVar) -> int:
            return values.get(var.index, 0)

        for var, fn in self.aux:  # channels and auxiliaries, in creation order
            values[var.index] = fn(value_of)
        return value_of

    def add_hint(self, schedule: Sequence[Assignment]) -> None:
        """A complete hint: every decision variable and every auxiliary one."""
        value_of = self.values_of(schedule)
        for var in self.variables.all_vars():
            self.model.add_hint(var, value_of(var))
        for var, _ in self.aux:
            self.model.add_hint(var, value_of(var))


def build(instance: Instance) -> Built:
    """Build the CP-SAT model of one group (an `Instance.for_group`)."""
    model = cp_model.CpModel()
    v = Variables(model, instance)
    profile = instance.profile
    penalties: dict[str, Violations] = {}
    for rule_id, builder in RULE_FAMILIES.items():
        severity = profile.severity(rule_id)
        if severity is Severity.OFF:
            continue
        violations = builder(model, v)
        if violations is None:
            continue
        if severity is Severity.HARD:
            violations.enforce(model)
        else:
            penalties[rule_id] = violations
    shadowing.dominance(model, v)
    aux: list[Aux] = list(v.aux)
    all_terms = terms(v, penalties)
    maximise(model, all_terms, aux)
    return Built(model, v, all_terms, aux)


# Full-problem workers in order of use; the one worker left over runs CP-SAT's LNS and local
# search, which find the good schedules while max_lp proves the bound.
_PORTFOLIO = ("max_lp", "reduced_costs", "pseudo_costs", "quick_restart", "max_lp_sym", "core")


def configure(
    params: cp_model.SatParameters, *, time_limit: float, workers: int, seed: int
) -> None:
    """Search parameters (SPEC §9), measured on synthetic 6–16 kindergarten groups.

    The model's LP relaxation is within about 1% of the optimum, but CP-SAT's default
    (linearization level 1, rows added lazily, 2,000 root iterations) sees little of it: the
    full LP from the start proves optimality 10–100× sooner. With 2 workers the default
    portfolio (default_lp + LNS) left 16-kindergarten groups at wide gaps after 60 s.
    """
    params.max_time_in_seconds = time_limit
    params.num_workers = workers
    params.random_seed = seed
    params.linearization_level = 2
    params.add_lp_constraints_lazily = False
    params.root_lp_iterations = 100_000
    if workers > 1:
        params.subsolvers.extend(_PORTFOLIO)


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    """Records when the first solution arrived."""

    def __init__(self, started: float) -> None:
        super().__init__()
        self.started = started
        self.first: float | None = None

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = time.perf_counter() - self.started


def solve_group(
    instance: Instance,
    *,
    time_limit: float,
    workers: int,
    seed: int,
    hint: Sequence[Assignment] | None = None,
    log_callback: Callable[[str], None] | None = None,
) -> GroupResult:
    """Build and solve one group; the same seed with ``workers=1`` gives the same schedule."""
    started = time.perf_counter()
    built = build(instance)
    if hint is not None:
        built.add_hint(hint)
    solver = cp_model.CpSolver()
    configure(solver.parameters, time_limit=time_limit, workers=workers, seed=seed)
    if log_callback is not None:
        solver.parameters.log_search_progress = True
        solver.parameters.log_to_stdout = False
        solver.log_callback = log_callback
    callback = _FirstSolution(started)
    code = solver.solve(built.model, callback)
    if code == cp_model.MODEL_INVALID:
        raise RuntimeError(f"invalid CP-SAT model: {built.model.validate()}")
    proto = built.model.proto
    result = GroupResult(
        group=built.variables.facts.name,
        status=_STATUS[code],
        assignments=(),
        seconds=time.perf_counter() - started,
        variables=len(proto.variables),
        constraints=len(proto.constraints),
        teachers=len(instance.teachers),
    )
    if result.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        log.info("group %s: %s after %.2fs", result.group, result.status.value, result.seconds)
        return result
    objective, values = built.evaluate(solver.value)
    log.info(
        "group %s: %s objective %d bound %.1f in %.2fs",
        result.group,
        result.status.value,
        objective,
        solver.best_objective_bound,
        result.seconds,
    )
    return replace(
        result,
        assignments=built.assignments(solver.value),
        objective=objective,
        best_bound=solver.best_objective_bound,
        terms=values,
        first_feasible_seconds=callback.first,
    )
