"""Benchmark runner: the data path on the `small` set, the MIP translation against CP-SAT."""

from __future__ import annotations

import importlib.util
import json
import random
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest
from ortools.sat.python import cp_model

from kgrota.bench import runner
from kgrota.bench.memory import peak_rss_mb
from kgrota.bench.mip import Unsupported, from_cp_proto, run_highs
from kgrota.bench.report import write_results
from kgrota.bench.runner import GroupTask, Params, fit_exponent, improvement, ratio, run_set
from kgrota.bench.sets import SETS, BenchSet
from kgrota.model.generate import generate
from kgrota.solver.options import SolveOptions
from kgrota.solver.solve import layout

if TYPE_CHECKING:
    from pathlib import Path

needs_highs = pytest.mark.skipif(
    importlib.util.find_spec("highspy") is None, reason="highspy not installed (bench extra)"
)

GROUP_FIELDS = {
    "instance", "group", "kindergartens", "teachers", "variables", "constraints", "workers",
    "status", "objective", "best_bound", "gap", "terms", "seconds", "first_feasible_seconds",
    "optimal_seconds", "verified", "verified_objective", "assignments", "greedy_objective",
    "greedy_terms", "greedy_seconds", "greedy_verified", "improvement", "ratio", "rss_mb",
    "work",
}  # fmt: skip
INSTANCE_FIELDS = {
    "label", "seed", "groups_count", "kindergartens", "teachers", "variables", "constraints",
    "optimal_groups", "statuses", "objective", "best_bound", "gap", "greedy_objective",
    "improvement", "ratio", "first_feasible_seconds", "optimal_seconds", "cpu_seconds",
    "work", "build_seconds", "wall_seconds", "rss_mb", "verified", "groups",
}  # fmt: skip
TOP_FIELDS = {
    "set", "description", "date", "params", "mip_skipped", "machine", "wall_seconds",
    "rss_self_mb", "summary", "instances",
}  # fmt: skip


def test_small_run_writes_every_field(tmp_path: Path) -> None:
    results = run_set("small", Params(SolveOptions(time_limit=3.0, workers=1), mip=False), seeds=1)
    json_path, md_path = write_results(results, tmp_path)
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data.keys() >= TOP_FIELDS
    assert data["params"]["seeds"] == [1]
    [inst] = data["instances"]
    assert inst.keys() >= INSTANCE_FIELDS
    [g] = inst["groups"]
    assert g.keys() >= GROUP_FIELDS
    assert "mip" not in g  # --no-mip
    assert g["kindergartens"] == 4 and g["teachers"] > 50
    assert g["status"] in ("OPTIMAL", "FEASIBLE")
    # The schedule verifies, and the solver's objective is the verifier's evaluation of it.
    assert g["verified"] is True and g["verified_objective"] == g["objective"]
    assert g["greedy_verified"] is True
    cp, base = g["objective"], g["greedy_objective"]
    assert g["improvement"] == pytest.approx((cp - base) / max(1, abs(base)))
    assert g["ratio"] == (pytest.approx(cp / base) if base > 0 else None)
    assert g["best_bound"] >= cp and g["gap"] == pytest.approx(
        (g["best_bound"] - cp) / max(1, abs(cp))
    )
    assert (g["optimal_seconds"] is not None) == (g["status"] == "OPTIMAL")
    assert 0 < g["first_feasible_seconds"] <= g["seconds"] <= 3.0 + 5.0
    assert g["work"] > 0 and inst["work"] == g["work"]  # CP-SAT's deterministic time
    assert g["rss_mb"] > 50  # a fresh process with OR-Tools loaded
    assert inst["objective"] == cp and inst["verified"] is True
    summary = data["summary"]
    assert summary["groups"] == 1 and summary["verified"] == 1
    assert summary["median_improvement"] == pytest.approx(g["improvement"])
    assert summary["scaling"] is None  # one size: nothing to fit
    page = md_path.read_text(encoding="utf-8")
    assert g["group"] in page and "## Groups" in page


def test_multi_group_roster_is_solved_by_solve(monkeypatch: pytest.MonkeyPatch) -> None:
    tiny = BenchSet(
        "tiny", "3 groups of 2", (2,), (1,), lambda kgs, seed: generate(groups=3, kgs=2, seed=seed)
    )
    monkeypatch.setitem(SETS, "tiny", tiny)
    mip = importlib.util.find_spec("highspy") is not None
    results = run_set("tiny", Params(SolveOptions(time_limit=20.0, workers=2), mip=mip))
    [inst] = results["instances"]
    assert inst["solver"] == "solve" and inst["groups_count"] == 3
    assert [g["group"] for g in inst["groups"]] == list(tiny.rosters()[0].roster.groups)
    assert all(g["status"] == "OPTIMAL" and g["verified"] is True for g in inst["groups"])
    assert all(g["workers"] == layout(3, 2)[1] for g in inst["groups"])  # as solve() splits
    assert inst["objective"] == sum(g["objective"] for g in inst["groups"])
    assert inst["optimal_seconds"] == max(g["seconds"] for g in inst["groups"])
    assert inst["rss_mb"] > 50  # the solving process's peak, OR-Tools loaded
    if mip:
        assert all(g["mip"]["agree"] is True for g in inst["groups"])
        assert results["summary"]["mip_agree"] == 3


