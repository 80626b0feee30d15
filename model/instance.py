"""Domain data: kindergartens, teachers, history, pins and the planning horizon.

Everything here is frozen and checks itself on construction. The roster reader (io/) turns
an Excel workbook into a `Roster`; `Instance` adds the profile and horizon and precomputes the
lookups every other layer uses. Nothing here imports OR-Tools.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .calendar import Week, official, slots, weeks
from .i18n import language

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .profile import Profile
    from .schedule import Assignment


class Labelled(str, Enum):
    """A string enum with a Chinese label and accepted spellings for input."""

    @property
    def zh(self) -> str:
        return _ZH[self]

    @property
    def label(self) -> str:
        """Bilingual display label, e.g. ``小班 small``."""
        return f"{self.zh} {self.value}"

    @property
    def text(self) -> str:
        """The name in the current language, for messages: ``小班`` in Chinese, ``small`` in
        English."""
        return self.zh if language() == "zh" else self.value

    @property
    def aliases(self) -> tuple[str, ...]:
        """Other spellings accepted on input."""
        return _ALIASES.get(self, ())

    @classmethod
    def parse(cls, text: str) -> Labelled:
        """Accept the English value, the Chinese label, an alias, or ``中文 english``."""
        key = str(text).strip().lower()
        for member in cls:
            names = {
                member.value,
                member.zh.lower(),
                member.label.lower(),
                *_ALIASES.get(member, ()),
            }
            if key in names:
                return member
        choices = ", ".join(m.label for m in cls)
        raise ValueError(f"{text!r} is not one of: {choices}")


class Grade(Labelled):
    SMALL = "small"
    MIDDLE = "middle"
    LARGE = "large"
    MIXED = "mixed"


class Role(Labelled):
    LEAD = "lead"
    BRANCH = "branch"
    MEMBER = "member"
    AFFILIATE = "affiliate"


class Ownership(Labelled):
    PUBLIC = "public"
    INCLUSIVE = "inclusive"
    PRIVATE = "private"


class Activity(Labelled):
    ROTATION = "rotation"
    INDUCTION = "induction"
    SHADOWING = "shadowing"
    GUIDANCE = "guidance"
    SWAP = "swap"
    LEARNING = "learning"  # a year at a stronger kindergarten to learn (跟岗实践, 001 三(三))
    EXCHANGE = "exchange"  # cadres exchanged both ways (互派管理人员, 000 三(二)2)

    @property
    def year_long(self) -> bool:
        return self not in (Activity.SHADOWING, Activity.GUIDANCE)


class Gender(Labelled):
    FEMALE = "female"
    MALE = "male"


class Semester(Labelled):
    AUTUMN = "autumn"
    SPRING = "spring"

    @property
    def order(self) -> int:
        return 0 if self is Semester.AUTUMN else 1


_ZH: dict[Labelled, str] = {
    Grade.SMALL: "小班",
    Grade.MIDDLE: "中班",
    Grade.LARGE: "大班",
    Grade.MIXED: "混龄",
    Role.LEAD: "总园",
    Role.BRANCH: "分园",
    Role.MEMBER: "成员园",
    Role.AFFILIATE: "加盟园",
    Ownership.PUBLIC: "公办",
    Ownership.INCLUSIVE: "普惠民办",
    Ownership.PRIVATE: "民办",
    Activity.ROTATION: "轮岗交流",
    Activity.INDUCTION: "新教师跟岗",
    Activity.SHADOWING: "跟岗学习",
    Activity.GUIDANCE: "蹲点指导",
    Activity.SWAP: "置换交流",
    Activity.LEARNING: "跟岗实践",
    Activity.EXCHANGE: "干部交流",
    Semester.AUTUMN: "秋季",
    Semester.SPRING: "春季",
    Gender.FEMALE: "女",
    Gender.MALE: "男",
}

# Every shipped profile's [words] are among them, so that a plan written in a locality's
# words reads back (tests/model/test_profiles.py).
_ALIASES: dict[Labelled, tuple[str, ...]] = {
    Grade.SMALL: ("小", "小班组"),
    Grade.MIDDLE: ("中", "中班组"),
    Grade.LARGE: ("大", "大班组"),
    Grade.MIXED: ("混龄班", "mixed-age"),
    Role.LEAD: ("牵头园", "核心园", "中心园", "龙头园", "集团总园", "centre", "center"),
    Role.MEMBER: ("成员校", "成员单位"),
    Role.AFFILIATE: ("加盟", "affiliated"),
    Ownership.PUBLIC: ("公立",),
    Ownership.INCLUSIVE: ("普惠性民办", "普惠", "inclusive-private"),
    Ownership.PRIVATE: ("私立",),
    Activity.ROTATION: ("轮岗", "交流轮岗", "轮岗交流一学年", "柔性流动"),
    Activity.INDUCTION: ("新教师", "入职跟岗", "跟岗一年"),
    Activity.SHADOWING: ("跟岗", "跟岗锻炼", "示范跟岗学习", "shadow"),
    Activity.GUIDANCE: ("蹲点", "团队进驻", "送教", "指导"),
    Activity.SWAP: ("置换",),
    Activity.LEARNING: ("实践", "师徒带教", "learn"),
    Activity.EXCHANGE: (
        "挂职",
        "挂职锻炼",
        "干部挂职",
        "干部挂职锻炼",
        "互派干部",
        "管理人员交流",
        "双向交流",
    ),
    Semester.AUTUMN: ("秋", "秋季学期", "fall"),
    Semester.SPRING: ("春", "春季学期"),
    Gender.FEMALE: ("女性", "f"),
    Gender.MALE: ("男性", "m"),
}

TIER_NAMES: dict[int, str] = {5: "示范", 4: "一级", 3: "二级", 2: "三级", 1: "新建"}


def parse_tier(text: str | int) -> int:
    """Tier 1..5 from a number or a Chinese name (示范=5 … 新建=1)."""
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    else:
        key = str(text).strip()
        for number, name in TIER_NAMES.items():
            if key in (name, name + "园", name + "幼儿园", str(number)):
                return number
        aliases = {"市示范": 5, "示范园": 5, "省一级": 4, "市一级": 4, "一级园": 4, "二级园": 3}
        aliases |= {"三级园": 2, "新建园": 1, "new": 1}
        if key in aliases:
            return aliases[key]
        raise ValueError(f"{text!r} is not a tier (示范/一级/二级/三级/新建 or 5..1)")
    if not 1 <= value <= 5:
        raise ValueError(f"tier {value} is outside 1..5")
    return value


def academic_year(day: dt.date) -> int:
    """The academic year (labelled by its starting calendar year) a date falls in.

    August belongs to the coming year, so a record ending ``2025-07`` ends in year 2024.
    """
    return day.year if day.month >= 8 else day.year - 1


def next_academic_year(today: dt.date | None = None) -> int:
    """The next academic year that has not started yet (plans are made ahead)."""
    return academic_year(today or dt.date.today()) + 1


def semester_of(day: dt.date) -> tuple[int, Semester]:
    """Academic year and semester of a date: Aug–Jan autumn, Feb–Jul spring."""
    sem = Semester.AUTUMN if day.month >= 8 or day.month == 1 else Semester.SPRING
    return academic_year(day), sem


@dataclass(frozen=True)
class Kindergarten:
    kg_id: str
    name: str
    group: str
    role: Role
    ownership: Ownership
    tier: int
    classes: tuple[int, int, int, int]  # in Grade order: small, middle, large, mixed
    town: str | None = None

    def __post_init__(self) -> None:
        if not self.kg_id:
            raise ValueError("Must have a kindergarten id.")
        if not 1 <= self.tier <= 5:
            raise ValueError("Must have tier in 1..5.")
        if len(self.classes) != len(Grade) or any(c < 0 for c in self.classes):
            raise ValueError("Must have four non-negative class counts.")

    def classes_of(self, grade: Grade) -> int:
        return self.classes[list(Grade).index(grade)]


@dataclass(frozen=True)
class Teacher:
    teacher_id: str
    name: str
    home_kg: str
    grade: Grade | None
    backbone: bool = False
    cadre: bool = False
    hire_date: dt.date | None = None
    birth_date: dt.date | None = None
    veto: str | None = None
    unavailable: frozenset[int] = frozenset()
    preferred_hosts: tuple[str, ...] = ()
    gender: Gender | None = None
    # What offices hold beside the planning fields (issue 11): read, checked, never written to
    # a schedule. The ID number keys a teacher when the roster has no 工号.
    id_number: str | None = None
    school_entry: dt.date | None = None  # 进本园时间
    on_staff: bool | None = None  # 在编 (True) / 非在编 (False)
    title: str | None = None  # 职称

    def __post_init__(self) -> None:
        if not self.teacher_id:
            raise ValueError("Must have a teacher id.")
        if self.grade is None and not self.cadre:
            raise ValueError("Must have a grade unless the teacher is a cadre.")

    @property
    def slot_key(self) -> str:
        """What one short visit takes away at home: the grade, or the cadre post (AWAY-SLOT)."""
        return "cadre" if self.cadre or self.grade is None else self.grade.value


@dataclass(frozen=True)
class HistoryRecord:
    """A past exchange, carried in from before the plan (cooldowns, terms)."""

    teacher_id: str
    activity: Activity
    host_kg: str | None
    start: dt.date
    end: dt.date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError("Must have start <= end.")

    def years(self) -> range:
        """Academic years this record covers."""
        first = academic_year(self.start)
        last = academic_year(self.end) if self.end is not None else first
        return range(first, max(first, last) + 1)


@dataclass(frozen=True)
class Pin:
    """An office decision: this assignment must happen (fixed) or must not (forbidden).

    A `slot` (with its semester) pins a short visit to that slot: what ``--freeze-before``
    makes of the previous plan's visits before the date.
    """

    teacher_id: str
    activity: Activity
    host_kg: str | None
    year: int
    semester: Semester | None = None
    forbidden: bool = False
    slot: int | None = None

    def __post_init__(self) -> None:
        if self.slot is not None and (self.semester is None or self.slot < 1):
            raise ValueError("Must have a semester and slot >= 1 for a pinned slot.")


@dataclass(frozen=True)
class SchoolCalendar:
    """The optional 校历 sheet: semester dates and weeks in which nobody is sent out.

    `semesters` maps (academic year, semester) to its first and last teaching day (last may
    be None: the default length); `blackouts` are (first day, last day, reason) ranges.
    """

    semesters: tuple[tuple[int, Semester, dt.date, dt.date | None], ...] = ()
    blackouts: tuple[tuple[dt.date, dt.date, str], ...] = ()

    def __post_init__(self) -> None:
        for _, _, first, last in self.semesters:
            if last is not None and last < first:
                raise ValueError("Must have a semester's first day <= its last day.")
        for first, last, _ in self.blackouts:
            if last < first:
                raise ValueError("Must have a blackout's first day <= its last day.")


@dataclass(frozen=True)
class Roster:
    """What the office's workbook holds, after parsing, in roster order."""

    kindergartens: tuple[Kindergarten, ...]
    teachers: tuple[Teacher, ...]
    history: tuple[HistoryRecord, ...] = ()
    distances: tuple[tuple[str, str, float], ...] = ()
    pins: tuple[Pin, ...] = ()
    calendar: SchoolCalendar = SchoolCalendar()

    def __post_init__(self) -> None:
        kg_ids = [k.kg_id for k in self.kindergartens]
        if len(set(kg_ids)) != len(kg_ids):
            raise ValueError("Must have unique kindergarten ids.")
        t_ids = [t.teacher_id for t in self.teachers]
        if len(set(t_ids)) != len(t_ids):
            raise ValueError("Must have unique teacher ids.")
        known_kg, known_t = set(kg_ids), set(t_ids)
        for t in self.teachers:
            if t.home_kg not in known_kg:
                raise ValueError(f"Teacher {t.teacher_id}: unknown home kindergarten {t.home_kg}.")
        for h in self.history:
            if h.teacher_id not in known_t:
                raise ValueError(f"History: unknown teacher {h.teacher_id}.")
        for p in self.pins:
            if p.teacher_id not in known_t:
                raise ValueError(f"Pin: unknown teacher {p.teacher_id}.")
        leads: dict[str, int] = {}
        for k in self.kindergartens:
            leads[k.group] = leads.get(k.group, 0) + (k.role is Role.LEAD)
        for group, n in leads.items():
            if n != 1:
                raise ValueError(f"Group {group} must have exactly one lead, has {n}.")

    def subset(self, group: str) -> Roster:
        """The part of the roster that belongs to one group (groups never exchange staff)."""
        part = self.by_group().get(group)
        return Roster((), (), calendar=self.calendar) if part is None else part

    def by_group(self) -> dict[str, Roster]:
        """Every group's part of the roster, in roster order, in one pass (a province's
        1,000 groups taken one by one would read its 300,000 teachers 1,000 times)."""
        group_of = {k.kg_id: k.group for k in self.kindergartens}
        parts: dict[str, tuple[list[Any], ...]] = {
            g: ([], [], [], [], []) for g in dict.fromkeys(group_of.values())
        }
        for k in self.kindergartens:
            parts[k.group][0].append(k)
        teacher_group = {t.teacher_id: group_of[t.home_kg] for t in self.teachers}
        for t in self.teachers:
            parts[teacher_group[t.teacher_id]][1].append(t)
        for h in self.history:
            parts[teacher_group[h.teacher_id]][2].append(h)
        for d in self.distances:
            group = group_of.get(d[0])
            if group is not None and group_of.get(d[1]) == group:
                parts[group][3].append(d)
        for p in self.pins:
            parts[teacher_group[p.teacher_id]][4].append(p)
        return {
            g: Roster(
                tuple(kgs), tuple(ts), tuple(hs), tuple(ds), tuple(ps), calendar=self.calendar
            )
            for g, (kgs, ts, hs, ds, ps) in parts.items()
        }

    @property
    def groups(self) -> tuple[str, ...]:
        """Group names in roster order."""
        return tuple(dict.fromkeys(k.group for k in self.kindergartens))


