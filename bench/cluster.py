"""The Ray backend on a simulated cluster against the local pool, on one roster.

``python -m kgrota.bench.cluster [--nodes 3] [--groups 24] [--runs 3]`` starts a Ray head
without CPUs and `--nodes` worker nodes on this machine (``ray.cluster_utils.Cluster``, each
node its own raylet and worker processes), then solves the same district alternately with
the local pool and with ``--backend ray`` joined to that cluster by its address, as
``kgrota solve --address`` does: a fresh Ray job per run, so every run pays for its cold
worker processes. Both sides run the same CP-SAT searches (`--workers` threads, split as
`solve.layout` splits them), so what differs is Ray's cost. Per run: wall seconds of the
solve, the overhead per group ((Ray wall − local wall) / groups, against the local run just
before), how much later the first group's result comes (the cold workers' start: a fixed
cost per run), the groups per node, whether the plans are identical and verify. Ray's
start-up (the cluster, then each run's connection) is reported on its own. Results go to
``bench/results/cluster-<date>.json`` and ``.md`` (or ``./kgrota-bench`` when installed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import statistics
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

from ..model import Instance, SolveStatus, load_profile
from ..model.generate import generate
from ..model.verify import verify
from ..solver.options import SolveOptions
from ..solver.ray_backend import SOLVED_ON, require_ray
from ..solver.solve import solve
from .report import RESULTS, write_text

if TYPE_CHECKING:
    from pathlib import Path

    from ..model import Schedule

START_YEAR = 2026
KGS = (4, 10)  # kindergartens per group: a district of mixed groups

Record = dict[str, Any]


class _NodeCounter(logging.Handler):
    """Counts the ray backend's "group … solved on node …" debug lines by node."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.nodes: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == SOLVED_ON and isinstance(record.args, tuple):
            self.nodes[str(record.args[1])[:8]] += 1


def _spread(values: list[float]) -> Record:
    return {
        "min": round(min(values), 3),
        "median": round(statistics.median(values), 3),
        "max": round(max(values), 3),
    }


def _timed_solve(instance: Instance, options: SolveOptions) -> tuple[Schedule, float, float]:
    """The schedule, the wall seconds, and the seconds to the first group's result (on Ray:
    the cold worker processes' start is in it)."""
    start = time.perf_counter()
    first: list[float] = []
    schedule = solve(instance, options, progress=lambda _: first.append(time.perf_counter()))
    return schedule, time.perf_counter() - start, first[0] - start


def _plan_facts(instance: Instance, schedule: Schedule) -> Record:
    return {
        "optimal_groups": sum(g.status is SolveStatus.OPTIMAL for g in schedule.groups),
        "verified": verify(instance, schedule.assignments).ok,
        "objective": sum(g.objective or 0 for g in schedule.groups),
    }


