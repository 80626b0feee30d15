"""The schedule output's tables (SPEC §5), built once and written as xlsx sheets or as JSON.

Sheet names, headers and cell values are in the current language (Chinese unless ``--lang
en``): each column is a `Field` with a stable English key (the JSON key) and an English name
from the message catalogue. Ids stay in id columns and names sit beside them, so a reader (or
the office) never has to parse a name. The summary speaks plain language; the solver's
figures, with the keys `read_schedule` takes back, have a sheet of their own.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import (
    RULE_BY_ID,
    Activity,
    Assignment,
    Grade,
    GroupResult,
    Instance,
    Report,
    RuleResult,
    Schedule,
    Semester,
    SolveStatus,
    Teacher,
    Violation,
)
from ..model.i18n import N_, _, catalogue
from ..model.rules.staffing import required as staffing_required
from .fairness import Fairness, fairness
from .headers import Column
from .reasons import Reasons
from .run_summary import run_rows
from .words import (
    GROUP,
    RULE_STATUS,
    SEVERITY,
    rule_text,
    span,
    status_word,
    term_name,
    tier_word,
    word,
    year_label,
    yes_no,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..model import Profile

Cell = str | int | float | dt.date | None  # dt.datetime is a dt.date
Row = tuple[Cell, ...]


@dataclass(frozen=True)
class Field:
    """A column: ``key`` names it in JSON and to machines, ``en`` is its English name and
    catalogue msgid; ``text``, when given, is a heading made when the table is built."""

    key: str
    en: str
    aliases: tuple[str, ...] = ()  # further spellings a reader accepts (typed by hand)
    text: str | None = None

    @property
    def heading(self) -> str:
        return self.text if self.text is not None else _(self.en)

    def column(self, required: bool = False) -> Column:
        """The column as the readers know it: Chinese, English name, key and aliases."""
        zh = catalogue("zh").get(self.en, self.en)
        return Column(self.key, zh, required=required, aliases=(self.en, *self.aliases))


@dataclass(frozen=True)
class Table:
    """One sheet: ``key`` is its JSON key, ``name`` its English title (a msgid);
    ``frozen`` columns stay in view."""

    key: str
    name: str
    columns: tuple[Field, ...]
    rows: tuple[Row, ...]
    frozen: int = 0

    @property
    def title(self) -> str:
        return _(self.name)


def zh_title(key_and_name: tuple[str, str]) -> str:
    """A sheet's Chinese title, whatever the current language (readers match it)."""
    return catalogue("zh").get(key_and_name[1], key_and_name[1])


SUMMARY = ("summary", N_("Summary"))
ASSIGNMENTS = ("assignments", N_("Assignments"))
TEACHERS = ("teachers", N_("Teacher view"))
KINDERGARTENS = ("kindergartens", N_("Kindergarten view"))
RULES_SHEET = ("rules", N_("Rule check"))
SHORTFALLS = ("shortfalls", N_("Shortfalls"))
SOLVER = ("solver", N_("Solver"))
FAIRNESS = ("fairness", N_("Fairness"))
FAIRNESS_TEACHERS = ("fairness_teachers", N_("Fairness by teacher"))

SUMMARY_COLUMNS = (Field("topic", N_("Topic")), Field("text", N_("Description")))
SOLVER_COLUMNS = (
    Field("key", N_("Key")),
    Field("item", N_("Item")),
    Field("value", N_("Value")),
    Field("note", N_("Note")),
)
# Solver items read_schedule takes back (all optional there).
PROFILE = Field("profile", N_("Profile"))
START_YEAR = Field("start_year", N_("First school year"))
YEARS = Field("years", N_("School years planned"))
CREATED = Field("created", N_("Made on"))

_TEACHER_ID = Field("teacher_id", N_("Teacher ID"), ("教师工号", "教师编号", "teacher"))
_NAME = Field("name", N_("Name"))
_HOME_KG = Field("home_kg", N_("Home kindergarten"))
_HOME_NAME = Field("home_name", N_("Home kindergarten name"))
_GRADE = Field("grade", N_("Grade"))
_YEAR = Field("year", N_("Year"), ("年度", "学年度"))
_KG_ID = Field("kg_id", N_("Kindergarten ID"))
_KG_NAME = Field("name", N_("Kindergarten name"))
_RULE_ID = Field("rule_id", N_("Rule ID"))
_SEMESTER = Field("semester", N_("Semester"), ("term",))

