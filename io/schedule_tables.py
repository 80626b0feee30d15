"""The schedule output's tables (SPEC §5), built once and written as xlsx sheets or as JSON.

Every table is a list of rows under bilingual columns (header ``中文 english``). Ids stay in
id columns and names sit beside them, so a reader (or the office) never has to parse a name.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from ..model import (
    RULE_BY_ID,
    RULES,
    Activity,
    Assignment,
    Grade,
    GroupResult,
    Instance,
    Report,
    RuleResult,
    Schedule,
    Semester,
    Teacher,
    Violation,
)
from ..model.rules.staffing import required as staffing_required
from .headers import Column
from .run_summary import run_rows

Cell = str | int | float | dt.date | None  # dt.datetime is a dt.date
Row = tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    """One sheet: ``key`` is its English name and JSON key; ``frozen`` columns stay in view."""

    key: str
    zh: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    frozen: int = 0

    @property
    def title(self) -> str:
        return f"{self.key} {self.zh}"


SUMMARY = ("summary", "汇总")
ASSIGNMENTS = ("assignments", "交流安排")
TEACHERS = ("teachers", "教师视图")
KINDERGARTENS = ("kindergartens", "园所视图")
RULES_SHEET = ("rules", "规则检查")
SHORTFALLS = ("shortfalls", "未满足")

SUMMARY_COLUMNS = (Column("key", "键"), Column("item", "项目"), Column("value", "值"))
# Summary items read_schedule takes back (all optional there).
PROFILE = Column("profile", "方案")
START_YEAR = Column("start_year", "起始学年")
YEARS = Column("years", "规划年数")
CREATED = Column("created", "生成时间")

# The assignments sheet. Aliases sit on the columns read_schedule takes back and cover what
# the office is likely to type by hand; the name and date columns are display only.
ASSIGNMENT_COLUMNS = (
    Column("teacher_id", "工号", aliases=("教师工号", "教师编号", "teacher")),
    Column("name", "姓名"),
    Column("home_kg", "编制所在园"),
    Column("home_name", "所在园名"),
    Column("activity", "交流类型", aliases=("类型", "交流方式", "type")),
    Column("host_kg", "交流园所", aliases=("交流园", "接收园", "去向园所", "host")),
    Column("host_name", "交流园名"),
    Column("year", "学年", aliases=("年度", "学年度")),
    Column("year_label", "学年名称"),
    Column("semester", "学期", aliases=("term",)),
    Column("slot", "时段", aliases=("时段序号",)),
    Column("start_date", "开始日期", aliases=("start",)),
    Column("end_date", "结束日期", aliases=("end",)),
    Column("grade", "任教年级"),
    Column("partner", "结对对象", aliases=("导师", "结对教师", "置换对象", "mentor")),
    Column("partner_name", "对象姓名"),
    Column("guidance_item", "指导项目", aliases=("指导内容", "item")),
    Column("rules", "依据规则"),
)

SEVERITY_ZH = {"hard": "硬性", "soft": "软性", "off": "关闭"}
STATUS_ZH = {"passed": "通过", "failed": "未通过", "shortfall": "未满足", "off": "关闭"}
TERM_ZH = {
    "uplift": "提升",
    "fairness": "公平",
    "spread": "轮换间隔",
    "commute": "通勤",
    "preference": "意向",
    "stability": "稳定",
}
DETAILS_SHOWN = 3  # violation messages quoted in the rules sheet; the rest are counted


def year_label(year: int) -> str:
    return f"{year}-{year + 1}学年"


def yes_no(flag: bool) -> str:
    return "是" if flag else "否"


def build_tables(schedule: Schedule, instance: Instance, report: Report) -> tuple[Table, ...]:
    """All six sheets of SPEC §5, in workbook order."""
    view = _View(schedule, instance)
    return (
        _summary(schedule, instance, report),
        view.assignment_table(),
        view.teacher_table(),
        view.kindergarten_table(),
        _rules(report),
        _shortfalls(report, view),
    )


def _sort_key(a: Assignment) -> tuple[int, int, int, int, str, str]:
    """Year, then activity, then time inside the year: how the office reads a plan."""
    sem = a.semester.order if a.semester is not None else -1
    return (a.year, list(Activity).index(a.activity), sem, a.slot or 0, a.host_kg, a.teacher_id)


class _View:
    """Lookups shared by the per-assignment, per-teacher and per-kindergarten sheets."""

    def __init__(self, schedule: Schedule, instance: Instance) -> None:
        self.instance = instance
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
        # The rules that govern each activity (Rule.activities), as the profile has them on.
        enabled = instance.profile.enabled
        self.rule_ids = {
            act: " ".join(r.id for r in RULES if act in r.activities and enabled(r.id))
            for act in Activity
        }

    def kg_name(self, kg_id: str | None) -> str | None:
        kg = self.instance.kg.get(kg_id) if kg_id else None
        return kg.name if kg else None

    def teacher_name(self, teacher_id: str | None) -> str | None:
        t = self.instance.teacher.get(teacher_id) if teacher_id else None
        return t.name if t else None

    def dates(self, a: Assignment) -> tuple[dt.date, dt.date]:
        if a.semester is None or a.slot is None:
            return self.horizon.year_dates(a.year)
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
                    a.activity.label,
                    a.host_kg,
                    self.kg_name(a.host_kg),
                    a.year,
                    year_label(a.year),
                    a.semester.label if a.semester else None,
                    a.slot,
                    start,
                    end,
                    t.grade.label if t and t.grade else None,
                    a.partner,
                    self.teacher_name(a.partner),
                    a.item,
                    self.rule_ids[a.activity],
                )
            )
        return Table(*ASSIGNMENTS, ASSIGNMENT_COLUMNS, tuple(rows), frozen=2)

    def _where(self, a: Assignment) -> str:
        """``轮岗交流 → 赵屯幼儿园``: what a placement means for the teacher."""
        text = f"{a.activity.zh} → {self.kg_name(a.host_kg) or a.host_kg}"
        if a.partner:
            role = "导师" if a.activity is Activity.INDUCTION else "对象"
            text += f"（{role} {self.teacher_name(a.partner) or a.partner}）"
        if a.semester is not None:
            start, end = self.dates(a)
            text += f" 第{a.slot}时段 {start:%m-%d}–{end:%m-%d}"
        if a.item:
            text += f" {a.item}"
        return text

    def teacher_table(self) -> Table:
        """Every teacher in roster order, one column per year and per semester (blank = at home)."""
        periods: list[tuple[int, Semester | None]] = [(y, None) for y in self.years]
        periods += [(y, s) for y in self.years for s in Semester]
        columns = (
            Column("teacher_id", "工号"),
            Column("name", "姓名"),
            Column("home_kg", "编制所在园"),
            Column("home_name", "所在园名"),
            Column("grade", "任教年级"),
            Column("backbone", "是否骨干"),
            Column("cadre", "是否干部"),
            *(
                Column(f"year_{y}", f"{y}学年")
                if s is None
                else Column(f"{y}_{s.value}", f"{y}学年{s.zh}")
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
                    names = "、".join(self.teacher_name(m) or m for m in mentees)
                    cells[index[(y, None)]].append(f"带教 {names}")
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
            Column("kg_id", "园所代码"),
            Column("name", "园名"),
            Column("group", "集团"),
            Column("role", "角色"),
            Column("grade", "年级"),
            Column("year", "学年"),
            Column("classes", "班数"),
            Column("home_teachers", "编制人数"),
            Column("at_home", "在园"),
            Column("out", "外派"),
            Column("in", "接收"),
            Column("present", "实有"),
            Column("required", "应有"),
            Column("ok", "达标"),
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
                            kg.role.label,
                            grade.label,
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
    grade = t.grade.label if t.grade else None
    return (t.teacher_id, t.name, t.home_kg, home_name, grade, yes_no(t.backbone), yes_no(t.cadre))


def _summary(schedule: Schedule, instance: Instance, report: Report) -> Table:
    """Key/value rows; the ``key`` column is what machines (and read_schedule) look up."""
    counts = Counter(a.activity for a in schedule.assignments)
    first, last = schedule.start_year, schedule.start_year + schedule.years - 1
    statuses = Counter(r.status for r in report.rules)
    groups = schedule.groups
    # Groups are solved apart and the objective is a sum over groups, so the plan's objective
    # and bound are the groups' sums (known only when every group has one).
    objectives = [g.objective for g in groups if g.objective is not None]
    bounds = [g.best_bound for g in groups if g.best_bound is not None]
    whole = GroupResult(
        "",
        schedule.status,
        (),
        objective=sum(objectives) if groups and len(objectives) == len(groups) else None,
        best_bound=sum(bounds) if groups and len(bounds) == len(groups) else None,
    )
    rows: list[Row] = [
        (PROFILE.key, PROFILE.zh, schedule.profile),
        (START_YEAR.key, START_YEAR.zh, schedule.start_year),
        (YEARS.key, YEARS.zh, schedule.years),
        ("horizon", "规划期", f"{year_label(first)} – {year_label(last)}"),
        ("groups", "集团数", len(instance.roster.groups)),
        ("kindergartens", "园所数", len(instance.kindergartens)),
        ("teachers", "教师数", len(instance.teachers)),
        ("assignments", "安排总数", len(schedule.assignments)),
        *((f"count_{act.value}", f"{act.zh}人次", counts[act]) for act in Activity),
        ("status", "求解状态", schedule.status.value),
        ("objective", "目标值", report.objective),
        *(
            (f"term_{name}", f"目标项 {_term_zh(name)}", value)
            for name, value in report.terms.items()
        ),
        ("solver_objective", "求解器目标值", whole.objective),
        ("best_bound", "最优界", whole.best_bound),
        ("gap", "差距", _round(whole.gap)),
        ("solve_seconds", "求解用时(秒)", round(sum(g.seconds for g in groups), 3)),
        *((f"rules_{s}", f"规则{STATUS_ZH[s]}数", statuses[s]) for s in STATUS_ZH),
    ]
    for g in groups:
        rows += [
            (f"group_{g.group}_status", f"集团 {g.group} 状态", g.status.value),
            (f"group_{g.group}_objective", f"集团 {g.group} 目标值", g.objective),
            (f"group_{g.group}_best_bound", f"集团 {g.group} 最优界", g.best_bound),
            (f"group_{g.group}_gap", f"集团 {g.group} 差距", _round(g.gap)),
            (f"group_{g.group}_seconds", f"集团 {g.group} 用时(秒)", round(g.seconds, 3)),
            (f"group_{g.group}_teachers", f"集团 {g.group} 教师数", g.teachers),
            (f"group_{g.group}_variables", f"集团 {g.group} 变量数", g.variables),
        ]
    rows += run_rows(schedule)  # interrupted?, reproducible?, versions, options (issue 13)
    created = schedule.created.isoformat(timespec="seconds") if schedule.created else None
    rows.append((CREATED.key, CREATED.zh, created))
    return Table(*SUMMARY, SUMMARY_COLUMNS, tuple(rows), frozen=2)


def _term_zh(name: str) -> str:
    if name.startswith("penalty:"):
        return f"未满足扣分 {name.removeprefix('penalty:')}"
    return TERM_ZH.get(name, name)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _details(result: RuleResult) -> str | None:
    shown = [v.message for v in result.violations[:DETAILS_SHOWN]]
    more = len(result.violations) - len(shown)
    return "; ".join(shown) + (f" …(+{more})" if more else "") if shown else None


def _rules(report: Report) -> Table:
    columns = (
        Column("id", "规则编号"),
        Column("text_zh", "条文"),
        Column("text", "说明"),
        Column("source", "出处"),
        Column("severity", "性质"),
        Column("weight", "权重"),
        Column("status", "结果"),
        Column("violations", "违反数"),
        Column("details", "详情"),
    )
    rows = [
        (
            r.rule.id,
            r.rule.text_zh,
            r.rule.text,
            r.rule.source,
            f"{SEVERITY_ZH[r.severity.value]} {r.severity.value}",
            r.rule.weight,
            f"{STATUS_ZH[r.status]} {r.status}",
            len(r.violations),
            _details(r),
        )
        for r in report.rules
    ]
    return Table(*RULES_SHEET, columns, tuple(rows), frozen=1)


def _semester_label(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return Semester.parse(text).label
    except ValueError:
        return text


def _shortfalls(report: Report, view: _View) -> Table:
    columns = (
        Column("rule_id", "规则编号"),
        Column("rule", "规则"),
        Column("kg_id", "园所代码"),
        Column("kg_name", "园名"),
        Column("teacher_id", "工号"),
        Column("name", "姓名"),
        Column("year", "学年"),
        Column("semester", "学期"),
        Column("reason", "原因"),
    )
    rows = [_shortfall_row(v, view) for v in report.shortfalls]
    return Table(*SHORTFALLS, columns, tuple(rows), frozen=1)


def _shortfall_row(v: Violation, view: _View) -> Row:
    rule = RULE_BY_ID.get(v.rule_id)
    return (
        v.rule_id,
        rule.text_zh if rule else None,
        v.kg_id,
        view.kg_name(v.kg_id),
        v.teacher_id,
        view.teacher_name(v.teacher_id),
        v.year,
        _semester_label(v.semester),
        v.message,
    )
