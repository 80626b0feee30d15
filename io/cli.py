"""The ``kgrota`` command line: thin wrappers that read, solve or verify, and write.

Exit codes: 0 done, 1 infeasible or verification failed, 2 bad input or usage,
3 internal error (a bug: please report it with ``--debug`` output).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TimeElapsedColumn
from rich.table import Table

from ..model import (
    GroupResult,
    Instance,
    Profile,
    Report,
    Roster,
    Schedule,
    SolveStatus,
    builtin_profiles,
    load_profile,
)
from ..model.generate import generate as generate_roster
from ..model.generate import qingpu_roster
from ..model.instance import academic_year
from ..model.rules.pins import PIN
from ..model.verify import verify as verify_schedule
from ..solver.options import BACKENDS, PartitionOptions, SolveOptions
from .errors import InputError, Problem
from .interrupt import finish_interrupted, interruptible
from .plan_check import verify_plan
from .preflight import preflight, roster_first
from .roster_read import read_roster
from .roster_validate import validate_roster
from .roster_write import write_roster
from .schedule_io import read_plan, read_schedule, write_schedule
from .template import write_template

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

F = TypeVar("F", bound=Callable[..., Any])


class Failed(Exception):
    """A finished command whose result is 'no': infeasible, or verification failed (exit 1)."""


def _guard(func: F) -> F:
    """Turn expected failures into messages and exit codes, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            for problem in exc.problems:
                err.print(f"[red]✗[/red] {problem}", markup=True, soft_wrap=True)
            err.print(f"{len(exc.problems)} problem(s): nothing was written.")
            sys.exit(2)
        except (ValueError, OSError) as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")  # e.g. kgrota[ray] is no markup
            sys.exit(2)
        except Failed as exc:
            err.print(f"[red]✗[/red] {exc}")
            sys.exit(1)
        except KeyboardInterrupt:
            err.print("interrupted: nothing was written.")
            sys.exit(130)
        except Exception as exc:
            if logging.getLogger("kgrota").isEnabledFor(logging.DEBUG):
                raise
            err.print(f"[red]internal error:[/red] {exc!r} — rerun with --debug for details.")
            sys.exit(3)

    return wrapper  # type: ignore[return-value]


def default_start_year(today: dt.date | None = None) -> int:
    """The next academic year that has not started yet (plans are made ahead)."""
    today = today or dt.date.today()
    return academic_year(today) + 1


def _print_warnings(problems: list[Problem]) -> None:
    for p in problems:
        err.print(f"[yellow]![/yellow] {p}", soft_wrap=True)


def _rules_table(report: Report) -> Table:
    table = Table(title="规则检查 rules", show_lines=False)
    for col in ("规则 rule", "级别 severity", "状态 status", "违反 violations"):
        table.add_column(col)
    colours = {"passed": "green", "failed": "red", "shortfall": "yellow", "off": "dim"}
    for r in report.rules:
        status = r.status
        table.add_row(
            r.rule.id, r.severity.value, f"[{colours[status]}]{status}[/]", str(len(r.violations))
        )
    return table


def _status(group: GroupResult) -> str:
    """The status, with the gap when a schedule is not proven optimal (FEASIBLE)."""
    if group.status is SolveStatus.FEASIBLE and group.gap is not None:
        return f"{group.status.value} (gap {group.gap:.2%})"
    return group.status.value


def _groups_table(schedule: Schedule) -> Table:
    table = Table(title="求解 solve")
    for col in (
        "集团 group",
        "教师 teachers",
        "状态 status",
        "目标 objective",
        "界 bound",
        "差距 gap",
        "秒 s",
    ):
        table.add_column(col)
    for g in schedule.groups:
        gap = f"{g.gap:.2%}" if g.gap is not None else "-"
        bound = f"{g.best_bound:.0f}" if g.best_bound is not None else "-"
        table.add_row(
            g.group,
            str(g.teachers),
            g.status.value,
            str(g.objective),
            bound,
            gap,
            f"{g.seconds:.2f}",
        )
    return table


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kgrota")
@click.option("--debug", is_flag=True, help="Show debug logs and tracebacks.")
def main(debug: bool) -> None:
    """kgrota — plan teacher rotation and exchange in kindergarten education groups.

    \b
    Typical use:
      kgrota template roster.xlsx          # empty roster workbook to fill in
      kgrota validate roster.xlsx          # check it
      kgrota solve roster.xlsx -o plan.xlsx
      kgrota verify roster.xlsx plan.xlsx  # independent check of any schedule
    """
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(message)s")


