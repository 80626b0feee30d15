"""Run a benchmark set: CP-SAT per group against the greedy baseline and the HiGHS MIP peer.

A one-group roster is solved by `solve_group` in a fresh spawned process, so its peak RSS
is its own, with ``workers`` CP-SAT workers and no hint unless asked. A roster of several
groups is solved as the product solves it, by `kgrota.solver.solve.solve` (greedy hint; one
process per core with one worker each, never more workers than cores); its RSS is the peak
of those processes. The HiGHS peer runs on the same model in its own subprocess, with the
same time limit and as many threads as the group's CP-SAT workers. A relative `gap` stops
both solvers alike (CP-SAT's ``relative_gap_limit``, HiGHS's ``mip_rel_gap``).

`run_set` returns the results as plain JSON data (report.py writes them). See
bench/README.md for the protocol and the fields.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.metadata
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..model import Instance, Roster, SolveStatus, load_profile
from ..model.verify import verify
from ..solver.cpsat import build, solve_group
from ..solver.greedy import greedy
from ..solver.pool import Pool, TaskError
from ..solver.solve import layout, solve
from ..solver.stop import Stop
from . import endtoend
from .memory import ChildPeak, Sampler, peak_rss_mb
from .mip import Unsupported, from_cp_proto, run_highs
from .sets import SETS, START_YEAR, YEARS, BenchRoster
from .spread import spreads

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ..model import Assignment, GroupResult
    from ..solver.options import SolveOptions

Record = dict[str, Any]

# Statuses with a schedule to verify (GREEDY: solve() fell back on the greedy plan).
_SCHEDULED = (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE, SolveStatus.GREEDY)


@dataclass(frozen=True)
class Params:
    """How every group of a run is solved: CP-SAT as `options` say (their time limit, seed
    and gap hold for the HiGHS peer too), and the benchmark's own switches."""

    options: SolveOptions
    mip: bool = True
    hint: bool = False  # greedy as a complete CP-SAT hint (off: measure the model alone)
    preset: Path | None = None  # the --params file `options` came from (for kgrota solve)

    def record(self) -> Record:
        """The parameters as the results JSON records them (the field names predate
        `SolveOptions`: reports read old results too)."""
        o = self.options
        return {
            "time_limit": o.time_limit,
            "workers": o.threads,
            "mip": self.mip,
            "hint": self.hint,
            "cp_seed": o.seed,
            "gap": o.gap,
            "backend": o.backend,
            "cp_sat": dict(o.cp_sat),
        }


@dataclass(frozen=True)
class GroupTask:
    """One group to solve in a child process (plain data: CP-SAT objects do not pickle)."""

    instance: str
    group: str
    roster: Roster
    profile: str
    params: Params
    workers: int


def improvement(cp: float | None, base: float | None) -> float | None:
    """``(cp − base) / max(1, |base|)``: objectives may be negative, so no plain ratio."""
    if cp is None or base is None:
        return None
    return (cp - base) / max(1.0, abs(base))


def ratio(cp: float | None, base: float | None) -> float | None:
    """``cp / base`` where it means something (a positive baseline)."""
    if cp is None or base is None or base <= 0:
        return None
    return cp / base


def fit_exponent(xs: Iterable[float], ys: Iterable[float]) -> float | None:
    """The slope of log y against log x (least squares): y ∝ x^slope; None if underdetermined."""
    pairs = [(x, y) for x, y in zip(xs, ys, strict=True) if x > 0 and y > 0]
    if len({x for x, _ in pairs}) < 2:
        return None
    lx = np.log([x for x, _ in pairs])
    ly = np.log([y for _, y in pairs])
    slope, _ = np.polyfit(lx, ly, 1)
    return float(slope)


def highspy_missing() -> bool:
    """Look for highspy without importing it (it clashes with ortools in one process)."""
    return importlib.util.find_spec("highspy") is None


# -- one group --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """The greedy plan's figures, as the verifier evaluates it."""

    objective: int
    terms: dict[str, int]
    seconds: float
    verified: bool


