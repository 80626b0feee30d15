"""Benchmark infrastructure of issue 15: repeats and their spread, the province sets, the
end-to-end run of ``kgrota solve``, the tuning run. Data paths on tiny sets; no timings."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from kgrota.bench import runner, sets, spread, tune
from kgrota.bench.memory import TreePeak
from kgrota.bench.report import markdown
from kgrota.bench.runner import Params, run_set
from kgrota.bench.sets import SETS, BenchSet, groups_of, random_order
from kgrota.model.generate import generate
from kgrota.solver.options import SolveOptions

if TYPE_CHECKING:
    from pathlib import Path

HIGHS = importlib.util.find_spec("highspy") is not None


def test_repeats_use_successive_seeds_and_highs_runs_once() -> None:
    params = Params(SolveOptions(time_limit=5.0, workers=1, seed=7), mip=HIGHS)
    results = run_set("small", params, seeds=1, repeats=2)
    first, second = (inst["groups"][0] for inst in results["instances"])
    assert (first["cp_seed"], first["repeat"], second["cp_seed"], second["repeat"]) == (7, 0, 8, 1)
    assert first["group"] == second["group"] and second["verified"] is True
    assert ("mip" in first) == HIGHS and "mip" not in second  # HiGHS: repeat 0 only
    [group] = results["summary"]["spread"]["groups"]
    assert group["cp_seconds"]["runs"] == 2
    assert group["cp_over_highs"]["runs"] == (2 if HIGHS else 0)
    if HIGHS and first["status"] == second["status"] == "OPTIMAL":
        highs = first["mip"]["seconds"]
        cp = sorted(g["seconds"] - g["tiebreak_seconds"] for g in (first, second))
        assert group["cp_over_highs"]["max"] == pytest.approx(cp[1] / highs)
    page = markdown(results)
    assert "## Spread over 2 repeats" in page and "| CP seed |" in page


def _run(group: str, seconds: float, status: str = "OPTIMAL", highs: float | None = None) -> dict:
    record: dict = {"instance": "s1", "group": group, "status": status, "gap": 0.0}
    record |= {"seconds": seconds + 0.5, "tiebreak_seconds": 0.5}
    if highs is not None:
        record["mip"] = {"skipped": None, "status": "Optimal", "seconds": highs}
    return record


def test_spread_counts_unproven_runs_as_slowest() -> None:
    figures = spread.spread([1.0, None, 3.0])
    assert figures == {
        "runs": 3,
        "unproven": 1,
        "min": 1.0,
        "median": 3.0,
        "p90": None,
        "max": None,
    }
    ten = spread.spread([float(t) for t in range(1, 11)])
    assert ten["p90"] == 9.0 and ten["median"] == 5.5  # nearest rank; mean of the middle two
    assert spread.spread([])["max"] is None


def test_spread_divides_every_repeat_by_the_one_highs_run() -> None:
    runs = [_run("A", 1.0, highs=2.0), _run("A", 3.0), _run("A", 9.0, status="FEASIBLE")]
    runs += [_run("B", 0.5, highs=1.0), _run("B", 0.5)]
    out = spread.spreads(runs)
    a, b = out["groups"]
    assert a["cp_seconds"] == spread.spread([1.0, 3.0, None])
    assert a["cp_over_highs"] == spread.spread([0.5, 1.5, None])  # the unproven run: worst
    assert b["cp_over_highs"]["max"] == pytest.approx(0.5)
    assert out["overall"]["cp_over_highs"]["runs"] == 5
    assert out["overall"]["highs_seconds"] == spread.spread([2.0, 1.0])
    # within a 5 % gap a FEASIBLE run reached the goal
    gapped = spread.spreads([_run("A", 2.0, "FEASIBLE", highs=4.0) | {"gap": 0.01}], gap=0.05)
    assert gapped["overall"]["cp_over_highs"]["max"] == pytest.approx(0.5)


def test_province_groups_are_a_fixed_random_nested_sample() -> None:
    roster = generate(groups=12, kgs=2, seed=3)
    order = random_order(roster.groups)
    assert sorted(order) == sorted(roster.groups) and order == random_order(roster.groups)
    assert order != list(roster.groups)  # random, not the generator's order
    small, large = groups_of(roster, order[:3]), groups_of(roster, order[:6])
    assert set(small.groups) == set(order[:3]) and set(small.groups) <= set(large.groups)
    assert small.subset(order[0]) == roster.subset(order[0])  # each group whole
    province = SETS["provincegroups"]
    assert province.sizes == sets.PROVINCE_COUNTS and province.seeds == (1,)
    assert SETS["province"].sizes == (sets.PROVINCE[1],) and sets.PROVINCE[0] == 1000


def test_provincegroups_seeds_are_orders_of_one_province(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sets, "PROVINCE", (12, 2))
    whole = sets._district((12, 2), sets.PROVINCE_SEED)
    for seed in (1, 2):
        part = sets._province_groups(4, seed)
        order = random_order(whole.groups, sets.ORDER_SEED + seed - 1)
        assert set(part.groups) == set(order[:4])  # seed 1: the order of earlier results
    assert set(sets._province_groups(4, 1).groups) != set(sets._province_groups(4, 2).groups)


def test_group_scaling_per_seed() -> None:
    instances = [
        {"seed": seed, "groups_count": n, "wall_seconds": n**b, "cpu_seconds": n, "rss_mb": 1.0}
        for seed, b in ((1, 1.0), (2, 1.1))
        for n in (125, 250, 500, 1000)
    ]
    summary = runner.summarise([], instances)
    assert summary["group_scaling"] is not None and summary["group_scaling"]["points"] == 8
    by_seed = summary["group_scaling_by_seed"]
    assert by_seed["1"]["wall_seconds"] == pytest.approx(1.0)
    assert by_seed["2"]["wall_seconds"] == pytest.approx(1.1)
    single = runner.summarise([], [i for i in instances if i["seed"] == 1])
    assert "group_scaling_by_seed" not in single


def test_group_scaling_fits_the_end_to_end_wall() -> None:
    runs = [
        {"groups_count": n, "wall_seconds": 2.0 * n, "cpu_seconds": n, "work": 0.1 * n**1.02}
        | {"end_to_end": {"wall_seconds": 5 + 0.5 * n**1.1}}
        for n in (125, 250, 500, 1000)
    ]
    fitted = runner._group_scaling(runs)
    assert fitted is not None and fitted["wall_seconds"] == pytest.approx(1.0)
    assert fitted["work"] == pytest.approx(1.02)  # the mix of groups' share of the exponents
    assert 1.0 < fitted["end_to_end_wall_seconds"] < 1.1
    plain = runner._group_scaling([{k: v for k, v in r.items() if k != "end_to_end"} for r in runs])
    assert plain is not None and "end_to_end_wall_seconds" not in plain


def test_tree_peak_sees_the_children() -> None:
    code = (
        "import subprocess, sys; subprocess.run([sys.executable, '-c', "
        "'import time; b = bytearray(80 * 2**20); time.sleep(1.0)'])"
    )
    with subprocess.Popen([sys.executable, "-c", code]) as proc, TreePeak(proc.pid, 0.05) as peak:
        proc.wait()
    assert peak.processes >= 2
    assert peak.hwm_max_mb is not None and peak.hwm_max_mb > 80  # the child's own bytes
    assert peak.hwm_sum_mb is not None and peak.hwm_sum_mb > peak.hwm_max_mb


def test_end_to_end_runs_kgrota_solve_on_the_written_roster(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tiny = BenchSet(
        "tiny", "2 groups of 2", (2,), (1,), lambda kgs, seed: generate(groups=2, kgs=2, seed=seed)
    )
    monkeypatch.setitem(SETS, "tiny", tiny)
    params = Params(SolveOptions(time_limit=10.0, workers=1), mip=False)
    results = run_set("tiny", params, end_to_end=True)
    [inst] = results["instances"]
    e2e = inst["end_to_end"]
    assert e2e["exit_code"] == 0 and e2e["plan_written"] is True
    assert e2e["command"].startswith("kgrota solve ROSTER.xlsx -o PLAN.xlsx --profile default")
    assert "--workers 1" in e2e["command"] and e2e["interrupted"] is False
    assert e2e["rss_mb"] >= e2e["rss_max_process_mb"] > 50  # OR-Tools loaded somewhere
    assert any("verified" in line for line in e2e["output"])
    assert "## End to end" in markdown(results)
    # one group per roster: nothing to run end to end; one repeat: the plain output
    plain = run_set("small", params, seeds=1, end_to_end=True)
    [group] = plain["instances"][0]["groups"]
    assert "end_to_end" not in plain["instances"][0] and "repeat" not in group
    assert "spread" not in plain["summary"] and "Spread" not in markdown(plain)


def test_tune_interleaves_presets_and_writes_its_results(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text("workers = 1\ntime_limit = 10\n", encoding="utf-8")
    (tmp_path / "b.toml").write_text(
        "workers = 1\ntime_limit = 10\n[cp_sat]\ncp_model_probing_level = 2\n", encoding="utf-8"
    )
    presets = [str(tmp_path / "a.toml"), str(tmp_path / "b.toml")]
    args = [*presets, "--set", "small", "--seeds", "1", "--repeats", "2", "--out", str(tmp_path)]
    assert tune.main(args) == 0
    [json_path] = tmp_path.glob("tune-*.json")
    data = json.loads(json_path.read_text(encoding="utf-8"))
    runs = data["runs"]
    assert [(r["preset"], r["cp_seed"]) for r in runs] == [("a", 0), ("b", 0), ("a", 1), ("b", 1)]
    assert all(r["proven"] and r["deterministic_time"] > 0 for r in runs)
    assert len({r["objective"] for r in runs}) == 1 and data["summary"]["optimum_differs"] == []
    assert data["summary"]["presets"]["b"]["seconds"]["runs"] == 2
    assert data["presets"][1]["cp_sat"] == {"cp_model_probing_level": 2}
    assert "| a | 2 | 0 |" in json_path.with_suffix(".md").read_text(encoding="utf-8")


def test_tune_refuses_a_bad_preset(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[cp_sat]\nno_such_parameter = 1\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        tune.main([str(bad), "--set", "small"])
    assert exit_info.value.code == 2