profile_option = click.option(
    "--profile",
    default="default",
    show_default=True,
    help=f"Built-in profile ({', '.join(builtin_profiles())}) or a .toml file.",
)


_DEFAULT = SolveOptions()  # for the help texts: the defaults live in SolveOptions only

_SOLVE_FLAGS = (
    click.option(
        "--params",
        "params_file",
        metavar="FILE",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="A TOML preset of the options below and CP-SAT parameters ([cp_sat] table); "
        "flags given here override it.",
    ),
    click.option(
        "--time-limit",
        type=click.FloatRange(0.1),
        default=None,
        help=f"Seconds per group.  [default: {_DEFAULT.time_limit:g}]",
    ),
    click.option(
        "--workers",
        type=click.IntRange(1),
        default=None,
        help="CP-SAT workers (default: all cores).",
    ),
    click.option("--seed", type=int, default=None, help=f"[default: {_DEFAULT.seed}]"),
    click.option(
        "--gap",
        "gap_percent",
        metavar="PERCENT",
        type=click.FloatRange(0, 100, max_open=True),
        default=None,
        help="Stop a group once its plan is proven within PERCENT % of the best possible "
        "(default 0: prove optimal).",
    ),
    click.option(
        "--backend",
        type=click.Choice(BACKENDS),
        default=None,
        help="Where groups are solved: local processes, or Ray tasks (needs kgrota[ray]).  "
        f"[default: {_DEFAULT.backend}]",
    ),
    click.option(
        "--address",
        default=None,
        help="Ray cluster to join (with --backend ray; default: start Ray on this machine).",
    ),
)
_SOLVE_FLAG_NAMES = (
    "params_file",
    "time_limit",
    "workers",
    "seed",
    "gap_percent",
    "backend",
    "address",
)


def _solve_flags(func: F) -> F:
    """Add the solve options as flags (`_gather` hands them on as one `SolveOptions`)."""
    for flag in reversed(_SOLVE_FLAGS):
        func = flag(func)
    return func


def _gather(into: str, make: Callable[[dict[str, Any]], object], *names: str) -> Callable[[F], F]:
    """Hand the command the click values of `names` as one value: ``into=make(values)``."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(**values: Any) -> Any:
            mine = {name: values.pop(name) for name in names}
            return func(**values, **{into: make(mine)})

        return wrapper  # type: ignore[return-value]

    return decorate


def _options(flags: dict[str, Any]) -> SolveOptions:
    """The preset file's options (or the defaults) with the flags given in their place."""
    path, percent = flags.pop("params_file"), flags.pop("gap_percent")
    options = SolveOptions.from_flags(path, **flags, gap=None if percent is None else percent / 100)
    if options.backend == "ray":
        from ..solver.ray_backend import require_ray

        require_ray()  # a usage error now, not after reading a large roster
    return options


@dataclass(frozen=True)
class Job:
    """What one solve reads and writes; how it solves is a `SolveOptions`."""

    roster: Path
    out: Path
    profile: Profile
    start_year: int
    years: int | None = None  # None: the profile's
    previous: Path | None = None  # a schedule being revised
    fmt: str = "xlsx"

    def __post_init__(self) -> None:
        if self.out.resolve() == self.roster.resolve():
            raise ValueError(f"{self.out}: the schedule must not overwrite the roster")


def _job(values: dict[str, Any]) -> Job:
    """The solve command's job from its arguments, with the defaults they leave open."""
    out: Path = values["out_path"]
    start_year = values["start_year"]
    return Job(
        roster=values["roster"],
        out=out,
        profile=load_profile(values["profile"]),
        start_year=start_year if start_year is not None else default_start_year(),
        years=values["years"],
        previous=values["previous"],
        fmt=values["fmt"] or ("json" if out.suffix.lower() == ".json" else "xlsx"),
    )


@main.command()
@click.argument("out_path", metavar="OUT", type=click.Path(dir_okay=False, path_type=Path))
@_guard
def template(out_path: Path) -> None:
    """Write an empty roster workbook with drop-downs (园所, 教师, 交流记录, 距离, 锁定)."""
    write_template(out_path)
    out.print(f"wrote {out_path}")


@main.command()
@click.argument("roster", type=click.Path(dir_okay=False, path_type=Path))
@profile_option
@_guard
def validate(roster: Path, profile: str) -> None:
    """Check a roster workbook; list every problem with sheet, row and column."""
    problems = validate_roster(roster, load_profile(profile))
    _print_warnings(problems)
    out.print(f"[green]✓[/green] {roster}: valid ({len(problems)} warning(s))")


