"""The independent verifier: every rule of the catalogue checked on a finished schedule.

It shares no code with the solver on purpose (SPEC §9: CP-SAT can report a wrong OPTIMAL), so
it reads only the data classes in this package and each rule's `detail` text in
`model/rules.py`. One function per rule, registered in catalogue order in `_CHECKS`; lookups
(assignments by teacher and year, counts per kindergarten and grade …) are built once in
`_Index`, so a 60,000-teacher roster verifies in a few seconds.

Reporting choices (the catalogue is silent on them):

- **A mixed rule yields two results** with the same rule id: first its structural part, always
  ``HARD`` so a breach fails `Report.ok`; then its minimum (the shortfalls) under the
  profile's severity. Their `Rule.text` ends in "(max part)" / "(min part)" for ROT-PER-GRADE
  (at most ``max_per_grade`` per grade, and the host teaches the grade) and "(pairs part)" /
  "(min part)" for SWAP-EQ (who swaps where, partners, runs), so the rules sheet can show both
  rows; only the min part counts toward the rule's penalty. A profile that turns the rule off
  turns off both parts.
- **Well-formedness** goes under the closest hard rule: unknown teacher or host, or a year
  outside the horizon → ONE-PLACE (such assignments are then left out of every other check),
  except a guidance visit outside the horizon → GUIDE-LEN ("a planned year") while that rule
  is on; shadowing slot beyond the semester → SHD-LEN, guidance slot → GUIDE-LEN; any
  home→host pairing a rotation, induction or shadowing does not allow (host in another group
  or at home, shadowing not at the lead or by lead staff) → ROT-PAIRS; who may guide whom and
  with which item → GUIDE-CAP; who swaps with whom → SWAP-EQ while it is on, and any swap at
  all → ROT-PAIRS while it is off (no home→host pairing allows a swap then); an induction for
  someone who is not a new non-lead teacher, outside the first year of service, or not at the
  lead → IND-MENTOR (IND-LEAD itself is soft and only counts missing inductions). A short visit
  with a year-long activity cannot occur: `Assignment` refuses it.
- **Guidance items** are compared after `Profile.guide_item` (full name or Chinese part);
  GUIDE-SIX counts every guidance visit to the member with the item, whoever made it (a visit by
  someone who may not guide already fails GUIDE-CAP).
- **SWAP-EQ runs** use planned swaps only (the detail does not bring in history; TERM-2Y
  does); swaps in consecutive years are one run, so with ``swap_years = 1`` a teacher never
  swaps two years in a row, and a run may be shorter than ``swap_years`` only if it ends in
  the last planned year.
- **COVER-3Y** reports one violation per teacher and uncovered window, located at the
  window's last year.
- A non-tight group mode (``loose``, ``alliance``, ``district``) follows the loose reading of
  each rule.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import pairwise
from typing import TYPE_CHECKING

from .instance import (
    Activity,
    Grade,
    Instance,
    Kindergarten,
    Role,
    Semester,
    Teacher,
    semester_of,
)
from .report import Report, RuleResult, Violation
from .rules import OBJECTIVE_TERMS, RULES, Rule, Severity

if TYPE_CHECKING:
    from .schedule import Assignment

__all__ = ["evaluate", "verify"]

_SHORT = (Activity.SHADOWING, Activity.GUIDANCE)


def verify(instance: Instance, assignments: Iterable[Assignment]) -> Report:
    """Check every rule of the catalogue on a schedule and evaluate its objective."""
    ix = _Index.build(instance, assignments)
    results: list[RuleResult] = []
    for rule in RULES:
        severity = instance.profile.severity(rule.id)
        if rule.id in _HARD_PARTS:
            label, hard_part = _HARD_PARTS[rule.id]
            part_rule = replace(rule, severity=Severity.HARD, text=f"{rule.text} ({label})")
            part_severity = Severity.OFF if severity is Severity.OFF else Severity.HARD
            results.append(_result(ix, part_rule, part_severity, hard_part))
            rule = replace(rule, text=f"{rule.text} (min part)")
        results.append(_result(ix, rule, severity, _CHECKS[rule.id]))
    terms, objective = _objective(ix, results)
    return Report(rules=tuple(results), terms=terms, objective=objective)


def evaluate(instance: Instance, assignments: Iterable[Assignment]) -> tuple[dict[str, int], int]:
    """Raw objective terms (OBJECTIVE_TERMS plus ``penalty:<RULE-ID>``) and Σ weight × term."""
    report = verify(instance, assignments)
    return report.terms, report.objective


Check = Callable[["_Index"], Iterable[Violation]]


def _result(ix: _Index, rule: Rule, severity: Severity, check: Check) -> RuleResult:
    if severity is Severity.OFF:
        return RuleResult(rule, severity)
    return RuleResult(rule, severity, tuple(check(ix)))


@dataclass
class _Index:
    """The schedule and roster lookups every check needs, built once."""

    inst: Instance
    malformed: list[tuple[str, Assignment, str]] = field(default_factory=list)  # rule id first
    valid: list[Assignment] = field(default_factory=list)  # known teacher and host, planned year
    by_teacher: dict[str, list[Assignment]] = field(default_factory=lambda: defaultdict(list))
    placements: dict[tuple[str, int], list[Assignment]] = field(
        default_factory=lambda: defaultdict(list)
    )  # (teacher, year) → year-long placements

    @classmethod
    def build(cls, inst: Instance, assignments: Iterable[Assignment]) -> _Index:
        ix = cls(inst)
        years = set(inst.horizon.year_list)
        # GUIDE-LEN names "a planned year" itself; everything else unplanned is ONE-PLACE's.
        guide_len = inst.profile.enabled("GUIDE-LEN")
        for a in assignments:
            if a.teacher_id not in inst.teacher:
                ix.malformed.append(("ONE-PLACE", a, f"unknown teacher {a.teacher_id}"))
            elif a.host_kg not in inst.kg:
                ix.malformed.append(("ONE-PLACE", a, f"unknown host kindergarten {a.host_kg}"))
            elif a.year not in years:
                span = f"{inst.horizon.year_list[0]}–{inst.horizon.year_list[-1]}"
                rule_id = (
                    "GUIDE-LEN" if a.activity is Activity.GUIDANCE and guide_len else "ONE-PLACE"
                )
                ix.malformed.append((rule_id, a, f"year {a.year} is outside the plan ({span})"))
            else:
                ix.valid.append(a)
                ix.by_teacher[a.teacher_id].append(a)
                if a.activity.year_long:
                    ix.placements[(a.teacher_id, a.year)].append(a)
        return ix

    def of(self, a: Assignment) -> Teacher:
        return self.inst.teacher[a.teacher_id]

    def home(self, a: Assignment) -> Kindergarten:
        return self.inst.kg[self.of(a).home_kg]

    def lead_of_kg(self, kg_id: str) -> str:
        return self.inst.lead_of[self.inst.kg[kg_id].group]

    def activity(self, act: Activity) -> Iterator[Assignment]:
        return (a for a in self.valid if a.activity is act)

    def short(self) -> Iterator[Assignment]:
        return (a for a in self.valid if a.activity in _SHORT)

    @cached_property
    def swaps_on(self) -> bool:
        return self.inst.profile.enabled("SWAP-EQ")

    def tight(self, group: str) -> bool:
        return group in self.tight_groups

    @cached_property
    def tight_groups(self) -> frozenset[str]:
        # Instance.group_mode scans the roster: ask once per group, not per assignment.
        return frozenset(g for g in self.inst.roster.groups if self.inst.group_mode(g) == "tight")

    @cached_property
    def swaps(self) -> dict[tuple[str, int], list[Assignment]]:
        """(teacher, year) → swap assignments."""
        out: dict[tuple[str, int], list[Assignment]] = defaultdict(list)
        for a in self.activity(Activity.SWAP):
            out[(a.teacher_id, a.year)].append(a)
        return dict(out)

    @cached_property
    def rotating(self) -> Counter[tuple[str, Grade, int]]:
        """Distinct teachers on rotation per (home kg, grade, year)."""
        seen = {(a.teacher_id, a.year) for a in self.activity(Activity.ROTATION)}
        out: Counter[tuple[str, Grade, int]] = Counter()
        for tid, year in seen:
            t = self.inst.teacher[tid]
            if t.grade is not None:
                out[(t.home_kg, t.grade, year)] += 1
        return out


def _desc(a: Assignment) -> str:
    """``T1 rotation at B1 in 2026`` / ``T1 shadowing at L in 2026 autumn slot 3``."""
    when = f"{a.year} {a.semester.value} slot {a.slot}" if a.semester else str(a.year)
    return f"{a.teacher_id} {a.activity.value} at {a.host_kg} in {when}"


def _at(rule_id: str, a: Assignment, message: str) -> Violation:
    """A violation located at one assignment."""
    sem = a.semester.value if a.semester else None
    return Violation(rule_id, message, a.teacher_id, a.host_kg, a.year, sem)


def _sending(ix: _Index, k: Kindergarten) -> bool:
    """ROT-PER-GRADE senders: lead and branches (tight); all but affiliates (loose)."""
    if k.role is Role.AFFILIATE:
        return False
    return not ix.tight(k.group) or k.role in (Role.LEAD, Role.BRANCH)


def _sender_grades(ix: _Index) -> Iterator[tuple[Kindergarten, Grade, int]]:
    """Every (sending kg, grade it has classes of, planned year)."""
    for k in ix.inst.kindergartens:
        if _sending(ix, k):
            for grade in Grade:
                if k.classes_of(grade) > 0:
                    for year in ix.inst.horizon.year_list:
                        yield k, grade, year


def _check_rot_per_grade_max(ix: _Index) -> Iterator[Violation]:
    cap = ix.inst.profile.max_per_grade
    counts = ix.rotating
    for k, grade, year in _sender_grades(ix):
        n = counts[(k.kg_id, grade, year)]
        if n > cap:
            yield Violation(
                "ROT-PER-GRADE",
                f"{k.kg_id} {grade.label} {year}: {n} teachers on rotation, more than "
                f"max_per_grade={cap} (各年级派出1-2名)",
                kg_id=k.kg_id,
                year=year,
            )
    for a in ix.activity(Activity.ROTATION):
        t, host = ix.of(a), ix.inst.kg[a.host_kg]
        if t.grade is None or host.classes_of(t.grade) == 0:
            taught = t.grade.label if t.grade else "no grade"
            yield _at("ROT-PER-GRADE", a, f"{_desc(a)}: the host has no classes of {taught}")


def _check_rot_per_grade_min(ix: _Index) -> Iterator[Violation]:
    want = ix.inst.profile.min_per_grade
    counts = ix.rotating
    backbones: Counter[tuple[str, Grade]] = Counter()
    away: Counter[tuple[str, Grade, int]] = Counter()  # eligible backbones unavailable that year
    for t in ix.inst.teachers:
        if t.backbone and not t.cadre and t.grade is not None:
            backbones[(t.home_kg, t.grade)] += 1
            for year in t.unavailable:
                away[(t.home_kg, t.grade, year)] += 1
    for k, grade, year in _sender_grades(ix):
        eligible = backbones[(k.kg_id, grade)] - away[(k.kg_id, grade, year)]
        need = min(want, eligible)
        sent = counts[(k.kg_id, grade, year)]
        short = max(0, need - sent)
        for unit in range(short):
            part = f" (shortfall {unit + 1}/{short})" if short > 1 else ""
            yield Violation(
                "ROT-PER-GRADE",
                f"{k.kg_id} {grade.label} {year}: {sent} of {need} backbone sent "
                f"({eligible} eligible){part}",
                kg_id=k.kg_id,
                year=year,
            )


def _pair_problem(ix: _Index, a: Assignment) -> str | None:
    """Why this home → host pairing is not allowed for the activity, if it is not."""
    home, host = ix.home(a), ix.inst.kg[a.host_kg]
    lead = ix.inst.lead_of[home.group]
    if a.activity is Activity.GUIDANCE:
        return None  # who may guide whom is GUIDE-CAP's well-formedness
    if a.activity is Activity.SWAP:
        # Swaps exist only when SWAP-EQ is on, which then checks them itself.
        return None if ix.swaps_on else "swaps exist only when the profile turns SWAP-EQ on"
    if host.group != home.group:
        return f"host is in group {host.group}, home in {home.group} (never across groups)"
    if a.activity is Activity.INDUCTION:
        return None  # where an induction may happen is IND-MENTOR's well-formedness
    if host.kg_id == home.kg_id:
        return "host is the teacher's own home"
    one_side_lead = (home.kg_id == lead) != (host.kg_id == lead)
    if a.activity is Activity.ROTATION:
        if Role.AFFILIATE in (home.role, host.role):
            return "affiliates (加盟园) neither send nor host rotations"
        if ix.tight(home.group) and not one_side_lead:
            return "in a tight group rotations run between the lead and a branch (互派)"
    elif a.activity is Activity.SHADOWING and (host.kg_id != lead or home.kg_id == lead):
        return f"shadowing is at the lead {lead}, by teachers from other kindergartens"
    return None


def _check_rot_pairs(ix: _Index) -> Iterator[Violation]:
    for a in ix.valid:
        problem = _pair_problem(ix, a)
        if problem:
            yield _at("ROT-PAIRS", a, f"{_desc(a)}: {problem}")


def _check_rot_down(ix: _Index) -> Iterator[Violation]:
    for a in ix.activity(Activity.ROTATION):
        home, host = ix.home(a), ix.inst.kg[a.host_kg]
        if host.tier >= home.tier:
            yield _at(
                "ROT-DOWN",
                a,
                f"{_desc(a)}: host tier {host.tier} is not below home tier {home.tier} "
                "(鼓励优质园向薄弱园流动)",
            )


def _check_term_2y(ix: _Index) -> Iterator[Violation]:
    limit = ix.inst.profile.max_term_years
    away: dict[str, dict[int, set[str | None]]] = defaultdict(lambda: defaultdict(set))
    for (tid, year), placed in ix.placements.items():
        away[tid][year].update(a.host_kg for a in placed)
    for tid, hosts in away.items():
        planned = set(hosts)
        for h in ix.inst.history_by_teacher.get(tid, ()):
            if h.activity.year_long:
                for year in h.years():
                    hosts[year].add(h.host_kg)
        yield from _term_runs(tid, hosts, planned, limit)


def _term_runs(
    tid: str, hosts: dict[int, set[str | None]], planned: set[int], limit: int
) -> Iterator[Violation]:
    """Split a teacher's away-years into consecutive runs and check those touching the plan."""
    for run in _consecutive(sorted(hosts)):
        if not planned.intersection(run):
            continue  # entirely in the past: not this plan's doing
        first, last = run[0], run[-1]
        span = f"{first}–{last}" if first != last else str(first)
        if len(run) > limit:
            yield Violation(
                "TERM-2Y",
                f"{tid} is away {len(run)} consecutive years {span} (history included), "
                f"more than max_term_years={limit} (须及时回到原学校)",
                teacher_id=tid,
                year=min(planned.intersection(run)),
            )
        named = {h for year in run for h in hosts[year] if h is not None}
        if len(run) > 1 and len(named) > 1:
            yield Violation(
                "TERM-2Y",
                f"{tid} changes host within one continuous stay {span}: {', '.join(sorted(named))}",
                teacher_id=tid,
                year=min(planned.intersection(run)),
            )


