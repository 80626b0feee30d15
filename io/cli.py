"""The ``kgrota`` command line: thin wrappers that read, solve or verify, and write.

Help texts are English msgids marked with `N_` and shown in the run's language (cli_text.py);
messages go through the catalogue with `_`. Exit codes: 0 done, 1 infeasible or verification
failed, 2 bad input or usage, 3 internal error (a bug: please report it with ``--debug``).
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
from ..model.i18n import LANGUAGES, N_, _
from ..model.rules.pins import PIN
from ..model.verify import verify as verify_schedule
from ..solver.options import BACKENDS, PartitionOptions, SolveOptions
from .cli_text import Group, argument, option
from .errors import InputError, Problem
from .interrupt import finish_interrupted, interruptible
from .notice import ORDERS, NoticeJob, write_notice
from .plan_check import verify_plan
from .preflight import preflight, roster_first
from .replan import Revision
from .replan import messages as replan_messages
from .roster_read import read_roster
from .roster_validate import calendar_note, default_start_year, read_checked, validate_roster
from .roster_write import write_roster
from .run_summary import group_note
from .schedule_io import read_plan, read_schedule, write_schedule
from .template import write_template
from .words import RULE_STATUS, SEVERITY, status_word

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
            _print_problems(exc.problems)
            errors = sum(not p.warning for p in exc.problems)
            if click.get_current_context().info_name in ("validate", "verify"):
                summary = _("{errors} error(s), {warnings} warning(s)")
            else:
                summary = _("{errors} error(s), {warnings} warning(s): nothing was written.")
            warnings = len(exc.problems) - errors
            err.print(summary.format(errors=errors, warnings=warnings), markup=False)
            sys.exit(2)
        except (ValueError, OSError) as exc:
            # escape: messages may hold brackets, e.g. kgrota[ray], that are no markup
            label = _("error:")
            err.print(f"[red]{label}[/red] {escape(str(exc))}")
            sys.exit(2)
        except Failed as exc:
            err.print(f"[red]✗[/red] {escape(str(exc))}")
            sys.exit(1)
        except KeyboardInterrupt:
            err.print(_("interrupted: nothing was written."))
            sys.exit(130)
        except Exception as exc:
            if logging.getLogger("kgrota").isEnabledFor(logging.DEBUG):
                raise
            message = _("internal error: {error} — rerun with --debug for details.")
            err.print(f"[red]{escape(message.format(error=repr(exc)))}[/red]")
            sys.exit(3)

    return wrapper  # type: ignore[return-value]


def _print_problems(problems: list[Problem]) -> None:
    """Errors as ✗ and warnings as ⚠; a message or file name is never read as markup."""
    for p in problems:
        mark = "[yellow]⚠[/yellow]" if p.warning else "[red]✗[/red]"
        err.print(f"{mark} {escape(str(p))}", soft_wrap=True)


def _rules_table(report: Report) -> Table:
    table = Table(title=_("Rule check"), show_lines=False)
    for col in (_("Rule"), _("Severity"), _("Result"), _("Violations")):
        table.add_column(col)
    colours = {"passed": "green", "failed": "red", "shortfall": "yellow", "off": "dim"}
    for r in report.rules:
        status = _(RULE_STATUS[r.status])
        table.add_row(
            r.rule.id,
            _(SEVERITY[r.severity.value]),
            f"[{colours[r.status]}]{status}[/]",
            str(len(r.violations)),
        )
    return table


def _status(group: GroupResult) -> str:
    """The status in words, with the gap when a plan is not proven best (FEASIBLE), or why
    the greedy plan stands in when an interrupt or a lost worker cut the search."""
    if group.status is SolveStatus.GREEDY and group.cut is not None:
        return group_note(group) or status_word(group.status)
    if group.status is SolveStatus.FEASIBLE and group.gap is not None:
        text = _("{status} (within {gap} of the best)")
        return text.format(status=status_word(group.status), gap=f"{group.gap:.2%}")
    return status_word(group.status)


_OBJECTIVE_NOTE = N_(
    "Objective: higher is better; unmet soft rules count below zero, so it can be negative."
)


def _groups_table(schedule: Schedule) -> Table:
    table = Table(title=_("Solve"), caption=_(_OBJECTIVE_NOTE))
    for col in (
        _("Group"),
        _("Teachers"),
        _("Status"),
        _("Objective"),
        _("Best bound"),
        _("Gap"),
        _("Seconds"),
    ):
        table.add_column(col)
    for g in schedule.groups:
        gap = f"{g.gap:.2%}" if g.gap is not None else "-"
        bound = f"{g.best_bound:.0f}" if g.best_bound is not None else "-"
        table.add_row(
            escape(g.group),
            str(g.teachers),
            status_word(g.status),
            str(g.objective),
            bound,
            gap,
            f"{g.seconds:.2f}",
        )
    return table


@click.group(
    cls=Group,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=N_(
        """kgrota: plan teacher rotation and exchange in kindergarten education groups.