def test_improvement_and_ratio_with_negative_objectives() -> None:
    assert improvement(282, -174) == pytest.approx(456 / 174)
    assert improvement(-10, -20) == pytest.approx(0.5)
    assert improvement(5, 0) == 5  # |baseline| below 1 counts as 1
    assert improvement(None, 3) is None
    assert ratio(300, 150) == 2
    assert ratio(300, -150) is None and ratio(300, 0) is None


def test_fit_exponent_recovers_a_power_law() -> None:
    xs = [100.0, 200.0, 300.0, 400.0]
    assert fit_exponent(xs, [3 * x**1.7 for x in xs]) == pytest.approx(1.7)
    assert fit_exponent([100.0, 100.0], [1.0, 2.0]) is None  # one size: no slope


def test_sets_are_seeded_and_sized() -> None:
    small = SETS["small"].rosters(seeds=1)
    again = SETS["small"].rosters(seeds=1)
    assert small == again
    [r] = small
    assert len(r.roster.groups) == 1 and len(r.roster.kindergartens) == 4
    assert [b.seed for b in SETS["group16"].rosters()] == [1, 2, 3, 4, 5]
    assert [b.seed for b in SETS["small"].rosters(seeds=5)] == [1, 2, 3, 4, 5]
    scaling = SETS["scaling"].rosters(seeds=1)
    assert [len(b.roster.kindergartens) for b in scaling] == [4, 8, 12, 16]
    assert len({b.label for b in scaling}) == 4
    hard = SETS["hard"].rosters()
    assert all(len(b.roster.groups) == 1 for b in hard)  # each alone: solve_group, own RSS
    assert [b.label for b in hard] == ["g87-s1", "g49-s1", "g88-s1", "g95-s1"]


def test_groups_set_nests_the_city_and_time_is_fitted_against_groups() -> None:
    rosters = SETS["groups"].rosters()  # the city is cached by the hard set above
    assert [len(b.roster.groups) for b in rosters] == [25, 50, 100, 200]
    assert [b.label for b in rosters] == ["n25-s1", "n50-s1", "n100-s1", "n200-s1"]
    city = rosters[-1].roster
    for smaller in rosters[:-1]:  # each is the city's first N groups, whole
        assert smaller.roster.groups == city.groups[: len(smaller.roster.groups)]
        first = smaller.roster.groups[0]
        assert smaller.roster.subset(first) == city.subset(first)
    # CP-SAT time grows as n^1.2 (harder groups later), the rest (0.1 s a group) linearly
    runs = [
        {"groups_count": n, "wall_seconds": n**1.2 + 0.1 * n, "cpu_seconds": n**1.2}
        for n in (25, 50, 100)
    ]
    fitted = runner._group_scaling(runs)
    assert fitted is not None and fitted["groups"] == [25, 100]
    assert fitted["cpu_seconds"] == pytest.approx(1.2)
    assert fitted["overhead_seconds"] == pytest.approx(1.0)
    assert 1.0 < fitted["wall_seconds"] < 1.2
    per_group = [n**0.2 + 0.1 for n in (25, 50, 100)]
    assert fitted["wall_seconds_per_group"] == pytest.approx(per_group)
    assert runner._group_scaling(runs[:2]) is None  # two counts: no fit


def test_child_peak_rss_is_its_own_not_the_parents() -> None:
    # ru_maxrss would report at least this process's size (OR-Tools loaded) for the child.
    code = "from kgrota.bench.memory import peak_rss_mb; print(peak_rss_mb())"
    child = float(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )
    parent = peak_rss_mb()
    assert parent is not None and parent > 60
    assert 0 < child < parent / 2


# -- the MIP peer ----------------------------------------------------------------------------


