"""One group's CP-SAT model: Variables → rule families → Objective → GroupResult.

The families (solver/rules/, in catalogue order) give each rule's builder: a profile
severity ``off`` skips it; a soft-capable rule's builder returns its `Violations`, which
become hard constraints (HARD) or a ``penalty:<ID>`` objective term (SOFT). Then every
family's extras (cuts, symmetry breaking, structure) are added.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ..model import Activity, Assignment, Cut, GroupResult, Instance, Severity, SolveStatus
from ..model.rules.induction import IND_MENTOR
from .objective import MinTerm, Term, maximise, terms
from .options import SolveOptions, search_settings
from .rules import FAMILIES, guidance, induction, shadowing, swap
from .variables import Variables

if TYPE_CHECKING:
    from .stop import Stop
    from .violations import Aux, ValueOf, Violations

log = logging.getLogger("kgrota")


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
            Assignment(t, v.activity_of(t, host), host, y)
            for (t, host, y), var in v.rot.items()
            if value_of(var)
        ]
        inducted = [t for t, var in v.ind.items() if value_of(var)]
        mentors = (
            induction.pair_mentors(v, value_of, inducted)
            if v.instance.profile.enabled(IND_MENTOR.id)
            else {}
        )
        out += [
            Assignment(t, Activity.INDUCTION, lead, v.ind_year[t], partner=mentors.get(t))
            for t in inducted
        ]
        teacher = v.instance.teacher
        for i, (year, semester) in enumerate(v.semesters):
            visitors = [teacher[t] for t, var in v.shadowing(i) if value_of(var)]
            for t_id, slot in shadowing.slots(v, i, visitors, value_of).items():
                out.append(Assignment(t_id, Activity.SHADOWING, lead, year, semester, slot))
        out += guidance.visits(v, value_of)
        out += swap.assignments(v.swaps, value_of, v.instance.previous)
        out += swap.assignments(v.exchanges, value_of, v.instance.previous)
        return tuple(sorted(out))

    def values_of(self, schedule: Sequence[Assignment]) -> ValueOf:
        """Variable values describing a schedule (assignments without a variable are dropped)."""
        v = self.variables
        horizon = v.instance.horizon
        chosen: list[cp_model.IntVar | None] = []
        for a in schedule:
            if a.activity in (Activity.ROTATION, Activity.LEARNING):
                chosen.append(v.rot.get((a.teacher_id, a.host_kg, a.year)))
            elif a.activity is Activity.INDUCTION and v.ind_year.get(a.teacher_id) == a.year:
                chosen.append(v.ind.get(a.teacher_id))
            elif a.activity is Activity.SHADOWING and a.semester is not None:
                chosen.append(v.shd.get((a.teacher_id, horizon.semester_index(a.year, a.semester))))
        chosen += swap.starts_in(v.swaps, schedule)
        chosen += swap.starts_in(v.exchanges, schedule)
        values = {var.index: 1 for var in chosen if var is not None}
        values.update(guidance.counts(v, schedule))
        for grid in (v.shadow_grid, v.guide_grid):
            values.update(grid.values(v.instance, schedule))

        def value_of(var: cp_model.IntVar) -> int:
            return values.get(var.index, 0)

        for var, fn in self.aux:  # channels and auxiliaries, in creation order
            values[var.index] = fn(value_of)
        return value_of

    def add_hint(self, schedule: Sequence[Assignment]) -> None:
        """A complete hint from a schedule."""
        self.hint_values(self.values_of(schedule))

    def hint_values(self, value_of: ValueOf) -> None:
        """A complete hint (every decision and auxiliary variable), replacing any earlier one."""
        self.model.clear_hints()  # type: ignore[no-untyped-call]  # untyped in OR-Tools 9.15
        for var in self.variables.all_vars():
            self.model.add_hint(var, value_of(var))
        for var, _ in self.aux:
            self.model.add_hint(var, value_of(var))

    def fairness_var(self) -> cp_model.IntVar | None:
        """The max-min fairness level z, when that term is in the model."""
        return next(
            (t.var for t in self.terms if isinstance(t, MinTerm) and t.var is not None), None
        )


def build(instance: Instance) -> Built:
    """Build the CP-SAT model of one group (an `Instance.for_group`)."""
    model = cp_model.CpModel()
    v = Variables(model, instance)
    profile = instance.profile
    penalties: dict[str, Violations] = {}
    for family in FAMILIES:
        for rule, builder in family.builders.items():
            severity = profile.severity(rule.id)
            if severity is Severity.OFF:
                continue
            violations = builder(model, v)
            if violations is None:
                continue
            if severity is Severity.HARD:
                violations.enforce(model)
            else:
                penalties[rule.id] = violations
    for family in FAMILIES:
        for extra in family.extras:
            extra.add(model, v)
    aux: list[Aux] = list(v.aux)
    all_terms = terms(v, penalties)
    maximise(model, all_terms, aux)
    return Built(model, v, all_terms, aux)


# Full-problem workers in order of use; with 2 workers the one left over runs CP-SAT's LNS and
# local search, which find the good schedules while max_lp proves the bound. "fixed" follows
# the fairness-first decision strategy (CP-SAT skips it when there is none).
_PORTFOLIO = ("max_lp", "fixed", "reduced_costs", "pseudo_costs", "quick_restart", "core")
# Deterministic seconds for the opening max_lp + fairness-first pair (see `solve_group`).
_OPENING = 2.0
# Deterministic seconds for the 1-worker opening that looks for plans from the bound up.
_LB_OPENING = 0.5


def configure(params: cp_model.SatParameters, options: SolveOptions) -> None:
    """Search parameters (SPEC §9), measured on synthetic 3–16 kindergarten groups.

    `options.workers` are this search's own (`solve` has split the threads; None: every
    core). A `gap` > 0 stops once (bound − objective) / max(1, |objective|) ≤ gap; CP-SAT then
    says OPTIMAL although nothing is proven (`_result` tells the two apart). The preset's own
    CP-SAT parameters (`options.cp_sat`) come last, so they override any of these.

    The search settings themselves (the full LP from the start, presolve's effort) are the
    tuning run's, in scenarios/params/search.toml (`search_settings`). With 2 workers the
    default portfolio (default_lp + LNS) left 16-kindergarten groups at wide gaps after 60 s.
    """
    workers = options.threads
    params.max_time_in_seconds = options.time_limit
    params.relative_gap_limit = options.gap
    params.num_workers = workers
    params.random_seed = options.seed
    replace(options, cp_sat=search_settings()).merge_cp_sat(params)
    if workers > 2:
        params.subsolvers.extend(_PORTFOLIO)
    elif workers == 2:
        params.subsolvers.append("max_lp")
    options.merge_cp_sat(params)


class _Callback(cp_model.CpSolverSolutionCallback):
    """Records when the first solution arrived; with a `target`, stops the search at the first
    solution whose objective reaches it (the canonical search, `_canonical`)."""

    def __init__(self, started: float, target: float | None = None) -> None:
        super().__init__()
        self.started = started
        self.target = target
        self.first: float | None = None
        self.reached = False

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = time.perf_counter() - self.started
        if self.target is not None and self.objective_value >= self.target - 0.5:
            self.reached = True
            self.stop_search()


Run = tuple[cp_model.CpSolver, cp_model.CpSolverStatus]


def solve_group(
    instance: Instance,
    options: SolveOptions = SolveOptions(),
    *,
    hint: Sequence[Assignment] | None = None,
    log_callback: Callable[[str], None] | None = None,
    stop: Stop | None = None,
) -> GroupResult:
    """Build and solve one group; a proven optimum comes back as the canonical optimal plan.

    The search runs in phases (`_phases`), each from the best schedule so far; phase budgets
    are deterministic time, so a 1-worker solve stays reproducible. With a relative gap
    (0.005: 0.5 %) every phase stops once within it, and the group is FEASIBLE unless its
    schedule reaches the bound. `options.time_limit` bounds all phases together; a proven
    optimum then gets as long again for the tie-break among optimal plans (`_canonical`),
    which usually takes a fraction of it. A requested `stop` ends the search at once with the
    best schedule so far (``cut`` INTERRUPT), or before it begins (NOT_STARTED, no schedule).
    """
    started = time.perf_counter()
    if stop is not None and stop.requested:
        return unsolved(instance, Cut.NOT_STARTED)
    built = build(instance)
    if hint is not None:
        built.add_hint(hint)
    fairness = built.fairness_var()
    if fairness is not None:  # followed by the "fixed" / partial-fixed searches only
        built.model.add_decision_strategy(
            [fairness], cp_model.CHOOSE_FIRST, cp_model.SELECT_MAX_VALUE
        )
    built_in = time.perf_counter() - started
    search = _Search(built, started, stop, log_callback)
    callback = _Callback(started)
    runs = search.run(options, callback, started)
    if not runs:  # the stop (or the time limit) came while building: no search ran
        stopped = stop is not None and stop.requested
        return unsolved(instance, Cut.NOT_STARTED if stopped else None)
    result = replace(
        _result(built, instance, runs, started, callback.first, options.gap),
        build_seconds=built_in,
    )
    if result.status is SolveStatus.OPTIMAL:
        result = _canonical(search, result, runs, options, hint)
    cut_short = result.status is not SolveStatus.INFEASIBLE and not result.canonical
    if stop is not None and stop.requested and cut_short:
        result = replace(result, cut=Cut.INTERRUPT)
    return result


def unsolved(instance: Instance, cut: Cut | None, detail: str = "") -> GroupResult:
    """A group without a schedule because of `cut` (e.g. a stop before its search began;
    None: no time was left to search)."""
    return GroupResult(
        group=instance.roster.groups[0],
        status=SolveStatus.UNKNOWN,
        assignments=(),
        teachers=len(instance.teachers),
        cut=cut,
        cut_detail=detail,
    )


@dataclass
class _Search:
    """The phases of one group's search on its built model, watched by `stop`."""

    built: Built
    started: float  # when the group's solve began
    stop: Stop | None
    log_callback: Callable[[str], None] | None

    def run(self, options: SolveOptions, callback: _Callback, since: float) -> list[Run]:
        """Run the phases for `options.threads` workers until a proof, the callback's
        target, a stop, or `options.time_limit` seconds after `since`."""
        runs: list[Run] = []
        fairness = self.built.fairness_var() is not None
        for adjust, budget in _phases(options.threads, fairness):
            remaining = options.time_limit - (time.perf_counter() - since)
            if remaining <= 0 or (runs and runs[-1][1] in _FINAL) or callback.reached:
                break
            if self.stop is not None and self.stop.requested:
                break
            solver = _solver(replace(options, time_limit=remaining), self.log_callback)
            # An interrupt is the caller's to handle (solver/stop.py), not CP-SAT's: its own
            # handler would end this phase and let the next one begin.
            solver.parameters.catch_sigint_signal = self.stop is None
            adjust(solver.parameters)
            if budget is not None:
                solver.parameters.max_deterministic_time = budget
            if self.stop is None:
                runs.append((solver, _run(self.built, solver, callback)))
            else:
                with self.stop.watching(solver):
                    runs.append((solver, _run(self.built, solver, callback)))
            if runs[-1][1] == cp_model.FEASIBLE:
                self.built.hint_values(runs[-1][0].value)
        return runs


def _canonical(
    search: _Search,
    result: GroupResult,
    runs: list[Run],
    options: SolveOptions,
    hint: Sequence[Assignment] | None,
) -> GroupResult:
    """The tie-break among a group's optimal plans: the first optimal plan of the 1-worker
    search, whatever the workers of the search that proved the optimum.

    Several workers race, so which of many equally good plans they return changes from run
    to run (issue 13: 636 of 844 rows differed between two runs). The 1-worker search is
    deterministic: the same model, seed and parameters give the same sequence of solutions,
    and the first that reaches the optimum is a function of the roster, profile, options and
    versions only. It needs no proof, since the optimum is already proven, and stops there:
    it took 0.6–0.85 times the proving search on the Qingpu demo, 0.2–0.45 times on a
    10-group district (``generate --groups 10 --kgs 8 --seed 3``), on 2 cores. It gets the
    group's time limit again, its own, so that a slow proof does not leave it without time.
    With 1 worker and no gap the search above is this search already. When its time limit
    or an interrupt cuts it short, the proven plan stands, not canonical.
    """
    if options.threads == 1 and options.gap == 0:
        return replace(result, canonical=True)
    stop = search.stop
    if stop is not None and stop.requested:
        return result
    began = time.perf_counter()
    built = search.built
    target = max(s.objective_value for s, code in runs if code in _SOLVED)
    built.model.clear_hints()  # type: ignore[no-untyped-call]  # untyped in OR-Tools 9.15
    if hint is not None:
        built.add_hint(hint)
    callback = _Callback(search.started, target)
    # Its own time limit: a proof that took most of the group's must not cost the plan its
    # reproducibility. Without a gap: one could end the search short of the optimum.
    tiebreak = search.run(replace(options, workers=1, gap=0.0), callback, began)
    now = time.perf_counter()
    result = replace(result, seconds=now - search.started, tiebreak_seconds=now - began)
    if not callback.reached:
        log.info("group %s: no canonical plan in time; the proven one stands", result.group)
        return result
    assignments = built.assignments(tiebreak[-1][0].value)
    objective, values = built.evaluate(built.values_of(assignments))
    if result.objective is None or objective < result.objective:  # never trade optimality
        log.warning("group %s: the tie-break lost value; the proven plan stands", result.group)
        return result
    log.info("group %s: canonical plan in %.2fs", result.group, result.tiebreak_seconds)
    return replace(
        result, assignments=assignments, objective=objective, terms=values, canonical=True
    )


Adjust = Callable[[cp_model.SatParameters], None]


def _phases(workers: int, fairness: bool) -> list[tuple[Adjust, float | None]]:
    """Search phases: (parameter changes, deterministic-time budget or None for the rest).

    Max-min fairness makes some small loose groups hard for the LP-driven search: max_lp + LNS
    took 10–50 s, one LP worker over 60 s, to close the bound of a 160-teacher group whose
    optimum it had in 0.1 s. Branching on the fairness level first (highest first) proves
    those in 0.2–5 s but is much slower on large groups, so it opens briefly beside max_lp
    (2 workers), or follows a short LP phase (1 worker), and the LP search then finishes.
    Every phase carries the group's gap (`configure`), so a phase that gets within it ends
    the search as a proof does (`_FINAL`).

    One worker opens from the bound up (`_from_the_bound`) for `_LB_OPENING`: the root LP
    with the cuts usually reaches the optimum's value at once, and the default search then
    spends most of its time finding a plan of that value (group16 seed 4: bound 396 at 0.21 s,
    plans 378, 390, 392, 396 at 0.27–1.23 s). Measured against the phases without it
    (bench/results/lb-opening-2026-11-29.md, each group both ways in one process): group16
    p90 1.09 → 0.71 s, max 1.81 → 1.05 s; hard max 0.88 → 0.72 s; scaling and the city's 200
    groups unchanged in sum (100.9 against 102.6 s), p90 0.91 → 0.83 s. Searching from the
    bound all the way instead slowed some city groups from 1–2 s to 6–9 s (it climbs one
    value at a time where the root bound is not the optimum).
    """

    if workers > 2 or (workers == 2 and not fairness):  # "fixed" is in the portfolio
        return [(_keep, None)]
    if workers == 2:
        return [(_pair_with_fixed, _OPENING), (_keep, None)]
    opening: list[tuple[Adjust, float | None]] = [(_from_the_bound, _LB_OPENING)]
    if not fairness:
        return [*opening, (_keep, None)]
    return [*opening, (_keep, _OPENING), (_partial_fixed, 2 * _OPENING), (_keep, None)]


def _keep(params: cp_model.SatParameters) -> None:
    """The configured search as it is."""


def _pair_with_fixed(params: cp_model.SatParameters) -> None:
    params.subsolvers.append("fixed")
    params.num_full_subsolvers = 2  # max_lp and fixed, no LNS in the opening


def _from_the_bound(params: cp_model.SatParameters) -> None:
    params.use_objective_lb_search = True


def _partial_fixed(params: cp_model.SatParameters) -> None:
    params.search_branching = cp_model.PARTIAL_FIXED_SEARCH


# Run endings that stop the phases; with a gap, OPTIMAL includes "stopped within the gap".
_FINAL = (cp_model.OPTIMAL, cp_model.INFEASIBLE)
_SOLVED = (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _solver(options: SolveOptions, log_callback: Callable[[str], None] | None) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    configure(solver.parameters, options)
    if log_callback is not None:
        solver.parameters.log_search_progress = True
        solver.parameters.log_to_stdout = False
        solver.log_callback = log_callback
    return solver


def _run(built: Built, solver: cp_model.CpSolver, callback: _Callback) -> cp_model.CpSolverStatus:
    code = solver.solve(built.model, callback)
    if code == cp_model.MODEL_INVALID:
        raise RuntimeError(f"invalid CP-SAT model: {built.model.validate()}")
    return code


def _result(
    built: Built,
    instance: Instance,
    runs: list[Run],
    started: float,
    first: float | None,
    gap: float,
) -> GroupResult:
    """The best schedule over the runs, with the tightest bound (each run's is valid).

    OPTIMAL only when proven: the schedule reaches the bound, or (without a gap) CP-SAT said
    OPTIMAL. With a gap CP-SAT's OPTIMAL may mean "within the gap": FEASIBLE, bound kept.
    """
    proto = built.model.proto
    bound = min(solver.best_objective_bound for solver, _ in runs)
    result = GroupResult(
        group=built.variables.facts.name,
        status=SolveStatus.INFEASIBLE
        if any(code == cp_model.INFEASIBLE for _, code in runs)
        else SolveStatus.UNKNOWN,
        assignments=(),
        seconds=time.perf_counter() - started,
        variables=len(proto.variables),
        constraints=len(proto.constraints),
        teachers=len(instance.teachers),
        work=sum(solver.response_proto.deterministic_time for solver, _ in runs),
    )
    solved = [solver for solver, code in runs if code in _SOLVED]
    if result.status is SolveStatus.INFEASIBLE or not solved:
        log.info("group %s: %s after %.2fs", result.group, result.status.value, result.seconds)
        return result
    best = (
        solved[0]
        if len(solved) == 1
        else max(solved, key=lambda solver: built.evaluate(solver.value)[0])
    )
    assignments = built.assignments(best.value)
    # The emitted schedule's own values: the guidance packing may keep a previous visit
    # beyond the reservations the solver chose (see guidance.py).
    objective, values = built.evaluate(built.values_of(assignments))
    said_optimal = gap == 0 and any(code == cp_model.OPTIMAL for _, code in runs)
    proven = said_optimal or objective >= bound
    status = SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE
    log.info(
        "group %s: %s objective %d bound %.1f in %.2fs (%d run(s))",
        result.group,
        status.value,
        objective,
        bound,
        result.seconds,
        len(runs),
    )
    return replace(
        result,
        status=status,
        assignments=assignments,
        objective=objective,
        best_bound=float(objective) if proven else bound,
        terms=values,
        first_feasible_seconds=first,
    )