# The assignments sheet. Aliases sit on the columns read_schedule takes back and cover what
# the office is likely to type by hand; the name and date columns are display only.
ASSIGNMENT_COLUMNS = (
    _TEACHER_ID,
    _NAME,
    _HOME_KG,
    _HOME_NAME,
    Field("activity", N_("Activity"), ("类型", "交流方式", "type")),
    Field("host_kg", N_("Host kindergarten"), ("交流园", "接收园", "去向园所", "host")),
    Field("host_name", N_("Host kindergarten name")),
    _YEAR,
    Field("year_label", N_("School year")),
    _SEMESTER,
    Field("slot", N_("Slot"), ("时段序号",)),
    Field("start_date", N_("Start date"), ("start",)),
    Field("end_date", N_("End date"), ("end",)),
    _GRADE,
    Field("partner", N_("Partner"), ("导师", "结对教师", "置换对象", "mentor")),
    Field("partner_name", N_("Partner name")),
    Field("guidance_item", N_("Guidance item"), ("指导内容", "item")),
    Field("reason", N_("Reason")),
)

DETAILS_SHOWN = 3  # violation messages quoted in the rules sheet; the rest are counted


def listing(items: list[str]) -> str:
    """Items joined as the language lists them (、 in Chinese)."""
    return _(", ").join(items)


def build_tables(
    schedule: Schedule,
    instance: Instance,
    report: Report,
    extra: Sequence[Table] = (),
    notes: Sequence[Row] = (),
) -> tuple[Table, ...]:
    """Every sheet of SPEC §5, in workbook order (the plain summary first, solver figures last);
    `extra` sheets (a re-plan's changes) follow the assignments, `notes` end the summary."""
    view = _View(schedule, instance, report)
    shares = fairness(schedule, instance)
    return (
        _summary(schedule, report, view, shares, notes),
        view.assignment_table(),
        *extra,
        view.teacher_table(),
        view.kindergarten_table(),
        _rules(report, instance.profile),
        _shortfalls(report, view),
        *fairness_tables(shares, view),
        _solver(schedule, instance, report),
    )


def _sort_key(a: Assignment) -> tuple[int, int, int, int, str, str]:
    """Year, then activity, then time inside the year: how the office reads a plan."""
    sem = a.semester.order if a.semester is not None else -1
    return (a.year, list(Activity).index(a.activity), sem, a.slot or 0, a.host_kg, a.teacher_id)