def _consecutive(years: list[int]) -> list[list[int]]:
    """Sorted distinct years cut into runs of consecutive years."""
    runs: list[list[int]] = []
    for year in years:
        if runs and runs[-1][-1] == year - 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return runs


def _check_ind_lead(ix: _Index) -> Iterator[Violation]:
    inducted = {(a.teacher_id, a.year, a.host_kg) for a in ix.activity(Activity.INDUCTION)}
    for t in ix.inst.teachers:
        year = ix.inst.induction_year(t)
        if year is None:
            continue
        lead = ix.lead_of_kg(t.home_kg)
        if t.home_kg != lead and (t.teacher_id, year, lead) not in inducted:
            yield Violation(
                "IND-LEAD",
                f"new teacher {t.teacher_id} of {t.home_kg} has no induction year at the lead "
                f"{lead} in {year} (新教师在总园工作学习一年)",
                teacher_id=t.teacher_id,
                kg_id=t.home_kg,
                year=year,
            )


def _mentor_at_lead(ix: _Index, mentor: Teacher, year: int, lead: str) -> bool:
    placed = ix.placements.get((mentor.teacher_id, year), [])
    if mentor.home_kg == lead and not placed:
        return True
    return any(p.activity is Activity.ROTATION and p.host_kg == lead for p in placed)


