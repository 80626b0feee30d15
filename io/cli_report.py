"""The commands that show and weigh a plan: ``report`` (the HTML page), ``compare`` (two
profiles or weightings side by side) and ``suggest`` (ranked alternatives for one manual
edit). They register on `cli.main`; the charting library loads only when they run.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape
from rich.table import Table

from ..model import Instance, Profile, Schedule, load_profile
from ..model.i18n import N_, _
from ..model.verify import verify as verify_schedule
from .cli import (
    _PLAN_HELP,
    _ROSTER_HELP,
    _SOLVE_FLAG_NAMES,
    Failed,
    _file,
    _gather,
    _guard,
    _not_over,
    _options,
    _out_option,
    _print_problems,
    _solve_flags,
    _wrote,
    err,
    main,
    out,
)
from .cli_text import option
from .fairness import WINDOW
from .roster_read import read_roster
from .roster_validate import default_start_year, read_checked
from .schedule_io import read_schedule, write_schedule, write_tables
from .words import word, year_label

if TYPE_CHECKING:
    from ..model import Assignment
    from ..solver.options import SolveOptions
    from ..solver.suggest import Alternative, Edit
    from .compare import Side

_START_HELP = N_("First school year, by its first calendar year (default: the next one).")


def _planned(roster: Path, plan: Path, profile: str | None) -> tuple[Schedule, Instance]:
    """A plan and the instance it was made for (its own profile and years unless told)."""
    parsed, warnings = read_roster(roster)
    _print_problems(warnings)
    schedule = read_schedule(plan)
    chosen = load_profile(profile or schedule.profile)
    return schedule, Instance.create(parsed, chosen, schedule.start_year, schedule.years)


@main.command(
    help=N_(
        "Write a plan's report: one HTML page of charts.\n\n"
        "Flows, short visits, support, staffing, exchanges, fairness and the rule check, on a "
        "page that opens offline and prints on A4."
    )
)
@_file("roster", _ROSTER_HELP)
@_file("plan", _PLAN_HELP)
@_out_option(N_("The page to write (.html)."))
@option("--profile", default=None, help=N_("Profile name or .toml (default: the plan's own)."))
@option(
    "--window",
    type=click.IntRange(1, 30),
    default=WINDOW,
    show_default=True,
    help=N_("School years the fairness section covers, ending with the plan's last."),
)
@_guard
def report(roster: Path, plan: Path, out_path: Path, profile: str | None, window: int) -> None:
    from .report import write_report  # plotly: only for this command

    for source in (roster, plan):
        _not_over(out_path, source, _("{target}: the report must not overwrite {source}"))
    schedule, instance = _planned(roster, plan, profile)
    checked = verify_schedule(instance, schedule.assignments)
    _wrote(write_report(out_path, schedule, instance, checked, window))


def _side(
    roster: Path, profile: Profile, start_year: int, years: int | None, options: SolveOptions
) -> Side:
    """Solve the roster under one profile and verify the plan."""
    from ..solver.solve import solve
    from .compare import Side

    parsed, warnings = read_checked(roster, profile, start_year, years)
    _print_problems(warnings)
    instance = Instance.create(parsed, profile, start_year, years)
    with err.status(_("solving under {profile}").format(profile=escape(profile.name))):
        schedule = solve(instance, options)
    return Side(profile.name, schedule, instance, verify_schedule(instance, schedule.assignments))


@main.command(
    help=N_(
        "Compare the plans of two profiles (or of one profile and --set edits).\n\n"
        "Solves the roster under both and writes their figures side by side and the "
        "assignments that differ."
    )
)
@_file("roster", _ROSTER_HELP)
@option(
    "--profile",
    "profiles",
    multiple=True,
    required=True,
    help=N_("A profile (name or .toml): give two, or one with --set."),
)
@option(
    "--set",
    "settings",
    multiple=True,
    metavar="KEY=VALUE",
    help=N_(
        "Edit the second profile (a copy of the first when only one is given) as its TOML "
        "would, e.g. objective.uplift=20 or rules.SUP-YEAR.weight=10; repeatable."
    ),
)
@_out_option(N_("The comparison workbook to write (.xlsx)."))
@option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=N_("Also write the comparison as a page (.html)."),
)
@option("--start-year", type=int, default=None, help=_START_HELP)
@option(
    "--years",
    type=click.IntRange(1, 10),
    default=None,
    help=N_("School years to plan (default: the profile's)."),
)
@_solve_flags
@_guard
@_gather("options", _options, *_SOLVE_FLAG_NAMES)
def compare(
    roster: Path,
    profiles: tuple[str, ...],
    settings: tuple[str, ...],
    out_path: Path,
    html_path: Path | None,
    start_year: int | None,
    years: int | None,
    options: SolveOptions,
) -> None:
    from .compare import comparison_table, differences_table, edit_profile

    if len(profiles) > 2 or (len(profiles) == 1 and not settings):
        raise ValueError(_("give two profiles, or one profile with --set"))
    for target in (out_path, html_path):
        if target is not None:
            _not_over(target, roster, _("{target}: the comparison must not overwrite {source}"))
    first = load_profile(profiles[0])
    second = edit_profile(load_profile(profiles[-1]), settings)
    year = start_year if start_year is not None else default_start_year()
    a, b = (_side(roster, p, year, years, options) for p in (first, second))
    if a.label == b.label:
        b = replace(b, label=_("{label} (second)").format(label=b.label))
    _wrote(write_tables(out_path, (comparison_table(a, b), differences_table(a, b))))
    if html_path is not None:
        from .report import compare_sections, page, write_page

        title = _("Comparison: {first} and {second}").format(first=a.label, second=b.label)
        line = _("Same roster, same solver options; each plan verified under its own profile.")
        _wrote(write_page(html_path, page(title, line, compare_sections(a, b))))


def _edit_text(edit: Edit, instance: Instance) -> str:
    """An edit in the office's words."""
    t = instance.teacher[edit.teacher_id]
    who = _("{name} ({id})").format(name=t.name, id=t.teacher_id)
    when = year_label(edit.year)
    if edit.semester is not None:
        when = _("{year} {semester}").format(year=when, semester=word(edit.semester))
    if edit.activity is None or edit.host is None:
        return _("{who} stays at home in {when}").format(who=who, when=when)
    what = _("{activity} → {host}").format(
        activity=word(edit.activity, instance.profile), host=instance.kg[edit.host].name
    )
    if edit.instead_of is not None:
        other = instance.teacher[edit.instead_of].name
        return _("{who} instead of {other}: {what}, {when}").format(
            who=who, other=other, what=what, when=when
        )
    return _("{who}: {what}, {when}").format(who=who, what=what, when=when)