class _View:
    """Lookups shared by the per-assignment, per-teacher and per-kindergarten sheets."""

    def __init__(self, schedule: Schedule, instance: Instance, report: Report) -> None:
        self.instance = instance
        self.profile = instance.profile
        self.horizon = instance.horizon
        self.placements = sorted(schedule.assignments, key=_sort_key)
        planned = range(schedule.start_year, schedule.start_year + schedule.years)
        self.years = sorted(set(planned) | {a.year for a in self.placements})
        self.by_teacher: dict[str, list[Assignment]] = defaultdict(list)
        self.mentees: dict[tuple[str, int], list[str]] = defaultdict(list)
        for a in self.placements:
            self.by_teacher[a.teacher_id].append(a)
            if a.activity is Activity.INDUCTION and a.partner:
                self.mentees[(a.partner, a.year)].append(a.teacher_id)
        self.reasons = Reasons(instance, schedule.assignments, report)

    def kg_name(self, kg_id: str | None) -> str | None:
        kg = self.instance.kg.get(kg_id) if kg_id else None
        return kg.name if kg else None

    def teacher_name(self, teacher_id: str | None) -> str | None:
        t = self.instance.teacher.get(teacher_id) if teacher_id else None
        return t.name if t else None

    def dates(self, a: Assignment) -> tuple[dt.date, dt.date]:
        """A placement's school year; a shadowing visit's slot; a guidance visit's days."""
        if a.semester is None or a.slot is None:
            return self.horizon.year_dates(a.year)
        if a.activity is Activity.GUIDANCE:
            days = self.instance.profile.visit_days
            return self.horizon.visit_dates(a.year, a.semester, a.slot, days)
        return self.horizon.slot_dates(a.year, a.semester, a.slot)

    def assignment_table(self) -> Table:
        rows = []
        for a in self.placements:
            t = self.instance.teacher.get(a.teacher_id)
            home = t.home_kg if t else None
            start, end = self.dates(a)
            rows.append(
                (
                    a.teacher_id,
                    t.name if t else None,
                    home,
                    self.kg_name(home),
                    word(a.activity, self.profile),
                    a.host_kg,
                    self.kg_name(a.host_kg),
                    a.year,
                    year_label(a.year),
                    word(a.semester) if a.semester else None,
                    a.slot,
                    start,
                    end,
                    word(t.grade) if t and t.grade else None,
                    a.partner,
                    self.teacher_name(a.partner),
                    "、".join(a.items) or None,
                    self.reasons.of(a),
                )
            )
        return Table(*ASSIGNMENTS, ASSIGNMENT_COLUMNS, tuple(rows), frozen=2)

    def _where(self, a: Assignment) -> str:
        """``轮岗交流 → 赵屯幼儿园``: what a placement means for the teacher."""
        values = {
            "activity": word(a.activity, self.profile),
            "host": self.kg_name(a.host_kg) or a.host_kg,
            "partner": self.teacher_name(a.partner) or a.partner,
        }
        if a.semester is not None and a.slot is not None:
            dates = span(*self.dates(a))
            if a.items:
                text = _("{activity} → {host}, slot {slot}: {dates}, {item}")
                return text.format(**values, slot=a.slot, dates=dates, item="、".join(a.items))
            text = _("{activity} → {host}, slot {slot}: {dates}")
            return text.format(**values, slot=a.slot, dates=dates)
        if a.partner and a.activity is Activity.INDUCTION:
            return _("{activity} → {host} (mentor {partner})").format(**values)
        if a.partner:
            return _("{activity} → {host} (partner {partner})").format(**values)
        return _("{activity} → {host}").format(**values)

    def teacher_table(self) -> Table:
        """Every teacher in roster order, one column per year and per semester (blank = at home)."""
        periods: list[tuple[int, Semester | None]] = [(y, None) for y in self.years]
        periods += [(y, s) for y in self.years for s in Semester]
        columns = (
            _TEACHER_ID,
            _NAME,
            _HOME_KG,
            _HOME_NAME,
            _GRADE,
            Field("backbone", N_("Backbone")),
            Field("cadre", N_("Cadre")),
            *(
                Field(f"year_{y}", "", text=year_label(y))
                if s is None
                else Field(
                    f"{y}_{s.value}",
                    "",
                    text=_("{year} {semester}").format(year=year_label(y), semester=word(s)),
                )
                for y, s in periods
            ),
        )
        index = {p: i for i, p in enumerate(periods)}
        rows = []
        for t in self.instance.teachers:
            cells: list[list[str]] = [[] for _ in periods]
            for a in self.by_teacher.get(t.teacher_id, ()):
                cells[index[(a.year, a.semester)]].append(self._where(a))
            for y in self.years:
                mentees = self.mentees.get((t.teacher_id, y))
                if mentees:
                    names = listing([self.teacher_name(m) or m for m in mentees])
                    cells[index[(y, None)]].append(_("mentor of {names}").format(names=names))
            rows.append(
                (
                    *_teacher_cells(t, self.kg_name(t.home_kg)),
                    *("; ".join(c) or None for c in cells),
                )
            )
        return Table(*TEACHERS, columns, tuple(rows), frozen=2)

    def kindergarten_table(self) -> Table:
        """STAFF-CLASS per kindergarten, grade and year, counted as its rule detail says."""
        out: Counter[tuple[str, Grade, int]] = Counter()
        into: Counter[tuple[str, Grade, int]] = Counter()
        away: set[tuple[str, int]] = set()
        for a in self.placements:
            t = self.instance.teacher.get(a.teacher_id)
            if not a.activity.year_long or t is None or t.grade is None:
                continue
            into[(a.host_kg, t.grade, a.year)] += 1
            if (t.teacher_id, a.year) not in away:  # a teacher is away once, however listed
                away.add((t.teacher_id, a.year))
                out[(t.home_kg, t.grade, a.year)] += 1
        columns = (
            _KG_ID,
            _KG_NAME,
            Field("group", N_("Group"), text=word(GROUP, self.profile)),
            Field("role", N_("Role")),
            _GRADE,
            _YEAR,
            Field("classes", N_("Classes")),
            Field("home_teachers", N_("Teachers on roll")),
            Field("at_home", N_("At home")),
            Field("out", N_("Sent out")),
            Field("in", N_("Received")),
            Field("present", N_("Present")),
            Field("required", N_("Required")),
            Field("ok", N_("Fully staffed")),
        )
        inst = self.instance
        rows = []
        for kg in inst.kindergartens:
            for grade in Grade:
                home = inst.home_count(kg.kg_id, grade)
                if not home and not kg.classes_of(grade):
                    continue
                required = staffing_required(inst, kg.kg_id, grade)
                for y in self.years:
                    key = (kg.kg_id, grade, y)
                    at_home = home - out[key]
                    present = at_home + into[key]
                    rows.append(
                        (
                            kg.kg_id,
                            kg.name,
                            kg.group,
                            word(kg.role, self.profile),
                            word(grade),
                            y,
                            kg.classes_of(grade),
                            home,
                            at_home,
                            out[key],
                            into[key],
                            present,
                            required,
                            yes_no(present >= required),
                        )
                    )
        return Table(*KINDERGARTENS, columns, tuple(rows), frozen=2)


