"""The spread of solve times over repeats: min, median, p90 and max with unproven runs counted.

Issue 15 asks for every figure as a spread over seeds, never the best run, and for the tail
first. A run that did not reach its goal (a proven optimum, or the `--gap` when one is set)
has no time to quote: it ranks above every time, and a quantile that falls on such a run is
None ("over the limit"); ``unproven`` counts them. Quantiles are of the runs themselves: the
median as usual (the mean of the middle two for an even count), p90 by nearest rank (the
⌈0.9 n⌉-th smallest), so p90 of three runs is their max.
"""

from __future__ import annotations

import math
import statistics
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

Record = dict[str, Any]

OPTIMAL, FEASIBLE = "OPTIMAL", "FEASIBLE"
# The figures of a spread: per group over its repeats min/median/max, overall the tail first.
GROUP_FIGURES = ("min", "median", "max")
TAIL_FIGURES = ("max", "p90", "median")


def spread(times: Iterable[float | None]) -> Record:
    """``runs``, ``unproven`` (the Nones) and min, median, p90, max of `times` (None where a
    quantile falls on an unproven run, or where there are no runs)."""
    values = sorted(math.inf if t is None else float(t) for t in times)
    out: Record = {"runs": len(values), "unproven": sum(math.isinf(v) for v in values)}
    if not values:
        return out | dict.fromkeys(("min", "median", "p90", "max"))
    figures = {
        "min": values[0],
        "median": statistics.median(values),
        "p90": values[math.ceil(0.9 * len(values)) - 1],
        "max": values[-1],
    }
    return out | {k: None if math.isinf(v) else v for k, v in figures.items()}


def cp_seconds(group: Record, gap: float = 0.0, *, search: bool = False) -> float | None:
    """CP-SAT's seconds to its goal without the tie-break among optima (which HiGHS has no peer
    for), None when it did not reach it: proven optimal, or with a `gap` proven within it.
    A group that failed (``error``) did not reach it. `search`: without building the model
    too (HiGHS is handed it built)."""
    if "error" in group:
        return None
    done = group["status"] == OPTIMAL or (
        gap > 0 and group["status"] == FEASIBLE and group["gap"] is not None and group["gap"] <= gap
    )
    # results written before the tie-break was timed apart have no tiebreak_seconds
    if not done:
        return None
    build = float(group.get("build_seconds") or 0.0) if search else 0.0
    return float(group["seconds"]) - float(group.get("tiebreak_seconds") or 0.0) - build


def highs_ran(group: Record) -> bool:
    """Whether the group has a HiGHS peer result (not skipped, not failed)."""
    mip = group.get("mip")
    return mip is not None and not mip.get("skipped")


def highs_seconds(mip: Record) -> float | None:
    """HiGHS's seconds (`mip`: a group's ``mip`` record) when it reached the goal (status
    Optimal: the optimum, or within its ``mip_rel_gap``), else None."""
    return float(mip["seconds"]) if mip["status"] == "Optimal" else None


def cp_over_highs(
    group: Record, peer: Record, gap: float = 0.0, *, search: bool = False
) -> float | None:
    """CP-SAT's time in one run of a group over HiGHS's on it (`peer`, the group's ``mip``
    record: HiGHS runs once per roster); None (ranks as over every ratio) when CP-SAT did not
    reach the goal. When only HiGHS missed it, its time is that of its limit, so the ratio is
    an upper bound: a shortfall of HiGHS is never counted in CP-SAT's favour beyond what was
    measured. `search`: CP-SAT's time without building the model (`cp_seconds`)."""
    cp = cp_seconds(group, gap, search=search)
    if cp is None:
        return None
    return cp / max(float(peer["seconds"]), 1e-9)


def spreads(groups: Sequence[Record], gap: float = 0.0) -> Record:
    """Over all group × repeat runs (``overall``) and per group over its repeats (``groups``,
    in first-seen order): CP-SAT's seconds to the goal, HiGHS's and their ratio.

    HiGHS is deterministic for a given seed and thread count (the same nodes and simplex
    iterations on every run; only its time varies with the machine), so the runner solves
    each roster with it once, in the first repeat, and every repeat's CP-SAT time is divided
    by that one HiGHS time. Ratios leave out runs where neither solver reached the goal
    (nothing to compare).
    """
    by_group: dict[tuple[str, str], list[Record]] = {}
    for g in groups:
        by_group.setdefault((g["instance"], g["group"]), []).append(g)
    series = {key: _series(runs, gap) for key, runs in by_group.items()}
    return {
        "overall": {
            name: spread(t for times in series.values() for t in times[name]) for name in _SERIES
        },
        "groups": [
            {"instance": label, "group": group} | {name: spread(times[name]) for name in _SERIES}
            for (label, group), times in series.items()
        ],
    }


_SERIES = ("cp_seconds", "highs_seconds", "cp_over_highs", "cp_search_over_highs")


def _series(runs: Sequence[Record], gap: float) -> dict[str, list[float | None]]:
    """A group's runs as times (None: goal not reached): CP-SAT's per run, HiGHS's per peer
    run, and the ratio of each CP-SAT run to the group's (first) HiGHS run."""
    peers = [g["mip"] for g in runs if "error" not in g and highs_ran(g)]
    out: dict[str, list[float | None]] = {
        "cp_seconds": [cp_seconds(g, gap) for g in runs],
        "highs_seconds": [highs_seconds(p) for p in peers],
        "cp_over_highs": [],
        "cp_search_over_highs": [],
    }
    if peers:
        peer = peers[0]
        reached = highs_seconds(peer) is not None
        compared = [g for g in runs if reached or cp_seconds(g, gap) is not None]
        out["cp_over_highs"] = [cp_over_highs(g, peer, gap) for g in compared]
        out["cp_search_over_highs"] = [cp_over_highs(g, peer, gap, search=True) for g in compared]
    return out