def _induction_problems(ix: _Index, a: Assignment) -> Iterator[str]:
    t = ix.of(a)
    lead = ix.lead_of_kg(t.home_kg)
    first = ix.inst.induction_year(t)
    if first is None:
        yield "not a new teacher (graded, not a cadre, first year of service in the plan)"
    elif a.year != first:
        yield f"induction in {a.year}, but the first year of service is {first}"
    if t.home_kg == lead:
        yield "the teacher's home is the lead itself"
    if a.host_kg != lead:
        yield f"induction is at the lead {lead}"
    if a.partner is None:
        yield "no mentor (partner) given"
        return
    mentor = ix.inst.teacher.get(a.partner)
    if mentor is None:
        yield f"mentor {a.partner} is not in the roster"
        return
    if not mentor.backbone:
        yield f"mentor {mentor.teacher_id} is not a backbone teacher"
    if mentor.grade != t.grade:
        yield f"mentor {mentor.teacher_id} teaches another grade"
    if not _mentor_at_lead(ix, mentor, a.year, lead):
        yield f"mentor {mentor.teacher_id} is not at the lead {lead} in {a.year}"


def _check_ind_mentor(ix: _Index) -> Iterator[Violation]:
    load: Counter[tuple[str, int]] = Counter()
    for a in ix.activity(Activity.INDUCTION):
        problems = list(_induction_problems(ix, a))
        if problems:
            yield _at("IND-MENTOR", a, f"{_desc(a)}: {'; '.join(problems)}")
        if a.partner is not None and a.partner in ix.inst.teacher:
            load[(a.partner, a.year)] += 1
    cap = ix.inst.profile.mentor_capacity
    for (mentor, year), n in load.items():
        if n > cap:
            yield Violation(
                "IND-MENTOR",
                f"mentor {mentor} takes {n} new teachers in {year}, more than "
                f"mentor_capacity={cap} (以老带新)",
                teacher_id=mentor,
                year=year,
            )


