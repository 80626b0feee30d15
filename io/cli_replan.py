"""``kgrota explain`` and ``kgrota diff``: a plan's reasons, and what changed between two plans
(issue 12). Registered on `cli.main` by the import at the end of cli.py; the reasons and
changes themselves live in reasons.py and replan.py."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click
from rich.markup import escape
from rich.table import Table

from ..model import RULE_BY_ID, Instance, load_profile
from ..model.i18n import N_, _
from ..model.verify import verify as verify_schedule
from .cells import suggest
from .cli import _PLAN_HELP, _ROSTER_HELP, _file, _guard, _print_problems, main, out
from .cli_text import option
from .reasons import Reasons
from .replan import KEPT, KINDS, Change, Explainer, changes, count_text, messages
from .roster_read import read_roster
from .schedule_io import read_schedule
from .words import term_name

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ..model import Report, Roster, Schedule

T = TypeVar("T")


def find(things: Sequence[T], wanted: str, key: Callable[[T], str], name: Callable[[T], str]) -> T:
    """The one thing whose id, else whose name, is ``wanted``; a message naming the choices
    (and the closest one) otherwise."""
    text = wanted.strip()
    by_id = [x for x in things if key(x) == text]
    if by_id:
        return by_id[0]
    by_name = [x for x in things if name(x) == text]
    if len(by_name) == 1:
        return by_name[0]
    if by_name:
        ids = ", ".join(key(x) for x in by_name)
        raise ValueError(_("{name} names several: {ids}; give the id").format(name=text, ids=ids))
    near = suggest(text, [name(x) for x in things] + [key(x) for x in things])
    if near:
        message = _("{name} is not on the roster; did you mean {near}?")
        raise ValueError(message.format(name=text, near=near))
    raise ValueError(_("{name} is not on the roster").format(name=text))


def _instance(
    roster: Roster, plan: Schedule, profile: str | None, previous: Schedule | None = None
) -> Instance:
    """The plan's own profile and years unless told, against the roster."""
    inst = Instance.create(
        roster, load_profile(profile or plan.profile), plan.start_year, plan.years
    )
    if previous is None:
        return inst
    return Instance(inst.roster, inst.profile, inst.horizon, previous.assignments)


_PROFILE_HELP = N_("Profile name or .toml (default: the plan's own).")


@main.command(
    help=N_(
        "Explain a plan: why a teacher goes or stays home, or what a kindergarten sends, "
        "receives and should get.\n\n"
        "--teacher: every school year, each assignment with its reason, a year at home with "
        "the rule or term that decided it. --kg: who leaves and who arrives each year, and the "
        "support received against what its tier should get."
    )
)
@_file("roster", _ROSTER_HELP)
@_file("plan", _PLAN_HELP)
@option("--teacher", metavar="ID|NAME", default=None, help=N_("A teacher, by 工号 or name."))
@option("--kg", metavar="ID|NAME", default=None, help=N_("A kindergarten, by code or name."))
@option("--profile", default=None, help=_PROFILE_HELP)
@_guard
def explain(
    roster: Path, plan: Path, teacher: str | None, kg: str | None, profile: str | None
) -> None:
    if (teacher is None) == (kg is None):
        raise ValueError(_("give one of --teacher and --kg"))
    parsed, warnings = read_roster(roster)
    _print_problems(warnings)
    schedule = read_schedule(plan)
    inst = _instance(parsed, schedule, profile)
    reasons = Reasons(inst, schedule.assignments, verify_schedule(inst, schedule.assignments))
    if teacher is not None:
        t = find(inst.teachers, teacher, lambda x: x.teacher_id, lambda x: x.name)
        lines = reasons.teacher(t)
    else:
        assert kg is not None
        k = find(inst.kindergartens, kg, lambda x: x.kg_id, lambda x: x.name)
        lines = reasons.kindergarten(k)
    for line in lines:
        out.print(escape(line), soft_wrap=True)


@main.command(
    help=N_(
        "Compare two plans: what was kept, moved, removed and added, and why.\n\n"
        "Each changed assignment with its reason; with --roster, both plans' objectives with "
        "and without stability."
    )
)
@_file("old", N_("The earlier plan (.xlsx or .json)."))
@_file("new", N_("The later plan (.xlsx or .json)."))
@option(
    "--roster",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=N_("The later plan's roster: the reasons read it (who left, who is unavailable)."),
)
@option("--profile", default=None, help=_PROFILE_HELP)
@_guard
def diff(old: Path, new: Path, roster: Path | None, profile: str | None) -> None:
    before, after = read_schedule(old), read_schedule(new)
    inst = None
    if roster is not None:
        parsed, warnings = read_roster(roster)
        _print_problems(warnings)
        inst = _instance(parsed, after, profile, before)
    found = changes(before.assignments, after.assignments, inst)
    out.print(_changes_table(found, Explainer(inst)))
    if inst is None:
        out.print(escape(_("changes: {counts}").format(counts=count_text(found))))
        return
    for line in messages(found, inst):
        out.print(escape(line))
    plain = _instance(inst.roster, before, profile)
    out.print(
        _terms_table(
            verify_schedule(plain, before.assignments),
            verify_schedule(inst, after.assignments),
            inst,
        )
    )


def _changes_table(found: Sequence[Change], ex: Explainer) -> Table:
    table = Table(title=_("Changes"), show_lines=False)
    for col in (_("Change"), _("Teacher"), _("Before"), _("After"), _("Reason")):
        table.add_column(col, overflow="fold")
    for c in found:
        if c.kind == KEPT:
            continue
        table.add_row(
            _(KINDS[c.kind]),
            escape(ex.name(c.teacher_id)),
            escape(ex.describe(c.before) or "-"),
            escape(ex.describe(c.after) or "-"),
            escape(c.reason),
        )
    return table


def _terms_table(old: Report, new: Report, inst: Instance) -> Table:
    """Both plans' terms; the objective with and without stability (the new plan's changes
    against the old)."""
    weight = inst.profile.stability
    table = Table(title=_("Objective"), caption=_("Higher is better."))
    for col in (_("Term"), _("Earlier plan"), _("Later plan")):
        table.add_column(col)
    for name in dict.fromkeys([*old.terms, *new.terms]):
        table.add_row(
            escape(term_name(name, RULE_BY_ID)),
            str(old.terms.get(name, "-")),
            str(new.terms.get(name, "-")),
        )
    without = new.objective - weight * new.terms.get("stability", 0)
    table.add_row(_("Objective"), str(old.objective), str(new.objective))
    table.add_row(_("Objective without stability"), str(old.objective), str(without))
    return table