@dataclass(frozen=True)
class Horizon:
    """Academic years planned, their semesters and the slots inside each semester.

    A semester runs `weeks_per_semester` teaching weeks from its first day (the 校历 sheet's,
    else the first Monday of September or of March); its slots are the runs of weeks free of
    holidays and blackouts, cut into `slot_weeks`-week pieces (model/calendar.py), so their
    number varies by semester. Slots are numbered from 1 within a semester.
    """

    start_year: int
    years: int = 3
    weeks_per_semester: int = 18
    slot_weeks: int = 2
    calendar: SchoolCalendar = SchoolCalendar()

    def __post_init__(self) -> None:
        if self.years < 1:
            raise ValueError("Must plan at least one year.")
        if not 1 <= self.slot_weeks <= 2:
            raise ValueError("Must have slot_weeks of 1 or 2 (SHD-LEN: visits last <= 2 weeks).")
        if self.weeks_per_semester < self.slot_weeks:
            raise ValueError("Must have at least one slot per semester.")

    @property
    def year_list(self) -> tuple[int, ...]:
        return tuple(range(self.start_year, self.start_year + self.years))

    @property
    def semesters(self) -> tuple[tuple[int, Semester], ...]:
        """Planned (year, semester) pairs in order; position = plan semester index."""
        return tuple((y, s) for y in self.year_list for s in (Semester.AUTUMN, Semester.SPRING))

    def semester_index(self, year: int, semester: Semester) -> int:
        """Global semester number: 0 = autumn of the first year; negative for history."""
        return (year - self.start_year) * 2 + semester.order

    def semester_days(self, year: int, semester: Semester) -> tuple[dt.date, dt.date]:
        """First and last teaching day: the 校历's, else the first Monday of September (autumn)
        or of March of the next year (spring) and `weeks_per_semester` weeks on."""
        given = {(y, s): (first, last) for y, s, first, last in self.calendar.semesters}
        first, last = given.get((year, semester), (None, None))
        if first is None:
            day = dt.date(year, 9, 1) if semester is Semester.AUTUMN else dt.date(year + 1, 3, 1)
            first = day + dt.timedelta(days=(7 - day.weekday()) % 7)
        if last is None:
            monday = first - dt.timedelta(days=first.weekday())
            last = monday + dt.timedelta(weeks=self.weeks_per_semester, days=-3)
        return first, last

    def teaching_weeks(self, year: int, semester: Semester) -> tuple[Week, ...]:
        """The semester's weeks, each with the reason it is blocked (None: free)."""
        return self._calendar[(year, semester)][0]

    def slots(self, year: int, semester: Semester) -> tuple[tuple[dt.date, dt.date], ...]:
        """(first, last day) of each slot of a semester (planned or not)."""
        if (year, semester) in self._calendar:
            return self._calendar[(year, semester)][1]
        return slots(self._weeks(year, semester), self.slot_weeks)

    def slot_count(self, year: int, semester: Semester) -> int:
        return len(self.slots(year, semester))

    def slot_dates(self, year: int, semester: Semester, slot: int) -> tuple[dt.date, dt.date]:
        """First and last day of a 1-based slot."""
        return self.slots(year, semester)[slot - 1]

    def visit_dates(
        self, year: int, semester: Semester, slot: int, days: int
    ) -> tuple[dt.date, dt.date]:
        """A visit of `days` teaching days from the first day of its slot (within the slot)."""
        first, last = self.slot_dates(year, semester, slot)
        end = first
        for _ in range(days - 1):
            end += dt.timedelta(days=3 if end.weekday() == 4 else 1)
        return first, min(end, last)

    def year_dates(self, year: int) -> tuple[dt.date, dt.date]:
        """First day of autumn teaching to the last teaching day of spring."""
        return (
            self.semester_days(year, Semester.AUTUMN)[0],
            self.semester_days(year, Semester.SPRING)[1],
        )

    def guessed_years(self) -> list[int]:
        """Calendar years the plan's semesters touch whose holiday arrangements (调休) are
        not yet published and that the 校历 sheet lists no closed weeks for: the statutory
        days stand in for them."""
        years = sorted({d.year for y, s in self.semesters for d in self.semester_days(y, s)})
        listed = {d.year for first, last, _ in self.calendar.blackouts for d in (first, last)}
        return [y for y in years if not official(y) and y not in listed]

    def _weeks(self, year: int, semester: Semester) -> tuple[Week, ...]:
        first, last = self.semester_days(year, semester)
        return weeks(first, last, self.calendar.blackouts)

    @cached_property
    def _calendar(
        self,
    ) -> dict[tuple[int, Semester], tuple[tuple[Week, ...], tuple[tuple[dt.date, dt.date], ...]]]:
        out = {}
        for year, semester in self.semesters:
            teaching = self._weeks(year, semester)
            out[(year, semester)] = (teaching, slots(teaching, self.slot_weeks))
        return out