def _beyond_semester(ix: _Index, act: Activity, rule_id: str, zh: str) -> Iterator[Violation]:
    """Short visits whose slot lies past the semester's last one.

    Slots are `slot_weeks` <= 2 weeks long by construction (`Horizon`), so a visit in a slot
    of its semester spans at most 2 weeks; `Assignment` already demands semester and slot.
    """
    slots = ix.inst.horizon.slots_per_semester
    for a in ix.activity(act):
        if a.slot is not None and a.slot > slots:
            yield _at(
                rule_id,
                a,
                f"{_desc(a)}: a semester has slots 1..{slots} of {ix.inst.horizon.slot_weeks} "
                f"weeks ({zh})",
            )


def _check_shd_len(ix: _Index) -> Iterator[Violation]:
    return _beyond_semester(ix, Activity.SHADOWING, "SHD-LEN", "跟岗不得超过2周")


def _check_shd_cap(ix: _Index) -> Iterator[Violation]:
    visitors: dict[tuple[str, int, Semester, int, bool], set[str]] = defaultdict(set)
    for a in ix.activity(Activity.SHADOWING):
        assert a.semester is not None and a.slot is not None  # Assignment guarantees it
        group = ix.inst.kg[a.host_kg].group
        visitors[(group, a.year, a.semester, a.slot, ix.of(a).cadre)].add(a.teacher_id)
    profile = ix.inst.profile
    for (group, year, sem, slot, cadre), ids in visitors.items():
        cap, who = (profile.cadre_cap, "cadres") if cadre else (profile.teacher_cap, "teachers")
        if len(ids) > cap:
            yield Violation(
                "SHD-CAP",
                f"group {group}, {year} {sem.label} slot {slot}: {len(ids)} {who} shadow at once, "
                f"more than {cap} (干部不超过5人、教师不超过7人)",
                kg_id=ix.inst.lead_of[group],
                year=year,
                semester=sem.value,
            )


def _check_shd_cool(ix: _Index) -> Iterator[Violation]:
    gap = 2 * ix.inst.profile.cooldown_years
    horizon = ix.inst.horizon
    planned: dict[str, list[int]] = defaultdict(list)
    for a in ix.activity(Activity.SHADOWING):
        assert a.semester is not None
        planned[a.teacher_id].append(horizon.semester_index(a.year, a.semester))
    for tid, indices in planned.items():
        past = [
            horizon.semester_index(*semester_of(h.start))
            for h in ix.inst.history_by_teacher.get(tid, ())
            if h.activity is Activity.SHADOWING
        ]
        visits = sorted([(i, True) for i in indices] + [(i, False) for i in past])
        for (before, b_planned), (after, a_planned) in pairwise(visits):
            if (b_planned or a_planned) and after - before < gap:
                where = "planned" if b_planned else "in the history"
                yield Violation(
                    "SHD-COOL",
                    f"{tid} shadows {after - before} semesters after a visit {where}; "
                    f"{gap} semesters must lie between (两年内不得再次跟岗)",
                    teacher_id=tid,
                    year=horizon.start_year + after // 2,
                    semester=(Semester.AUTUMN if after % 2 == 0 else Semester.SPRING).value,
                )


