"""What-if comparison of two plans of one roster (two profiles, or one profile and an edited
copy): their figures side by side and the assignments that differ, as workbook tables.

``--set section.key=value`` edits a profile as its TOML file would (``objective.uplift=20``,
``rules.SUP-YEAR.weight=10``, ``mode=loose``), through the profile's own validation, so an
unknown key is the same error a profile file gives.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from ..model import RULE_BY_ID, Activity, Instance, Profile, Report, Schedule, profile_from_dict
from ..model.i18n import N_, _
from ..solver.suggest import key as assignment_key
from .fairness import support_received, weaker
from .schedule_tables import Field, Table
from .words import status_word, term_name, word, yes_no

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .schedule_tables import Cell

COMPARISON = ("comparison", N_("Comparison"))
DIFFERENCES = ("differences", N_("Differing assignments"))


def profile_data(profile: Profile) -> dict[str, Any]:
    """The profile as the TOML table it would be read from."""
    data: dict[str, Any] = {}
    for f in fields(Profile):
        section, value = f.metadata["section"], getattr(profile, f.name)
        if f.name == "rules":
            data["rules"] = {
                rule_id: {"severity": s.severity.value, "weight": s.weight}
                for rule_id, s in value.items()
            }
        elif f.name == section:  # a whole table of its own, e.g. the profile's [words]
            data[section] = dict(value)
        elif section:
            data.setdefault(section, {})[f.name] = (
                list(value) if isinstance(value, tuple) else value
            )
        else:
            data[f.name] = value
    return data


def _value(text: str) -> Any:
    """A TOML value (20, true, "x", [..]); a bare word is text (mode=loose)."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def edit_profile(profile: Profile, settings: Sequence[str]) -> Profile:
    """The profile with each ``key=value`` set; a malformed or unknown key is a ValueError."""
    data = profile_data(profile)
    for setting in settings:
        path, eq, text = setting.partition("=")
        parts = path.strip().split(".")
        if not eq or not all(parts):
            raise ValueError(
                _("--set {setting}: write key=value, e.g. objective.uplift=20").format(
                    setting=setting
                )
            )
        table = data
        for part in parts[:-1]:
            inner = table.setdefault(part, {})
            if not isinstance(inner, dict):
                raise ValueError(
                    _("--set {setting}: {part} is not a table").format(setting=setting, part=part)
                )
            table = inner
        table[parts[-1]] = _value(text.strip())
    if settings:
        data["name"] = f"{profile.name} ({', '.join(settings)})"
    return profile_from_dict(data, where="--set")


@dataclass(frozen=True)
class Side:
    """One of the two plans, with what it was made from."""

    label: str
    schedule: Schedule
    instance: Instance
    report: Report


def figures(side: Side) -> dict[str, tuple[str, int]]:
    """The plan's figures by key: (label, value), in the order they are shown."""
    inst, schedule, report = side.instance, side.schedule, side.report
    counts = Counter(a.activity for a in schedule.assignments)
    got = support_received(schedule, inst)
    lower = weaker(inst)
    years = inst.horizon.year_list
    out: dict[str, tuple[str, int]] = {
        "objective": (_("Objective (its own profile's weights)"), report.objective),
        "failures": (_("Hard-rule violations"), len(report.failures)),
        "taking_part": (
            _("Teachers taking part"),
            len({a.teacher_id for a in schedule.assignments}),
        ),
        **{f"count_{act.value}": (word(act, inst.profile), counts[act]) for act in Activity},
        "support_weaker": (
            _("Support to weaker kindergartens (teacher-years and visits)"),
            sum(got[(k, y, True)] + got[(k, y, False)] for k in lower for y in years),
        ),
        "unsupported": (
            _("Weaker kindergarten-years without support"),
            sum(not (got[(k, y, True)] or got[(k, y, False)]) for k in lower for y in years),
        ),
    }
    for r in report.rules:
        if r.status == "shortfall":
            name = _("Shortfalls: {rule}").format(rule=r.rule.id)
            out[f"shortfall_{r.rule.id}"] = (name, len(r.violations))
    for name, value in report.terms.items():
        out[f"term_{name}"] = (_("Term: {term}").format(term=term_name(name, RULE_BY_ID)), value)
    return out


def _pairs(a: Side, b: Side) -> list[tuple[str, str, int, int]]:
    """(key, label, first plan's value, second's) for every figure either plan has."""
    fa, fb = figures(a), figures(b)
    out = []
    for name in dict.fromkeys([*fa, *fb]):
        label = (fa.get(name) or fb[name])[0]
        out.append((name, label, fa.get(name, (label, 0))[1], fb.get(name, (label, 0))[1]))
    return out


def comparison_table(a: Side, b: Side) -> Table:
    """Figure by figure: each plan's value and the difference (second minus first)."""
    columns = (
        Field("item", N_("Item")),
        Field("first", "", text=a.label),
        Field("second", "", text=b.label),
        Field("difference", N_("Difference")),
    )
    rows: list[tuple[Cell, ...]] = [
        (_("Status"), status_word(a.schedule.status), status_word(b.schedule.status), None),
        (_("Every hard rule holds"), yes_no(a.report.ok), yes_no(b.report.ok), None),
    ]
    rows += [(label, x, y, y - x) for _name, label, x, y in _pairs(a, b)]
    return Table(*COMPARISON, columns, tuple(rows), frozen=1)


_CHARTED = ("taking_part", "support_weaker", "unsupported", "failures")


def chart_rows(a: Side, b: Side) -> list[tuple[str, int, int]]:
    """The figures worth a bar: people, activities, support and shortfalls (not the
    objective's raw terms), where either plan has some."""
    return [
        (label, x, y)
        for name, label, x, y in _pairs(a, b)
        if (x or y) and (name in _CHARTED or name.startswith(("count_", "shortfall_")))
    ]


def differences_table(a: Side, b: Side) -> Table:
    """Assignments in one plan and not the other (teacher, activity, host, year, semester)."""
    inst = a.instance
    first, second = (
        {assignment_key(x): x for x in a.schedule.assignments},
        {assignment_key(x): x for x in b.schedule.assignments},
    )
    columns = (
        Field("plan", N_("Plan")),
        Field("teacher_id", N_("Teacher ID")),
        Field("name", N_("Name")),
        Field("home_kg", N_("Home kindergarten")),
        Field("activity", N_("Activity")),
        Field("host_kg", N_("Host kindergarten")),
        Field("host_name", N_("Host kindergarten name")),
        Field("year", N_("Year")),
        Field("semester", N_("Semester")),
    )
    rows = []
    for label, mine, theirs in ((a.label, first, second), (b.label, second, first)):
        for k in sorted(mine.keys() - theirs.keys(), key=lambda k: (k[3], k[0], k[1].value)):
            x = mine[k]
            t = inst.teacher.get(x.teacher_id)
            host = inst.kg.get(x.host_kg)
            rows.append(
                (
                    _("only in {plan}").format(plan=label),
                    x.teacher_id,
                    t.name if t else None,
                    t.home_kg if t else None,
                    word(x.activity, inst.profile),
                    x.host_kg,
                    host.name if host else None,
                    x.year,
                    word(x.semester) if x.semester else None,
                )
            )
    return Table(*DIFFERENCES, columns, tuple(rows), frozen=2)