def _change_text(sign: str, a: Assignment, instance: Instance) -> str:
    t = instance.teacher[a.teacher_id]
    when = year_label(a.year) + (f" {word(a.semester)}" if a.semester else "")
    return f"{sign} {t.name} ({a.teacher_id}) {word(a.activity, instance.profile)} → {instance.kg[a.host_kg].name}, {when}"


CHANGES_SHOWN = 8  # changes listed under each alternative; the rest are counted


def _show(alternatives: list[Alternative], instance: Instance) -> None:
    """The ranking as a table, then each alternative's changes (+ added, − removed)."""
    table = Table(title=_("Alternatives, best first"))
    for col in (_("Rank"), _("Edit"), _("Objective change"), _("Knock-on changes")):
        table.add_column(col)
    for rank, alt in enumerate(alternatives, start=1):
        edit = escape(_edit_text(alt.edit, instance))
        table.add_row(str(rank), edit, f"{alt.change:+d}", str(alt.knock_on))
    out.print(table)
    for rank, alt in enumerate(alternatives, start=1):
        lines = [_change_text("+", a, instance) for a in alt.added]
        lines += [_change_text("−", a, instance) for a in alt.removed]
        out.print(_("Alternative {rank}:").format(rank=rank))
        for line in lines[:CHANGES_SHOWN]:
            out.print("  " + escape(line), soft_wrap=True)
        if len(lines) > CHANGES_SHOWN:
            more = _("  …and {n} more").format(n=len(lines) - CHANGES_SHOWN)
            out.print(escape(more))


@main.command(
    help=N_(
        "Ranked alternatives for one manual edit of a plan.\n\n"
        "The teacher at another host, in another year, a colleague instead, or at home; each "
        "re-solved from the plan and verified, with its objective change and the knock-on "
        "changes it forces."
    )
)
@_file("roster", _ROSTER_HELP)
@_file("plan", _PLAN_HELP)
@option("--teacher", "teacher_id", required=True, help=N_("The teacher (工号) to move."))
@option(
    "--host", default=None, help=N_("Only alternatives placing someone at this kindergarten (id).")
)
@option("--year", type=int, default=None, help=N_("Only alternatives in this school year."))
@option("--profile", default=None, help=N_("Profile name or .toml (default: the plan's own)."))
@option(
    "--top", type=click.IntRange(1), default=5, show_default=True, help=N_("Alternatives shown.")
)
@option(
    "--tries",
    type=click.IntRange(1),
    default=None,
    help=N_("Edits re-solved at most (default: 12)."),
)
@option(
    "--apply",
    "apply_rank",
    type=click.IntRange(1),
    default=None,
    help=N_("Write the plan with the alternative of this rank applied (to -o)."),
)
@option(
    "-o",
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=N_("Where --apply writes the plan (.xlsx or .json)."),
)
@_solve_flags
@_guard
@_gather("options", _options, *_SOLVE_FLAG_NAMES)
def suggest(
    roster: Path,
    plan: Path,
    teacher_id: str,
    host: str | None,
    year: int | None,
    profile: str | None,
    top: int,
    tries: int | None,
    apply_rank: int | None,
    out_path: Path | None,
    options: SolveOptions,
) -> None:
    from ..solver.suggest import TRIES
    from ..solver.suggest import suggest as alternatives_for

    if (apply_rank is None) != (out_path is None):
        raise ValueError(_("--apply and -o go together"))
    if out_path is not None:
        for source in (roster, plan):
            _not_over(out_path, source, _("{target}: the plan must not overwrite {source}"))
    schedule, instance = _planned(roster, plan, profile)
    tries = tries or TRIES
    with err.status(_("re-solving up to {n} edit(s)").format(n=tries)):
        found = alternatives_for(
            instance, schedule, teacher_id, options, host=host, year=year, tries=tries
        )
    if not found:
        raise Failed(_("no feasible alternative for {teacher}").format(teacher=teacher_id))
    _show(found[:top], instance)
    if apply_rank is None or out_path is None:
        return
    if apply_rank > len(found):
        raise ValueError(
            _("--apply {rank}: only {n} alternative(s)").format(rank=apply_rank, n=len(found))
        )
    chosen = found[apply_rank - 1].schedule
    checked = verify_schedule(instance, chosen.assignments)
    fmt = "json" if out_path.suffix.lower() == ".json" else "xlsx"
    _wrote(write_schedule(out_path, chosen, instance, checked, fmt))