def _check_shd_veto(ix: _Index) -> Iterator[Violation]:
    for a in ix.activity(Activity.SHADOWING):
        veto = ix.of(a).veto
        if veto:
            yield _at("SHD-VETO", a, f"{_desc(a)}: vetoed from shadowing ({veto}; 一票否决)")


def _check_shd_each_sem(ix: _Index) -> Iterator[Violation]:
    def counts(t: Teacher) -> bool:
        return t.cadre or t.backbone

    candidates: Counter[str] = Counter()
    unavailable: Counter[tuple[str, int]] = Counter()
    for t in ix.inst.teachers:
        if counts(t) and not t.veto:
            candidates[t.home_kg] += 1
            for year in t.unavailable:
                unavailable[(t.home_kg, year)] += 1
    sent: set[tuple[str, int, Semester]] = set()
    for a in ix.activity(Activity.SHADOWING):
        t = ix.of(a)
        if counts(t) and a.semester is not None and a.host_kg == ix.lead_of_kg(t.home_kg):
            sent.add((t.home_kg, a.year, a.semester))
    for k in ix.inst.kindergartens:
        lead = ix.inst.lead_of[k.group]
        if k.kg_id == lead:
            continue
        for year in ix.inst.horizon.year_list:
            if candidates[k.kg_id] - unavailable[(k.kg_id, year)] <= 0:
                continue
            for sem in Semester:
                if (k.kg_id, year, sem) not in sent:
                    yield Violation(
                        "SHD-EACH-SEM",
                        f"no cadre or backbone of {k.kg_id} shadows at the lead {lead} in "
                        f"{year} {sem.label} (每学期到总园跟岗)",
                        kg_id=k.kg_id,
                        year=year,
                        semester=sem.value,
                    )


def _check_guide_six(ix: _Index) -> Iterator[Violation]:
    profile = ix.inst.profile
    delivered = {
        (a.host_kg, a.year, profile.guide_item(a.item))
        for a in ix.activity(Activity.GUIDANCE)
        if a.item is not None
    }
    for group in ix.inst.roster.groups:
        for member in ix.inst.members(group):
            for year in ix.inst.horizon.year_list:
                for item in profile.guide_items:
                    if (member, year, item) not in delivered:
                        yield Violation(
                            "GUIDE-SIX",
                            f"{member} {year}: no guidance visit brings {item} (每学年“六个一”)",
                            kg_id=member,
                            year=year,
                        )


def _check_guide_len(ix: _Index) -> Iterator[Violation]:
    for rule_id, a, problem in ix.malformed:
        if rule_id == "GUIDE-LEN":
            yield _at("GUIDE-LEN", a, f"{_desc(a)}: {problem}")
    yield from _beyond_semester(ix, Activity.GUIDANCE, "GUIDE-LEN", "蹲点指导不得超过2周")


def _guide_problems(ix: _Index, a: Assignment) -> Iterator[str]:
    t, home, host = ix.of(a), ix.home(a), ix.inst.kg[a.host_kg]
    lead = ix.inst.lead_of[home.group]
    if not ix.inst.guide_staff(t):
        staff = ix.inst.profile.guide_staff.replace("+", " or ")
        yield f"guidance is by a {staff} whose home is the lead {lead}"
    if host.group != home.group or host.kg_id == lead:
        yield f"the host is not a member of group {home.group}"
    if a.item is None:
        yield "no guidance item given"
    elif ix.inst.profile.guide_item(a.item) is None:
        yield f"{a.item!r} is not one of the profile's guide_items"


def _check_guide_cap(ix: _Index) -> Iterator[Violation]:
    profile = ix.inst.profile
    per_item: Counter[tuple[str, int, str]] = Counter()
    per_member_slot: Counter[tuple[str, int, Semester, int]] = Counter()
    per_member_sem: Counter[tuple[str, int, Semester]] = Counter()
    per_teacher: Counter[tuple[str, int]] = Counter()
    per_lead_slot: Counter[tuple[str, int, Semester, int]] = Counter()
    for a in ix.activity(Activity.GUIDANCE):
        assert a.semester is not None and a.slot is not None  # Assignment guarantees it
        problems = list(_guide_problems(ix, a))
        if problems:
            yield _at("GUIDE-CAP", a, f"{_desc(a)}: {'; '.join(problems)}")
        item = profile.guide_item(a.item) if a.item is not None else None
        if item is not None:
            per_item[(a.host_kg, a.year, item)] += 1
        per_member_slot[(a.host_kg, a.year, a.semester, a.slot)] += 1
        per_member_sem[(a.host_kg, a.year, a.semester)] += 1
        per_teacher[(a.teacher_id, a.year)] += 1
        per_lead_slot[(ix.lead_of_kg(ix.of(a).home_kg), a.year, a.semester, a.slot)] += 1
    spread = (len(profile.guide_items) + 1) // 2  # ceil(len / 2)
    for (member, year, item), n in per_item.items():
        if n > 1:
            yield Violation(
                "GUIDE-CAP",
                f"{member} {year}: {n} guidance visits bring {item}; at most one",
                kg_id=member,
                year=year,
            )
    for (member, year, sem, slot), n in per_member_slot.items():
        if n > 1:
            yield Violation(
                "GUIDE-CAP",
                f"{member} {year} {sem.label} slot {slot}: {n} guidance visits at once; at most one",
                kg_id=member,
                year=year,
                semester=sem.value,
            )
    for (member, year, sem), n in per_member_sem.items():
        if n > spread:
            yield Violation(
                "GUIDE-CAP",
                f"{member} {year} {sem.label}: {n} guidance visits, more than {spread} a "
                "semester (spread over the year)",
                kg_id=member,
                year=year,
                semester=sem.value,
            )
    for (tid, year), n in per_teacher.items():
        if n > profile.guide_max_per_year:
            yield Violation(
                "GUIDE-CAP",
                f"{tid} makes {n} guidance visits in {year}, more than "
                f"guide_max_per_year={profile.guide_max_per_year}",
                teacher_id=tid,
                year=year,
            )
    for (lead, year, sem, slot), n in per_lead_slot.items():
        if n > profile.guide_slot_cap:
            yield Violation(
                "GUIDE-CAP",
                f"{lead} {year} {sem.label} slot {slot}: {n} staff out on guidance, more than "
                f"guide_slot_cap={profile.guide_slot_cap}",
                kg_id=lead,
                year=year,
                semester=sem.value,
            )


