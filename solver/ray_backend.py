"""The Ray backend: the local backend's per-group CP-SAT solves, run as Ray tasks.

Ray is optional (``pip install 'kgrota[ray]'``) and imported only here, when this backend
runs. `solve_groups` starts Ray on this machine (``ray.init()``) or joins a running cluster
at ``address`` (or ``$RAY_ADDRESS``), whose nodes need kgrota installed (their workers import
it), and shuts down only a Ray it started itself: a Ray the caller already initialised is
used as it is. ``ray.init`` installs a SIGTERM handler that exits at once; kgrota's is put
back, so SIGTERM keeps the best plan as locally.

Ray's ``num_cpus`` is a label, not a limit (SPEC §9): each task asks for as many CPUs as it
runs CP-SAT workers, so Ray never runs more CP-SAT threads at once than the CPUs it reports.
The threads are split as the local backend splits them (`solve.layout`), over the CPUs of
the whole cluster or `workers` if fewer: as many tasks in flight as the local backend runs
processes, none asking for more CPUs than the largest node has (smaller tasks, then more of
them: on 1-CPU nodes, one 1-worker task per CPU). Tasks get
`Instance`s (plain frozen dataclasses; CP-SAT objects do not pickle) and results come back
as they finish (``ray.wait``), so progress advances group by group.

A `Stop` reaches running tasks through a small Ray actor (`StopFlag`, kept on the driver's
node so that it outlives any worker node) each task polls from a thread: their searches then
end with the best schedule so far, as locally. Groups not yet submitted come back NOT_STARTED.

Tasks are spread over the nodes (Ray's SPREAD strategy), so a node lost takes few groups with
it. A task whose worker or node died runs again elsewhere (`RETRIES` times, Ray's own retry);
once those are spent, or when no live node has the CPUs a task asks for (every worker node
gone: Ray would wait for one for ever), its group comes back WORKER_LOST, as a killed local
worker's does, and `solve` puts the greedy plan in its place: a group is never silently
missing. An exception raised by kgrota's code in a task is raised here, as locally.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import signal
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
_WAIT_SECONDS = 1.0  # how often the driver checks that some node can still run a task
SOLVED_ON = "ray: group %s solved on node %s"  # a debug line per group (bench/cluster.py)
RETRIES = 2  # Ray runs a task again this many times when its worker or node dies


class StopFlag:
    """A Ray actor holding the stop request, so that tasks on any node can see it."""

    def __init__(self) -> None:
        self.requested = False

    def request(self) -> None:
        self.requested = True

    def is_requested(self) -> bool:
        return self.requested


def solve_task(part: Instance, options: SolveOptions, flag: Any) -> tuple[GroupResult, str]:
    """`solve_group` in a Ray task, stopped when the flag says so; with the node it ran on."""
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
        result = solve_group(part, options=options, stop=stop)
    finally:
        done.set()
    return result, ray.get_runtime_context().get_node_id()


def solve_groups(
    parts: Sequence[Instance], options: SolveOptions, stop: Stop | None = None
) -> Iterator[GroupResult]:
    """Group results as they finish; `options.workers` caps the CPUs used (default: the
    cluster's) and `options.address` names a cluster to join (default: start Ray here)."""
    stop = stop if stop is not None else Stop()
    ray = require_ray()
    started = not ray.is_initialized()
    if started:
        with _keeping_sigterm():
            ray.init(
                address=options.address,  # None: $RAY_ADDRESS if set, else a Ray started here
                include_dashboard=False,
                log_to_driver=False,  # keep the terminal for kgrota's own progress
                logging_level=logging.ERROR,
            )
    elif options.address is not None:
        log.warning(
            "Ray is already initialised in this process: --address %s unused", options.address
        )
    pending: dict[Any, Instance] = {}  # in flight: object ref → its group
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
        task = ray.remote(solve_task).options(
            num_cpus=each, max_retries=RETRIES, scheduling_strategy="SPREAD"
        )
        flag = ray.remote(StopFlag).options(num_cpus=0, scheduling_strategy=_here(ray)).remote()
        stop.on_request(lambda: flag.request.remote())
        per_group = replace(options, workers=each)
        queue = iter(parts)

        def submit(count: int) -> None:
            for part in itertools.islice(queue, 0 if stop.requested else count):
                pending[task.remote(part, per_group, flag)] = part

        submit(at_once)  # a window, not all at once: `workers` bounds the threads on a cluster
        while pending:
            done = ray.wait(list(pending), num_returns=1, timeout=_WAIT_SECONDS)[0]
            if done:
                yield _result(ray, done[0], pending.pop(done[0]))
                submit(1)
            elif _largest_node(ray) < each:
                why = f"no live Ray node has {each} CPU(s)"
                log.warning("ray: %s; %d group(s) left unsolved", why, len(pending))
                for ref, part in pending.items():
                    ray.cancel(ref)
                    yield unsolved(part, Cut.WORKER_LOST, why)
                pending.clear()
                for part in queue:
                    yield unsolved(part, Cut.WORKER_LOST, why)
        for part in queue:  # a stop kept these from starting
            yield unsolved(part, Cut.NOT_STARTED)
    finally:
        for ref in pending:  # the caller stopped early (an error, or Ctrl-C)
            ray.cancel(ref)
        if started:
            ray.shutdown()


@contextlib.contextmanager
def _keeping_sigterm() -> Iterator[None]:
    """Keep this process's SIGTERM handler over the one ``ray.init`` installs (it exits at
    once): kgrota's stops the searches and writes the best plan so far (solver/stop.py)."""
    main = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGTERM) if main else None
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _result(ray: ModuleType, ref: Any, part: Instance) -> GroupResult:
    """The task's result; WORKER_LOST when Ray lost it (worker or node died, retries spent)."""
    try:
        result, node = ray.get(ref)
    except ray.exceptions.RayTaskError:
        raise  # kgrota's own code failed in the task: not a lost worker
    except ray.exceptions.RayError as exc:
        why = f"{type(exc).__name__} after {RETRIES} retries"
        log.warning("ray: group %s lost: %s", part.roster.groups[0], why)
        return unsolved(part, Cut.WORKER_LOST, why)
    log.debug(SOLVED_ON, result.group, node)
    return result  # type: ignore[no-any-return]


def _here(ray: ModuleType) -> Any:
    """A scheduling strategy that keeps an actor on the driver's node."""
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    return NodeAffinitySchedulingStrategy(ray.get_runtime_context().get_node_id(), soft=False)


def task_layout(groups: int, workers: int | None, cpus: int, largest_node: int) -> tuple[int, int]:
    """Tasks in flight and CP-SAT workers (so ``num_cpus``) per task: the local backend's
    split (`solve.layout`) of min(workers, cpus) threads, no task larger than a node, and as
    many tasks as those threads allow (nodes of 1 CPU: one 1-worker task per CPU)."""
    threads = min(workers or cpus, cpus)
    each = min(layout(groups, threads)[1], largest_node)
    return max(1, min(groups, threads // each)), each


def _cpus(ray: ModuleType) -> tuple[int, int]:
    """CPUs of the cluster, and of its largest live node (a task runs on one node)."""
    total = int(ray.cluster_resources().get("CPU", 0))
    largest = _largest_node(ray)
    if total < 1 or largest < 1:
        raise ValueError("the Ray cluster reports no CPUs: start it with some (ray start)")
    return total, largest


def _largest_node(ray: ModuleType) -> int:
    """CPUs of the largest live node (0: none left)."""
    alive = [n for n in ray.nodes() if n.get("Alive")]
    return max((int(n.get("Resources", {}).get("CPU", 0)) for n in alive), default=0)