def run(args: argparse.Namespace) -> Record:
    """Start the cluster, alternate local and Ray solves, gather the figures."""
    ray = require_ray()
    from ray.cluster_utils import Cluster

    roster = generate(groups=args.groups, kgs=KGS, seed=args.seed, start_year=START_YEAR)
    instance = Instance.create(roster, load_profile("default"), START_YEAR)
    local = SolveOptions(time_limit=args.time_limit, workers=args.workers, seed=0)
    on_ray = SolveOptions(time_limit=args.time_limit, workers=args.workers, seed=0, backend="ray")
    counter = _NodeCounter()
    logger = logging.getLogger("kgrota")
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    start = time.perf_counter()
    cluster = Cluster(
        initialize_head=True, head_node_args={"num_cpus": 0, "include_dashboard": False}
    )
    for _ in range(args.nodes):
        cluster.add_node(num_cpus=args.node_cpus)
    cluster.wait_for_nodes()
    cluster_seconds = time.perf_counter() - start
    runs: list[Record] = []
    reference: Schedule | None = None
    try:
        for number in range(1, args.runs + 1):
            here, local_wall, local_first = _timed_solve(instance, local)
            reference = reference or here
            start = time.perf_counter()
            ray.init(address=cluster.address, log_to_driver=False, logging_level=logging.ERROR)
            connect = time.perf_counter() - start
            counter.nodes.clear()
            try:
                there, ray_wall, ray_first = _timed_solve(instance, on_ray)
            finally:
                ray.shutdown()
            all_optimal = all(g.status is SolveStatus.OPTIMAL for g in there.groups + here.groups)
            runs.append(
                {
                    "run": number,
                    "local_wall_seconds": round(local_wall, 3),
                    "ray_wall_seconds": round(ray_wall, 3),
                    "ray_connect_seconds": round(connect, 3),
                    "first_group_delay_seconds": round(ray_first - local_first, 3),
                    "overhead_per_group_seconds": round((ray_wall - local_wall) / args.groups, 4),
                    "groups_per_node": dict(sorted(counter.nodes.items())),
                    "identical_plans": there.assignments == reference.assignments,
                    "all_optimal": all_optimal,
                    "local": _plan_facts(instance, here),
                    "ray": _plan_facts(instance, there),
                    "load_1min": round(os.getloadavg()[0], 2),
                }
            )
            print(json.dumps(runs[-1], ensure_ascii=False), flush=True)
    finally:
        cluster.shutdown()  # type: ignore[no-untyped-call]
        logger.removeHandler(counter)
    return {
        "set": "cluster",
        "date": dt.date.today().isoformat(),
        "roster": {"groups": args.groups, "kgs": list(KGS), "seed": args.seed},
        "teachers": len(instance.teachers),
        "cluster": {
            "nodes": args.nodes,
            "cpus_per_node": args.node_cpus,
            "head_cpus": 0,
            "start_seconds": round(cluster_seconds, 3),
        },
        "workers": args.workers,
        "time_limit": args.time_limit,
        "ray": ray.__version__,
        "cpus": os.cpu_count(),
        "runs": runs,
        "summary": {
            key: _spread([r[key] for r in runs])
            for key in (
                "local_wall_seconds",
                "ray_wall_seconds",
                "overhead_per_group_seconds",
                "ray_connect_seconds",
                "first_group_delay_seconds",
            )
        },
    }


def markdown(results: Record) -> str:
    """The results as a page: the set-up, one row per run, and the spread."""
    c = results["cluster"]
    lines = [
        f"# cluster — {results['date']}",
        "",
        f"{results['roster']['groups']} groups ({results['teachers']} teachers), "
        f"{c['nodes']} worker nodes × {c['cpus_per_node']} CPU(s) and a head without CPUs "
        f"(ray.cluster_utils, Ray {results['ray']}), on {results['cpus']} cores; "
        f"--workers {results['workers']}. Cluster start-up {c['start_seconds']} s.",
        "",
        "| run | local s | ray s | overhead s/group | first group later by s | connect s "
        "| groups per node | identical | all optimal | verified | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["runs"]:
        nodes = ", ".join(f"{n}: {k}" for n, k in r["groups_per_node"].items())
        verified = r["local"]["verified"] and r["ray"]["verified"]
        lines.append(
            f"| {r['run']} | {r['local_wall_seconds']} | {r['ray_wall_seconds']} "
            f"| {r['overhead_per_group_seconds']} | {r['first_group_delay_seconds']} "
            f"| {r['ray_connect_seconds']} | {nodes} "
            f"| {r['identical_plans']} | {r['all_optimal']} | {verified} | {r['load_1min']} |"
        )
    lines += ["", "| figure | min | median | max |", "|---|---|---|---|"]
    for key, s in results["summary"].items():
        lines.append(f"| {key} | {s['min']} | {s['median']} | {s['max']} |")
    return "\n".join(lines) + "\n"


def write(results: Record, out: Path = RESULTS) -> list[Path]:
    """``cluster-<date>.json`` and ``.md`` under `out`, each written atomically."""
    stem = out / f"cluster-{results['date']}"
    texts = {
        stem.with_suffix(".json"): json.dumps(results, indent=1, ensure_ascii=False) + "\n",
        stem.with_suffix(".md"): markdown(results),
    }
    for path, text in texts.items():
        write_text(path, text)
    return list(texts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m kgrota.bench.cluster", description=__doc__)
    parser.add_argument("--nodes", type=int, default=3, help="worker nodes (default 3)")
    parser.add_argument("--node-cpus", type=int, default=2, help="CPUs each node reports")
    parser.add_argument("--groups", type=int, default=24, help="groups of the district")
    parser.add_argument("--runs", type=int, default=3, help="runs of each backend")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT threads in all")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per group")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic district")
    args = parser.parse_args(argv)
    try:
        results = run(args)
    except ValueError as exc:  # no Ray: say how to install it
        parser.exit(2, f"{exc}\n")
    for path in write(results):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
