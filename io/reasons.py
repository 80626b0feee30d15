"""Why each assignment of a plan is there, in the model's own terms (issue 12).

A reason names the rule an assignment serves (每年级派出骨干1–2名, 新教师在总园跟岗一年, 六个一 …),
what it improves (support to a weaker kindergarten by its tier drop, years at home since the
last exchange, a preference met, learning at a stronger one) and, where it can be told cheaply
and honestly, the nearest alternative not chosen: another eligible teacher of the same
kindergarten and grade who stayed home, and the rule or term that kept her there. It reads
the plan, the instance and the verifier's report, never the solver: what it says holds of
any plan, the solver's or one typed by the office.

`Reasons.of` gives the short reason of the assignments sheet; `teacher` and `kindergarten`
give the full account ``kgrota explain`` prints.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from ..model import Activity, Grade, Role
from ..model.i18n import N_, _, language
from ..model.instance import TIER_NAMES
from ..model.rules.guidance import GUIDE_SIX, members
from ..model.rules.induction import IND_LEAD, induction_year
from ..model.rules.plan import Plan
from ..model.rules.rotation import (
    REST_YEAR,
    RETIRE,
    ROT_PER_GRADE,
    SUP_YEAR,
    retirement,
    retires_in,
    sends,
    supports,
    weaker_members,
)
from ..model.rules.shadowing import SHD_COOL, SHD_EACH_SEM, SHD_VETO
from ..model.rules.staffing import required
from .fairness import weaker
from .words import word, year_label

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..model import Assignment, Instance, Kindergarten, Report, Teacher, Violation

# What an assignment serves, by activity: the rule in a few words (the profile's lead word
# fills {lead}).
SERVES = {
    Activity.ROTATION: N_("1–2 backbones per grade each year"),
    Activity.LEARNING: N_("1–2 backbones per grade each year"),
    Activity.INDUCTION: N_("a new teacher's first year at the {lead}"),
    Activity.SHADOWING: N_("cadres or backbones shadow at the {lead} every semester"),
    Activity.GUIDANCE: N_("the six trainings a year (六个一)"),
    Activity.SWAP: N_("swap: backbones out, as many young teachers in"),
    Activity.EXCHANGE: N_("cadres exchanged both ways"),
}


def tier(value: int) -> str:
    """A tier in the office's words: 示范, 一级 … (tier 5 … in English)."""
    return TIER_NAMES[value] if language() == "zh" else f"tier {value}"


def listing(items: Iterable[str]) -> str:
    return _(", ").join(items)


@dataclass(frozen=True)
class Alternative:
    """A teacher who could have gone instead, and what kept her home."""

    teacher: Teacher
    why: str


