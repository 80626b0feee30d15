"""``python -m kgrota.bench SET [--params FILE] [--time-limit S] [--workers N] [--seeds K]
[--repeats R] [--gap PERCENT] [--no-mip] [--hint] [--end-to-end] [--out DIR]``: run a benchmark
set and write its JSON and markdown results."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from ..io.interrupt import interruptible
from ..solver.options import SolveOptions
from ..solver.stop import INTERRUPTED_EXIT
from .report import RESULTS, write_results
from .runner import Params, Record, run_set
from .sets import SETS


def _progress(record: Record) -> None:
    if "error" in record:
        print(
            f"  {record['instance']} {record['group']} seed {record.get('cp_seed')}: error "
            f"{record['error']}",
            file=sys.stderr,
        )
        return
    mip = record.get("mip") or {}
    peer = mip.get("skipped") or (
        f"HiGHS {mip['status']} {mip['objective']} in {mip['seconds']:.1f}s" if mip else ""
    )
    seed = f" seed {record['cp_seed']}" if "cp_seed" in record else ""
    print(
        f"  {record['instance']} {record['group']}{seed}: {record['teachers']} teachers, "
        f"{record['status']} {record['objective']} (bound {record['best_bound']}, greedy "
        f"{record['greedy_objective']}) in {record['seconds']:.1f}s {peer}",
        file=sys.stderr,
        flush=True,
    )


def _conclude(results: Record) -> None:
    """The headline figures: the spread over repeats, the end-to-end runs and the exponent of
    wall time in groups, when the run has them."""
    summary = results["summary"]
    overall = (summary.get("spread") or {}).get("overall", {})
    for key, figures in overall.items():
        shown = ", ".join(
            f"{f} {'–' if figures[f] is None else format(figures[f], '.3g')}"
            for f in ("median", "p90", "max")
        )
        print(f"{key} over {figures['runs']} runs: {shown}", file=sys.stderr)
    for inst in results["instances"]:
        e2e = inst.get("end_to_end")
        if e2e:
            print(
                f"{inst['label']} end to end: exit {e2e['exit_code']}, "
                f"{e2e['wall_seconds']:.1f} s, RSS {e2e['rss_mb'] or 0:.0f} MB (sum of VmHWM)",
                file=sys.stderr,
            )
    scaling = summary.get("group_scaling") or {}
    for key in ("wall_seconds", "work", "end_to_end_wall_seconds"):
        if scaling.get(key) is not None:
            print(f"exponent of {key} in groups: {scaling[key]:.3f}", file=sys.stderr)
    for seed, fitted in (summary.get("group_scaling_by_seed") or {}).items():
        shown = ", ".join(
            f"{key} {fitted[key]:.3f}" for key in ("wall_seconds", "work") if fitted.get(key)
        )
        print(f"seed {seed}: exponent of {shown}", file=sys.stderr)


def _percent(text: str) -> float:
    """A gap in percent, 0 ≤ p < 100."""
    try:
        value = float(text)
        if 0 <= value < 100:
            return value
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"{text!r} is not a percentage in [0, 100)")


def _positive(text: str) -> int:
    """A count ≥ 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number ≥ 1")
    return value


def main(argv: list[str] | None = None, prog: str = "python -m kgrota.bench") -> int:
    """Run the set the arguments name (`prog`: how the usage line names the command)."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    parser.add_argument("set", choices=sorted(SETS), help="benchmark set (see bench/README.md)")
    parser.add_argument(
        "--params",
        type=Path,
        default=None,
        metavar="FILE",
        help="a TOML preset of solve options and CP-SAT parameters, as for kgrota solve; the "
        "options below override it",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help=f"seconds per group (default {SolveOptions().time_limit:g})",
    )
    parser.add_argument("--workers", type=int, default=None, help="CP-SAT workers (default: all)")
    parser.add_argument(
        "--seeds", type=_positive, default=None, help="number of roster seeds (set default)"
    )
    parser.add_argument(
        "--repeats",
        type=_positive,
        default=1,
        metavar="R",
        help="solve each roster R times, with CP-SAT (and HiGHS) random seeds seed, seed+1, … "
        "(default 1)",
    )
    parser.add_argument(
        "--gap",
        type=_percent,
        default=None,
        metavar="PERCENT",
        help="stop a group once proven within PERCENT %% of the best possible, CP-SAT and HiGHS "
        "alike (default 0: prove optimal)",
    )
    parser.add_argument("--no-mip", action="store_true", help="skip the HiGHS MIP peer")
    parser.add_argument("--hint", action="store_true", help="give CP-SAT the greedy plan as hint")
    parser.add_argument(
        "--end-to-end",
        action="store_true",
        help="also time `kgrota solve` on each roster of several groups, as a user runs it "
        "(roster written first, untimed; wall and peak RSS of its process tree)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    args = parser.parse_args(argv)
    gap = None if args.gap is None else args.gap / 100
    try:
        options = SolveOptions.from_flags(
            args.params, time_limit=args.time_limit, workers=args.workers, gap=gap
        )
        # the last repeat's seed must be a valid seed too (a ValueError otherwise)
        replace(options, seed=options.seed + args.repeats - 1)
    except (ValueError, OSError) as exc:
        parser.error(str(exc))  # exit 2
    params = Params(options, mip=not args.no_mip, hint=args.hint, preset=args.params)
    print(f"{args.set}: {SETS[args.set].description}", file=sys.stderr)
    # Ctrl-C or SIGTERM: the searches stop, the results so far are written (marked), exit 130;
    # a second one leaves at once.
    with interruptible() as stop:
        results = run_set(
            args.set,
            params,
            seeds=args.seeds,
            repeats=args.repeats,
            end_to_end=args.end_to_end,
            progress=_progress,
            stop=stop,
        )
        json_path, md_path = write_results(results, args.out)
    _conclude(results)
    print(f"wrote {json_path} and {md_path}", file=sys.stderr)
    if stop.requested:
        print("interrupted (已中断): the results above are those so far", file=sys.stderr)
        return INTERRUPTED_EXIT
    return 0


if __name__ == "__main__":
    sys.exit(main())
