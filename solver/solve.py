"""Solve a whole roster: one independent CP-SAT model per group (exchanges never cross groups).

Two backends run the same per-group solves: ``local`` (this machine's processes, below) and
``ray`` (Ray tasks on this machine or a cluster, ray_backend.py), as `SolveOptions.backend`
says. Either way never more CP-SAT threads run at once than `SolveOptions.workers` (default:
all cores, or the Ray cluster's CPUs), and results stream back group by group as they
finish, largest groups submitted first. Each group's search gets the same options with its
share of the threads as `workers`.

Each group gets one CP-SAT worker while there are groups enough for the threads: with the
search settings of scenarios/params/search.toml a 1-worker search is the quickest route to a
proof, and it needs no tie-break phase (cpsat._canonical). Measured in CPU seconds per group
(load-independent; 2 cores under load, seed 0), 1 worker against 2: the city's first 20
groups 7.8 s against 18.0 s, the shipped scenarios' 27 groups 9.8 s against 25.0 s, every
group proven either way. So (`layout`):

- min(groups, threads) groups at once, locally in a spawn-context process pool, on Ray as
  many tasks (each asks for its workers as ``num_cpus``), the threads split among them;
- one group, or one thread: solved in this process with every thread on it.
Processes and tasks get `Instance`s (plain frozen dataclasses); CP-SAT objects never cross a
process boundary.

The time limit is per group, and so is the gap (a fraction: 0.005 stops a group once its
schedule is proven within 0.5 % of the best possible; such a group is FEASIBLE, see
cpsat._result). A group proven optimal comes back with its canonical plan, the same on every
run and machine whatever the workers (cpsat._canonical); the schedule's `RunInfo` and
`Schedule.reproducible` say whether every group did.
A group CP-SAT leaves UNKNOWN falls back to `greedy_fallback`'s schedule (status GREEDY; the
greedy baseline unless None is passed), scored by the verifier: so does a group whose worker
process died (solver/pool.py) or whose search an interrupt pre-empted (`GroupResult.cut`).
A requested `Stop` (solver/stop.py) ends every search with its best schedule so far; the
schedule's `RunInfo` then says INTERRUPTED, and it records what a rerun needs.
The greedy schedule is not given to CP-SAT as a hint: far below the optimum, it slowed the
proofs down (16-kindergarten groups: 54 s against 31 s for four seeds).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib.metadata
import json
import logging
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from ..model import Assignment, Cut, GroupResult, Instance, Profile, RunInfo, Schedule, SolveStatus
from ..model.i18n import _
from ..model.verify import evaluate
from .cpsat import solve_group, unsolved
from .diagnose import relaxations
from .greedy import greedy
from .options import SolveOptions
from .pool import Pool
from .stop import Stop

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

log = logging.getLogger("kgrota")

DIAGNOSE_SECONDS = 10.0  # per relaxation tried on an infeasible group (solver/diagnose.py)


def solve(
    instance: Instance,
    options: SolveOptions = SolveOptions(),
    *,
    progress: Callable[[GroupResult], None] | None = None,
    greedy_fallback: Callable[[Instance], list[Assignment]] | None = greedy,
    stop: Stop | None = None,
) -> Schedule:
    """Plan every group of the instance and gather the groups' results into one schedule.

    An infeasible group is diagnosed afterwards (unless stopped): its result lists the rules
    whose relaxation alone would let it solve (`GroupResult.relaxations`).
    """
    stop = stop if stop is not None else Stop()
    parts = instance.by_group()
    largest_first = sorted(parts.values(), key=lambda p: -len(p.teachers))  # balances the load
    if options.backend == "ray":
        from .ray_backend import solve_groups  # Ray is an optional extra

        finished = solve_groups(largest_first, options, stop)
    else:
        finished = _local(largest_first, options, stop)
    results: dict[str, GroupResult] = {}
    for result in finished:
        if result.status is SolveStatus.UNKNOWN and greedy_fallback is not None:
            result = _greedy(parts[result.group], result, greedy_fallback)
        results[result.group] = result
        if progress is not None:
            progress(result)
    # After the pool, the cores are free again: each try gets them all, for a short while.
    trial = replace(
        options, time_limit=min(options.time_limit, DIAGNOSE_SECONDS), workers=options.threads
    )
    for group, result in results.items():
        if result.status is SolveStatus.INFEASIBLE and not stop.requested:
            results[group] = replace(result, relaxations=relaxations(parts[group], trial))
    ordered = tuple(results[g] for g in parts)
    return Schedule(
        profile=instance.profile.name,
        start_year=instance.horizon.start_year,
        years=instance.horizon.years,
        assignments=tuple(sorted(a for r in ordered for a in r.assignments)),
        groups=ordered,
        created=dt.datetime.now().replace(microsecond=0),
        run=run_info(instance.profile, options, interrupted=stop.requested),
    )


def run_info(profile: Profile, options: SolveOptions, *, interrupted: bool = False) -> RunInfo:
    """What a rerun needs to give the same plan: versions, profile settings, options."""
    return RunInfo(
        version=f"kgrota {_version('kgrota')}, OR-Tools {_version('ortools')}",
        profile_sha256=profile_digest(profile),
        seed=options.seed,
        workers=options.threads,
        time_limit=options.time_limit,
        gap=options.gap,
        backend=options.backend,
        interrupted=interrupted,
    )


def profile_digest(profile: Profile) -> str:
    """SHA-256 of the profile's settings (every key, rules included), in a canonical form:
    two files that differ in comments or order only give the same digest."""
    settings = json.dumps(dataclasses.asdict(profile), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(settings.encode("utf-8")).hexdigest()


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def layout(groups: int, threads: int) -> tuple[int, int]:
    """Pool processes (0: solve in this process) and CP-SAT workers per group."""
    processes = min(groups, threads)
    if processes <= 1:
        return 0, threads
    return processes, threads // processes  # processes × each ≤ threads: never oversubscribed


def _local(parts: list[Instance], options: SolveOptions, stop: Stop) -> Iterator[GroupResult]:
    """Group results as they finish."""
    processes, each = layout(len(parts), options.threads)
    log.info(
        "solving %d group(s) with %d thread(s), %.0fs per group",
        len(parts),
        options.threads,
        options.time_limit,
    )
    per_group = replace(options, workers=each)
    if processes == 0:
        for part in parts:
            yield solve_group(part, options=per_group, stop=stop)
        return
    pool = Pool(partial(solve_part, options=per_group), lost_part, processes)
    yield from pool.run(parts, stop)


def solve_part(part: Instance, stop: Stop, *, options: SolveOptions) -> GroupResult:
    """`solve_group` as a worker process runs it (solver/pool.py)."""
    return solve_group(part, options=options, stop=stop)


def lost_part(part: Instance, why: str | None) -> GroupResult:
    """The result of a group whose worker ended (`why`) or that a stop kept from starting."""
    if why is None:
        return unsolved(part, Cut.NOT_STARTED)
    return unsolved(part, Cut.WORKER_LOST, why)


def _greedy_reason(cut: Cut | None) -> str:
    if cut is Cut.INTERRUPT:
        return _("group {group}: interrupted before a first solution; the greedy plan stands in")
    if cut is Cut.NOT_STARTED:
        return _("group {group}: interrupted before its search began; the greedy plan stands in")
    if cut is Cut.WORKER_LOST:
        return _(
            "group {group}: the worker process solving it ended ({how}); the greedy plan stands in"
        )
    return _("group {group}: no CP-SAT solution in time; the greedy plan stands in")


def _greedy(
    part: Instance, result: GroupResult, fallback: Callable[[Instance], list[Assignment]]
) -> GroupResult:
    assignments = tuple(sorted(fallback(part)))
    terms, objective = evaluate(part, assignments)
    log.warning(_greedy_reason(result.cut).format(group=result.group, how=result.cut_detail))
    return replace(
        result,
        status=SolveStatus.GREEDY,
        assignments=assignments,
        objective=objective,
        terms=terms,
        greedy_objective=objective,
    )