def _swap_side_problems(ix: _Index, a: Assignment) -> Iterator[str]:
    """Who may swap where: a lead backbone out to a member, a member's young teacher in."""
    t, home, host = ix.of(a), ix.home(a), ix.inst.kg[a.host_kg]
    lead = ix.inst.lead_of[home.group]
    if t.cadre or t.grade is None:
        yield "cadres do not swap"
    if home.kg_id == lead:
        member = host
        if not t.backbone:
            yield "the lead's side of a swap is a backbone teacher"
        if host.group != home.group or host.role is Role.AFFILIATE:
            yield f"the host is not a member (not an affiliate) of group {home.group}"
    else:
        member = home
        if host.kg_id != lead:
            yield f"a member's teacher swaps to the lead {lead}"
        if home.role is Role.AFFILIATE:
            yield "affiliates (加盟园) do not swap"
        if not ix.inst.is_young(t, a.year):
            yield f"not a young teacher (age <= {ix.inst.profile.young_age} on 1 September)"
    if t.grade is not None and member.classes_of(t.grade) == 0:
        yield f"{member.kg_id} has no classes of {t.grade.label}"


def _swap_partner_problems(ix: _Index, a: Assignment) -> Iterator[str]:
    """Partners name each other in the same year; the partner comes from this host, same grade."""
    if a.partner is None:
        yield "no swap partner given"
        return
    partner = ix.inst.teacher.get(a.partner)
    if partner is None:
        yield f"partner {a.partner} is not in the roster"
        return
    back = [b for b in ix.swaps.get((a.partner, a.year), []) if b.partner == a.teacher_id]
    if not back:
        yield f"partner {a.partner} has no swap in {a.year} naming {a.teacher_id}"
    if partner.home_kg != a.host_kg:
        yield f"partner {a.partner} is not from the host {a.host_kg}"
    if partner.grade != ix.of(a).grade:
        yield f"partner {a.partner} teaches another grade"


def _check_swap_pairs(ix: _Index) -> Iterator[Violation]:
    for a in ix.activity(Activity.SWAP):
        problems = [*_swap_side_problems(ix, a), *_swap_partner_problems(ix, a)]
        if problems:
            yield _at("SWAP-EQ", a, f"{_desc(a)}: {'; '.join(problems)}")
    length, last = ix.inst.profile.swap_years, ix.inst.horizon.year_list[-1]
    by_teacher: dict[str, dict[int, set[tuple[str, str | None]]]] = defaultdict(
        lambda: defaultdict(set)
    )
    for (tid, year), swaps in ix.swaps.items():
        by_teacher[tid][year].update((a.host_kg, a.partner) for a in swaps)
    for tid, years in by_teacher.items():
        for run in _consecutive(sorted(years)):
            span = f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0])
            kept = {pair for year in run for pair in years[year]}
            if len(kept) > 1:
                yield Violation(
                    "SWAP-EQ",
                    f"{tid} changes host or partner within the swap {span}",
                    teacher_id=tid,
                    year=run[0],
                )
            if len(run) > length or (len(run) < length and run[-1] != last):
                yield Violation(
                    "SWAP-EQ",
                    f"{tid} swaps in {span} ({len(run)} years); a swap lasts "
                    f"swap_years={length} (shorter only where the plan ends)",
                    teacher_id=tid,
                    year=run[0],
                )


def _check_swap_min(ix: _Index) -> Iterator[Violation]:
    want = ix.inst.profile.swap_min
    on_swap = Counter((ix.inst.teacher[tid].home_kg, year) for tid, year in ix.swaps)
    for group, lead in ix.inst.lead_of.items():
        for year in ix.inst.horizon.year_list:
            need = min(want, ix.inst.swap_capacity(group, year))
            sent = on_swap[(lead, year)]
            short = max(0, need - sent)
            for unit in range(short):
                part = f" (shortfall {unit + 1}/{short})" if short > 1 else ""
                yield Violation(
                    "SWAP-EQ",
                    f"{lead} {year}: {sent} of {need} lead teachers on swap{part} "
                    "(每年至少选派2名骨干教师置换交流)",
                    kg_id=lead,
                    year=year,
                )


