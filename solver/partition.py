"""District partition (学区划分, seed 004 二(一)2) as a capacitated p-median CP-SAT model.

Centre-based: ``y[c]`` opens a district led by eligible kindergarten ``c`` (优质公办园), and
``x[i, c]`` puts kindergarten ``i`` in it; a centre's own ``x[c, c]`` is ``y[c]``. Each
kindergarten joins one open district, a district holds at most ``max_size``, and exactly
``groups`` districts open. The objective (`PartitionWeights`) adds member-to-centre distance
and the spread (max − min over open districts) of each tier's and each ownership's count.

Two stages share the time limit. First the most compact partition (distance alone), hinted
with a greedy clustering (p-median centres, the least-distance assignment under capacity as a
min-cost flow, centre relocation); when it stops short of a proof, a bound-first tree search
(the preset's ``bound_cp_sat``) tries again on the same model. Then the whole objective, with
total distance at most `slack_percent` above the first stage's and never above the greedy's:
geographic proximity comes first in the seed ("按照地理位置相对就近"), balance is bought
within a small slack. Its hint is the polish between the stages: the best partition around
the first stage's centres (the second stage's model with those centres fixed, small enough to
prove in well under a second at 500 kindergartens). The second stage keeps the first's proof:
its total distance is at least the first stage's lower bound (valid for every partition of
the same model), so its bound starts from the p-median's and not from the LP relaxation's,
which lies a few per cent lower. The CP-SAT parameters of every stage, and the stages' shares
of the time, come from the preset scenarios/params/partition.toml, by district size
(`partition_settings`). With pruning each kindergarten may only join one of its nearest
candidate centres (plus its greedy centre, so the hint stays feasible); without pruning the
model is exact.
"""

from __future__ import annotations

import functools
import logging
import math
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from ..model.instance import Ownership
from ..model.partition import (
    CENTRE_MIN_TIER,
    DEFAULT_MAX_SIZE,
    TIERS,
    District,
    KgSite,
    Partition,
    PartitionWeights,
    check_partition,
    distance_units,
    district_name,
    groups_needed,
    index_sites,
    objective_terms,
    partition_figures,
    weighted,
)
from ..model.schedule import SolveStatus
from .options import PartitionOptions, SolveOptions

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

log = logging.getLogger("kgrota")

PRUNE_FACTOR = 3  # candidate centres per kindergarten: 3 × (eligible per district) ...
PRUNE_MIN = 6  # ... but never fewer than this
IMPROVE_ROUNDS = 20  # centre relocation rounds of the greedy clustering

_STATUS = {cp_model.OPTIMAL: SolveStatus.OPTIMAL, cp_model.FEASIBLE: SolveStatus.FEASIBLE}

# Progress of a solve: (stage "compact", "bound", "polish" or "balance", seconds since the start,
# objective of the best partition so far or None, best bound or None), on every solution and
# bound.
Progress = Callable[[str, float, float | None, float | None], None]


@dataclass(frozen=True)
class Settings:
    """The preset's settings for one district size: the shares of the time limit of the
    compactness stage, of its proof and of the polish between the stages, the CP-SAT
    parameters of every stage and those the proof sets over them (checked as a `--params`
    preset's)."""

    compact_share: float
    bound_share: float
    polish_share: float
    cp_sat: Mapping[str, Any]
    bound_cp_sat: Mapping[str, Any]


_SHARES = ("compact_share", "bound_share", "polish_share")
_SETTING_KEYS = {*_SHARES, "cp_sat", "bound_cp_sat"}