Typical use:
  kgrota template roster.xlsx          # empty roster workbook to fill in
  kgrota validate roster.xlsx          # check it
  kgrota solve roster.xlsx -o plan.xlsx
  kgrota verify roster.xlsx plan.xlsx  # independent check of any plan
  kgrota notice roster.xlsx plan.xlsx -o notice.xlsx --docx   # the public notice"""
    ),
)
@click.version_option(package_name="kgrota", help=N_("Show the version and exit."))
@option(
    "--lang",
    type=click.Choice(LANGUAGES),
    expose_value=False,  # cli_text.Group.main reads it before anything is shown
    help=N_(
        "Language of help, messages and written files: zh (Chinese, the default) or en. "
        "Also KGROTA_LANG=en or an English locale."
    ),
)
@option("--debug", is_flag=True, help=N_("Show debug logs and tracebacks."))
def main(debug: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(message)s")


profile_option = option(
    "--profile",
    default="default",
    show_default=True,
    help=N_("Built-in profile ({profiles}) or a .toml file."),
    help_values={"profiles": ", ".join(builtin_profiles())},
)


def _horizon_options(command: F) -> F:
    """--start-year and --years, as validate and solve take them."""
    command = option(
        "--years",
        type=click.IntRange(1, 10),
        default=None,
        help=N_("School years to plan (default: the profile's)."),
    )(command)
    return option(
        "--start-year",
        type=int,
        default=None,
        help=N_("First school year, by its first calendar year (default: the next one)."),
    )(command)


def _file(name: str, help: str, metavar: str | None = None) -> Callable[[F], F]:
    """A file argument (an input's existence is checked by its reader, with a message)."""
    path = click.Path(dir_okay=False, path_type=Path)
    return argument(name, metavar=metavar, type=path, help=help)


def _out_option(help: str) -> Callable[[F], F]:
    return option(
        "-o",
        "--out",
        "out_path",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help=help,
    )


_ROSTER_HELP = N_("The roster workbook (.xlsx).")
_PLAN_HELP = N_("A plan written by kgrota solve (.xlsx or .json), or typed by the office.")

_DEFAULT = SolveOptions()  # for the help texts: the defaults live in SolveOptions only

_SOLVE_FLAGS = (
    option(
        "--params",
        "params_file",
        metavar="FILE",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help=N_(
            "A TOML preset of the options below and CP-SAT parameters ([cp_sat] table); "
            "flags given here override it."
        ),
    ),
    option(
        "--time-limit",
        type=click.FloatRange(0.1),
        default=None,
        show_default=f"{_DEFAULT.time_limit:g}",
        help=N_("Seconds per group."),
    ),
    option(
        "--workers",
        type=click.IntRange(1),
        default=None,
        help=N_("CP-SAT workers (default: all cores)."),
    ),
    option(
        "--seed",
        type=int,
        default=None,
        show_default=str(_DEFAULT.seed),
        help=N_("Random seed of the search: the same seed with --workers 1 gives the same plan."),
    ),
    option(
        "--gap",
        "gap_percent",
        metavar="PERCENT",
        type=click.FloatRange(0, 100, max_open=True),
        default=None,
        help=N_(
            "Stop a group once its plan is proven within PERCENT % of the best possible "
            "(default 0: prove it best)."
        ),
    ),
    option(
        "--backend",
        type=click.Choice(BACKENDS),
        default=None,
        show_default=_DEFAULT.backend,
        help=N_("Where groups are solved: local processes, or Ray tasks (needs kgrota[ray])."),
    ),
    option(
        "--address",
        default=None,
        help=N_("Ray cluster to join (with --backend ray; default: start Ray on this machine)."),
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


def _not_over(target: Path, source: Path, message: str) -> None:
    """Refuse to write ``target`` over ``source`` (an input is never modified); ``message``
    says so with ``{target}`` and ``{source}``."""
    if target.resolve() == source.resolve():
        raise ValueError(message.format(target=target, source=source))


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
    freeze_before: dt.date | None = None  # keep what the previous plan starts before it

    def __post_init__(self) -> None:
        _not_over(self.out, self.roster, _("{target}: the plan must not overwrite {source}"))
        if self.freeze_before is not None and self.previous is None:
            raise ValueError(_("--freeze-before needs --previous: the plan whose start to keep"))


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
        freeze_before=values["freeze_before"].date() if values["freeze_before"] else None,
    )


def _wrote(path: Path) -> None:
    out.print(_("wrote {path}").format(path=escape(str(path))))


@main.command(
    help=N_(
        "Write an empty roster workbook with drop-downs "
        "(kindergartens, teachers, history, distances, pins)."
    )
)
@_file("out_path", N_("The workbook to write (.xlsx)."), metavar="OUT")
@_guard
def template(out_path: Path) -> None:
    write_template(out_path)
    _wrote(out_path)


@main.command(help=N_("Check a roster workbook; list every problem with sheet, row and column."))
@_file("roster", _ROSTER_HELP)
@profile_option
@_horizon_options
@_guard
def validate(roster: Path, profile: str, start_year: int | None, years: int | None) -> None:
    problems = validate_roster(roster, load_profile(profile), start_year=start_year, years=years)
    _print_problems(problems)
    message = _("{roster}: valid ({n} warning(s))").format(
        roster=escape(str(roster)), n=len(problems)
    )
    out.print(f"[green]✓[/green] {message}")


def _solve(job: Job, options: SolveOptions) -> tuple[Schedule, Report]:
    """Read, solve, verify, write."""
    from ..solver.solve import solve  # the CP-SAT model: load it only when solving

    preflight(job)  # output, start year, --previous: before the roster is read
    roster, warnings = read_checked(job.roster, job.profile, job.start_year, job.years)
    _print_problems(warnings)
    instance = Instance.create(roster, job.profile, job.start_year, job.years)
    guessed = instance.horizon.guessed_years()
    if guessed:
        _print_problems([Problem(str(job.roster), None, None, None, calendar_note(guessed), True)])
    revision = None
    if job.previous is not None:
        revision = Revision(read_schedule(job.previous), job.previous.name, job.freeze_before)
        instance = revision.apply(instance)
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
        task = bar.add_task(_("solving {n} group(s)").format(n=len(groups)), total=len(groups))

        def progress(result: GroupResult) -> None:
            bar.advance(task)
            line = _("  {group}: {status} in {seconds:.1f}s").format(
                group=result.group, status=_status(result), seconds=result.seconds
            )
            bar.console.print(escape(line))

        with interruptible() as stop:  # Ctrl-C, SIGTERM: the best plan so far (exit 130)
            schedule = solve(instance, options, progress=progress, stop=stop)
    report = verify_schedule(instance, schedule.assignments)
    found = revision.changes(schedule, instance) if revision else []
    extra = revision.extra(found, instance) if revision else ((), ())
    write_schedule(job.out, schedule, instance, report, job.fmt, extra)
    out.print(_groups_table(schedule))
    for line in replan_messages(found, instance) if revision else ():
        out.print(escape(line))
    finish_interrupted(stop, schedule, report, job.out, err)  # exits 130 after an interrupt
    return schedule, report


def _conclude(schedule: Schedule, report: Report, out_path: Path) -> None:
    message = _("wrote {path}: {n} assignments; plan: {status}")
    out.print(
        message.format(
            path=escape(str(out_path)),
            n=len(schedule.assignments),
            status=status_word(schedule.status),
        )
    )
    if schedule.status is SolveStatus.INFEASIBLE:
        for g in schedule.groups:
            if g.status is SolveStatus.INFEASIBLE:
                line = _("group {group}: no plan satisfies the hard rules; {remedy}")
                out.print(escape(line.format(group=g.group, remedy=_remedy(g))))
        raise Failed(_("no plan satisfies the hard rules; relax the profile as suggested above"))
    if not report.ok:
        out.print(_rules_table(report))
        raise Failed(_("the plan fails verification (see the rules sheet)"))
    failed = sum(r.status == "shortfall" for r in report.rules)
    message = _("verified: every hard rule holds; {n} soft rule(s) not fully met")
    out.print(f"[green]✓[/green] {message.format(n=failed)}")


def _remedy(group: GroupResult) -> str:
    """What would let an infeasible group solve, in profile terms (solver/diagnose.py)."""
    if not group.relaxations:
        return _("no single rule's relaxation helps: check staffing, unavailable years and pins")
    ways = [
        _("dropping the pins that conflict (pins sheet 锁定)")
        if rule_id == PIN.id
        else _('making {rule} soft ([rules.{rule}] severity = "soft" in the profile)').format(
            rule=rule_id
        )
        for rule_id in group.relaxations
    ]
    return _("it solves after {ways}").format(ways=_(", or ").join(ways))


@main.command(help=N_("Plan rotations, inductions and visits; write and verify the plan."))
@_file("roster", _ROSTER_HELP)
@_out_option(N_("The plan to write: .xlsx, or .json for machines."))
@profile_option
@_horizon_options
@option(
    "--previous",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=N_("A plan being revised: keep as much of it as the rules allow."),
)
@option(
    "--freeze-before",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"]),
    default=None,
    metavar="DATE",
    help=N_(
        "With --previous: keep everything that starts before DATE (YYYY-MM-DD) exactly "
        "as it is, and start nothing new before it."
    ),
)
@option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "json"]),
    default=None,
    help=N_("Format of the plan (default: from the suffix of -o)."),
)
@_solve_flags
@_guard
@_gather(
    "job",
    _job,
    "roster",
    "out_path",
    "profile",
    "start_year",
    "years",
    "previous",
    "fmt",
    "freeze_before",
)
@_gather("options", _options, *_SOLVE_FLAG_NAMES)
def solve(job: Job, options: SolveOptions) -> None:
    schedule, report = _solve(job, options)
    _conclude(schedule, report, job.out)