def baseline(instance: Instance) -> tuple[list[Assignment], Baseline]:
    """The greedy plan of a group and its figures."""
    started = time.perf_counter()
    plan = greedy(instance)
    seconds = time.perf_counter() - started
    report = verify(instance, plan)
    return plan, Baseline(report.objective, dict(report.terms), seconds, report.ok)


def group_record(
    label: str,
    instance: Instance,
    result: GroupResult,
    base: Baseline,
    *,
    workers: int,
    rss_mb: float | None,
) -> Record:
    """One group's figures (bench/README.md lists them); its schedule is verified here."""
    report = verify(instance, result.assignments) if result.status in _SCHEDULED else None
    return {
        "instance": label,
        "group": result.group,
        "kindergartens": len(instance.kindergartens),
        "teachers": result.teachers,
        "variables": result.variables,
        "constraints": result.constraints,
        "workers": workers,
        "status": result.status.value,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap": result.gap,
        "terms": dict(result.terms),
        "seconds": result.seconds,
        "tiebreak_seconds": result.tiebreak_seconds,  # of seconds: the canonical plan's search
        "build_seconds": result.build_seconds,  # of seconds: building the model in Python
        "work": result.work,  # CP-SAT's deterministic time (tie-break excluded)
        "canonical": result.canonical,
        "first_feasible_seconds": result.first_feasible_seconds,
        "optimal_seconds": result.seconds if result.status is SolveStatus.OPTIMAL else None,
        "verified": None if report is None else report.ok,
        "verified_objective": None if report is None else report.objective,
        "assignments": len(result.assignments),
        "greedy_objective": base.objective,
        "greedy_terms": base.terms,
        "greedy_seconds": base.seconds,
        "greedy_verified": base.verified,
        "improvement": improvement(result.objective, base.objective),
        "ratio": ratio(result.objective, base.objective),
        "rss_mb": rss_mb,
    }


def solve_task(task: GroupTask, stop: Stop | None = None) -> Record:
    """Greedy, CP-SAT and (optionally) HiGHS on one group, meant for a fresh process; a
    requested `stop` ends the search with its best so far and skips HiGHS."""
    stop = stop if stop is not None else Stop()
    instance = Instance.create(task.roster, load_profile(task.profile), START_YEAR, YEARS)
    p = task.params
    plan, base = baseline(instance)
    options = replace(p.options, workers=task.workers)
    result = solve_group(instance, options, hint=plan if p.hint else None, stop=stop)
    record = group_record(
        task.instance, instance, result, base, workers=task.workers, rss_mb=peak_rss_mb()
    )
    if p.mip and not stop.requested:
        record["mip"] = mip_peer(instance, result, task.workers, p, stop)
    return record


def lost_task(task: GroupTask, why: str | None) -> Record:
    """The record of a task whose process ended (`why`) or that an interrupt kept back."""
    error = "interrupted before it started" if why is None else f"worker process ended ({why})"
    return {"instance": task.instance, "group": task.group, "error": error}


def mip_peer(
    instance: Instance, result: GroupResult, threads: int, p: Params, stop: Stop | None = None
) -> Record:
    """HiGHS on the same model: status, objective, bound, time and agreement with CP-SAT."""
    if highspy_missing():
        return {"skipped": "MIP peer skipped: highspy not installed"}
    proto = build(instance).model.proto
    try:
        mip = from_cp_proto(proto)
    except Unsupported as exc:
        return {"skipped": f"MIP peer skipped: {exc}"}
    o = p.options
    with tempfile.TemporaryDirectory(prefix="kgrota-mip-") as tmp:
        try:
            run = run_highs(
                mip,
                Path(tmp) / "model.mps",
                time_limit=o.time_limit,
                threads=threads,
                seed=o.seed,
                gap=o.gap,
                stop=stop,
            )
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            return {"skipped": f"MIP peer failed: {exc}"}
    # HiGHS says Optimal within mip_rel_gap too: a proof only without a gap or at its bound.
    proven = run.optimal and (o.gap == 0 or _meets(run.objective, run.bound))
    both = proven and result.status is SolveStatus.OPTIMAL
    # Times compare when both reached the goal: the optimum, or the gap when one is set.
    cp_done = result.status is SolveStatus.OPTIMAL or (
        o.gap > 0 and result.gap is not None and result.gap <= o.gap
    )
    out: Record = {"skipped": None, **asdict(run)}
    out["same_model"] = len(proto.variables) == result.variables == run.columns
    out["agree"] = _agree(result, run.objective, run.bound, both)
    timed = run.optimal and cp_done and out["agree"]
    # The proof against HiGHS's proof: CP-SAT's tie-break among optima has no HiGHS peer.
    proving = result.seconds - result.tiebreak_seconds
    out["time_ratio"] = proving / run.seconds if timed else None
    # HiGHS is handed the built model (it reads the MPS); CP-SAT's seconds include building it
    searching = proving - result.build_seconds
    out["search_time_ratio"] = searching / run.seconds if timed else None
    return out