KeepKey = tuple[str, Activity, str, int, Semester | None, int | None]


def keep_key(a: Assignment) -> KeepKey:
    """What must match for a previous assignment to count as kept (stability)."""
    return (a.teacher_id, a.activity, a.host_kg, a.year, a.semester, a.slot)


@dataclass(frozen=True)
class Instance:
    """A roster with its profile and horizon, plus the lookups every layer needs.

    Build one per group for solving (`Instance.for_group`); the verifier uses the whole one.
    """

    roster: Roster
    profile: Profile
    horizon: Horizon
    previous: tuple[Assignment, ...] = ()  # the plan being revised (--previous): stability
    # --freeze-before: nothing may start before this day but what the pins fix (the previous
    # plan's assignments that started before it, io/replan.py)
    freeze_before: dt.date | None = None

    @cached_property
    def previous_keys(self) -> frozenset[KeepKey]:
        """The previous plan's assignments that the new plan can keep or change: those of
        teachers on the roster in the planned years, as `keep_key` compares them (a visit
        moved to another slot is a change)."""
        years = set(self.horizon.year_list)
        return frozenset(
            keep_key(a) for a in self.previous if a.teacher_id in self.teacher and a.year in years
        )

    def starts(
        self, year: int, semester: Semester | None = None, slot: int | None = None
    ) -> dt.date:
        """The first day of a placement (its school year) or of a short visit (its slot)."""
        if semester is None or slot is None:
            return self.horizon.year_dates(year)[0]
        return self.horizon.slot_dates(year, semester, slot)[0]

    def frozen(self, year: int, semester: Semester | None = None, slot: int | None = None) -> bool:
        """Whether what starts then lies before ``freeze_before`` (only pins may be there).

        A slot past the semester's last (a changed calendar) is never frozen.
        """
        if self.freeze_before is None:
            return False
        if (
            semester is not None
            and slot is not None
            and slot > self.horizon.slot_count(year, semester)
        ):
            return False
        return self.starts(year, semester, slot) < self.freeze_before

    @classmethod
    def create(
        cls,
        roster: Roster,
        profile: Profile,
        start_year: int,
        years: int | None = None,
        previous: tuple[Assignment, ...] = (),
        freeze_before: dt.date | None = None,
    ) -> Instance:
        horizon = Horizon(
            start_year=start_year,
            years=years if years is not None else profile.years,
            weeks_per_semester=profile.weeks_per_semester,
            slot_weeks=profile.slot_weeks,
            calendar=roster.calendar,
        )
        return cls(roster, profile, horizon, previous, freeze_before)

    def by_group(self) -> dict[str, Instance]:
        """Every group's part: its roster (`Roster.by_group`) and previous plan, in one pass."""
        parts = self.roster.by_group()
        group_of = {t.teacher_id: g for g, part in parts.items() for t in part.teachers}
        previous: dict[str, list[Assignment]] = {g: [] for g in parts}
        for a in self.previous:
            if a.teacher_id in group_of:
                previous[group_of[a.teacher_id]].append(a)
        return {
            g: Instance(part, self.profile, self.horizon, tuple(previous[g]), self.freeze_before)
            for g, part in parts.items()
        }

    def for_group(self, group: str) -> Instance:
        """One group's part (`by_group`); an unknown group's part is empty."""
        part = self.by_group().get(group)
        if part is None:
            return Instance(
                self.roster.subset(group), self.profile, self.horizon, (), self.freeze_before
            )
        return part

    @property
    def kindergartens(self) -> tuple[Kindergarten, ...]:
        return self.roster.kindergartens

    @property
    def teachers(self) -> tuple[Teacher, ...]:
        return self.roster.teachers

    @cached_property
    def kg(self) -> Mapping[str, Kindergarten]:
        return {k.kg_id: k for k in self.roster.kindergartens}

    @cached_property
    def teacher(self) -> Mapping[str, Teacher]:
        return {t.teacher_id: t for t in self.roster.teachers}

    @cached_property
    def lead_of(self) -> Mapping[str, str]:
        """Group name → lead kindergarten id."""
        return {k.group: k.kg_id for k in self.roster.kindergartens if k.role is Role.LEAD}

    def lead(self, kg_id: str) -> str:
        """The lead of the group a kindergarten belongs to."""
        return self.lead_of[self.kg[kg_id].group]

    def group_mode(self, group: str) -> str:
        """``tight`` (lead + branches, one legal person) or ``loose`` (1+X members).

        The profile may force a mode; ``auto`` reads it off the roles: any branch makes it tight.
        """
        if self.profile.mode != "auto":
            return self.profile.mode
        return "tight" if group in self._with_branches else "loose"

    @cached_property
    def _with_branches(self) -> frozenset[str]:
        return frozenset(k.group for k in self.roster.kindergartens if k.role is Role.BRANCH)

    @cached_property
    def history_by_teacher(self) -> Mapping[str, tuple[HistoryRecord, ...]]:
        out: dict[str, list[HistoryRecord]] = {}
        for h in self.roster.history:
            out.setdefault(h.teacher_id, []).append(h)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def distance(self) -> Mapping[tuple[str, str], float]:
        """Symmetric km between kindergartens, from the optional distances sheet."""
        out: dict[tuple[str, str], float] = {}
        for a, b, km in self.roster.distances:
            out[(a, b)] = km
            out.setdefault((b, a), km)
        return out

    def home_count(self, kg_id: str, grade: Grade) -> int:
        """Teachers of a grade whose home is this kindergarten (cadres without grade excluded)."""
        return self._home_counts.get((kg_id, grade), 0)

    @cached_property
    def _home_counts(self) -> Mapping[tuple[str, Grade], int]:
        out: dict[tuple[str, Grade], int] = {}
        for t in self.roster.teachers:
            if t.grade is not None:
                out[(t.home_kg, t.grade)] = out.get((t.home_kg, t.grade), 0) + 1
        return out

    def teachers_of(self, group: str) -> tuple[Teacher, ...]:
        """Teachers whose home is in the group, in roster order."""
        return self._by_group.get(group, ())

    @cached_property
    def _by_group(self) -> Mapping[str, tuple[Teacher, ...]]:
        out: dict[str, list[Teacher]] = {}
        for t in self.roster.teachers:
            out.setdefault(self.kg[t.home_kg].group, []).append(t)
        return {g: tuple(ts) for g, ts in out.items()}

    @cached_property
    def history_start(self) -> Mapping[str, int]:
        """Group → the earliest academic year its history reaches back to (groups with history)."""
        out: dict[str, int] = {}
        for h in self.roster.history:
            group = self.kg[self.teacher[h.teacher_id].home_kg].group
            out[group] = min(out.get(group, self.horizon.start_year), h.years()[0])
        return out
