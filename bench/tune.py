"""``python -m kgrota.bench.tune PRESET.toml [PRESET.toml ...] --set SET [--set SET ...]
[--seeds K] [--repeats R] [--time-limit S] [--out DIR]``: compare CP-SAT parameter presets.

Every group of every roster of the sets is solved by `cpsat.solve_group` once per preset and
CP-SAT random seed (0, 1, … R−1, the same for every preset), the presets one after the other
for each group and seed (A B A B …), so that drift in the machine's load hits every preset
alike. Each run records its seconds to the goal without the tie-break among optima (as the
benchmark does), the tie-break's seconds, and CP-SAT's deterministic time of those proving
searches (`GroupResult.work`: independent of the machine's load, so it ranks presets on a
busy machine too; exactly repeatable with 1 worker). Results: ``tune-<date>.json`` and
``.md`` with min/median/p90/max per preset (bench/README.md, "Tuning").
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..io.interrupt import interruptible
from ..model import Instance, SolveStatus, load_profile
from ..solver.cpsat import build, solve_group
from ..solver.options import SolveOptions
from ..solver.stop import INTERRUPTED_EXIT, Stop
from .report import RESULTS, table, write_text
from .runner import LoadSampler, machine
from .sets import SETS, START_YEAR, YEARS
from .spread import spread

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

Record = dict[str, Any]


@dataclass(frozen=True)
class Preset:
    """A candidate: its name (the file's stem) and options."""

    name: str
    path: Path
    options: SolveOptions


def load_presets(paths: Sequence[Path], time_limit: float | None) -> list[Preset]:
    """The presets (`ValueError` naming the file on a bad one or a repeated name)."""
    presets = [Preset(p.stem, p, SolveOptions.from_flags(p, time_limit=time_limit)) for p in paths]
    names = [p.name for p in presets]
    if len(set(names)) < len(names):
        raise ValueError(f"presets need distinct file names: {', '.join(names)}")
    return presets


def run_one(instance: Instance, preset: Preset, seed: int, stop: Stop) -> Record:
    """One group solved with one preset and seed: its figures."""
    options = replace(preset.options, seed=seed)
    result = solve_group(instance, options, stop=stop)
    proven = result.status is SolveStatus.OPTIMAL
    return {
        "preset": preset.name,
        "group": result.group,
        "cp_seed": seed,
        "status": result.status.value,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "seconds": result.seconds - result.tiebreak_seconds,
        "tiebreak_seconds": result.tiebreak_seconds,
        "deterministic_time": result.work,
        "proven": proven,
    }


def tune(
    presets: Sequence[Preset],
    sets: Sequence[str],
    *,
    seeds: int | None = None,
    repeats: int = 1,
    stop: Stop | None = None,
) -> Record:
    """Run the presets interleaved over the sets' groups and `repeats` CP-SAT seeds; the
    JSON-ready results with a summary per preset."""
    stop = stop if stop is not None else Stop()
    runs: list[Record] = []
    with LoadSampler() as load:
        for name, label, instance in _groups(sets, seeds):
            if stop.requested:
                break
            for seed in range(repeats):
                for preset in presets:  # A B A B …: each seed sees every preset in turn
                    if stop.requested:
                        break
                    run = run_one(instance, preset, seed, stop)
                    runs.append({"set": name, "instance": label} | run)
                    _progress(runs[-1])
    return {
        "date": dt.date.today().isoformat(),
        "sets": list(sets),
        "seeds": seeds,
        "repeats": repeats,
        "presets": [{"name": p.name, "file": str(p.path), **_options(p.options)} for p in presets],
        "machine": machine(load.samples),
        "interrupted": stop.requested,
        "summary": summarise(presets, runs),
        "runs": runs,
    }


def _groups(sets: Sequence[str], seeds: int | None) -> Iterator[tuple[str, str, Instance]]:
    """Every group of the sets' rosters: set, roster label and the group's instance, built
    once (its own caches warmed) before any preset is timed on it."""
    for name in sets:
        bench_set = SETS[name]
        profile = load_profile(bench_set.profile)
        for br in bench_set.rosters(seeds):
            whole = Instance.create(br.roster, profile, START_YEAR, YEARS)
            for instance in whole.by_group().values():
                build(instance)
                yield name, br.label, instance


def _options(options: SolveOptions) -> Record:
    return {
        "time_limit": options.time_limit,
        "workers": options.threads,
        "gap": options.gap,
        "cp_sat": {k: list(v) if isinstance(v, tuple) else v for k, v in options.cp_sat.items()},
    }


def summarise(presets: Sequence[Preset], runs: Sequence[Record]) -> Record:
    """Per preset: the spread of seconds (unproven runs rank slowest) and of deterministic
    time; and the groups where proven optima differ between runs (never expected: a preset
    that changes the optimum is wrong)."""
    out: Record = {"presets": {}}
    for preset in presets:
        mine = [r for r in runs if r["preset"] == preset.name]
        out["presets"][preset.name] = {
            "seconds": spread(r["seconds"] if r["proven"] else None for r in mine),
            "deterministic_time": spread(r["deterministic_time"] for r in mine),
        }
    optima: dict[tuple[str, str], set[int]] = {}
    for r in runs:
        if r["proven"]:
            optima.setdefault((r["instance"], r["group"]), set()).add(r["objective"])
    out["optimum_differs"] = sorted(f"{i} {g}" for (i, g), objs in optima.items() if len(objs) > 1)
    return out


def markdown(results: Record) -> str:
    """The tuning run as a markdown page: setting, spread per preset, every run."""
    m = results["machine"]
    load = m["load_1min"]
    figures = ("min", "median", "p90", "max")
    rows = [
        [name, s["seconds"]["runs"], s["seconds"]["unproven"]]
        + [s["seconds"][f] for f in figures]
        + [s["deterministic_time"][f] for f in figures]
        for name, s in results["summary"]["presets"].items()
    ]
    headers = ["preset", "runs", "unproven", *(f"s {f}" for f in figures)]
    headers += [f"dtime {f}" for f in figures]
    presets = [
        f"- `{p['name']}` ({p['file']}): {p['workers']} workers, limit {p['time_limit']:g} s, "
        f"gap {p['gap']:g}, CP-SAT {json.dumps(p['cp_sat'])}"
        for p in results["presets"]
    ]
    run_keys: tuple[str, ...] = ("set", "instance", "group", "cp_seed", "preset", "status")
    run_keys += ("objective", "seconds", "tiebreak_seconds", "deterministic_time")
    differs = results["summary"]["optimum_differs"]
    lines = [
        f"# tune — {results['date']}",
        "",
        f"Sets {', '.join(results['sets'])}; CP-SAT seeds 0–{results['repeats'] - 1}; presets "
        "interleaved per group and seed. Seconds to the goal without the tie-break; dtime is "
        "CP-SAT's deterministic time of the same searches. An unproven run ranks slowest (–).",
        f"Machine: {m['cores']} cores, OR-Tools {m['ortools']}, commit {m['commit']}"
        f"{' with uncommitted solver/model edits' if m['dirty'] else ''}; load (1-min) start "
        f"{load['start']:.2f}, mean {load['mean']:.2f}, max {load['max']:.2f}.",
        *(["**INTERRUPTED**: the runs so far."] if results["interrupted"] else []),
        "",
        *presets,
        "",
        *table(headers, rows, ".3g"),
        "",
        f"Proven optima that differ between runs: {', '.join(differs) if differs else 'none'}.",
        "",
        "## Runs",
        "",
        *table(run_keys, ([r[k] for k in run_keys] for r in results["runs"]), ".3g"),
    ]
    return "\n".join(lines) + "\n"


def write_tuning(results: Record, out: Path = RESULTS) -> tuple[Path, Path]:
    """``tune-<date>.json`` and ``.md`` under `out`, each written atomically."""
    stem = out / f"tune-{results['date']}"
    text = json.dumps(results, indent=1, ensure_ascii=False) + "\n"
    return write_text(stem.with_suffix(".json"), text), write_text(
        stem.with_suffix(".md"), markdown(results)
    )


def _progress(run: Record) -> None:
    print(
        f"  {run['instance']} {run['group']} seed {run['cp_seed']} {run['preset']}: "
        f"{run['status']} {run['objective']} in {run['seconds']:.2f}s "
        f"(dtime {run['deterministic_time']:.2f})",
        file=sys.stderr,
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the presets the arguments name."""
    parser = argparse.ArgumentParser(prog="python -m kgrota.bench.tune", description=__doc__)
    parser.add_argument("presets", nargs="+", type=Path, metavar="PRESET.toml")
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        choices=sorted(SETS),
        required=True,
        help="a benchmark set whose groups to solve (repeat for several)",
    )
    parser.add_argument("--seeds", type=int, default=None, help="roster seeds (set default)")
    parser.add_argument(
        "--repeats", type=int, default=3, help="CP-SAT random seeds 0…R−1 (default 3)"
    )
    parser.add_argument(
        "--time-limit", type=float, default=None, help="seconds per group (default: the preset's)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    args = parser.parse_args(argv)
    if args.repeats < 1 or (args.seeds is not None and args.seeds < 1):
        parser.error("--repeats and --seeds must be at least 1")
    try:
        presets = load_presets(args.presets, args.time_limit)
    except (ValueError, OSError) as exc:
        parser.error(str(exc))  # exit 2
    with interruptible() as stop:
        results = tune(presets, args.sets, seeds=args.seeds, repeats=args.repeats, stop=stop)
        json_path, md_path = write_tuning(results, args.out)
    for name, s in results["summary"]["presets"].items():
        sec = s["seconds"]
        shown = ", ".join(
            f"{f} {'–' if sec[f] is None else format(sec[f], '.3g')}"
            for f in ("median", "p90", "max")
        )
        print(f"{name}: {shown} s ({sec['unproven']} unproven)", file=sys.stderr)
    print(f"wrote {json_path} and {md_path}", file=sys.stderr)
    return INTERRUPTED_EXIT if stop.requested else 0


if __name__ == "__main__":
    sys.exit(main())