def _meets(objective: float | None, bound: float | None) -> bool:
    """An objective at its bound (integer objectives: within 0.5)."""
    return objective is not None and bound is not None and abs(bound - objective) < 0.5


def _agree(
    result: GroupResult, objective: float | None, bound: float | None, both: bool
) -> bool | None:
    """Equal optima when both proved one; else no solution beats the other's bound (maximise)."""
    cp, cp_bound = result.objective, result.best_bound
    if both:
        return cp is not None and objective is not None and abs(cp - objective) < 0.5
    checks = []
    if cp is not None and bound is not None:
        checks.append(cp <= bound + 0.5)
    if objective is not None and cp_bound is not None:
        checks.append(objective <= cp_bound + 0.5)
    return all(checks) if checks else None


# -- the run ---------------------------------------------------------------------------------


class LoadSampler(Sampler):
    """The 1-minute load average while the benchmark runs (other jobs share the cores)."""

    def __init__(self, every: float = 5.0) -> None:
        super().__init__(every)
        self.samples: list[float] = []

    def sample(self) -> None:
        self.samples.append(os.getloadavg()[0])


def run_set(
    name: str,
    params: Params,
    *,
    seeds: int | None = None,
    repeats: int = 1,
    end_to_end: bool = False,
    progress: Callable[[Record], None] | None = None,
    stop: Stop | None = None,
) -> Record:
    """Solve every roster of a named set `repeats` times; the JSON-ready results with a
    summary.

    Repeat r solves with CP-SAT random seed ``params.options.seed + r``; HiGHS runs in the
    first repeat only (it is deterministic: bench/spread.py). Repeats are the outer loop, so
    drift of the machine's load hits every roster alike. With `end_to_end`, each roster of
    several groups is also solved by ``kgrota solve`` in a subprocess, once (bench/endtoend.py).
    A requested `stop` ends the roster under way with its searches' best so far and skips the
    rest: the results say ``interrupted``."""
    stop = stop if stop is not None else Stop()
    bench_set = SETS[name]
    base = params.options.seed
    instances: list[Record] = []
    with LoadSampler() as load:
        started = time.perf_counter()
        rosters = bench_set.rosters(seeds)
        for repeat in range(repeats):
            seeded = replace(
                params,
                options=replace(params.options, seed=base + repeat),
                mip=params.mip and repeat == 0,
            )
            mark = {"repeat": repeat, "cp_seed": base + repeat} if repeats > 1 else {}
            report = None if progress is None else functools.partial(_report, progress, mark)
            for br in rosters:
                if stop.requested and instances:
                    break
                e2e = None
                if end_to_end and repeat == 0 and len(br.roster.groups) > 1:
                    e2e = endtoend.end_to_end(
                        br.roster, bench_set.profile, params.options, params.preset, stop
                    )
                instance = _solve_roster(br, bench_set.profile, seeded, report, stop)
                instance["groups"] = [g | mark for g in instance["groups"]]
                instances.append(instance | mark | ({"end_to_end": e2e} if e2e else {}))
        wall = time.perf_counter() - started
    records = [g for inst in instances for g in inst["groups"]]
    summary = summarise(records, instances)
    if repeats > 1:
        summary["spread"] = spreads(records, params.options.gap)
    return {
        "set": name,
        "description": bench_set.description,
        "date": dt.date.today().isoformat(),
        "params": {
            **params.record(),
            "profile": bench_set.profile,
            "start_year": START_YEAR,
            "years": YEARS,
            "seeds": sorted({i["seed"] for i in instances}),
            "repeats": repeats,
        },
        "mip_skipped": "MIP peer skipped: highspy not installed"
        if params.mip and highspy_missing()
        else None,
        "machine": machine(load.samples),
        "wall_seconds": wall,
        "rss_self_mb": peak_rss_mb(),
        "interrupted": stop.requested,
        "summary": summary,
        "instances": instances,
    }