class Reasons:
    """The reasons of one plan: built once, asked per assignment, teacher or kindergarten."""

    def __init__(self, inst: Instance, assignments: Iterable[Assignment], report: Report) -> None:
        self.inst = inst
        self.profile = inst.profile
        self.plan = Plan.build(inst, assignments)
        self.report = report
        self.lead_word = word(Role.LEAD, inst.profile)

    # ------------------------------------------------------------------ lookups

    def name(self, teacher_id: str | None) -> str:
        t = self.inst.teacher.get(teacher_id or "")
        if t is None or not t.name:
            return teacher_id or "-"
        return _("{name} ({id})").format(name=t.name, id=t.teacher_id)

    def kg_name(self, kg_id: str) -> str:
        kg = self.inst.kg.get(kg_id)
        return kg.name if kg and kg.name else kg_id

    @cached_property
    def _mentees(self) -> dict[tuple[str, int], list[str]]:
        out: dict[tuple[str, int], list[str]] = defaultdict(list)
        for a in self.plan.activity(Activity.INDUCTION):
            if a.partner:
                out[(a.partner, a.year)].append(a.teacher_id)
        return out

    @cached_property
    def _visits(self) -> dict[tuple[str, int], list[Assignment]]:
        """(teacher, year) → short visits."""
        out: dict[tuple[str, int], list[Assignment]] = defaultdict(list)
        for a in self.plan.short():
            out[(a.teacher_id, a.year)].append(a)
        return out

    def _last_exchange(self, t: Teacher) -> int | None:
        """The last academic year of the teacher's history (what the spread term reads)."""
        years = [h.years()[-1] for h in self.inst.history_by_teacher.get(t.teacher_id, ())]
        return max(years, default=None)

    def _home_years(self, t: Teacher) -> int:
        """Years at home before the plan, capped as the spread term caps them."""
        cap, last = self.profile.spread_cap, self._last_exchange(t)
        return cap if last is None else min(cap, self.inst.horizon.start_year - 1 - last)

    def _at_home(self, t: Teacher) -> str:
        last = self._last_exchange(t)
        if last is None:
            return _("no exchange on record")
        return _("last exchange in {year}").format(year=year_label(last))

    @cached_property
    def _placed_in(self) -> dict[int, set[str]]:
        """Year → teachers with a year-long placement away."""
        out: dict[int, set[str]] = defaultdict(set)
        for tid, y in self.plan.placements:
            out[y].add(tid)
        return out

    @cached_property
    def _shadowing_in(self) -> dict[tuple[int, object], set[str]]:
        """(year, semester) → teachers on a shadowing visit."""
        out: dict[tuple[int, object], set[str]] = defaultdict(set)
        for a in self.plan.activity(Activity.SHADOWING):
            out[(a.year, a.semester)].add(a.teacher_id)
        return out

    @cached_property
    def _staff_visits(self) -> Counter[tuple[str, int, object]]:
        """(home kindergarten, year, semester) → shadowing visits by its cadres and backbones."""
        return Counter(
            (self.plan.of(a).home_kg, a.year, a.semester)
            for a in self.plan.activity(Activity.SHADOWING)
            if self.plan.of(a).cadre or self.plan.of(a).backbone
        )

    @cached_property
    def _colleagues(self) -> dict[str, list[Teacher]]:
        """Home kindergarten → its teachers, in roster order."""
        out: dict[str, list[Teacher]] = defaultdict(list)
        for t in self.inst.teachers:
            out[t.home_kg].append(t)
        return out

    def _exchanges(self, t: Teacher) -> list[int]:
        """Years with a year-long placement away or a shadowing visit, history included."""
        tid = t.teacher_id
        years = {y for y in self.inst.horizon.year_list if (tid, y) in self.plan.placements}
        years |= {a.year for a in self._visits_of(tid) if a.activity is Activity.SHADOWING}
        for h in self.inst.history_by_teacher.get(tid, ()):
            if h.activity.year_long or h.activity is Activity.SHADOWING:
                years |= set(h.years())
        return sorted(years)

    def _visits_of(self, teacher_id: str) -> list[Assignment]:
        return [a for a in self.plan.by_teacher.get(teacher_id, []) if a.semester is not None]

    # ------------------------------------------------------------------ why a teacher stayed

    def kept_home(self, t: Teacher, year: int, *, shadowing: bool = False) -> str | None:
        """The rule or duty that kept a teacher from an exchange that year, if any."""
        profile, tid = self.profile, t.teacher_id
        if year in t.unavailable:
            return _("unavailable in {year} (roster)").format(year=year_label(year))
        if profile.enabled(RETIRE.id) and retires_in(self.inst, t, year):
            day = retirement(self.inst, t)
            when = f"{day:%Y-%m}" if day else ""
            return _("reaches retirement age ({date})").format(date=when)
        placed = self.plan.placements.get((tid, year))
        if placed:
            what = word(placed[0].activity, profile)
            return _("away on {activity} that year").format(activity=what)
        mentees = self._mentees.get((tid, year))
        if mentees:
            return _("mentor of {names} that year").format(
                names=listing(self.name(m) for m in mentees)
            )
        if shadowing and t.veto and profile.enabled(SHD_VETO.id):
            return _("may not shadow ({veto})").format(veto=t.veto)
        rest = profile.rest_years if profile.enabled(REST_YEAR.id) else 0
        near = [y for y in self._exchanges(t) if y != year and abs(y - year) <= rest]
        if near:
            return _("rest years between exchanges (exchange in {year})").format(
                year=year_label(near[0])
            )
        if shadowing and profile.enabled(SHD_COOL.id):
            cool = profile.cooldown_years
            visits = [a.year for a in self._visits_of(tid) if a.activity is Activity.SHADOWING]
            visits += [
                h.years()[0]
                for h in self.inst.history_by_teacher.get(tid, ())
                if h.activity is Activity.SHADOWING
            ]
            recent = [y for y in visits if 0 < abs(year - y) < cool]
            if recent:
                return _("shadowed in {year}: {n} years must pass").format(
                    year=year_label(recent[0]), n=cool
                )
        if self._visits.get((tid, year)) and not shadowing:
            return _("on a short visit that year")
        return None

    def _compare(self, chosen: Teacher, other: Teacher) -> str:
        """Why the chosen one rather than an equally free other, by the spread term."""
        mine, theirs = self._home_years(chosen), self._home_years(other)
        if theirs < mine:
            return _("fewer years at home ({other}; chosen: {chosen})").format(
                other=self._at_home(other), chosen=self._at_home(chosen)
            )
        return _("no rule or term prefers either: the plan as a whole decided")

    def alternative(self, a: Assignment) -> Alternative | None:
        """The nearest teacher not chosen: same home kindergarten and grade (a cadre: another
        cadre), eligible in the same way, without this assignment; most years at home first."""
        t = self.plan.of(a)
        shadowing = a.activity is Activity.SHADOWING
        colleagues = self._colleagues[t.home_kg]
        if a.activity in (Activity.ROTATION, Activity.LEARNING):
            pool = [c for c in colleagues if c.grade is t.grade and c.backbone and not c.cadre]
            taken = self._placed_in.get(a.year, set())
        elif shadowing:
            pool = [c for c in colleagues if c.cadre or c.backbone]
            taken = self._shadowing_in.get((a.year, a.semester), set())
        else:
            return None
        others = [c for c in pool if c.teacher_id != t.teacher_id and c.teacher_id not in taken]
        if not others:
            return None
        others.sort(key=lambda c: (-self._home_years(c), c.teacher_id))
        for c in others:
            why = self.kept_home(c, a.year, shadowing=shadowing)
            if why is None:
                return Alternative(c, self._compare(t, c))
        first = others[0]
        return Alternative(first, self.kept_home(first, a.year, shadowing=shadowing) or "")

    # ------------------------------------------------------------------ one assignment

    def parts(self, a: Assignment) -> list[str]:
        """The reason's parts: the rule served, what it improves, the nearest alternative."""
        if a.teacher_id not in self.inst.teacher or a.host_kg not in self.inst.kg:
            return [_("not on the roster: cannot be checked")]
        t, profile = self.plan.of(a), self.profile
        home, host = self.inst.kg[t.home_kg], self.inst.kg[a.host_kg]
        out: list[str] = []
        if self._pinned(a):
            out.append(_("fixed by the office (pins)"))
        serves = _(SERVES[a.activity]).format(lead=self.lead_word)
        if a.activity in (Activity.ROTATION, Activity.LEARNING):
            if sends(self.inst, home) and profile.enabled(ROT_PER_GRADE.id):
                out.append(serves)
            out.append(self._direction(a, home, host))
            out.append(self._at_home(t))
            if a.host_kg in t.preferred_hosts:
                out.append(_("preference met"))
        elif a.activity is Activity.INDUCTION:
            out.append(serves)
            if a.partner:
                out.append(_("mentor {name}").format(name=self.name(a.partner)))
        elif a.activity is Activity.SHADOWING:
            if profile.enabled(SHD_EACH_SEM.id) and self._only_visitor(a):
                out.append(serves)
            out.append(self._at_home(t))
        elif a.activity is Activity.GUIDANCE:
            if profile.enabled(GUIDE_SIX.id):
                out.append(serves)
            if a.items:
                items = listing(item.split(" ", 1)[0] for item in a.items)
                out.append(_("brings {items}").format(items=items))
        else:
            out.append(serves)
            if a.partner:
                out.append(_("partner {name}").format(name=self.name(a.partner)))
        if self._only_support(a):
            out.append(
                _("the only support {host} ({tier}) receives in {year}").format(
                    host=host.name or host.kg_id, tier=tier(host.tier), year=year_label(a.year)
                )
            )
        other = self.alternative(a)
        if other is not None and other.why:
            out.append(
                _("not chosen: {name}, {why}").format(
                    name=self.name(other.teacher.teacher_id), why=other.why
                )
            )
        return out

    def of(self, a: Assignment) -> str:
        """The short reason of the assignments sheet."""
        return _("; ").join(self.parts(a))

    def _direction(self, a: Assignment, home: Kindergarten, host: Kindergarten) -> str:
        values = {"home": tier(home.tier), "host": tier(host.tier)}
        if a.activity is Activity.LEARNING:
            return _("learning at a stronger kindergarten ({home} → {host})").format(**values)
        if host.tier < home.tier:
            return _("support to a weaker kindergarten ({home} → {host})").format(**values)
        return _("support to a kindergarten of the same tier ({home})").format(**values)

    def _pinned(self, a: Assignment) -> bool:
        return any(
            not p.forbidden
            and p.teacher_id == a.teacher_id
            and p.activity is a.activity
            and p.year == a.year
            and p.host_kg in (None, a.host_kg)
            and p.semester in (None, a.semester)
            and p.slot in (None, a.slot)
            for p in self.inst.roster.pins
        )

    def _only_visitor(self, a: Assignment) -> bool:
        """Whether the visit alone meets SHD-EACH-SEM for its kindergarten that semester."""
        t = self.plan.of(a)
        others = self._staff_visits[(t.home_kg, a.year, a.semester)] - (t.cadre or t.backbone)
        return others == 0

    def _only_support(self, a: Assignment) -> bool:
        """Whether SUP-YEAR rests on this assignment alone: its host is weaker than the lead
        and gets no other support that year."""
        if not self.profile.enabled(SUP_YEAR.id) or not supports(self.plan, a):
            return False
        if a.host_kg not in self._weaker:
            return False
        return self._support[(a.host_kg, a.year)] == 1

    @cached_property
    def _weaker(self) -> set[str]:
        """Every group's members weaker than its lead (SUP-YEAR's kindergartens)."""
        return set(weaker(self.inst))

    @cached_property
    def _support(self) -> dict[tuple[str, int], int]:
        out: dict[tuple[str, int], int] = defaultdict(int)
        for a in self.plan.valid:
            if supports(self.plan, a):
                out[(a.host_kg, a.year)] += 1
        return out

    # ------------------------------------------------------------------ explain

    def findings(
        self, *, teacher_id: str | None = None, kg_id: str | None = None
    ) -> list[Violation]:
        """The report's breaches and shortfalls about a teacher or a kindergarten."""
        return [
            v
            for r in self.report.rules
            for v in r.violations
            if (teacher_id and v.teacher_id == teacher_id) or (kg_id and v.kg_id == kg_id)
        ]

    def teacher(self, t: Teacher) -> list[str]:
        """Every planned year of a teacher: her assignments with their reasons, or what kept
        her home; then the report's findings about her."""
        inst = self.inst
        home = inst.kg[t.home_kg]
        role = _("backbone") if t.backbone else _("teacher")
        if t.cadre:
            role = _("cadre")
        grade = word(t.grade) if t.grade else "-"
        lines = [
            _("{name}: {role}, {grade}, {kg} ({tier}); {history}").format(
                name=self.name(t.teacher_id),
                role=role,
                grade=grade,
                kg=home.name or home.kg_id,
                tier=tier(home.tier),
                history=self._at_home(t),
            )
        ]
        mine = self.plan.by_teacher.get(t.teacher_id, [])
        for year in inst.horizon.year_list:
            lines.append(year_label(year))
            here = [a for a in mine if a.year == year]
            for a in here:
                lines.append("  " + self._what(a))
                lines.extend("    " + part for part in self.parts(a))
            if not any(a.activity.year_long for a in here):
                lines.append("  " + self._stayed(t, year))
        found = self.findings(teacher_id=t.teacher_id)
        if found:
            lines.append(_("Rule check"))
            lines.extend(f"  {v.rule_id}: {v.message}" for v in found)
        return lines

    def _what(self, a: Assignment) -> str:
        """``轮岗交流 → 赵屯幼儿园 (2026-2027学年 秋季 第3时段)``."""
        when = year_label(a.year)
        if a.semester is not None and a.slot is not None:
            when = _("{year} {semester}, slot {slot}").format(
                year=when, semester=word(a.semester), slot=a.slot
            )
        return _("{activity} → {host} ({when})").format(
            activity=word(a.activity, self.profile), host=self.kg_name(a.host_kg), when=when
        )

    def _stayed(self, t: Teacher, year: int) -> str:
        """Why a teacher has no year-long placement in a year: a rule, her kind, or others."""
        why = self.kept_home(t, year)
        if why is not None:
            return _("at home: {why}").format(why=why)
        if induction_year(self.inst, t) == year and self.profile.enabled(IND_LEAD.id):
            return _("at home: no induction year planned (see the rule check)")
        if t.cadre:
            return _("at home: cadres go on exchange only in pairs (cadre exchange)")
        if not t.backbone:
            return _("at home: only backbones are sent for a year (1–2 per grade)")
        home = self.inst.kg[t.home_kg]
        if not sends(self.inst, home):
            return _("at home: {kg} sends no backbones for a year").format(kg=home.name)
        went = [
            self.plan.of(a)
            for (_tid, y), placed in self.plan.placements.items()
            if y == year
            for a in placed[:1]
            if a.activity in (Activity.ROTATION, Activity.LEARNING)
            and self.plan.of(a).home_kg == t.home_kg
            and self.plan.of(a).grade is t.grade
        ]
        if went and len(went) >= self.profile.max_per_grade:
            names = listing(self.name(c.teacher_id) for c in went)
            return _("at home: the most per grade ({n}) went: {names}").format(
                n=self.profile.max_per_grade, names=names
            )
        if went:
            names = listing(self.name(c.teacher_id) for c in went)
            return _(
                "at home: {names} went from the same kindergarten and grade; {compare}"
            ).format(names=names, compare=self._compare(went[0], t))
        grade = t.grade
        if grade is not None:
            need = required(self.inst, t.home_kg, grade)
            have = self.inst.home_count(t.home_kg, grade)
            if have <= need:
                return _(
                    "at home: the grade needs every teacher it has ({have} for {need} required)"
                ).format(have=have, need=need)
        return _("at home: no backbone of this kindergarten and grade went that year")

    def kindergarten(self, kg: Kindergarten) -> list[str]:
        """Who leaves and who arrives each year, what support it receives against what its
        tier should get, and the report's findings about it."""
        inst = self.inst
        lead = inst.kg[inst.lead_of[kg.group]]
        lines = [
            _("{kg}: {role}, {tier}, {group}").format(
                kg=kg.name or kg.kg_id,
                role=word(kg.role, self.profile),
                tier=tier(kg.tier),
                group=kg.group,
            )
        ]
        weaker = kg.kg_id in weaker_members(inst, kg.group)
        if weaker and self.profile.enabled(SUP_YEAR.id):
            lines.append(
                _(
                    "below the {lead} ({tier}): support every year (rotation, guidance or swap)"
                ).format(lead=self.lead_word, tier=tier(lead.tier))
            )
        six = self.profile.enabled(GUIDE_SIX.id) and kg.kg_id in members(inst, kg.group)
        if six:
            lines.append(
                _("member: the six trainings (六个一) every year, {n} items").format(
                    n=len(self.profile.guide_items)
                )
            )
        for year in inst.horizon.year_list:
            lines.append(year_label(year))
            lines.extend("  " + line for line in self._kg_year(kg, year, six=six))
        found = self.findings(kg_id=kg.kg_id)
        if found:
            lines.append(_("Rule check"))
            lines.extend(f"  {v.rule_id}: {v.message}" for v in found)
        return lines

    def _kg_year(self, kg: Kindergarten, year: int, *, six: bool) -> list[str]:
        out_people, in_people, support = [], [], 0
        visits_out = 0
        items: set[str] = set()
        for a in self.plan.valid:
            if a.year != year:
                continue
            t = self.plan.of(a)
            if t.home_kg == kg.kg_id and a.host_kg != kg.kg_id:
                if a.activity.year_long:
                    out_people.append(self._move(a, a.host_kg))
                else:
                    visits_out += 1
            if a.host_kg == kg.kg_id and t.home_kg != kg.kg_id:
                if a.activity.year_long:
                    in_people.append(self._move(a, t.home_kg))
                if supports(self.plan, a):
                    support += 1
                items |= set(a.items)
        lines = [
            _("leave for the year: {names}").format(names=listing(out_people) or "-"),
            _("arrive for the year: {names}").format(names=listing(in_people) or "-"),
        ]
        if visits_out:
            lines.append(_("short visits out: {n}").format(n=visits_out))
        lines.append(_("support received: {n}").format(n=support))
        if six:
            lines.append(
                _("training items received: {n} of {total}").format(
                    n=len(items), total=len(self.profile.guide_items)
                )
            )
        if sends(self.inst, kg) and self.profile.enabled(ROT_PER_GRADE.id):
            sent: dict[Grade, int] = defaultdict(int)
            for (tid, y), placed in self.plan.placements.items():
                t = self.inst.teacher[tid]
                backbone = placed[0].activity in (Activity.ROTATION, Activity.LEARNING)
                if y == year and t.home_kg == kg.kg_id and t.grade is not None and backbone:
                    sent[t.grade] += 1
            parts = [
                _("{grade} {n}").format(grade=word(g), n=sent[g]) for g in Grade if kg.classes_of(g)
            ]
            lines.append(
                _("backbones sent (1–2 per grade): {counts}").format(counts=listing(parts))
            )
        return lines

    def _move(self, a: Assignment, other: str) -> str:
        return _("{name} ({activity}, {kg})").format(
            name=self.name(a.teacher_id),
            activity=word(a.activity, self.profile),
            kg=self.kg_name(other),
        )