def _teacher_cells(t: Teacher, home_name: str | None) -> Row:
    grade = word(t.grade) if t.grade else None
    return (t.teacher_id, t.name, t.home_kg, home_name, grade, yes_no(t.backbone), yes_no(t.cadre))


def _whole(schedule: Schedule) -> GroupResult:
    """The plan as one result: groups are solved apart and the objective is a sum over groups,
    so the plan's objective and bound are the groups' sums (known only when every group has
    one)."""
    groups = schedule.groups
    objectives = [g.objective for g in groups if g.objective is not None]
    bounds = [g.best_bound for g in groups if g.best_bound is not None]
    return GroupResult(
        "",
        schedule.status,
        (),
        objective=sum(objectives) if groups and len(objectives) == len(groups) else None,
        best_bound=sum(bounds) if groups and len(bounds) == len(groups) else None,
    )


def _percent(share: float) -> str:
    return f"{share:.1%}" if share < 0.1 else f"{share:.0%}"


def _quality(schedule: Schedule) -> str:
    """How good the plan is, in words: proven best, within X %, or why neither."""
    status = schedule.status
    if not schedule.groups:  # a plan read back from its file: its Solver sheet says
        return _("Read from a file: its own Solver sheet tells how it was solved.")
    if status is SolveStatus.OPTIMAL:
        return _("Proven best: no plan scores higher under the profile's rules and weights.")
    if status is SolveStatus.FEASIBLE:
        gap = _whole(schedule).gap
        if gap is None:
            return _("A good plan, not proven best: the time limit ended the search.")
        return _(
            "Within {gap} of the best possible plan: the time limit ended the proof. "
            "A longer --time-limit may close the gap."
        ).format(gap=_percent(gap))
    if status is SolveStatus.GREEDY:
        return _(
            "Made by the simple method: the solver found no plan in time. "
            "Solve again with a longer --time-limit."
        )
    return _("No plan satisfies every hard rule: see the advice kgrota solve printed.")


def _summary(
    schedule: Schedule, report: Report, view: _View, shares: Fairness, notes: Sequence[Row]
) -> Table:
    """The plan in plain words: who moves, where, for how long, what was not met, how good."""
    inst, profile = view.instance, view.profile
    first, last = schedule.start_year, schedule.start_year + schedule.years - 1
    if profile.citation:
        plan = _("{first} to {last}, {years} school year(s); profile {profile}: {citation}.")
    else:
        plan = _("{first} to {last}, {years} school year(s); profile {profile}.")
    plan = plan.format(
        first=year_label(first),
        last=year_label(last),
        years=schedule.years,
        profile=profile.name,
        citation=profile.citation,
    )
    people = {a.teacher_id for a in schedule.assignments}
    total = len(inst.teachers)
    rows: list[Row] = [
        (_("Plan"), plan),
        (
            _("Scope"),
            _("{groups} {group_word}(s), {kgs} kindergartens, {teachers} teachers.").format(
                groups=len(inst.roster.groups),
                group_word=word(GROUP, profile),
                kgs=len(inst.kindergartens),
                teachers=total,
            ),
        ),
        (
            _("Teachers taking part"),
            _("{n} of {total} teachers ({share}) take part in at least one exchange.").format(
                n=len(people), total=total, share=_percent(len(people) / total) if total else "-"
            ),
        ),
        *_activity_rows(schedule, view),
        *_direction_rows(view),
        *_group_rows(view),
        *_rule_rows(report),
        (_("Fairness"), fairness_text(shares)),
        *notes,
        (_("Plan quality"), _quality(schedule)),
        (_("Solver figures"), _("See the Solver sheet.")),
    ]
    if schedule.created is not None:
        rows.append((_("Made on"), f"{schedule.created:%Y-%m-%d %H:%M}"))
    return Table(*SUMMARY, SUMMARY_COLUMNS, tuple(rows), frozen=1)