def _random_model(seed: int, maximise: bool) -> cp_model.CpModel:
    """Booleans and small integers under every constraint kind the translation covers."""
    rng = random.Random(seed)
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{i}") for i in range(8)]
    y = [m.new_int_var(rng.randint(-4, 0), rng.randint(1, 6), f"y{i}") for i in range(3)]

    def lit() -> Any:
        v = rng.choice(x)
        return v if rng.random() < 0.5 else ~v

    def enforce(ct: cp_model.Constraint) -> None:
        if rng.random() < 0.5:
            ct.only_enforce_if([lit() for _ in range(rng.randint(1, 2))])

    m.add_exactly_one([lit() for _ in range(3)])
    m.add_at_most_one([lit() for _ in range(3)])
    enforce(m.add_bool_or([lit() for _ in range(3)]))
    enforce(m.add_bool_and([lit() for _ in range(2)]))
    for _ in range(3):
        expr = sum(rng.randint(-3, 3) * v for v in [*rng.sample(x, 2), *rng.sample(y, 2)])
        low = rng.randint(-6, 2)
        enforce(m.add_linear_constraint(expr, low, low + rng.randint(0, 6)))
    objective = sum(rng.randint(-5, 5) * v for v in [*x, *y]) + rng.randint(-9, 9)
    if maximise:
        m.maximize(objective)
    else:
        m.minimize(objective)
    return m


@needs_highs
@pytest.mark.parametrize("seed", range(6))
def test_mip_translation_has_cp_sat_optimum(seed: int, tmp_path: Path) -> None:
    # Both senses, so a sign slip in scaling or offset shows.
    model = _random_model(seed, maximise=seed % 2 == 0)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    mip = from_cp_proto(model.proto)
    run = run_highs(mip, tmp_path / "m.mps", time_limit=10, threads=1)
    if status == cp_model.INFEASIBLE:
        assert run.status == "Infeasible"
        return
    assert status == cp_model.OPTIMAL and run.optimal
    assert run.objective == pytest.approx(solver.objective_value)
    assert run.bound == pytest.approx(solver.objective_value)


@needs_highs
@pytest.mark.parametrize("seed", range(6))
def test_highs_gap_reports_in_cp_sat_terms(seed: int, tmp_path: Path) -> None:
    # The worker adds the objective's offset for HiGHS's gap and takes it off again.
    maximise = seed % 2 == 0
    mip = from_cp_proto(_random_model(seed, maximise=maximise).proto)
    exact = run_highs(mip, tmp_path / "a.mps", time_limit=10, threads=1)
    loose = run_highs(mip, tmp_path / "b.mps", time_limit=10, threads=1, gap=0.5)
    assert loose.status == exact.status
    if exact.objective is None or loose.objective is None or loose.bound is None:
        return  # infeasible
    assert abs(loose.bound - loose.objective) <= 0.5 * max(1, abs(loose.objective)) + 1e-6
    sign = 1 if maximise else -1  # no plan beats the optimum, no bound falls short of it
    assert sign * loose.objective <= sign * exact.objective + 1e-6 <= sign * loose.bound + 2e-6


def test_mip_translation_refuses_what_it_cannot_express() -> None:
    m = cp_model.CpModel()
    x = m.new_int_var(0, 5, "x")
    m.add_linear_expression_in_domain(x, cp_model.Domain.from_values([0, 2, 5]))
    with pytest.raises(Unsupported, match="holes"):
        from_cp_proto(m.proto)
    m = cp_model.CpModel()
    x, y, z = (m.new_int_var(0, 5, n) for n in "xyz")
    m.add_multiplication_equality(z, [x, y])
    with pytest.raises(Unsupported, match="int_prod"):
        from_cp_proto(m.proto)


def _tiny_task(mip: bool, gap: float = 0.0) -> GroupTask:
    roster = generate(groups=1, kgs=2, seed=1)  # proves optimal in well under a second
    params = Params(SolveOptions(time_limit=20.0, workers=1, gap=gap), mip=mip)
    return GroupTask("s1", roster.groups[0], roster, "default", params, workers=1)


@needs_highs
def test_mip_peer_matches_cp_sat_on_a_tiny_instance() -> None:
    record = runner.solve_task(_tiny_task(mip=True))
    mip = record["mip"]
    assert record["status"] == "OPTIMAL" and mip["status"] == "Optimal"
    assert mip["skipped"] is None and mip["same_model"] is True
    assert mip["objective"] == pytest.approx(record["objective"])
    assert mip["agree"] is True and mip["time_ratio"] > 0


@needs_highs
def test_mip_peer_with_a_gap_times_both_to_the_gap() -> None:
    record = runner.solve_task(_tiny_task(mip=True, gap=0.3))
    mip = record["mip"]
    assert record["verified"] is True and record["gap"] <= 0.3
    assert mip["status"] == "Optimal"  # HiGHS within its mip_rel_gap
    assert abs(mip["bound"] - mip["objective"]) <= 0.3 * abs(mip["objective"])
    assert mip["agree"] is True and mip["time_ratio"] > 0  # both reached the gap


def test_mip_peer_reports_missing_highspy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "highspy_missing", lambda: True)
    record = runner.solve_task(_tiny_task(mip=True))
    assert record["mip"] == {"skipped": "MIP peer skipped: highspy not installed"}
    assert record["verified"] is True