def _solve(job: Job, options: SolveOptions) -> tuple[Schedule, Report]:
    """Read, solve, verify, write."""
    from ..solver.solve import solve  # the CP-SAT model: load it only when solving

    preflight(job)  # output, start year, --previous: before the roster is read
    roster, warnings = read_roster(job.roster)
    _print_warnings(warnings)
    kept = read_schedule(job.previous).assignments if job.previous is not None else ()
    instance = Instance.create(roster, job.profile, job.start_year, job.years, previous=kept)
    groups = roster.groups
    with Progress(
        SpinnerColumn(),
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(f"solving {len(groups)} group(s)", total=len(groups))

        def progress(result: GroupResult) -> None:
            bar.advance(task)
            bar.console.print(f"  {result.group}: {_status(result)} in {result.seconds:.1f}s")

        with interruptible() as stop:  # Ctrl-C, SIGTERM: the best plan so far (exit 130)
            schedule = solve(instance, options, progress=progress, stop=stop)
    report = verify_schedule(instance, schedule.assignments)
    write_schedule(job.out, schedule, instance, report, job.fmt)
    out.print(_groups_table(schedule))
    finish_interrupted(stop, schedule, report, job.out, err)  # exits 130 after an interrupt
    return schedule, report


def _conclude(schedule: Schedule, report: Report, out_path: Path) -> None:
    out.print(
        f"wrote {out_path}: {len(schedule.assignments)} assignments, objective {report.objective}"
    )
    if schedule.status is SolveStatus.INFEASIBLE:
        for g in schedule.groups:
            if g.status is SolveStatus.INFEASIBLE:
                out.print(f"group {g.group}: no schedule satisfies the hard rules; {_remedy(g)}")
        raise Failed("no schedule satisfies the hard rules; relax the profile as suggested above")
    if not report.ok:
        out.print(_rules_table(report))
        raise Failed("the schedule fails verification (see the rules sheet)")
    failed = sum(r.status == "shortfall" for r in report.rules)
    out.print(
        f"[green]✓[/green] verified: every hard rule holds; {failed} soft rule(s) with shortfalls"
    )


def _remedy(group: GroupResult) -> str:
    """What would let an infeasible group solve, in profile terms (solver/diagnose.py)."""
    if not group.relaxations:
        return "no single rule's relaxation helps: check staffing, unavailable years and pins"
    ways = [
        "dropping the pins that conflict (pins sheet 锁定)"
        if rule_id == PIN.id
        else f'making {rule_id} soft ([rules.{rule_id}] severity = "soft" in the profile)'
        for rule_id in group.relaxations
    ]
    return "it solves after " + ", or ".join(ways)


@main.command()
@click.argument("roster", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o", "--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@profile_option
@click.option(
    "--start-year", type=int, default=None, help="First academic year (default: the next one)."
)
@click.option(
    "--years", type=click.IntRange(1, 10), default=None, help="Years to plan (default: profile)."
)
@click.option(
    "--previous",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A schedule being revised: keep as much of it as the rules allow (stability).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "json"]),
    default=None,
    help="Default: from OUT's suffix.",
)
@_solve_flags
@_guard
@_gather("job", _job, "roster", "out_path", "profile", "start_year", "years", "previous", "fmt")
@_gather("options", _options, *_SOLVE_FLAG_NAMES)
def solve(job: Job, options: SolveOptions) -> None:
    """Plan rotations, inductions and shadowing visits; write and verify the schedule."""
    schedule, report = _solve(job, options)
    _conclude(schedule, report, job.out)