def _activity_rows(schedule: Schedule, view: _View) -> list[Row]:
    """Per activity: how many teachers, how many times, in which years, for how long."""
    rows: list[Row] = []
    for act in Activity:
        mine = [a for a in schedule.assignments if a.activity is act]
        if not mine:
            continue
        per_year = Counter(a.year for a in mine)
        years = listing(
            [_("{year}: {n}").format(year=year_label(y), n=n) for y, n in sorted(per_year.items())]
        )
        if act.year_long:
            length = _("each for one school year")
        else:
            length = _("each at most {weeks} week(s)").format(weeks=view.horizon.slot_weeks)
        text = _("{people} teachers, {count} times ({years}); {length}.").format(
            people=len({a.teacher_id for a in mine}), count=len(mine), years=years, length=length
        )
        rows.append((word(act, view.profile), text))
    return rows


def _direction_rows(view: _View) -> list[Row]:
    """Where backbones go on rotation: to weaker, equal or stronger kindergartens."""
    kg = view.instance.kg
    moves = Counter[str]()
    for a in view.placements:
        t = view.instance.teacher.get(a.teacher_id)
        if a.activity is not Activity.ROTATION or t is None:
            continue
        home, host = kg[t.home_kg].tier, kg[a.host_kg].tier
        moves["down" if host < home else "same" if host == home else "up"] += 1
    if not moves:
        return []
    text = _(
        "Of {n} rotations, {down} go to a weaker kindergarten, {same} to one of the same tier "
        "and {up} to a stronger one."
    ).format(n=sum(moves.values()), down=moves["down"], same=moves["same"], up=moves["up"])
    return [(_("Direction"), text)]


def _group_rows(view: _View) -> list[Row]:
    """Per group: who takes part, by activity."""
    inst = view.instance
    group_of = {t.teacher_id: inst.kg[t.home_kg].group for t in inst.teachers}
    counts: dict[str, Counter[Activity]] = defaultdict(Counter)
    people: dict[str, set[str]] = defaultdict(set)
    for a in view.placements:
        group = group_of.get(a.teacher_id)
        if group is not None:
            counts[group][a.activity] += 1
            people[group].add(a.teacher_id)
    rows: list[Row] = []
    for group in inst.roster.groups:
        parts = [
            _("{activity} {n}").format(activity=word(act, view.profile), n=counts[group][act])
            for act in Activity
            if counts[group][act]
        ]
        text = _("{n} teachers take part: {activities}.").format(
            n=len(people[group]), activities=listing(parts) or "-"
        )
        rows.append((group, text))
    return rows


def _rule_rows(report: Report) -> list[Row]:
    """Whether the hard rules hold; each soft rule not fully met, how often and why."""
    failed = [r for r in report.rules if r.status == "failed"]
    if failed:
        hard = _("{n} hard rule(s) broken: {ids}. See the Rule check sheet.").format(
            n=len(failed), ids=listing([r.rule.id for r in failed])
        )
    else:
        hard = _("Every hard rule holds.")
    rows: list[Row] = [(_("Hard rules"), hard)]
    for r in report.rules:
        if r.status != "shortfall":
            continue
        text = _("{n} case(s), e.g. {example}. See the Shortfalls sheet.").format(
            n=len(r.violations), example=r.violations[0].message
        )
        rows.append((_("Not fully met: {rule}").format(rule=rule_text(r.rule)), text))
    return rows


