"""The partition's valid inequalities, bounds, polish and CP-SAT preset: every cut keeps the
optimum (proven with and without it on small districts), the compact stage's second proof
never passes the optimum, the polish is the proven best partition around the compact stage's
centres, and the preset is read by size."""

from __future__ import annotations

import dataclasses
import itertools
from typing import TYPE_CHECKING

import pytest
from ortools.sat.python import cp_model

from kgrota.bench.partition import district
from kgrota.model import Ownership
from kgrota.model.partition import KgSite, PartitionWeights
from kgrota.model.schedule import SolveStatus
from kgrota.solver import partition as sp
from kgrota.solver.options import PartitionOptions

if TYPE_CHECKING:
    from collections.abc import Iterator


def _small(seed: int) -> list[KgSite]:
    """14 kindergartens, every third a quality public one (enough centres for 3 districts)."""
    return [
        dataclasses.replace(k, ownership=Ownership.PUBLIC, tier=5) if i % 3 == 0 else k
        for i, k in enumerate(district(14, seed))
    ]


def _optimum(m: sp._Model) -> int:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20.0
    assert solver.solve(m.model) == cp_model.OPTIMAL
    return round(solver.objective_value)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("weight", [20, 200])
def test_cuts_keep_the_proven_optimum(seed: int, weight: int) -> None:
    d = sp._data(_small(seed), 5, None)
    cands = sp._candidates(d, sp._greedy(d), prune=False)
    weights = PartitionWeights(tier=weight, ownership=weight)
    optima = {}
    for cuts in (False, True):
        compact = sp._build(d, cands, weights, cuts=cuts)
        compact.model.minimize(compact.distance)
        optima["distance", cuts] = distance = _optimum(compact)
        # A 10 % slack lets balance trade against distance; the cut side keeps the first
        # stage's proof (distance >= its optimum), the other side has no such row.
        m = sp._build(d, cands, weights, cuts=cuts)
        m.balance_stage(distance * 110 // 100, distance, weights)
        optima["whole", cuts] = _optimum(m)
    assert optima["distance", True] == optima["distance", False]
    assert optima["whole", True] == optima["whole", False]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_second_proof_never_passes_the_optimum(seed: int) -> None:
    d = sp._data(_small(seed), 5, None)
    greedy = sp._greedy(d)
    m = sp._build(d, sp._candidates(d, greedy, prune=False), PartitionWeights())
    m.model.minimize(m.distance)
    optimum = _optimum(m)
    search = sp._Search(
        0.0, PartitionOptions(time_limit=20.0, workers=1), sp.partition_settings(d.n), None
    )
    assert sp._prove(m, greedy, 0.0, search) == optimum  # proven: the bound is the optimum


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_polish_is_the_best_partition_around_the_compact_centres(seed: int) -> None:
    d = sp._data(_small(seed)[:10], 4, None)  # 3 districts: 3^7 assignments to compare
    cands = sp._candidates(d, sp._greedy(d), prune=False)
    weights = PartitionWeights()
    m = sp._build(d, cands, weights)
    m.model.minimize(m.distance)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(m.model) == cp_model.OPTIMAL
    compact = m.assignment(solver.value, d.n)
    cap = sp._cost(d, compact) * 110 // 100
    m.balance_stage(cap, solver.objective_value, weights)
    options = PartitionOptions(time_limit=20.0, workers=1)
    search = sp._Search(0.0, options, sp.partition_settings(d.n), None)
    polished = sp._polish(m, compact, search)
    assert set(polished) == set(compact)  # the same centres
    assert sp._cost(d, polished) <= cap
    # No assignment to these centres within the cap has a lower whole objective.
    best = min(
        sp._result(d, assign, weights, SolveStatus.GREEDY).objective
        for assign in _assignments(d, sorted(set(compact)))
        if sp._cost(d, assign) <= cap
    )
    assert sp._result(d, polished, weights, SolveStatus.GREEDY).objective == best


def _assignments(d: sp._Data, centres: list[int]) -> Iterator[list[int]]:
    """Every assignment of the other kindergartens to ``centres`` (the centres lead their
    own) that fits the districts' size."""
    others = [i for i in range(d.n) if i not in centres]
    for choice in itertools.product(centres, repeat=len(others)):
        if max(choice.count(c) for c in centres) < d.max_size:
            assign = list(range(d.n))
            for i, c in zip(others, choice, strict=True):
                assign[i] = c
            yield assign


def test_shipped_preset_is_read_by_size() -> None:
    small, large = sp.partition_settings(40), sp.partition_settings(500)
    for settings in (small, large):
        shares = (settings.compact_share, settings.bound_share, settings.polish_share)
        assert all(0 < share < 1 for share in shares) and sum(shares) < 1
        assert settings.bound_cp_sat["optimize_with_lb_tree_search"] is True
    assert small.cp_sat == {"linearization_level": 2}
    assert large.cp_sat == {"linearization_level": 2, "subsolvers": ("max_lp", "core")}


PRESET = """
compact_share = 0.4
bound_share = 0.1
polish_share = 0.1
[cp_sat]
linearization_level = 2

[[size]]
from = 100
compact_share = 0.25
[size.cp_sat]
cp_model_probing_level = 0
"""


def test_preset_sizes_override_the_top_level() -> None:
    [(large_from, large), (small_from, base)] = sp.read_settings(PRESET)
    assert (large_from, small_from) == (100, 0)
    assert large.compact_share == 0.25 and base.compact_share == 0.4
    assert large.polish_share == base.polish_share == large.bound_share == 0.1
    assert large.cp_sat == {"linearization_level": 2, "cp_model_probing_level": 0}
    assert base.cp_sat == {"linearization_level": 2}


SHARES = "compact_share = 0.4\nbound_share = 0.1\npolish_share = 0.1"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("compact_share = 0.4\nshare = 1", "unknown key"),
        ("compact_share = 1.5", "compact_share must be a fraction"),
        ("compact_share = 0.4\nbound_share = 0.1", "polish_share must be a fraction"),
        ("compact_share = 0.8\nbound_share = 0.1\npolish_share = 0.1", "leave time for the"),
        (f"{SHARES}\n[cp_sat]\nlinearisation_level = 2", "not a CP-SAT parameter"),
        (f"{SHARES}\n[cp_sat]\nnum_workers = 2", "set workers"),
        (f"{SHARES}\n[[size]]\ncompact_share = 0.3", "from must be"),
    ],
)
def test_bad_preset_is_a_clear_error(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        sp.read_settings(text)
