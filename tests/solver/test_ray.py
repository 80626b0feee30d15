"""The Ray backend: a small district on local Ray gives the local backend's optima, verified;
tasks never ask for more CPUs than Ray has; without Ray, a clear usage error."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from kgrota.io.cli import main
from kgrota.io.roster_write import write_roster
from kgrota.model import Instance, SolveStatus, load_profile
from kgrota.model.generate import generate
from kgrota.model.verify import verify
from kgrota.solver.options import SolveOptions
from kgrota.solver.ray_backend import task_layout
from kgrota.solver.solve import solve

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

START = 2026


def district() -> Instance:
    roster = generate(groups=3, kgs=(3, 5), seed=3, start_year=START)
    return Instance.create(roster, load_profile("default"), START)


@pytest.fixture(scope="module")
def local_ray() -> Iterator[Any]:
    ray = pytest.importorskip("ray")
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def test_district_on_ray_matches_the_local_backend(local_ray: Any) -> None:
    inst = district()
    seen: list[str] = []
    on_ray = solve(
        inst,
        SolveOptions(time_limit=20, workers=2, seed=0, backend="ray"),
        progress=lambda r: seen.append(r.group),
    )
    here = solve(inst, SolveOptions(time_limit=20, workers=2, seed=0))
    assert sorted(seen) == sorted(inst.roster.groups)  # streamed back, one call per group
    assert [g.group for g in on_ray.groups] == list(inst.roster.groups)
    for remote, local in zip(on_ray.groups, here.groups, strict=True):
        assert remote.status is local.status
        if local.status is SolveStatus.OPTIMAL:
            assert remote.objective == local.objective
    report = verify(inst, on_ray.assignments)
    assert report.ok and report.objective == sum(g.objective or 0 for g in on_ray.groups)
    for g in on_ray.groups:  # each group's schedule holds on its own
        assert verify(inst.for_group(g.group), g.assignments).ok


def test_cli_solves_on_ray(local_ray: Any, tmp_path: Path) -> None:
    roster = write_roster(district().roster, tmp_path / "roster.xlsx")
    plan = tmp_path / "plan.json"
    args = ["solve", str(roster), "-o", str(plan), "--start-year", str(START), "--backend", "ray"]
    result = CliRunner().invoke(main, [*args, "--time-limit", "20"])
    assert result.exit_code == 0, result.output
    assert "verified" in result.output and plan.exists()


@pytest.mark.parametrize(
    ("groups", "workers", "cpus", "largest_node", "layout"),
    [
        (3, None, 2, 2, (2, 1)),  # 2 cores: two 1-worker groups at once
        (200, None, 64, 16, (64, 1)),  # a cluster: 64 one-worker tasks at once
        (3, None, 64, 16, (3, 16)),  # few groups: as many workers as one node holds
        (3, 8, 2, 2, (2, 1)),  # --workers above the cluster's CPUs: capped, never oversubscribed
        (200, 4, 64, 16, (4, 1)),  # --workers below: 4 threads in all, on a large cluster too
        (200, 1, 2, 2, (1, 1)),
    ],
)
def test_tasks_ask_for_what_they_run(
    groups: int, workers: int | None, cpus: int, largest_node: int, layout: tuple[int, int]
) -> None:
    assert task_layout(groups, workers, cpus, largest_node) == layout


def test_without_ray_a_usage_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    with pytest.raises(ValueError, match=r"pip install 'kgrota\[ray\]'"):
        solve(district(), SolveOptions(backend="ray"))
    # The CLI says so (exit 2) before it reads the roster, which does not even exist here.
    args = [
        "solve",
        str(tmp_path / "none.xlsx"),
        "-o",
        str(tmp_path / "p.json"),
        "--backend",
        "ray",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "kgrota[ray]" in result.output