def _settings(table: Mapping[str, Any], base: Settings | None, where: str) -> Settings:
    """One table of the preset over ``base``; unknown keys and bad values are a ValueError."""
    unknown = set(table) - _SETTING_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    shares = {}
    for key in _SHARES:
        share = table.get(key, getattr(base, key) if base else None)
        if not isinstance(share, float | int) or not 0 < share < 1:
            raise ValueError(f"{where}: {key} must be a fraction in (0, 1), not {share!r}")
        shares[key] = float(share)
    if sum(shares.values()) >= 1:
        raise ValueError(f"{where}: the shares must leave time for the second stage")
    checked = []
    for key in ("cp_sat", "bound_cp_sat"):
        params = {**(getattr(base, key) if base else {}), **table.get(key, {})}
        try:
            checked.append(SolveOptions(cp_sat=params).cp_sat)
        except ValueError as exc:
            raise ValueError(f"{where}: {key}: {exc}") from None
    return Settings(
        shares["compact_share"], shares["bound_share"], shares["polish_share"], *checked
    )


def read_settings(text: str) -> list[tuple[int, Settings]]:
    """The preset's tables as (smallest size, settings), largest first: the top level
    applies from 0 kindergartens, each ``[[size]]`` (over the top level) from its ``from``."""
    data = tomllib.loads(text)
    sizes = data.pop("size", [])
    base = _settings(data, None, "partition preset")
    out = [(0, base)]
    for number, table in enumerate(sizes, 1):
        where = f"partition preset, size {number}"
        start = table.pop("from", None)
        if not isinstance(start, int) or start < 1:
            raise ValueError(f"{where}: from must be a number of kindergartens")
        out.append((start, _settings(table, base, where)))
    return sorted(out, key=lambda pair: -pair[0])


@functools.cache
def _preset() -> list[tuple[int, Settings]]:
    path = resources.files("kgrota.scenarios") / "params" / "partition.toml"
    return read_settings(path.read_text(encoding="utf-8"))


def partition_settings(n: int) -> Settings:
    """The preset's settings for ``n`` kindergartens (scenarios/params/partition.toml)."""
    return next(settings for start, settings in _preset() if n >= start)


@dataclass(frozen=True)
class _Data:
    """Kindergartens by index with the integer distance matrix and the candidate centres."""

    kgs: tuple[KgSite, ...]
    dist: tuple[tuple[int, ...], ...]
    eligible: tuple[int, ...]
    groups: int
    max_size: int

    @property
    def n(self) -> int:
        return len(self.kgs)


def _data(kgs: Sequence[KgSite], max_size: int, groups: int | None) -> _Data:
    """Check the sizes and centre supply; a clear ValueError when no partition can exist."""
    index_sites(kgs)
    n = len(kgs)
    if n == 0:
        raise ValueError("No kindergartens to partition.")
    if max_size < 1:
        raise ValueError("Must have max_size >= 1.")
    need = groups_needed(n, max_size)
    count = need if groups is None else groups
    if count < need:
        raise ValueError(
            f"{count} districts of at most {max_size} cannot hold {n} kindergartens: "
            f"at least {need} are needed."
        )
    eligible = tuple(i for i, k in enumerate(kgs) if k.eligible)
    if len(eligible) < count:
        raise ValueError(
            f"{count} districts need {count} centres (one 优质公办园 each: public, tier >= "
            f"{CENTRE_MIN_TIER}), but only {len(eligible)} of the {n} kindergartens are "
            f"eligible; raise max_size, lower the number of districts, or add candidates."
        )
    dist = tuple(tuple(distance_units(a, b) for b in kgs) for a in kgs)
    return _Data(tuple(kgs), dist, eligible, count, max_size)


# --------------------------------------------------------------------------- greedy clustering


def _open_centres(d: _Data) -> list[int]:
    """Greedy p-median: repeatedly open the candidate that most lowers total distance."""
    best = [math.inf] * d.n
    chosen: list[int] = []
    for _ in range(d.groups):

        def total(c: int) -> float:
            return sum(min(b, d.dist[i][c]) for i, b in enumerate(best))

        c = min((c for c in d.eligible if c not in chosen), key=lambda c: (total(c), c))
        chosen.append(c)
        best = [min(b, d.dist[i][c]) for i, b in enumerate(best)]
    return chosen


