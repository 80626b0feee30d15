"""Solve a whole roster: one independent CP-SAT model per group (exchanges never cross groups).

Two backends run the same per-group solves: ``local`` (this machine's processes, below) and
``ray`` (Ray tasks on this machine or a cluster, ray_backend.py), as `SolveOptions.backend`
says. Either way never more CP-SAT threads run at once than `SolveOptions.workers` (default:
all cores, or the Ray cluster's CPUs), and results stream back group by group as they
finish, largest groups submitted first. Each group's search gets the same options with its
share of the threads as `workers`.

A group gets at least 2 CP-SAT workers when there are 2 threads: the search pairs a
bound-proving worker with LNS (cpsat.solve_group), and SPEC §9 measured one 2-worker solve
at a time beating two 1-worker solves on 2 cores (here: the Qingpu demo's 7 groups in
2.6–4.0 s one after the other, 2.5–5.1 s as two 1-worker processes; but the hardest small
loose groups take 3–9 s with 1 worker against 0.2 s with 2, see cpsat._phases). So
(`layout`):

- fewer than 4 threads, or one group → one group at a time with every thread on it;
- otherwise min(groups, threads // 2) groups at once sharing the threads: locally a
  spawn-context process pool, on Ray as many tasks at once (each asks for its workers as
  ``num_cpus``). Processes and tasks get `Instance`s (plain frozen dataclasses); CP-SAT
  objects never cross a process boundary.

The time limit is per group, and so is the gap (a fraction: 0.005 stops a group once its
schedule is proven within 0.5 % of the best possible; such a group is FEASIBLE, see
cpsat._result).
A group CP-SAT leaves UNKNOWN falls back to `greedy_fallback`'s schedule (status GREEDY; the
greedy baseline unless None is passed), scored by the verifier.
The greedy schedule is not given to CP-SAT as a hint: far below the optimum, it slowed the
proofs down (16-kindergarten groups: 54 s against 31 s for four seeds).
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from typing import TYPE_CHECKING

from ..model import Assignment, GroupResult, Instance, Schedule, SolveStatus
from ..model.verify import evaluate
from .cpsat import solve_group
from .diagnose import relaxations
from .greedy import greedy
from .options import SolveOptions

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
) -> Schedule:
    """Plan every group of the instance and gather the groups' results into one schedule.

    An infeasible group is diagnosed afterwards: its result lists the rules whose relaxation
    alone would let it solve (`GroupResult.relaxations`).
    """
    parts = {g: instance.for_group(g) for g in instance.roster.groups}
    largest_first = sorted(parts.values(), key=lambda p: -len(p.teachers))  # balances the load
    if options.backend == "ray":
        from .ray_backend import solve_groups  # Ray is an optional extra

        finished = solve_groups(largest_first, options)
    else:
        finished = _local(largest_first, options)
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
        if result.status is SolveStatus.INFEASIBLE:
            results[group] = replace(result, relaxations=relaxations(parts[group], trial))
    ordered = tuple(results[g] for g in parts)
    return Schedule(
        profile=instance.profile.name,
        start_year=instance.horizon.start_year,
        years=instance.horizon.years,
        assignments=tuple(sorted(a for r in ordered for a in r.assignments)),
        groups=ordered,
        created=dt.datetime.now().replace(microsecond=0),
    )


def layout(groups: int, threads: int) -> tuple[int, int]:
    """Pool processes (0: solve in this process) and CP-SAT workers per group."""
    processes = min(groups, threads // 2)
    if processes <= 1:
        return 0, threads
    return processes, threads // processes  # processes × each ≤ threads: never oversubscribed


def _local(parts: list[Instance], options: SolveOptions) -> Iterator[GroupResult]:
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
            yield solve_group(part, options=per_group)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        futures = [pool.submit(solve_group, part, options=per_group) for part in parts]
        for future in as_completed(futures):
            yield future.result()


def _greedy(
    part: Instance, result: GroupResult, fallback: Callable[[Instance], list[Assignment]]
) -> GroupResult:
    assignments = tuple(sorted(fallback(part)))
    terms, objective = evaluate(part, assignments)
    log.warning("group %s: no CP-SAT solution in time; the greedy schedule stands in", result.group)
    return replace(
        result,
        status=SolveStatus.GREEDY,
        assignments=assignments,
        objective=objective,
        terms=terms,
        greedy_objective=objective,
    )