@main.command(
    help=N_(
        "Check a plan (made by kgrota or typed by hand) against every rule; "
        "exit 1 when a hard rule is broken."
    )
)
@_file("roster", _ROSTER_HELP)
@_file("schedule", _PLAN_HELP)
@option("--profile", default=None, help=N_("Profile name or .toml (default: the plan's own)."))
@option("--start-year", type=int, default=None, help=N_("Default: the plan's own."))
@option("--years", type=click.IntRange(1, 10), default=None, help=N_("Default: the plan's own."))
@_guard
def verify(
    roster: Path, schedule: Path, profile: str | None, start_year: int | None, years: int | None
) -> None:
    roster_first(roster, schedule)  # the two files swapped: say so, not "missing sheets"
    parsed, warnings = read_roster(roster)
    _print_problems(warnings)
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
        raise Failed(_("{n} hard-rule violation(s)").format(n=len(report.failures)))
    message = _("every hard rule holds; objective {objective} (higher is better)")
    out.print(f"[green]✓[/green] {message.format(objective=report.objective)}")


@main.command(help=N_("Write a post-ready notice (公示) of one school year of a plan."))
@_file("roster", _ROSTER_HELP)
@_file("plan", _PLAN_HELP)
@_out_option(N_("The notice workbook to write (.xlsx), one sheet per activity."))
@option(
    "--year",
    type=int,
    default=None,
    help=N_("School year to post, by its first calendar year (default: the plan's first)."),
)
@option(
    "--docx",
    is_flag=True,
    help=N_("Also write the notice as a Word document beside the workbook (.docx)."),
)
@option(
    "--order",
    type=click.Choice(ORDERS),
    default=ORDERS[0],
    show_default=True,
    help=N_("Order of names within a kindergarten: by surname strokes (姓氏笔画) or by pinyin."),
)
@_guard
def notice(
    roster: Path, plan: Path, out_path: Path, year: int | None, docx: bool, order: str
) -> None:
    for source in (roster, plan):
        _not_over(out_path, source, _("{target}: the notice must not overwrite {source}"))
    parsed, warnings = read_roster(roster)
    _print_problems(warnings)
    job = NoticeJob(read_schedule(plan), year, order, dt.date.today())
    for path in write_notice(parsed, job, out_path, docx=docx):
        _wrote(path)