def _assign(d: _Data, centres: Sequence[int]) -> list[int]:
    """The least-distance assignment to ``centres`` under capacity, exact: a min-cost flow
    from each other kindergarten (one unit) through its centre (room ``max_size`` − 1, the
    centre leads its own district) to a sink."""
    members = [i for i in range(d.n) if i not in set(centres)]
    flow = min_cost_flow.SimpleMinCostFlow()
    sink = d.n
    tails, heads, costs = [], [], []
    for i in members:
        for c in centres:
            tails.append(i)
            heads.append(c)
            costs.append(d.dist[i][c])
    tails += list(centres)
    heads += [sink] * len(centres)
    costs += [0] * len(centres)
    caps = [1] * (len(tails) - len(centres)) + [d.max_size - 1] * len(centres)
    flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails), np.array(heads), np.array(caps), np.array(costs)
    )
    supplies = np.zeros(d.n + 1, dtype=np.int64)
    supplies[members] = 1
    supplies[sink] = -len(members)
    flow.set_nodes_supplies(np.arange(d.n + 1), supplies)
    if flow.solve() != flow.OPTIMAL:  # _data ensured enough room: a bug if it happens
        raise RuntimeError("the capacitated assignment has no solution")
    out = [-1] * d.n
    for c in centres:
        out[c] = c
    used = np.flatnonzero(flow.flows(np.arange(len(members) * len(centres))))
    for arc in used.tolist():
        out[members[arc // len(centres)]] = centres[arc % len(centres)]
    return out


def _cost(d: _Data, assign: Sequence[int]) -> int:
    return sum(d.dist[i][c] for i, c in enumerate(assign))


def _greedy(d: _Data) -> list[int]:
    """Centre of each kindergarten: open, assign, move each centre to the eligible member
    nearest its members, and repeat while the total distance falls."""
    centres = _open_centres(d)
    assign = _assign(d, centres)
    for _ in range(IMPROVE_ROUNDS):
        moved = []
        for c in centres:
            members = [i for i, a in enumerate(assign) if a == c]
            moved.append(
                min(
                    (m for m in members if d.kgs[m].eligible),
                    key=lambda m: (sum(d.dist[i][m] for i in members), m),
                )
            )
        if sorted(moved) == sorted(centres):
            break
        candidate = _assign(d, moved)
        if _cost(d, candidate) >= _cost(d, assign):
            break
        centres, assign = moved, candidate
    return assign


def _districts(d: _Data, assign: Sequence[int]) -> list[District]:
    """Districts numbered in the input order of their centres, members in input order."""
    centres = sorted(set(assign))
    return [
        District(
            name=district_name(number),
            centre=d.kgs[c].kg_id,
            members=(
                d.kgs[c].kg_id,
                *(k.kg_id for i, k in enumerate(d.kgs) if assign[i] == c and i != c),
            ),
        )
        for number, c in enumerate(centres, 1)
    ]


def _result(
    d: _Data, assign: Sequence[int], weights: PartitionWeights, status: SolveStatus
) -> Partition:
    """The partition an assignment describes, with figures and terms recomputed from it."""
    districts = _districts(d, assign)
    terms = objective_terms(d.kgs, districts)
    return Partition(
        districts=tuple(districts),
        figures=partition_figures(d.kgs, districts),
        terms=terms,
        status=status,
        objective=weighted(terms, weights),
    )


def warm_start(
    kgs: Sequence[KgSite],
    *,
    max_size: int = DEFAULT_MAX_SIZE,
    groups: int | None = None,
    weights: PartitionWeights = PartitionWeights(),
) -> Partition:
    """The greedy clustering alone (status GREEDY): the hint and baseline of `partition`."""
    started = time.perf_counter()
    d = _data(kgs, max_size, groups)
    assign = _greedy(d)
    result = _result(d, assign, weights, SolveStatus.GREEDY)
    return replace(result, seconds=time.perf_counter() - started)


# --------------------------------------------------------------------------- CP-SAT model


def _candidates(d: _Data, hint: Sequence[int], prune: bool) -> list[list[int]]:
    """Centres each kindergarten may join: all eligible ones, or with pruning its nearest
    few (3 × the eligible per district), itself when eligible, and its ``hint`` centre so
    the hint stays feasible."""
    if not prune:
        return [list(d.eligible) for _ in range(d.n)]
    k = max(PRUNE_MIN, math.ceil(PRUNE_FACTOR * len(d.eligible) / d.groups))
    out = []
    for i in range(d.n):
        near = sorted(d.eligible, key=lambda c: (d.dist[i][c], c))[:k]
        out.append(sorted({*near, hint[i], *([i] if d.kgs[i].eligible else [])}))
    return out


@dataclass
class _Model:
    model: cp_model.CpModel
    x: dict[tuple[int, int], cp_model.IntVar]  # (kindergarten, centre) → joins
    y: dict[int, cp_model.IntVar]  # centre → opens a district
    distance: cp_model.LinearExpr  # Σ distance units member → centre
    balance: list[cp_model.LinearExpr]  # weighted spreads
    aux: list[tuple[cp_model.IntVar, Callable[[Sequence[int]], int]]]  # value from assignment
    cuts: bool = True  # the valid inequalities (off only to test that they are valid)

    def add_hint(self, assign: Sequence[int]) -> None:
        """A complete hint: every variable, auxiliary spreads included."""
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        for (i, c), var in self.x.items():
            if i != c:
                self.model.add_hint(var, int(assign[i] == c))
        for c, var in self.y.items():
            self.model.add_hint(var, int(assign[c] == c))
        for var, fn in self.aux:
            self.model.add_hint(var, fn(assign))

    def balance_stage(
        self, cap: int, distance_bound: float | None, weights: PartitionWeights
    ) -> None:
        """The second stage: the whole objective with the distance at most ``cap`` and, with
        the cuts, at least the first stage's proven ``distance_bound``."""
        self.model.add(self.distance <= cap)
        if self.cuts and distance_bound is not None:
            self.model.add(self.distance >= math.ceil(distance_bound - 1e-6))
        self.model.minimize(
            weights.distance * self.distance + cp_model.LinearExpr.sum(self.balance)
        )

    def assignment(self, value: Callable[[cp_model.IntVar], int], n: int) -> list[int]:
        out = [-1] * n
        for (i, c), var in self.x.items():
            if value(var):
                out[i] = c
        return out


def _spread(
    m: _Model, d: _Data, cands: Sequence[Sequence[int]], members: Sequence[int]
) -> cp_model.LinearExpr:
    """max − min over open districts of how many of ``members`` each holds."""
    # The mean count per district lies between min and max: tighter domains, better bounds.
    mean_floor, mean_ceil = len(members) // d.groups, -(-len(members) // d.groups)
    hi = m.model.new_int_var(mean_ceil, min(len(members), d.max_size), "hi")
    lo = m.model.new_int_var(0, mean_floor, "lo")
    most = min(len(members), d.max_size)
    for c in d.eligible:
        count = cp_model.LinearExpr.sum([m.x[i, c] for i in members if c in cands[i]])
        m.model.add(count <= hi)
        if m.cuts:  # valid (a closed district holds none); ties the count to y[c] in the LP
            m.model.add(count <= most * m.y[c])
        m.model.add(count >= lo).only_enforce_if(m.y[c])

    def counts(assign: Sequence[int]) -> list[int]:
        return [sum(assign[i] == c for i in members) for c in set(assign)]

    m.aux += [(hi, lambda a: max(counts(a))), (lo, lambda a: min(counts(a)))]
    return hi - lo


def _build(
    d: _Data, cands: Sequence[Sequence[int]], weights: PartitionWeights, *, cuts: bool = True
) -> _Model:
    model = cp_model.CpModel()
    y = {c: model.new_bool_var(f"y{c}") for c in d.eligible}
    x = {
        (i, c): y[c] if i == c else model.new_bool_var(f"x{i},{c}")
        for i in range(d.n)
        for c in cands[i]
    }
    for i in range(d.n):
        model.add_exactly_one(x[i, c] for c in cands[i])
    for (i, c), var in x.items():
        if i != c:
            model.add_implication(var, y[c])
    for c in d.eligible:
        joined = [x[i, c] for i in range(d.n) if c in cands[i]]
        model.add(cp_model.LinearExpr.sum(joined) <= d.max_size * y[c])
    model.add(cp_model.LinearExpr.sum(list(y.values())) == d.groups)
    distance = cp_model.LinearExpr.weighted_sum(list(x.values()), [d.dist[i][c] for i, c in x])
    m = _Model(model, x, y, distance, [], [], cuts)
    classes: list[tuple[int, Callable[[KgSite], object], Sequence[object]]] = [
        (weights.tier, lambda k: k.tier, TIERS),
        (weights.ownership, lambda k: k.ownership, tuple(Ownership)),
    ]
    for weight, key, values in classes:
        if weight > 0:
            for value in values:
                members = [i for i, k in enumerate(d.kgs) if key(k) == value]
                if members:
                    m.balance.append(weight * _spread(m, d, cands, members))
    return m


class _Watch(cp_model.CpSolverSolutionCallback):
    """Reports each solution and bound of one stage to a `Progress`."""

    def __init__(self, stage: str, started: float, progress: Progress) -> None:
        super().__init__()
        self.stage, self.started, self.progress = stage, started, progress
        self.objective: float | None = None
        self.bound: float | None = None

    def report(self) -> None:
        self.progress(self.stage, time.perf_counter() - self.started, self.objective, self.bound)

    def on_solution_callback(self) -> None:
        self.objective, self.bound = self.objective_value, self.best_objective_bound
        self.report()

    def on_bound(self, bound: float) -> None:
        self.bound = bound
        self.report()


@dataclass(frozen=True)
class _Search:
    """What both stages share: the start, the options, the preset and the progress hook."""

    started: float
    options: PartitionOptions
    settings: Settings
    progress: Progress | None

    def left(self) -> float:
        return self.options.time_limit - (time.perf_counter() - self.started)


def _solve(
    model: cp_model.CpModel,
    stage: str,
    time_limit: float,
    search: _Search,
    cp_sat: Mapping[str, Any] | None = None,
) -> tuple[SolveStatus | None, cp_model.CpSolver]:
    """One stage's CP-SAT solve with the preset's parameters, ``cp_sat`` over them."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit)
    solver.parameters.num_workers = search.options.threads
    solver.parameters.random_seed = search.options.seed
    params = {**search.settings.cp_sat, **(cp_sat or {})}
    SolveOptions(cp_sat=params).merge_cp_sat(solver.parameters)
    watch = None
    if search.progress is not None:
        watch = _Watch(stage, search.started, search.progress)
        solver.best_bound_callback = watch.on_bound
    code = solver.solve(model, watch)
    if code == cp_model.MODEL_INVALID:
        raise RuntimeError(f"invalid CP-SAT model: {model.validate()}")
    return _STATUS.get(code), solver


def _prove(m: _Model, compact: Sequence[int], found: float, search: _Search) -> float:
    """A second try at the compact stage's proof, with the preset's ``bound_cp_sat`` (a
    bound-first tree search) from the compact partition; the better of its bound and the
    compact stage's ``found`` one. The model is the compact stage's, so its bound is valid."""
    m.add_hint(compact)
    limit = search.options.time_limit * search.settings.bound_share
    status, solver = _solve(m.model, "bound", limit, search, search.settings.bound_cp_sat)
    return found if status is None else max(found, solver.best_objective_bound)


def _polish(m: _Model, compact: Sequence[int], search: _Search) -> list[int]:
    """The best partition around the compact stage's centres: the second stage's model with
    those centres fixed, hinted with the compact partition. Each kindergarten then chooses
    among the few open centres near it, so CP-SAT usually proves it within a second; its
    partition hints the second stage (the compact one if it finds nothing better)."""
    m.add_hint(compact)
    fixed = m.model.clone()
    for c in set(compact):
        fixed.add(fixed.get_bool_var_from_proto_index(m.y[c].index) == 1)
    limit = search.options.time_limit * search.settings.polish_share
    status, solver = _solve(fixed, "polish", limit, search)
    return list(compact) if status is None else m.assignment(solver.value, len(compact))


def partition(
    kgs: Sequence[KgSite],
    *,
    max_size: int = DEFAULT_MAX_SIZE,
    groups: int | None = None,
    weights: PartitionWeights = PartitionWeights(),
    options: PartitionOptions = PartitionOptions(),
    progress: Progress | None = None,
) -> Partition:
    """Divide ``kgs`` into districts of at most ``max_size``, each led by an eligible centre.

    ``groups`` defaults to the fewest districts that fit. Raises ValueError when there are
    fewer eligible centres than districts. Two stages share the time limit: the most compact
    partition (p-median, from the greedy clustering), then the whole objective with total
    distance at most ``weights.slack_percent`` above it and never above the greedy's, and at
    least the first stage's proven bound (its own or `_prove`'s), hinted with the polish (`_polish`). The result is
    checked with `check_partition`; if the second stage finds nothing in its time the polish's
    partition stands in, unproven, and if CP-SAT's partition fails the check the greedy
    clustering does, with status GREEDY. ``progress`` hears of every solution and bound of every
    stage ("compact", "bound", "polish", "balance").
    """
    search = _Search(time.perf_counter(), options, partition_settings(len(kgs)), progress)
    d = _data(kgs, max_size, groups)
    greedy = _greedy(d)
    warm = _result(d, greedy, weights, SolveStatus.GREEDY)
    cands = _candidates(d, greedy, options.prune)
    m = _build(d, cands, weights)
    m.model.add(m.distance <= warm.terms["distance"])

    m.model.minimize(m.distance)
    m.add_hint(greedy)
    status, solver = _solve(
        m.model, "compact", options.time_limit * search.settings.compact_share, search
    )
    compact = m.assignment(solver.value, d.n) if status is not None else greedy
    distance_bound = solver.best_objective_bound if status is not None else None
    if status is SolveStatus.FEASIBLE and distance_bound is not None:
        distance_bound = _prove(m, compact, distance_bound, search)
    cap = min(warm.terms["distance"], _cost(d, compact) * (100 + weights.slack_percent) // 100)

    m.balance_stage(cap, distance_bound, weights)
    polished = _polish(m, compact, search)
    m.add_hint(polished)
    status, solver = _solve(m.model, "balance", search.left(), search)
    result, bound = warm, None
    notes: tuple[str, ...] = ()
    if status is None:
        # Nothing in the second stage's time (a loaded machine): the polish's partition, a
        # CP-SAT partition of the same model with fewer centres free, stands in unproven.
        name = solver.status_name(solver.response_proto.status)
        notes = (f"CP-SAT {name} in the second stage; the polish's partition used",)
        assign, claimed = polished, None
        status = SolveStatus.GREEDY if polished == greedy else SolveStatus.FEASIBLE
    else:
        assign, claimed = m.assignment(solver.value, d.n), round(solver.objective_value)
    found = _result(d, assign, weights, status)
    breaches = check_partition(d.kgs, found, max_size)
    if claimed is not None and found.objective != claimed:
        breaches.append(f"objective {found.objective} != solver's {claimed}")
    if breaches:
        log.error("CP-SAT partition fails the check: %s", "; ".join(breaches))
        notes = ("CP-SAT result failed the check; greedy used", *breaches)
    else:
        result = found
        bound = None if claimed is None else solver.best_objective_bound
    result = replace(
        result,
        best_bound=bound,
        warm_objective=warm.objective,
        distance_bound=distance_bound,
        distance_cap=cap,
        seconds=time.perf_counter() - search.started,
        variables=len(m.model.proto.variables),
        pruned=options.prune,
        notes=notes,
    )
    log.info("partition: %s", str(result).splitlines()[0])
    return result