def _solver(schedule: Schedule, instance: Instance, report: Report) -> Table:
    """Key/item/value rows; the ``key`` column is what machines (and read_schedule) look up."""
    counts = Counter(a.activity for a in schedule.assignments)
    first, last = schedule.start_year, schedule.start_year + schedule.years - 1
    statuses = Counter(r.status for r in report.rules)
    groups = schedule.groups
    whole = _whole(schedule)
    sign = _(
        "Higher is better: the weighted sum of the terms below. Unmet soft rules count as "
        "penalties below zero, so the total can be negative."
    )
    items: list[tuple[str, str, Cell, str | None]] = [
        (PROFILE.key, PROFILE.heading, schedule.profile, None),
        (START_YEAR.key, START_YEAR.heading, schedule.start_year, None),
        (YEARS.key, YEARS.heading, schedule.years, None),
        ("horizon", _("Horizon"), f"{year_label(first)} – {year_label(last)}", None),
        ("groups", _("Groups"), len(instance.roster.groups), None),
        ("kindergartens", _("Kindergartens"), len(instance.kindergartens), None),
        ("teachers", _("Teachers"), len(instance.teachers), None),
        ("assignments", _("Assignments"), len(schedule.assignments), None),
        *(
            (f"count_{act.value}", word(act, instance.profile), counts[act], None)
            for act in Activity
        ),
        ("status", _("Status"), schedule.status.value, status_word(schedule.status)),
        ("objective", _("Objective"), report.objective, sign),
        (
            "objective_without_stability",
            _("Objective without stability"),
            report.objective - instance.profile.stability * report.terms.get("stability", 0),
            _("What two plans of one roster compare by: the changes against --previous left out."),
        ),
        *(
            (f"term_{name}", term_name(name, RULE_BY_ID), value, None)
            for name, value in report.terms.items()
        ),
        ("solver_objective", _("Solver's objective"), whole.objective, None),
        ("best_bound", _("Best bound"), whole.best_bound, _("No plan can score above this.")),
        ("gap", _("Gap"), _round(whole.gap), _("(bound - objective) / |objective|")),
        ("solve_seconds", _("Solve seconds"), round(sum(g.seconds for g in groups), 3), None),
        *((f"rules_{s}", _(RULE_STATUS[s]), statuses[s], None) for s in RULE_STATUS),
    ]
    for g in groups:
        items += [
            (f"group_{g.group}_status", g.group, g.status.value, status_word(g.status)),
            (f"group_{g.group}_objective", g.group, g.objective, _("Objective")),
            (f"group_{g.group}_best_bound", g.group, g.best_bound, _("Best bound")),
            (f"group_{g.group}_gap", g.group, _round(g.gap), _("Gap")),
            (f"group_{g.group}_seconds", g.group, round(g.seconds, 3), _("Solve seconds")),
            (f"group_{g.group}_teachers", g.group, g.teachers, _("Teachers")),
            (f"group_{g.group}_variables", g.group, g.variables, _("Variables")),
        ]
    items += run_rows(schedule)  # interrupted?, reproducible?, versions, options (issue 13)
    created = schedule.created.isoformat(timespec="seconds") if schedule.created else None
    items.append((CREATED.key, CREATED.heading, created, None))
    return Table(*SOLVER, SOLVER_COLUMNS, tuple(items), frozen=2)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _details(result: RuleResult) -> str | None:
    shown = [v.message for v in result.violations[:DETAILS_SHOWN]]
    more = len(result.violations) - len(shown)
    if not shown:
        return None
    if more:
        return _("{shown} …(+{more})").format(shown=_("; ").join(shown), more=more)
    return _("; ").join(shown)


def _rules(report: Report, profile: Profile) -> Table:
    columns = (
        Field("id", _RULE_ID.en),
        Field("text", N_("Rule text")),
        Field("source", N_("Source")),
        Field("severity", N_("Severity")),
        Field("weight", N_("Weight")),
        Field("status", N_("Result")),
        Field("violations", N_("Violations")),
        Field("details", N_("Details")),
        Field("activities", N_("Governs")),  # the assignments' rule ids, by activity
    )
    rows = [
        (
            r.rule.id,
            rule_text(r.rule),
            r.rule.source,
            _(SEVERITY[r.severity.value]),
            r.rule.weight,
            _(RULE_STATUS[r.status]),
            len(r.violations),
            _details(r),
            listing([word(act, profile) for act in r.rule.activities]) or None,
        )
        for r in report.rules
    ]
    return Table(*RULES_SHEET, columns, tuple(rows), frozen=1)


