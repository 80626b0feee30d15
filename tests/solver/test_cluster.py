"""The Ray backend on a simulated multi-node cluster (a head without CPUs and two 1-CPU worker
nodes on this machine): `kgrota solve --address` gives the local pool's plan byte for byte;
a node killed mid-solve costs no group (its in-flight group runs again on the other node);
with every worker node gone the groups left come back WORKER_LOST, greedy in their place."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner
from test_interrupts import Run, summary  # the subprocess runner of the local fault tests

from kgrota.io.cli import main
from kgrota.io.plan_check import verify_plan
from kgrota.io.roster_read import read_roster
from kgrota.io.roster_write import write_roster
from kgrota.io.schedule_io import read_plan
from kgrota.model import Cut, GroupResult, Instance, SolveStatus, load_profile
from kgrota.model.generate import generate
from kgrota.model.verify import verify
from kgrota.solver.options import SolveOptions
from kgrota.solver.solve import solve

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

START = 2026
OPTIONS = SolveOptions(time_limit=30, workers=2, seed=0)
ON_RAY = replace(OPTIONS, backend="ray")  # 2 one-worker tasks at once: a group per node
# Ray marks a killed node dead after missed health checks: seconds here, not Ray's default 15+.
FAST_DETECTION = {"health_check_period_ms": 500, "health_check_failure_threshold": 3}


def district() -> Instance:
    roster = generate(groups=3, kgs=(3, 5), seed=3, start_year=START)
    return Instance.create(roster, load_profile("default"), START)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    pytest.importorskip("ray", reason="the ray extra is not installed (pip install 'kgrota[ray]')")
    import ray
    from ray.cluster_utils import Cluster

    head = {"num_cpus": 0, "include_dashboard": False, "_system_config": FAST_DETECTION}
    nodes = Cluster(initialize_head=True, head_node_args=head)
    for _ in range(2):
        nodes.add_node(num_cpus=1)
    nodes.wait_for_nodes()
    ray.init(address=nodes.address, log_to_driver=False)
    yield nodes
    ray.shutdown()
    nodes.shutdown()


@pytest.fixture(scope="module")
def local_plan() -> list[GroupResult]:
    return list(solve(district(), OPTIONS).groups)


def test_cli_on_the_cluster_writes_the_local_pools_plan(cluster: Any, tmp_path: Path) -> None:
    roster = write_roster(district().roster, tmp_path / "roster.xlsx")
    common = ["solve", str(roster), "--start-year", str(START), "--workers", "2", "--seed", "0"]
    here = CliRunner().invoke(main, [*common, "-o", str(tmp_path / "local.json")])
    assert here.exit_code == 0, here.output
    # A separate process joins the running cluster by its address, as on a real one.
    there = tmp_path / "ray.json"
    cli = [sys.executable, "-c", "from kgrota.io.cli import main; main()"]
    args = [*common, "-o", str(there), "--backend", "ray", "--address", cluster.address]
    run = subprocess.run([*cli, *args], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    local, remote = (json.loads((tmp_path / n).read_text()) for n in ("local.json", "ray.json"))
    key = next(k for k in local if isinstance(local[k], dict) and "assignments" in local[k])
    assert remote[key]["assignments"] == local[key]["assignments"]  # every group proven optimal
    assert local[key]["assignments"], "an empty plan proves nothing"
    check = CliRunner().invoke(main, ["verify", str(roster), str(there)])
    assert check.exit_code == 0, check.output


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_an_interrupt_on_the_cluster_keeps_the_best_plan(
    cluster: Any, tmp_path: Path, signum: signal.Signals
) -> None:
    roster = tmp_path / "roster.xlsx"
    write_roster(generate(groups=3, kgs=16, seed=1, start_year=START), roster)  # seconds each
    out = tmp_path / "plan.xlsx"
    args = ["--debug", "solve", str(roster), "-o", str(out), "--start-year", str(START)]
    run = Run(*args, "--backend", "ray", "--address", cluster.address)
    run.wait_for(r"ray: 3 group\(s\)")  # the first tasks are submitted
    run.proc.send_signal(signum)
    code, output = run.finish()
    assert code == 130, output
    assert "Traceback" not in output
    assert "INTERRUPTED" in str(summary(out)["run"])
    instance = Instance.create(read_roster(roster)[0], load_profile("default"), START)
    assert verify_plan(instance, read_plan(out)).report.ok


def test_a_killed_node_costs_no_group(cluster: Any, local_plan: list[GroupResult]) -> None:
    inst = district()
    killed: list[bool] = []

    def kill_a_node(result: GroupResult) -> None:
        if not killed:  # the other group is still in flight, maybe on this node
            cluster.remove_node(cluster.worker_nodes.copy().pop(), allow_graceful=False)
            killed.append(True)

    schedule = solve(inst, ON_RAY, progress=kill_a_node)
    assert killed
    assert [g.status for g in schedule.groups] == [SolveStatus.OPTIMAL] * 3
    assert [g.assignments for g in schedule.groups] == [g.assignments for g in local_plan]
    assert verify(inst, schedule.assignments).ok


def test_with_no_node_left_the_rest_is_reported_lost(cluster: Any) -> None:
    inst = district()
    seen: list[GroupResult] = []

    def kill_every_node(result: GroupResult) -> None:
        if not seen:
            for node in list(cluster.worker_nodes):
                cluster.remove_node(node, allow_graceful=False)
        seen.append(result)

    schedule = solve(inst, ON_RAY, progress=kill_every_node)
    assert sorted(g.group for g in seen) == sorted(inst.roster.groups)  # none missing
    lost = [g for g in schedule.groups if g.cut is Cut.WORKER_LOST]
    assert lost, "the last group was submitted after every node had gone"
    assert all(g.status is SolveStatus.GREEDY and g.cut_detail for g in lost)  # with the why
    assert verify(inst, schedule.assignments).ok