@main.command(help=N_("Write a synthetic, seeded roster (for trials and benchmarks)."))
@_out_option(N_("The roster workbook to write (.xlsx)."))
@option("--groups", type=click.IntRange(1), default=1, show_default=True, help=N_("Groups."))
@option(
    "--kgs",
    type=click.IntRange(2),
    default=8,
    show_default=True,
    help=N_("Kindergartens per group."),
)
@option(
    "--mode",
    type=click.Choice(["tight", "loose"]),
    default="loose",
    show_default=True,
    help=N_("tight: lead and branches (one legal person); loose: 1+X members."),
)
@option("--seed", type=int, default=0, show_default=True, help=N_("Random seed of the roster."))
@option("--start-year", type=int, default=None, help=N_("Default: the next school year."))
@_guard
def generate(
    out_path: Path, groups: int, kgs: int, mode: str, seed: int, start_year: int | None
) -> None:
    year = start_year if start_year is not None else default_start_year()
    roster = generate_roster(groups=groups, kgs=kgs, seed=seed, start_year=year, mode=mode)
    write_roster(roster, out_path)
    message = _("wrote {path}: {kgs} kindergartens, {teachers} teachers")
    out.print(
        message.format(
            path=escape(str(out_path)),
            kgs=len(roster.kindergartens),
            teachers=len(roster.teachers),
        )
    )