@main.command()
@click.argument("roster", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("schedule", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--profile", default=None, help="Profile name or .toml (default: the schedule's own)."
)
@click.option("--start-year", type=int, default=None, help="Default: the schedule's own.")
@click.option(
    "--years", type=click.IntRange(1, 10), default=None, help="Default: the schedule's own."
)
@_guard
def verify(
    roster: Path, schedule: Path, profile: str | None, start_year: int | None, years: int | None
) -> None:
    """Check a schedule (solver-made or hand-typed) against every rule; exit 1 on a hard breach."""
    roster_first(roster, schedule)  # the two files swapped: say so, not "missing sheets"
    parsed, warnings = read_roster(roster)
    _print_warnings(warnings)
    plan_file = read_plan(schedule)
    plan = plan_file.schedule
    prof = load_profile(profile or plan.profile)
    instance = Instance.create(
        parsed,
        prof,
        start_year if start_year is not None else plan.start_year,
        years if years is not None else plan.years,
    )
    checked = verify_plan(instance, plan_file)  # rules and dates, each breach at its row
    report = checked.report
    out.print(_rules_table(report))
    for line in checked.failure_lines(instance, 50):
        out.print(f"[red]✗[/red] {escape(line)}", soft_wrap=True)
    if not report.ok:
        raise Failed(f"{len(report.failures)} hard-rule violation(s)")
    out.print(f"[green]✓[/green] every hard rule holds; objective {report.objective}")


@main.command()
@click.option(
    "-o", "--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option("--groups", type=click.IntRange(1), default=1, show_default=True)
@click.option(
    "--kgs", type=click.IntRange(2), default=8, show_default=True, help="Kindergartens per group."
)
@click.option("--mode", type=click.Choice(["tight", "loose"]), default="loose", show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--start-year", type=int, default=None, help="Default: the next academic year.")
@_guard
def generate(
    out_path: Path, groups: int, kgs: int, mode: str, seed: int, start_year: int | None
) -> None:
    """Write a synthetic, seeded roster (for trials and benchmarks)."""
    year = start_year if start_year is not None else default_start_year()
    roster = generate_roster(groups=groups, kgs=kgs, seed=seed, start_year=year, mode=mode)
    write_roster(roster, out_path)
    out.print(
        f"wrote {out_path}: {len(roster.kindergartens)} kindergartens, "
        f"{len(roster.teachers)} teachers"
    )


@main.command(
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(args: tuple[str, ...]) -> None:
    """Run a benchmark set: python -m kgrota.bench under another name (see --help)."""
    from ..bench.__main__ import main as run_bench  # its own parser: one set of options

    sys.exit(run_bench(list(args), prog="kgrota bench"))


DEMO_START_YEAR = 2026


@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("kgrota-demo"),
    show_default=True,
)
@_solve_flags
@_guard
@_gather("options", _options, *_SOLVE_FLAG_NAMES)
def demo(out_dir: Path, options: SolveOptions) -> None:
    """Write the shipped qingpu-2023 scenario (seed 001's seven groups) and solve it."""
    roster_path = out_dir / "roster.xlsx"
    write_roster(qingpu_roster(start_year=DEMO_START_YEAR), roster_path)
    out.print(f"wrote {roster_path} (青浦区 2023: 7 groups, synthetic teachers)")
    job = Job(roster_path, out_dir / "schedule.xlsx", load_profile("qingpu"), DEMO_START_YEAR)
    schedule, report = _solve(job, options)
    _conclude(schedule, report, job.out)
    out.print(f"next: kgrota verify {roster_path} {job.out}")


@main.command()
@click.argument("kgs_path", metavar="KGS", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o", "--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option("--max-size", type=click.IntRange(2), default=16, show_default=True)
@click.option(
    "--groups", type=click.IntRange(1), default=None, help="Default: the fewest that fit."
)
@click.option(
    "--time-limit",
    type=click.FloatRange(0.1),
    default=PartitionOptions.time_limit,
    show_default=True,
)
@click.option("--seed", type=int, default=PartitionOptions.seed, show_default=True)
@_guard
def partition(
    kgs_path: Path, out_path: Path, max_size: int, groups: int | None, time_limit: float, seed: int
) -> None:
    """Form districts (学区) from a kindergarten list: compact, ≤ max-size, one centre each.

    Writes a roster whose kindergartens sheet carries the districts as groups (深圳 004 二(一)2).
    """
    from ..model.partition import check_partition, to_roster_kindergartens
    from ..solver.partition import partition as solve_partition
    from .partition_io import read_partition_input

    if out_path.resolve() == kgs_path.resolve():
        raise ValueError(f"{out_path}: the roster must not overwrite the kindergarten list")
    sites = read_partition_input(kgs_path)
    with err.status(f"partitioning {len(sites)} kindergartens"):
        options = PartitionOptions(time_limit=time_limit, seed=seed)
        result = solve_partition(sites, max_size=max_size, groups=groups, options=options)
    breaches = check_partition(sites, result, max_size)
    if breaches:
        raise Failed("partition fails its check: " + "; ".join(breaches))
    write_roster(Roster(to_roster_kindergartens(sites, result), ()), out_path)
    out.print(str(result))
    out.print(f"wrote {out_path}: fill in the teachers sheet, then run kgrota solve")