def _semester_label(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return word(Semester.parse(text))
    except ValueError:
        return text


def _shortfalls(report: Report, view: _View) -> Table:
    columns = (
        _RULE_ID,
        Field("rule", N_("Rule")),
        _KG_ID,
        Field("kg_name", N_("Kindergarten name")),
        _TEACHER_ID,
        _NAME,
        _YEAR,
        _SEMESTER,
        Field("reason", N_("Reason")),
    )
    rows = [_shortfall_row(v, view) for v in report.shortfalls]
    return Table(*SHORTFALLS, columns, tuple(rows), frozen=1)


def _shortfall_row(v: Violation, view: _View) -> Row:
    rule = RULE_BY_ID.get(v.rule_id)
    return (
        v.rule_id,
        rule_text(rule) if rule else None,
        v.kg_id,
        view.kg_name(v.kg_id),
        v.teacher_id,
        view.teacher_name(v.teacher_id),
        v.year,
        _semester_label(v.semester),
        v.message,
    )


def fairness_text(shares: Fairness) -> str:
    """The fairness row of the summary: who took no part, and the worst-served member."""
    idle = sum(t.exchanges == 0 for t in shares.teachers)
    text = _("{first} to {last}: {idle} of {total} teachers took part in no exchange.").format(
        first=year_label(shares.first),
        last=year_label(shares.last),
        idle=idle,
        total=len(shares.teachers),
    )
    worst = shares.worst
    if worst is None:
        return text + " " + _("No kindergarten is weaker than its lead.")
    more = _(
        "Worst served of the weaker kindergartens: {name} ({group}), support in {years} of "
        "{window} school years: {received} teacher-year(s) and {visits} guidance visit(s)."
    ).format(
        name=worst.kg.name,
        group=worst.kg.group,
        years=worst.supported_years,
        window=shares.years,
        received=worst.received_years,
        visits=worst.received_visits,
    )
    return f"{text} {more}"


def fairness_tables(shares: Fairness, view: _View) -> tuple[Table, Table]:
    """Per kindergarten: support sent and received against its tier; per teacher: exchanges
    and time away, both over the fairness window (history + plan)."""
    window = _("{first} to {last}").format(
        first=year_label(shares.first), last=year_label(shares.last)
    )
    kg_columns = (
        _KG_ID,
        _KG_NAME,
        Field("group", N_("Group"), text=word(GROUP, view.profile)),
        Field("role", N_("Role")),
        Field("tier", N_("Tier")),
        Field("weaker", N_("Weaker than the lead")),
        Field("sent_years", N_("Support sent (teacher-years)")),
        Field("sent_visits", N_("Guidance visits sent")),
        Field("received_years", N_("Support received (teacher-years)")),
        Field("received_visits", N_("Guidance visits received")),
        Field("balance", N_("Received minus sent (teacher-years)")),
        Field("learning_out", N_("Learning elsewhere (teacher-years)")),
        Field("learning_in", N_("Learners hosted (teacher-years)")),
        Field("supported_years", N_("School years with support")),
        Field("window", N_("Window")),
        Field("note", N_("Note")),
    )
    worst = shares.worst
    kg_rows = tuple(
        (
            k.kg.kg_id,
            k.kg.name,
            k.kg.group,
            word(k.kg.role, view.profile),
            tier_word(k.kg.tier),
            yes_no(k.weaker),
            k.sent_years,
            k.sent_visits,
            k.received_years,
            k.received_visits,
            k.balance,
            k.learning_out,
            k.learning_in,
            _("{n} of {years}").format(n=k.supported_years, years=shares.years),
            window,
            _("worst served of the weaker kindergartens") if k is worst else None,
        )
        for k in shares.kindergartens
    )
    teacher_columns = (
        _TEACHER_ID,
        _NAME,
        _HOME_KG,
        _HOME_NAME,
        _GRADE,
        Field("backbone", N_("Backbone")),
        Field("exchanges", N_("Exchanges")),
        Field("years_away", N_("School years away")),
        Field("visit_days", N_("Days on short visits")),
        Field("last_year", N_("Last exchange (school year)")),
    )
    teacher_rows = tuple(
        (
            s.teacher.teacher_id,
            s.teacher.name,
            s.teacher.home_kg,
            view.kg_name(s.teacher.home_kg),
            word(s.teacher.grade) if s.teacher.grade else None,
            yes_no(s.teacher.backbone),
            s.exchanges,
            s.years_away,
            s.visit_days,
            s.last_year,
        )
        for s in shares.teachers
    )
    return (
        Table(*FAIRNESS, kg_columns, kg_rows, frozen=2),
        Table(*FAIRNESS_TEACHERS, teacher_columns, teacher_rows, frozen=2),
    )