def _solve_roster(
    br: BenchRoster,
    profile: str,
    params: Params,
    progress: Callable[[Record], None] | None,
    stop: Stop,
) -> Record:
    """One roster solved once, as its number of groups says (module docstring)."""
    t0 = time.perf_counter()
    alone = len(br.roster.groups) == 1
    run = _run_alone if alone else _run_roster
    records, rss = run(br, profile, params, progress, stop)
    path = "solve_group" if alone else "solve"
    return _instance(br, records, time.perf_counter() - t0, rss, path)


def _report(progress: Callable[[Record], None], mark: Record, record: Record) -> None:
    """A group's record to `progress` with its repeat and CP-SAT seed (`mark`)."""
    progress(record | mark)


def _run_alone(
    br: BenchRoster,
    profile: str,
    params: Params,
    progress: Callable[[Record], None] | None,
    stop: Stop,
) -> tuple[list[Record], None]:
    """A one-group roster in a fresh spawned process, so that its peak RSS is its own."""
    workers = min(params.options.threads, os.cpu_count() or 1)
    task = GroupTask(br.label, br.roster.groups[0], br.roster, profile, params, workers)
    pool = Pool(solve_task, lost_task, processes=1, fresh=True)
    try:
        (record,) = pool.run([task], stop)
    except TaskError as exc:  # one failing instance must not lose the whole run
        record = {"instance": task.instance, "group": task.group, "error": repr(exc.__cause__)}
    if progress is not None:
        progress(record)
    return [record], None


def _run_roster(
    br: BenchRoster,
    profile: str,
    params: Params,
    progress: Callable[[Record], None] | None,
    stop: Stop,
) -> tuple[list[Record], float | None]:
    """A multi-group roster as the product solves it (`kgrota.solver.solve.solve`, which
    splits the threads by `layout`); then the MIP peers, one per core. Also the peak RSS of
    the solving processes (this one when solve() keeps the groups in process)."""
    instance = Instance.create(br.roster, load_profile(profile), START_YEAR, YEARS)
    parts = instance.by_group()
    bases = {g: baseline(part)[1] for g, part in parts.items()}
    cores = min(params.options.threads, os.cpu_count() or 1)
    processes, workers = layout(len(parts), cores)  # as solve() will split the threads
    records: dict[str, Record] = {}

    def done(result: GroupResult) -> None:
        g = result.group
        records[g] = group_record(
            br.label, parts[g], result, bases[g], workers=workers, rss_mb=None
        )
        if progress is not None:
            progress(records[g])

    with ChildPeak() as peak:
        schedule = solve(instance, replace(params.options, workers=cores), progress=done, stop=stop)
    if params.mip and not stop.requested:
        with ThreadPoolExecutor(cores) as threads:  # each peer is a subprocess: threads suffice
            peers = threads.map(
                lambda r: mip_peer(parts[r.group], r, workers, params, stop), schedule.groups
            )
            for result, peer in zip(schedule.groups, peers, strict=True):
                records[result.group]["mip"] = peer
    # in-process solves (processes == 0) peak in this process, pooled ones in the children
    rss = peak_rss_mb() if processes == 0 else peak.peak
    return [records[g] for g in br.roster.groups], rss


