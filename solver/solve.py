"""Solve a whole roster: one independent CP-SAT model per group, fanned out over cores.

Groups never exchange staff, so each is its own model. With one group (or as many groups
as cores) every core works on a group at a time; when groups outnumber cores, one process
per core solves groups with one CP-SAT worker each (SPEC §9: never oversubscribe). Instances
travel to worker processes as data (CP-SAT objects do not pickle), with the spawn method.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from multiprocessing import get_context
from typing import TYPE_CHECKING

from ..model import GroupResult, Schedule, SolveStatus
from .cpsat import solve_group
from .greedy import greedy

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..model import Assignment, Instance

log = logging.getLogger("kgrota")

BACKENDS = ("local",)


def _solve_one(instance: Instance, time_limit: float, workers: int, seed: int) -> GroupResult:
    """One group: greedy first (hint and fallback), then CP-SAT from that hint."""
    baseline = greedy(instance)
    result = solve_group(instance, time_limit=time_limit, workers=workers, seed=seed, hint=baseline)
    if result.status in (SolveStatus.UNKNOWN,):
        log.warning(
            "group %s: no CP-SAT solution in %.0fs; greedy stands in", result.group, time_limit
        )
        return replace(result, status=SolveStatus.GREEDY, assignments=tuple(sorted(baseline)))
    return result


def solve(
    instance: Instance,
    *,
    time_limit: float = 60.0,
    workers: int | None = None,
    seed: int = 0,
    backend: str = "local",
    progress: Callable[[GroupResult], None] | None = None,
) -> Schedule:
    """Plan every group of ``instance``; ``time_limit`` is per group, ``workers`` in total."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r} (available: {', '.join(BACKENDS)})")
    cores = workers or os.cpu_count() or 1
    groups = [instance.for_group(g) for g in instance.roster.groups]
    results: list[GroupResult] = []

    def done(result: GroupResult) -> None:
        results.append(result)
        if progress is not None:
            progress(result)

    if len(groups) <= 1 or cores == 1:
        for group in groups:
            done(_solve_one(group, time_limit, cores, seed))
    else:
        # One process per core, one CP-SAT worker each; largest groups first to balance.
        order = sorted(groups, key=lambda g: -len(g.teachers))
        with ProcessPoolExecutor(max_workers=cores, mp_context=get_context("spawn")) as pool:
            futures = [pool.submit(_solve_one, g, time_limit, 1, seed) for g in order]
            for future in as_completed(futures):
                done(future.result())
    by_name = {r.group: r for r in results}
    ordered = tuple(by_name[g] for g in instance.roster.groups)
    assignments: tuple[Assignment, ...] = tuple(a for r in ordered for a in r.assignments)
    return Schedule(
        profile=instance.profile.name,
        start_year=instance.horizon.start_year,
        years=instance.horizon.years,
        assignments=assignments,
        groups=ordered,
        created=dt.datetime.now().replace(microsecond=0),
    )