def _check_staff_class(ix: _Index) -> Iterator[Violation]:
    away: Counter[tuple[str, Grade, int]] = Counter()
    incoming: Counter[tuple[str, Grade, int]] = Counter()
    for (tid, year), placed in ix.placements.items():
        t = ix.inst.teacher[tid]
        if t.grade is None:
            continue
        away[(t.home_kg, t.grade, year)] += 1
        for host in {a.host_kg for a in placed}:
            incoming[(host, t.grade, year)] += 1
    for k in ix.inst.kindergartens:
        for grade in Grade:
            at_home = ix.inst.home_count(k.kg_id, grade)
            if k.classes_of(grade) == 0 and at_home == 0:
                continue
            need = ix.inst.required(k.kg_id, grade)
            for year in ix.inst.horizon.year_list:
                key = (k.kg_id, grade, year)
                present = at_home - away[key] + incoming[key]
                if present < need:
                    yield Violation(
                        "STAFF-CLASS",
                        f"{k.kg_id} {grade.label} {year}: {present} teachers present, "
                        f"{need} required ({k.classes_of(grade)} classes, {at_home} at home; "
                        "每班2名专任教师)",
                        kg_id=k.kg_id,
                        year=year,
                    )


def _check_away_slot(ix: _Index) -> Iterator[Violation]:
    away: dict[tuple[int, Semester, int, str, str], set[str]] = defaultdict(set)
    for a in ix.short():
        assert a.semester is not None and a.slot is not None
        t = ix.of(a)
        away[(a.year, a.semester, a.slot, t.home_kg, t.slot_key)].add(a.teacher_id)
    for (year, sem, slot, home, key), ids in away.items():
        if len(ids) > 1:
            yield Violation(
                "AWAY-SLOT",
                f"{home} {key} {year} {sem.label} slot {slot}: {len(ids)} away at once "
                f"({', '.join(sorted(ids))}); at most one",
                kg_id=home,
                year=year,
                semester=sem.value,
            )


def _check_one_place(ix: _Index) -> Iterator[Violation]:
    for rule_id, a, problem in ix.malformed:
        if rule_id == "ONE-PLACE":
            yield _at("ONE-PLACE", a, f"{_desc(a)}: {problem}")
    per_slot: Counter[tuple[str, int, Semester, int]] = Counter()
    shadowing: Counter[tuple[str, int, Semester]] = Counter()
    for a in ix.valid:
        t = ix.of(a)
        if a.year in t.unavailable:
            yield _at("ONE-PLACE", a, f"{_desc(a)}: {a.teacher_id} is unavailable in {a.year}")
        if a.semester is not None and a.slot is not None:
            per_slot[(a.teacher_id, a.year, a.semester, a.slot)] += 1
            if a.activity is Activity.SHADOWING:
                shadowing[(a.teacher_id, a.year, a.semester)] += 1
            if ix.placements.get((a.teacher_id, a.year)):
                yield _at("ONE-PLACE", a, f"{_desc(a)}: on a year-long placement that year")
    for (tid, year), placed in ix.placements.items():
        if len(placed) > 1:
            yield Violation(
                "ONE-PLACE",
                f"{tid} has {len(placed)} year-long placements in {year}: "
                f"{'; '.join(_desc(a) for a in sorted(placed))}",
                teacher_id=tid,
                year=year,
            )
    for (tid, year, sem, slot), n in per_slot.items():
        if n > 1:
            yield Violation(
                "ONE-PLACE",
                f"{tid} has {n} short visits in {year} {sem.label} slot {slot}; at most one a slot",
                teacher_id=tid,
                year=year,
                semester=sem.value,
            )
    for (tid, year, sem), n in shadowing.items():
        if n > 1:
            yield Violation(
                "ONE-PLACE",
                f"{tid} shadows {n} times in {year} {sem.label}; at most once a semester",
                teacher_id=tid,
                year=year,
                semester=sem.value,
            )


def _check_cover_3y(ix: _Index) -> Iterator[Violation]:
    width, planned = ix.inst.profile.cover_years, ix.inst.horizon.year_list
    for t in ix.inst.teachers:
        first = ix.inst.cover_start(t)
        covered = {a.year for a in ix.by_teacher.get(t.teacher_id, ())}
        for h in ix.inst.history_by_teacher.get(t.teacher_id, ()):
            covered.update(h.years())
        for end in planned:
            start = end - width + 1
            if start < first or covered.intersection(range(start, end + 1)):
                continue
            if all(y in t.unavailable for y in planned if start <= y <= end):
                continue  # unavailable in every planned year of the window: exempt
            yield Violation(
                "COVER-3Y",
                f"{t.teacher_id} takes part in no exchange in {start}–{end} "
                f"(以{width}年为周期全员轮训){_cover_reason(ix, t)}",
                teacher_id=t.teacher_id,
                kg_id=t.home_kg,
                year=end,
            )


def _cover_reason(ix: _Index, t: Teacher) -> str:
    """Why no plan could cover a teacher, where the profile opens no activity to her at all:
    the lead's own staff never shadow, and only backbones rotate or swap and guide staff
    guide (GUIDE-CAP)."""
    inst = ix.inst
    if t.home_kg != ix.lead_of_kg(t.home_kg) or t.backbone:
        return ""
    if inst.profile.enabled("GUIDE-SIX") and inst.guide_staff(t):
        return ""
    return "; no exchange is open to the lead's own non-backbone staff under this profile"