def _sum(records: list[Record], key: str) -> float | None:
    values = [r.get(key) for r in records]
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def _instance(
    br: BenchRoster, records: list[Record], wall: float, rss_mb: float | None, path: str
) -> Record:
    """One roster: totals over its groups, with every group's record under ``groups``.

    `rss_mb` is the peak of the solving processes when groups have none of their own.
    """
    statuses = [r.get("status", "ERROR") for r in records]
    objective, bound = _sum(records, "objective"), _sum(records, "best_bound")
    greedy_objective = _sum(records, "greedy_objective")
    all_optimal = all(s == SolveStatus.OPTIMAL.value for s in statuses)
    firsts = [r.get("first_feasible_seconds") for r in records]
    return {
        "label": br.label,
        "seed": br.seed,
        "solver": path,
        "groups_count": len(records),
        "kindergartens": _sum(records, "kindergartens"),
        "teachers": _sum(records, "teachers"),
        "variables": _sum(records, "variables"),
        "constraints": _sum(records, "constraints"),
        "optimal_groups": statuses.count(SolveStatus.OPTIMAL.value),
        "statuses": {s: statuses.count(s) for s in sorted(set(statuses))},
        "objective": objective,
        "best_bound": bound,
        "gap": None
        if objective is None or bound is None
        else abs(bound - objective) / max(1.0, abs(objective)),
        "greedy_objective": greedy_objective,
        "improvement": improvement(objective, greedy_objective),
        "ratio": ratio(objective, greedy_objective),
        # The instance is feasible when its last group is, proven when its last group is.
        "first_feasible_seconds": None
        if None in firsts
        else max(f for f in firsts if f is not None),
        "optimal_seconds": max(r["seconds"] for r in records) if all_optimal else None,
        "cpu_seconds": _sum(records, "seconds"),
        "work": _sum(records, "work"),
        "build_seconds": _sum(records, "build_seconds"),
        "wall_seconds": wall,
        "rss_mb": rss_mb if rss_mb is not None else max(r.get("rss_mb") or 0.0 for r in records),
        "verified": all(r.get("verified") is True for r in records),
        "groups": records,
    }