@main.command(
    help=N_("Run a benchmark set (python -m kgrota.bench under another name; see --help)."),
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(args: tuple[str, ...]) -> None:
    from ..bench.__main__ import main as run_bench  # its own parser: one set of options

    sys.exit(run_bench(list(args), prog="kgrota bench"))


DEMO_START_YEAR = 2026


@main.command(
    help=N_(
        "Write the shipped qingpu-2023 scenario (seed 001's seven groups), solve it "
        "and write its notice."
    )
)
@option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("kgrota-demo"),
    show_default=True,
    help=N_("Folder to write into."),
)
@_solve_flags
@_guard
@_gather("options", _options, *_SOLVE_FLAG_NAMES)
def demo(out_dir: Path, options: SolveOptions) -> None:
    roster_path = out_dir / "roster.xlsx"
    roster = qingpu_roster(start_year=DEMO_START_YEAR)
    write_roster(roster, roster_path)
    message = _("wrote {path} (青浦区 2023: 7 groups, synthetic teachers)")
    out.print(message.format(path=escape(str(roster_path))))
    job = Job(roster_path, out_dir / "schedule.xlsx", load_profile("qingpu"), DEMO_START_YEAR)
    schedule, report = _solve(job, options)
    _conclude(schedule, report, job.out)
    notice_job = NoticeJob(schedule, None, ORDERS[0], dt.date.today())
    for path in write_notice(roster, notice_job, out_dir / "notice.xlsx", docx=True):
        _wrote(path)
    message = _("next: kgrota verify {roster} {plan}")
    out.print(message.format(roster=escape(str(roster_path)), plan=escape(str(job.out))))


@main.command(
    help=N_(
        "Form districts (学区) from a kindergarten list: compact, at most --max-size "
        "kindergartens, one centre each.\n\n"
        "Writes a roster whose kindergartens sheet carries the districts as groups "
        "(深圳 004 二(一)2)."
    )
)
@_file("kgs_path", N_("The kindergarten list (.xlsx) with coordinates or towns."), metavar="KGS")
@_out_option(N_("The roster workbook to write (.xlsx)."))
@option(
    "--max-size",
    type=click.IntRange(2),
    default=16,
    show_default=True,
    help=N_("Kindergartens per district at most."),
)
@option(
    "--groups",
    type=click.IntRange(1),
    default=None,
    help=N_("Districts to form (default: the fewest that fit)."),
)
@option(
    "--time-limit",
    type=click.FloatRange(0.1),
    default=PartitionOptions.time_limit,
    show_default=True,
    help=N_("Seconds for the search."),
)
@option(
    "--seed",
    type=int,
    default=PartitionOptions.seed,
    show_default=True,
    help=N_("Random seed of the search."),
)
@_guard
def partition(
    kgs_path: Path, out_path: Path, max_size: int, groups: int | None, time_limit: float, seed: int
) -> None:
    from ..model.partition import check_partition, to_roster_kindergartens
    from ..solver.partition import partition as solve_partition
    from .partition_io import read_partition_input

    _not_over(out_path, kgs_path, _("{target}: the roster must not overwrite {source}"))
    sites = read_partition_input(kgs_path)
    with err.status(_("partitioning {n} kindergartens").format(n=len(sites))):
        options = PartitionOptions(time_limit=time_limit, seed=seed)
        result = solve_partition(sites, max_size=max_size, groups=groups, options=options)
    breaches = check_partition(sites, result, max_size)
    if breaches:
        raise Failed(
            _("partition fails its check: {breaches}").format(breaches="; ".join(breaches))
        )
    write_roster(Roster(to_roster_kindergartens(sites, result), ()), out_path)
    out.print(str(result))
    message = _("wrote {path}: fill in the teachers sheet, then run kgrota solve")
    out.print(message.format(path=escape(str(out_path))))


# The subcommand modules register themselves on `main`: explain and diff; report, compare
# and suggest.
from . import cli_replan, cli_report  # noqa: E402, F401