def _check_pin(ix: _Index) -> Iterator[Violation]:
    for pin in ix.inst.roster.pins:
        matches = [
            a
            for a in ix.by_teacher.get(pin.teacher_id, [])
            if a.activity is pin.activity
            and a.year == pin.year
            and (pin.host_kg is None or a.host_kg == pin.host_kg)
            and (pin.semester is None or a.semester is pin.semester)
        ]
        what = f"{pin.teacher_id} {pin.activity.value}"
        what += f" at {pin.host_kg}" if pin.host_kg else ""
        what += f" in {pin.year}" + (f" {pin.semester.value}" if pin.semester else "")
        if pin.forbidden == bool(matches):
            problem = "forbidden but scheduled" if pin.forbidden else "fixed but missing"
            yield Violation(
                "PIN",
                f"{problem}: {what} (人事科锁定)",
                teacher_id=pin.teacher_id,
                kg_id=pin.host_kg,
                year=pin.year,
                semester=pin.semester.value if pin.semester else None,
            )


# Catalogue order; `verify` fails loudly on a rule without a check.
_CHECKS: dict[str, Check] = {
    "ROT-PER-GRADE": _check_rot_per_grade_min,
    "ROT-PAIRS": _check_rot_pairs,
    "ROT-DOWN": _check_rot_down,
    "TERM-2Y": _check_term_2y,
    "IND-LEAD": _check_ind_lead,
    "IND-MENTOR": _check_ind_mentor,
    "SHD-LEN": _check_shd_len,
    "SHD-CAP": _check_shd_cap,
    "SHD-COOL": _check_shd_cool,
    "SHD-VETO": _check_shd_veto,
    "SHD-EACH-SEM": _check_shd_each_sem,
    "GUIDE-SIX": _check_guide_six,
    "GUIDE-LEN": _check_guide_len,
    "GUIDE-CAP": _check_guide_cap,
    "SWAP-EQ": _check_swap_min,
    "STAFF-CLASS": _check_staff_class,
    "AWAY-SLOT": _check_away_slot,
    "ONE-PLACE": _check_one_place,
    "COVER-3Y": _check_cover_3y,
    "PIN": _check_pin,
}
# Parts of a mixed rule that are hard whatever the profile says (reported as a separate result,
# labelled in its rule text).
_HARD_PARTS: dict[str, tuple[str, Check]] = {
    "ROT-PER-GRADE": ("max part", _check_rot_per_grade_max),
    "SWAP-EQ": ("pairs part", _check_swap_pairs),
}


def _objective(ix: _Index, results: list[RuleResult]) -> tuple[dict[str, int], int]:
    """Raw terms and Σ weight × term."""
    inst, profile = ix.inst, ix.inst.profile
    rotations = list(ix.activity(Activity.ROTATION))
    terms = {
        "uplift": sum(max(0, ix.home(a).tier - inst.kg[a.host_kg].tier) for a in rotations),
        "fairness": _fairness(ix, rotations),
        "spread": _spread(ix),
        "commute": -sum(
            round(inst.distance[(ix.of(a).home_kg, a.host_kg)])
            for a in rotations
            if (ix.of(a).home_kg, a.host_kg) in inst.distance
        ),
        "preference": sum(a.host_kg in ix.of(a).preferred_hosts for a in rotations),
        "stability": len(
            inst.previous_keys
            & {(a.teacher_id, a.activity, a.host_kg, a.year, a.semester) for a in ix.valid}
        ),
    }
    assert set(terms) == set(OBJECTIVE_TERMS)
    weights = {
        "uplift": profile.uplift,
        "fairness": profile.fairness,
        "spread": profile.spread,
        "commute": profile.commute,
        "preference": profile.preference,
        "stability": profile.stability,
    }
    for rule in RULES:
        if profile.severity(rule.id) is Severity.SOFT:
            key = f"penalty:{rule.id}"
            terms[key] = -sum(
                len(r.violations)
                for r in results
                if r.rule.id == rule.id and r.severity is Severity.SOFT
            )
            weights[key] = profile.weight(rule.id)
    return terms, sum(weights[k] * v for k, v in terms.items())


def _fairness(ix: _Index, rotations: list[Assignment]) -> int:
    """Σ over groups of the fewest rotation-years hosted by one of its receivers."""
    hosted = Counter(a.host_kg for a in rotations)
    receivers: dict[str, list[str]] = defaultdict(list)
    for k in ix.inst.kindergartens:
        roles = (Role.BRANCH,) if ix.tight(k.group) else (Role.MEMBER, Role.BRANCH)
        if k.role in roles:
            receivers[k.group].append(k.kg_id)
    return sum(min(hosted[kg_id] for kg_id in ids) for ids in receivers.values())


def _spread(ix: _Index) -> int:
    """-Σ (spread_cap - gap) over rotation-years and shadowing visits (OBJECTIVE_TERMS)."""
    cap, start = ix.inst.profile.spread_cap, ix.inst.horizon.start_year
    total = 0
    for a in ix.valid:
        if a.activity in (Activity.ROTATION, Activity.SHADOWING):
            history = ix.inst.history_by_teacher.get(a.teacher_id, ())
            last = max((h.years()[-1] for h in history), default=None)
            gap = cap if last is None else min(cap, start - 1 - last)
            total -= cap - gap
    return total