def _median(values: Iterable[Any]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return statistics.median(present) if present else None


def summarise(groups: list[Record], instances: list[Record]) -> Record:
    """Medians over group runs (and instances), MIP agreement and the fitted scaling
    exponents."""
    solved = [g for g in groups if "error" not in g]
    mips = [g["mip"] for g in solved if g.get("mip") and not g["mip"].get("skipped")]
    out: Record = {
        "groups": len(groups),
        "errors": len(groups) - len(solved),
        "optimal": sum(g["status"] == SolveStatus.OPTIMAL.value for g in solved),
        "verified": sum(g["verified"] is True for g in solved),
        "median_teachers": _median(g["teachers"] for g in solved),
        "median_first_feasible_seconds": _median(g["first_feasible_seconds"] for g in solved),
        "median_optimal_seconds": _median(g["optimal_seconds"] for g in solved),
        "median_gap": _median(g["gap"] for g in solved),
        "median_rss_mb": _median(g["rss_mb"] for g in solved),
        "max_instance_rss_mb": max((i["rss_mb"] or 0.0) for i in instances),
        "median_improvement": _median(g["improvement"] for g in solved),
        "median_greedy_seconds": _median(g["greedy_seconds"] for g in solved),
        "mip_runs": len(mips),
        "mip_optimal": sum(m["status"] == "Optimal" for m in mips),
        "mip_agree": sum(m["agree"] is True for m in mips),
        "mip_disagree": sum(m["agree"] is False for m in mips),
        "median_mip_seconds": _median(m["seconds"] for m in mips),
        "median_cp_over_highs_time": _median(m["time_ratio"] for m in mips),
        "median_cp_search_over_highs_time": _median(m["search_time_ratio"] for m in mips),
        "mip_skipped": sorted(
            {g["mip"]["skipped"] for g in solved if g.get("mip", {}).get("skipped")}
        ),
    }
    if len(instances) > 1:
        out["median_instance_wall_seconds"] = _median(i["wall_seconds"] for i in instances)
    out["scaling"] = _scaling(solved)
    out["group_scaling"] = _group_scaling(instances)
    seeds = sorted({i["seed"] for i in instances})
    if out["group_scaling"] and len(seeds) > 1:  # e.g. provincegroups --seeds 3: three orders
        out["group_scaling_by_seed"] = {
            str(seed): _group_scaling([i for i in instances if i["seed"] == seed]) for seed in seeds
        }
    return out


def _scaling(groups: list[Record]) -> Record | None:
    """Exponents of time and size against teachers, when sizes span at least a factor of 2.

    ``seconds`` is censored at the time limit for unproven groups, so its exponent is a lower
    bound when some groups hit the limit; ``optimal_seconds`` uses proven groups only.
    """
    teachers = [g["teachers"] for g in groups]
    if len(set(teachers)) < 3 or max(teachers) < 2 * min(teachers):
        return None
    out: Record = {"points": len(groups), "teachers": [min(teachers), max(teachers)]}
    for key in ("first_feasible_seconds", "seconds", "optimal_seconds", "variables", "constraints"):
        pts = [(g["teachers"], g[key]) for g in groups if g[key] is not None]
        out[key] = fit_exponent(*zip(*pts, strict=True)) if len(pts) >= 3 else None
    out["censored"] = sum(g["optimal_seconds"] is None for g in groups)
    return out


def _group_scaling(instances: list[Record]) -> Record | None:
    """Exponents of whole-roster time against the number of groups (1 = linear), when
    rosters of at least three group counts span a factor of 2 (the ``groups`` set).

    ``cpu_seconds`` sums the groups' own solve times, so it follows which groups a roster
    holds (a few hard ones weigh a lot) and how fast the machine ran meanwhile; ``work`` sums
    their CP-SAT deterministic time, which follows the groups alone (a 1-worker search does
    the same work on a group whatever else runs): its exponent is the part of the others that
    comes from the mix of groups, not from scale; ``overhead_seconds`` = wall − cpu is
    everything else (models handed out, baselines, verification), the part that would show a
    cost of scale;
    ``end_to_end_wall_seconds`` is that of ``kgrota solve`` (from reading the roster to the
    written plan) where the rosters were also run end to end. Not of RSS: rosters solved in the runner's process share its high-water mark."""
    counts = [i["groups_count"] for i in instances]
    if len(set(counts)) < 3 or max(counts) < 2 * min(counts):
        return None
    out: Record = {"points": len(instances), "groups": [min(counts), max(counts)]}
    overhead = [i["wall_seconds"] - i["cpu_seconds"] for i in instances]
    out["wall_seconds"] = fit_exponent(counts, [i["wall_seconds"] for i in instances])
    out["cpu_seconds"] = fit_exponent(counts, [i["cpu_seconds"] for i in instances])
    if all(i.get("work") for i in instances):  # absent from results before it was recorded
        out["work"] = fit_exponent(counts, [i["work"] for i in instances])
    out["overhead_seconds"] = fit_exponent(counts, overhead)
    out["wall_seconds_per_group"] = [i["wall_seconds"] / i["groups_count"] for i in instances]
    timed = [i for i in instances if i.get("end_to_end")]  # kgrota solve, as a user runs it
    if timed:
        out["end_to_end_wall_seconds"] = fit_exponent(
            [i["groups_count"] for i in timed], [i["end_to_end"]["wall_seconds"] for i in timed]
        )
    return out


def machine(load: list[float]) -> Record:
    repo = Path(__file__).resolve().parents[1]

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
            )
        except (OSError, subprocess.CalledProcessError):
            return None
        return done.stdout.strip()

    def version(package: str) -> str | None:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return None

    return {
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "ortools": version("ortools"),
        "highspy": version("highspy"),
        "commit": git("rev-parse", "--short", "HEAD"),
        # Uncommitted solver/model edits change what was measured: say so.
        "dirty": bool(git("status", "--porcelain", "--", "solver", "model")),
        "load_1min": {"start": load[0], "max": max(load), "mean": statistics.fmean(load)},
    }
