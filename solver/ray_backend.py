"""The Ray backend: the local backend's per-group CP-SAT solves, run as Ray tasks.

Ray is optional (``pip install 'kgrota[ray]'``) and imported only here, when this backend
runs. `solve_groups` starts Ray on this machine (``ray.init()``) or joins a running cluster
at ``address``, whose nodes need kgrota installed (their workers import it), and shuts down
only a Ray it started itself: a Ray the caller already initialised is used as it is.

Ray's ``num_cpus`` is a label, not a limit (SPEC §9): each task asks for as many CPUs as it
runs CP-SAT workers, so Ray never runs more CP-SAT threads at once than the CPUs it reports.
The threads are split as the local backend splits them (`solve.layout`), over the CPUs of
the whole cluster or `workers` if fewer: as many tasks in flight as the local backend runs
processes, none asking for more CPUs than the largest node has. Tasks get
`Instance`s (plain frozen dataclasses; CP-SAT objects do not pickle) and results come back
as they finish (``ray.wait``), so progress advances group by group.

A `Stop` reaches running tasks through a small Ray actor (`StopFlag`) each task polls from a
thread: their searches then end with the best schedule so far, as locally. Groups not yet
submitted come back NOT_STARTED.
"""

from __future__ import annotations

import itertools
import logging
import threading
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..model import Cut
from .cpsat import solve_group, unsolved
from .solve import layout
from .stop import Stop

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from types import ModuleType

    from ..model import GroupResult, Instance
    from .options import SolveOptions

log = logging.getLogger("kgrota")

INSTALL = "the ray backend needs Ray: pip install 'kgrota[ray]'"


def require_ray() -> ModuleType:
    """The ``ray`` module; a `ValueError` saying how to install it when it is missing."""
    try:
        import ray
    except ImportError:
        raise ValueError(INSTALL) from None
    return ray


_POLL_SECONDS = 0.25  # how often a task asks the flag whether to stop


class StopFlag:
    """A Ray actor holding the stop request, so that tasks on any node can see it."""

    def __init__(self) -> None:
        self.requested = False

    def request(self) -> None:
        self.requested = True

    def is_requested(self) -> bool:
        return self.requested


def solve_task(part: Instance, options: SolveOptions, flag: Any) -> GroupResult:
    """`solve_group` in a Ray task, stopped when the flag says so."""
    import ray

    stop = Stop()
    done = threading.Event()

    def poll() -> None:
        while not done.wait(_POLL_SECONDS):
            if ray.get(flag.is_requested.remote()):
                stop.request()
                return

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        return solve_group(part, options=options, stop=stop)
    finally:
        done.set()


def solve_groups(
    parts: Sequence[Instance], options: SolveOptions, stop: Stop | None = None
) -> Iterator[GroupResult]:
    """Group results as they finish; `options.workers` caps the CPUs used (default: the
    cluster's) and `options.address` names a cluster to join (default: start Ray here)."""
    stop = stop if stop is not None else Stop()
    ray = require_ray()
    started = not ray.is_initialized()
    if started:
        ray.init(
            address=options.address,
            include_dashboard=False,
            log_to_driver=False,  # keep the terminal for kgrota's own progress
            logging_level=logging.ERROR,
        )
    elif options.address is not None:
        log.warning(
            "Ray is already initialised in this process: --address %s unused", options.address
        )
    pending: list[Any] = []
    try:
        cpus, largest_node = _cpus(ray)
        at_once, each = task_layout(len(parts), options.workers, cpus, largest_node)
        log.info(
            "ray: %d group(s) on %d CPU(s): %d task(s) at once, %d CP-SAT worker(s) each",
            len(parts),
            cpus,
            at_once,
            each,
        )
        task = ray.remote(solve_task).options(num_cpus=each)
        flag = ray.remote(StopFlag).options(num_cpus=0).remote()
        stop.on_request(lambda: flag.request.remote())
        per_group = replace(options, workers=each)
        queue = iter(parts)

        def submit(count: int) -> None:
            for part in itertools.islice(queue, 0 if stop.requested else count):
                pending.append(task.remote(part, per_group, flag))

        submit(at_once)  # a window, not all at once: `workers` bounds the threads on a cluster
        while pending:
            done, pending[:] = ray.wait(pending, num_returns=1)
            result: GroupResult = ray.get(done[0])
            submit(1)
            yield result
        for part in queue:  # a stop kept these from starting
            yield unsolved(part, Cut.NOT_STARTED)
    finally:
        for ref in pending:  # the caller stopped early (an error, or Ctrl-C)
            ray.cancel(ref)
        if started:
            ray.shutdown()


def task_layout(groups: int, workers: int | None, cpus: int, largest_node: int) -> tuple[int, int]:
    """Tasks in flight and CP-SAT workers (so ``num_cpus``) per task: the local backend's
    split (`solve.layout`) of min(workers, cpus) threads, no task larger than a node."""
    processes, each = layout(groups, min(workers or cpus, cpus))
    return max(1, processes), min(each, largest_node)


def _cpus(ray: ModuleType) -> tuple[int, int]:
    """CPUs of the cluster, and of its largest live node (a task runs on one node)."""
    nodes = [n for n in ray.nodes() if n.get("Alive")]
    per_node = [int(n.get("Resources", {}).get("CPU", 0)) for n in nodes]
    total = int(ray.cluster_resources().get("CPU", 0))
    if total < 1 or not per_node or max(per_node) < 1:
        raise ValueError("the Ray cluster reports no CPUs: start it with some (ray start)")
    return total, max(per_node)
