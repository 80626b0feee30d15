"""The independent verifier: each rule passes a valid schedule and catches a one-step mutation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pytest
from conftest import START, instance, kg, profile, teacher

from kgrota.model import (
    RULE_BY_ID,
    RULES,
    Activity,
    Assignment,
    Gender,
    Grade,
    HistoryRecord,
    Instance,
    Ownership,
    Pin,
    Report,
    Role,
    Roster,
    RuleSetting,
    Semester,
    Severity,
    Teacher,
    load_profile,
)
from kgrota.model.profile import SIX_ITEMS
from kgrota.model.rules.rotation import retirement
from kgrota.model.verify import evaluate, verify

if TYPE_CHECKING:
    from collections.abc import Callable

ROT, IND, SHD, GUIDE = Activity.ROTATION, Activity.INDUCTION, Activity.SHADOWING, Activity.GUIDANCE
SWAP, LEARN = Activity.SWAP, Activity.LEARNING
AUT, SPR = Semester.AUTUMN, Semester.SPRING
SMALL_ONLY = (1, 0, 0, 0)
TWO_ITEMS = SIX_ITEMS[:2]  # 专题讲座 lecture, 送教下乡 model lessons: one a semester
OFF = RuleSetting(Severity.OFF, 0)


def small(tid: str, home: str, **kw: Any) -> Teacher:
    return teacher(tid, home, Grade.SMALL, **kw)


def cadre(tid: str, home: str) -> Teacher:
    return teacher(tid, home, None, cadre=True)


def base_instance(extra: tuple[Teacher, ...] = (), **profile_changes: Any) -> Instance:
    """Tight group G (lead L tier 5, branch B1 tier 3, affiliate A tier 1), small classes only,
    plan of one year, plus a second group H whose lead HL has no staff (for cross-group cases).
    The profile is the default one with two guidance items (GUIDE-SIX), so each member takes
    one visit a semester (GUIDE-CAP: at most ceil(2 / 2) = 1).

    History: L-s-4 rotated to B1 in 2024 and 2025; B1-s-0 learned at L in 2024; B1-s-1
    shadowed at L in autumn 2025.
    Pins: A-c1 must shadow at L in autumn 2026; L-s-3 must not rotate in 2026.
    """
    kgs = [
        kg("L", Role.LEAD, 5, SMALL_ONLY),
        kg("B1", Role.BRANCH, 3, SMALL_ONLY),
        kg("A", Role.AFFILIATE, 1, SMALL_ONLY, ownership=Ownership.PRIVATE),
        kg("HL", Role.LEAD, 5, (0, 0, 0, 0), group="H"),
    ]
    teachers = [
        *(small(f"L-s-{i}", "L", backbone=i < 2) for i in range(5)),
        cadre("L-cadre", "L"),
        small("B1-s-0", "B1"),
        small("B1-s-1", "B1"),
        small("B1-s-2", "B1", veto="有偿补课"),
        cadre("B1-c1", "B1"),
        cadre("B1-c2", "B1"),
        small("B1-new", "B1", hired=START),
        small("A-s-0", "A"),
        small("A-s-1", "A"),
        cadre("A-c1", "A"),
        cadre("A-c2", "A"),
        *extra,
    ]
    history = [
        HistoryRecord("L-s-4", ROT, "B1", dt.date(2024, 9, 1), dt.date(2026, 7, 10)),
        HistoryRecord("B1-s-0", LEARN, "L", dt.date(2024, 9, 1), dt.date(2025, 7, 10)),
        HistoryRecord("B1-s-1", SHD, "L", dt.date(2025, 10, 10), dt.date(2025, 10, 21)),
    ]
    pins = [Pin("A-c1", SHD, "L", START, AUT), Pin("L-s-3", ROT, None, START, forbidden=True)]
    base = load_profile("default")
    profile = replace(
        base,
        rules={**base.rules, "CADRE-EX": OFF},  # its cases have an instance of their own
        **{"guide_items": TWO_ITEMS, "items_per_visit": 1, **profile_changes},
    )
    return instance(kgs, teachers, history=history, pins=pins, profile=profile, years=1)


R1 = Assignment("L-s-0", ROT, "B1", START)
I1 = Assignment("B1-new", IND, "L", START, partner="L-s-1")
A_C1 = Assignment("A-c1", SHD, "L", START, AUT, 2)
A_C2 = Assignment("A-c2", SHD, "L", START, SPR, 2)
# Guidance items given in full or by their Chinese part alone (Profile.guide_item).
G_B1_AUT = Assignment("L-cadre", GUIDE, "B1", START, AUT, 2, items=("专题讲座",))
G_B1_SPR = Assignment("L-cadre", GUIDE, "B1", START, SPR, 3, items=("送教下乡 model lessons",))
G_A_AUT = Assignment("L-s-1", GUIDE, "A", START, AUT, 4, items=("专题讲座 lecture",))
G_A_SPR = Assignment("L-s-1", GUIDE, "A", START, SPR, 4, items=("送教下乡",))
BASE = (
    R1,
    I1,
    Assignment("B1-c1", SHD, "L", START, AUT, 1),
    A_C1,
    Assignment("B1-c2", SHD, "L", START, SPR, 1),
    A_C2,
    Assignment("A-s-0", SHD, "L", START, AUT, 3),
    G_B1_AUT,
    G_B1_SPR,
    G_A_AUT,
    G_A_SPR,
)


def young(tid: str, home: str, grade: Grade = Grade.SMALL) -> Teacher:
    """31 on 1 September 2026 (SWAP-EQ: young_age 35)."""
    return replace(teacher(tid, home, grade), birth_date=dt.date(1995, 1, 1))


def swap_instance(
    years: int = 1, swap: Severity = Severity.HARD, **profile_changes: Any
) -> Instance:
    """An alliance (青铜峡): lead L (two small-grade backbones Lb0, Lb1), members M1, M2 with a
    young and an older small-grade teacher each, affiliate AF, member M3 without small classes.

    SWAP-EQ is on (swap_min 2, swap_years 1); the other soft minimums are off.
    """
    kgs = [
        kg("L", Role.LEAD, 5, SMALL_ONLY, group="Q"),
        kg("M1", Role.MEMBER, 3, SMALL_ONLY, group="Q"),
        kg("M2", Role.MEMBER, 2, SMALL_ONLY, group="Q"),
        kg("AF", Role.AFFILIATE, 1, SMALL_ONLY, group="Q"),
        kg("M3", Role.MEMBER, 2, (0, 1, 0, 0), group="Q"),
    ]
    teachers = [
        small("Lb0", "L", backbone=True),
        small("Lb1", "L", backbone=True),
        small("L-2", "L"),
        small("L-3", "L"),
        cadre("L-c", "L"),
        *(t for m in ("M1", "M2") for t in (young(f"{m}-y", m), small(f"{m}-o", m))),
        young("AF-y", "AF"),
        young("M3-y", "M3"),
    ]
    rules = {
        "SWAP-EQ": RuleSetting(swap, 30),
        **{rule_id: OFF for rule_id in ("ROT-PER-GRADE", "SHD-EACH-SEM", "GUIDE-SIX", "SUP-YEAR")},
    }
    profile = replace(load_profile("default"), mode="alliance", rules=rules, **profile_changes)
    return instance(kgs, teachers, profile=profile, years=years)


def pair(
    lead_teacher: str, member_teacher: str, member: str, year: int = START
) -> list[Assignment]:
    return [
        Assignment(lead_teacher, SWAP, member, year, partner=member_teacher),
        Assignment(member_teacher, SWAP, "L", year, partner=lead_teacher),
    ]


SWAP_BASE = (*pair("Lb0", "M1-y", "M1"), *pair("Lb1", "M2-y", "M2"))


def cover_instance(
    years: int = 2,
    history: tuple[HistoryRecord, ...] = (),
    extra: tuple[Teacher, ...] = (),
    **profile_changes: Any,
) -> Instance:
    """Loose group S (深圳): lead L with two cadres, member M with two small-grade teachers.

    COVER-3Y is on (soft) with 2-year windows; GUIDE-SIX is off.
    """
    kgs = [kg("L", Role.LEAD, 5, SMALL_ONLY, group="S"), kg("M", Role.MEMBER, 3, SMALL_ONLY, "S")]
    teachers = [
        cadre("L-c0", "L"),
        cadre("L-c1", "L"),
        small("M-0", "M"),
        small("M-1", "M"),
        *extra,
    ]
    rules = {"COVER-3Y": RuleSetting(Severity.SOFT, 2), "GUIDE-SIX": OFF}
    changes = {"cover_years": 2, "rules": rules, **profile_changes}
    profile = replace(load_profile("default"), **changes)
    return instance(kgs, teachers, history=history, profile=profile, years=years)


def support_instance(**profile_changes: Any) -> Instance:
    """Loose group P: lead L (tier 5) with a small-grade backbone, member M (tier 3) with
    small classes. Only SUP-YEAR asks for anything (ROT-PER-GRADE and GUIDE-SIX off)."""
    kgs = [kg("L", Role.LEAD, 5, SMALL_ONLY, group="P"), kg("M", Role.MEMBER, 3, SMALL_ONLY, "P")]
    teachers = [small("L-b", "L", backbone=True), *(small(f"L-{i}", "L") for i in range(3))]
    teachers += [small(f"M-{i}", "M") for i in range(3)]
    rules = {rule_id: OFF for rule_id in ("ROT-PER-GRADE", "GUIDE-SIX", "SHD-EACH-SEM")}
    profile = replace(load_profile("default"), rules=rules, **profile_changes)
    return instance(kgs, teachers, profile=profile, years=1)


SUPPORT_BASE = (Assignment("L-b", ROT, "M", START),)


def exchange_instance(**profile_changes: Any) -> Instance:
    """Tight group X: lead L with cadres L-c0, L-c1, branch B with cadre B-c0, affiliate A
    with cadre A-c0. Only CADRE-EX asks for anything (one pair a year)."""
    kgs = [
        kg("L", Role.LEAD, 5, SMALL_ONLY, group="X"),
        kg("B", Role.BRANCH, 3, SMALL_ONLY, group="X"),
        kg("A", Role.AFFILIATE, 1, SMALL_ONLY, group="X"),
    ]
    teachers = [cadre("L-c0", "L"), cadre("L-c1", "L"), cadre("B-c0", "B"), cadre("A-c0", "A")]
    teachers += [small(f"{k}-{i}", k) for k in ("L", "B", "A") for i in range(2)]
    off = ("ROT-PER-GRADE", "GUIDE-SIX", "SHD-EACH-SEM", "SUP-YEAR")
    profile = replace(
        load_profile("default"), rules={rule_id: OFF for rule_id in off}, **profile_changes
    )
    return instance(kgs, teachers, profile=profile, years=1)


def coop_instance(**profile_changes: Any) -> Instance:
    """Alliance C (青铜峡): lead L with a cadre, members M1, M2; GUIDE-COOP asks for one visit
    a semester; nothing else asks for anything."""
    kgs = [kg("L", Role.LEAD, 5, SMALL_ONLY, group="C")]
    kgs += [kg(m, Role.MEMBER, 3, SMALL_ONLY, group="C") for m in ("M1", "M2")]
    teachers = [
        cadre("L-c", "L"),
        *(small(f"{k}-{i}", k) for k in ("L", "M1", "M2") for i in range(2)),
    ]
    off = ("ROT-PER-GRADE", "GUIDE-SIX", "SHD-EACH-SEM", "SUP-YEAR", "CADRE-EX")
    profile = replace(
        load_profile("default"),
        mode="alliance",
        coop_min=1,
        rules={rule_id: OFF for rule_id in off},
        **profile_changes,
    )
    return instance(kgs, teachers, profile=profile, years=1)


COOP_BASE = (
    Assignment("L-c", GUIDE, "M1", START, AUT, 1, items=("专题讲座",)),
    Assignment("L-c", GUIDE, "M2", START, SPR, 1, items=("送教下乡",)),
)

EXCHANGE = Activity.EXCHANGE
EXCHANGE_BASE = (
    Assignment("L-c0", EXCHANGE, "B", START, partner="B-c0"),
    Assignment("B-c0", EXCHANGE, "L", START, partner="L-c0"),
)

COVER_BASE = (
    Assignment("L-c0", GUIDE, "M", START, AUT, 1, items=("专题讲座",)),
    Assignment("L-c1", GUIDE, "M", START + 1, SPR, 1, items=("专题讲座",)),
    Assignment("M-0", SHD, "L", START, AUT, 2),
    Assignment("M-1", SHD, "L", START + 1, AUT, 2),
)


@dataclass(frozen=True)
class Case:
    """A one-step mutation of a valid schedule (remove one assignment, add one, or both)."""

    rule_id: str
    remove: Assignment | tuple[Assignment, ...] | None = None
    add: Assignment | None = None
    profile: dict[str, Any] = field(default_factory=dict)
    hard: bool = True
    build: Callable[..., Instance] = base_instance
    base: tuple[Assignment, ...] = BASE

    def schedules(self) -> tuple[list[Assignment], list[Assignment]]:
        valid = list(self.base)
        removed = self.remove if isinstance(self.remove, tuple) else (self.remove,)
        mutated = [a for a in valid if a not in removed]
        if self.add is not None:
            mutated.append(self.add)
        return valid, mutated


CASES = [
    # max part (hard even though the rule is soft): two small-grade teachers of L rotate
    Case("ROT-PER-GRADE", add=Assignment("L-s-2", ROT, "B1", START), profile={"max_per_grade": 1}),
    # min part (a soft shortfall): L has two eligible backbones and sends none
    Case("ROT-PER-GRADE", remove=R1, hard=False),
    Case("ROT-PAIRS", remove=R1, add=replace(R1, host_kg="A")),  # affiliates host no rotation
    Case("ROT-DOWN", add=Assignment("B1-s-0", ROT, "L", START)),  # tier 3 → 5 is learning
    Case("LEARN-CAP", add=Assignment("B1-s-0", LEARN, "L", START), profile={"learn_host_cap": 0}),
    # M (tier 3) gets nothing in 2026 though L's backbone could go
    Case("SUP-YEAR", remove=SUPPORT_BASE[0], hard=False, build=support_instance, base=SUPPORT_BASE),
    # B1-s-0 learned at L in 2024: back in 2026 leaves one year at home, two asked
    Case("REST-YEAR", add=Assignment("B1-s-0", LEARN, "L", START), profile={"rest_years": 2}),
    # born June 1971: 55 in June 2026 plus the 2025 rise (5 months) — retires in 2026–2027
    Case(
        "RETIRE",
        remove=R1,
        add=replace(R1, teacher_id="L-old"),
        build=lambda **kw: base_instance(
            extra=(replace(small("L-old", "L", backbone=True), birth_date=dt.date(1971, 6, 1)),),
            **kw,
        ),
    ),
    Case("TERM-2Y", add=Assignment("L-s-4", ROT, "B1", START)),  # third year away in a row
    Case("IND-LEAD", remove=I1, hard=False),
    Case("IND-MENTOR", remove=I1, add=replace(I1, partner="L-s-2")),  # not a backbone
    Case("SHD-LEN", remove=A_C1, add=replace(A_C1, slot=10)),  # autumn 2026 has 7 slots
    Case("SHD-CAP", remove=A_C1, add=replace(A_C1, slot=1), profile={"cadre_cap": 1}),
    Case("SHD-COOL", add=Assignment("B1-s-1", SHD, "L", START, AUT, 4)),  # shadowed a year ago
    Case("SHD-VETO", add=Assignment("B1-s-2", SHD, "L", START, SPR, 4)),
    Case("SHD-EACH-SEM", remove=A_C2, hard=False),
    Case("GUIDE-SIX", remove=G_B1_SPR, hard=False),  # B1 misses 送教下乡 in 2026
    # no cooperation visit in the autumn (002 plan 4 每学期不得低于…次)
    Case("GUIDE-COOP", remove=COOP_BASE[0], build=coop_instance, base=COOP_BASE),
    Case("GUIDE-LEN", remove=G_B1_SPR, add=replace(G_B1_SPR, slot=10)),  # spring 2027 has 7
    Case("GUIDE-CAP", remove=G_A_AUT, add=replace(G_A_AUT, teacher_id="L-s-2")),  # no backbone
    # M2-y names Lb0 as partner, who names M1-y; Lb1 is left without a partner naming him
    Case(
        "SWAP-EQ",
        remove=SWAP_BASE[3],
        add=replace(SWAP_BASE[3], partner="Lb0"),
        build=swap_instance,
        base=SWAP_BASE,
    ),
    # the lead's cadre names another partner than the branch's cadre who names her
    Case(
        "CADRE-EX",
        remove=EXCHANGE_BASE[0],
        add=replace(EXCHANGE_BASE[0], partner="A-c0"),
        build=exchange_instance,
        base=EXCHANGE_BASE,
    ),
    # no exchange at all in the year (the minimum, soft)
    Case("CADRE-EX", remove=EXCHANGE_BASE, hard=False, build=exchange_instance, base=EXCHANGE_BASE),
    # L keeps 5 small-grade teachers for 5 → 2.5 classes' worth; a second rotation leaves 4
    Case(
        "STAFF-CLASS", add=Assignment("L-s-2", ROT, "B1", START), profile={"teachers_per_class": 5}
    ),
    Case("AWAY-SLOT", add=Assignment("A-s-1", SHD, "L", START, AUT, 3)),  # A-s-0 is away then
    Case("ONE-PLACE", remove=G_A_AUT, add=replace(G_A_AUT, teacher_id="L-s-0")),  # on rotation
    # M-1 takes part in nothing in 2026–2027
    Case("COVER-3Y", remove=COVER_BASE[3], hard=False, build=cover_instance, base=COVER_BASE),
    Case("PIN", add=Assignment("L-s-3", ROT, "B1", START)),  # forbidden pin
]


def broken(report: Report) -> set[str]:
    return {r.rule.id for r in report.rules if r.violations}


def failing(report: Report) -> set[str]:
    return {r.rule.id for r in report.rules if r.status == "failed"}


def test_every_rule_has_a_mutation_case() -> None:
    # A rule dropped from the verifier (or added to the catalogue unchecked) fails here.
    assert {c.rule_id for c in CASES} == set(RULE_BY_ID)


def test_every_rule_is_reported() -> None:
    # ROT-PER-GRADE and SWAP-EQ report their hard part first, then their minimum.
    report = verify(base_instance(), BASE)
    doubled = {r.id for r in RULES if r.parts}
    assert doubled == {"ROT-PER-GRADE", "SWAP-EQ", "CADRE-EX"}
    assert [r.rule.id for r in report.rules] == [
        rule_id for r in RULES for rule_id in [r.id] * (1 + (r.id in doubled))
    ]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.rule_id}-{'hard' if c.hard else 'soft'}")
def test_rule_passes_valid_and_catches_mutation(case: Case) -> None:
    inst = case.build(**case.profile)
    valid, mutated = case.schedules()
    good = verify(inst, valid)
    assert good.ok and not broken(good), [v.message for r in good.rules for v in r.violations]
    bad = verify(inst, mutated)
    assert broken(bad) == {case.rule_id}, [v.message for r in bad.rules for v in r.violations]
    assert bad.ok is not case.hard
    assert all(v.rule_id == case.rule_id and v.message for r in bad.rules for v in r.violations)


@pytest.mark.parametrize(
    ("remove", "add", "rule_id", "says"),
    [
        # a teacher the roster does not know
        (None, Assignment("ghost", SHD, "L", START, AUT, 5), "ONE-PLACE", "unknown teacher"),
        # a host the roster does not know
        (None, Assignment("B1-s-0", SHD, "X", START, AUT, 5), "ONE-PLACE", "unknown host"),
        # a year outside the one-year plan
        (None, Assignment("B1-s-0", SHD, "L", START + 1, AUT, 5), "ONE-PLACE", "outside the plan"),
        # a teacher unavailable that year
        (None, Assignment("A-s-9", SHD, "L", START, SPR, 5), "ONE-PLACE", "unavailable"),
        # a guidance visit outside the plan fails GUIDE-LEN ("a planned year"), not ONE-PLACE
        (None, replace(G_A_AUT, year=START + 1), "GUIDE-LEN", "outside the plan"),
        # exchanges never cross groups
        (None, Assignment("B1-s-0", SHD, "HL", START, AUT, 5), "ROT-PAIRS", "never across"),
        # shadowing is at the lead
        (None, Assignment("B1-s-0", SHD, "A", START, AUT, 5), "ROT-PAIRS", "at the lead"),
        # lead staff do not shadow at home
        (None, Assignment("L-s-2", SHD, "L", START, AUT, 5), "ROT-PAIRS", "own home"),
        # guidance comes from the lead's cadres or backbones (and carries an item)
        (None, Assignment("B1-s-0", GUIDE, "A", START, AUT, 5), "GUIDE-CAP", "backbone or cadre"),
        # guidance goes to a member of the lead's own group, never to the lead itself
        (G_A_AUT, replace(G_A_AUT, host_kg="HL"), "GUIDE-CAP", "not a member of group G"),
        (G_A_AUT, replace(G_A_AUT, host_kg="L"), "GUIDE-CAP", "not a member of group G"),
        # swaps exist only when a profile turns SWAP-EQ on
        (None, Assignment("L-s-2", SWAP, "B1", START, partner="B1-s-0"), "ROT-PAIRS", "SWAP-EQ"),
        # in a tight group a branch does not rotate to... itself
        (None, Assignment("B1-s-0", ROT, "B1", START), "ROT-PAIRS", "own home"),
        # induction without a mentor
        (I1, replace(I1, partner=None), "IND-MENTOR", "no mentor"),
        # mentor not in the roster
        (I1, replace(I1, partner="ghost"), "IND-MENTOR", "not in the roster"),
        # mentor away on rotation that year
        (I1, replace(I1, partner="L-s-0"), "IND-MENTOR", "not the lead's own staff"),
        # induction of a teacher who is not new
        (None, Assignment("B1-s-0", IND, "L", START), "IND-MENTOR", "not a new teacher"),
        # induction away from the lead (IND-LEAD, soft, also counts the missing one)
        (I1, replace(I1, host_kg="A"), "IND-MENTOR", "induction is at the lead"),
    ],
)
def test_malformed_assignment_fails_under_closest_rule(
    remove: Assignment | None, add: Assignment, rule_id: str, says: str
) -> None:
    inst = base_instance(extra=(small("A-s-9", "A", unavailable=[START]),))
    schedule = [a for a in BASE if a != remove] + [add]
    report = verify(inst, schedule)
    assert failing(report) == {rule_id}
    messages = [v.message for v in report.failures]
    assert any(says in m for m in messages), messages


def test_mentor_capacity() -> None:
    extra = (small("B1-new2", "B1", hired=START), small("L-s-9", "L", backbone=True))
    inst = base_instance(extra=extra)
    second = Assignment("B1-new2", IND, "L", START, partner="L-s-1")
    report = verify(inst, [*BASE, second])
    assert failing(report) == {"IND-MENTOR"}
    assert "mentor L-s-1 takes 2 new teachers in 2026" in report.failures[0].message
    # Each new teacher with her own backbone mentor is fine.
    assert verify(inst, [*BASE, replace(second, partner="L-s-9")]).ok


def test_rot_per_grade_reports_max_and_min_parts_separately() -> None:
    inst = base_instance(max_per_grade=1)
    report = verify(inst, [a for a in BASE if a != R1])
    parts = [r for r in report.rules if r.rule.id == "ROT-PER-GRADE"]
    assert [(p.severity, p.rule.text.split("(")[-1]) for p in parts] == [
        (Severity.HARD, "max part)"),
        (Severity.SOFT, "min part)"),
    ]
    assert [v.message for v in parts[1].violations] == [
        "L small 2026: 0 of 1 backbone sent (2 eligible)"
    ]
    assert report.ok and report.terms["penalty:ROT-PER-GRADE"] == -1
    # The min part turned hard fails the schedule; turned off, neither part is checked.
    for severity, ok in ((Severity.HARD, False), (Severity.OFF, True)):
        prof = replace(inst.profile, rules={"ROT-PER-GRADE": RuleSetting(severity, 30)})
        report = verify(replace(inst, profile=prof), [a for a in BASE if a != R1])
        assert report.ok is ok
        assert "penalty:ROT-PER-GRADE" not in report.terms


def test_no_eligible_backbone_means_no_shortfall() -> None:
    # B1 has no backbone: it sends nobody and owes nothing; L's only backbones unavailable too.
    inst = base_instance()
    teachers = [
        replace(t, unavailable=frozenset({START})) if t.backbone else t for t in inst.teachers
    ]
    roster = replace(inst.roster, teachers=tuple(teachers))
    # the mentor and guide L-s-1 is unavailable too
    schedule = [a for a in BASE if a not in (R1, I1, G_A_AUT, G_A_SPR)]
    report = verify(replace(inst, roster=roster), schedule)
    [_, min_part] = [r for r in report.rules if r.rule.id == "ROT-PER-GRADE"]
    assert min_part.status == "passed" and report.ok


def history_instance(*history: HistoryRecord) -> Instance:
    """Tight group L (5), B1 (3), B2 (2), three years from START."""
    kgs = [kg("L", Role.LEAD, 5), kg("B1", Role.BRANCH, 3), kg("B2", Role.BRANCH, 2)]
    teachers = [
        small("T", "L", backbone=True),
        *(small(f"{k}-{i}", k) for k in ("L", "B1", "B2") for i in range(3)),
    ]
    return instance(kgs, teachers, history=history, years=3)


def rule_messages(report: Report, rule_id: str) -> list[str]:
    return [v.message for r in report.rules if r.rule.id == rule_id for v in r.violations]


def test_history_two_years_away_blocks_first_planned_year() -> None:
    inst = history_instance(HistoryRecord("T", ROT, "B1", dt.date(2024, 9, 1), dt.date(2026, 7, 1)))
    [message] = rule_messages(verify(inst, [Assignment("T", ROT, "B1", START)]), "TERM-2Y")
    assert "away 3 consecutive years 2024–2026" in message
    # After a year back home she may go again, to any host.
    assert not rule_messages(verify(inst, [Assignment("T", ROT, "B2", START + 1)]), "TERM-2Y")


def test_history_one_year_away_continues_only_at_same_host() -> None:
    inst = history_instance(HistoryRecord("T", ROT, "B1", dt.date(2025, 9, 1), dt.date(2026, 7, 1)))
    assert not rule_messages(verify(inst, [Assignment("T", ROT, "B1", START)]), "TERM-2Y")
    [moved] = rule_messages(verify(inst, [Assignment("T", ROT, "B2", START)]), "TERM-2Y")
    assert "changes host" in moved
    third = [Assignment("T", ROT, "B1", START), Assignment("T", ROT, "B1", START + 1)]
    [long] = rule_messages(verify(inst, third), "TERM-2Y")
    assert "away 3 consecutive years 2025–2027" in long


def test_planned_run_longer_than_term() -> None:
    inst = history_instance()
    plan = [Assignment("T", ROT, "B1", y) for y in inst.horizon.year_list]
    assert len(rule_messages(verify(inst, plan), "TERM-2Y")) == 1
    assert not rule_messages(verify(inst, plan[:2]), "TERM-2Y")


@pytest.mark.parametrize(
    ("shadowed", "year", "semester", "blocked"),
    [
        (dt.date(2025, 10, 1), START, AUT, True),  # one year ago: 2 semesters apart
        (dt.date(2025, 10, 1), START, SPR, True),  # 3 semesters apart
        (dt.date(2025, 10, 1), START + 1, AUT, False),  # 4 semesters = 2 years apart
        (dt.date(2025, 3, 1), START, SPR, False),  # spring of year 2024 → of 2026: 4 apart
        (dt.date(2026, 1, 10), START + 1, AUT, False),  # January is autumn of year 2025: 4 apart
    ],
)
def test_history_shadowing_cooldown(
    shadowed: dt.date, year: int, semester: Semester, blocked: bool
) -> None:
    inst = history_instance(HistoryRecord("B1-0", SHD, "L", shadowed))
    report = verify(inst, [Assignment("B1-0", SHD, "L", year, semester, 1)])
    assert bool(rule_messages(report, "SHD-COOL")) is blocked


def test_planned_shadowing_cooldown() -> None:
    inst = history_instance()
    first = Assignment("B1-0", SHD, "L", START, AUT, 1)
    assert rule_messages(verify(inst, [first, replace(first, year=START + 1, slot=2)]), "SHD-COOL")
    assert not rule_messages(
        verify(inst, [first, replace(first, year=START + 2, slot=2)]), "SHD-COOL"
    )


def objective_instance(**profile_changes: Any) -> Instance:
    """Two groups: G1 tight (L1 5, Ba 3, Bb 2), G2 loose (L2 5, M1 4, M2 1, affiliate AF 1)."""
    kgs = [
        kg("L1", Role.LEAD, 5, SMALL_ONLY, group="G1"),
        kg("Ba", Role.BRANCH, 3, SMALL_ONLY, group="G1"),
        kg("Bb", Role.BRANCH, 2, SMALL_ONLY, group="G1"),
        kg("L2", Role.LEAD, 5, SMALL_ONLY, group="G2"),
        kg("M1", Role.MEMBER, 4, SMALL_ONLY, group="G2"),
        kg("M2", Role.MEMBER, 1, SMALL_ONLY, group="G2"),
        kg("AF", Role.AFFILIATE, 1, SMALL_ONLY, group="G2"),
    ]
    backbones = {"L1-0", "L1-1", "Ba-0", "L2-0", "M1-0", "M2-0"}
    sizes = {"L1": 4, "Ba": 3, "Bb": 2, "L2": 3, "M1": 3, "M2": 3, "AF": 2}
    teachers = [
        small(f"{k}-{i}", k, backbone=f"{k}-{i}" in backbones)
        for k, n in sizes.items()
        for i in range(n)
    ]
    teachers = [
        replace(t, preferred_hosts=("Bb",)) if t.teacher_id == "L1-1" else t for t in teachers
    ]
    teachers.append(cadre("M1-c", "M1"))
    history = (
        HistoryRecord("L1-0", ROT, "Bb", dt.date(2024, 9, 1), dt.date(2025, 7, 10)),
        HistoryRecord("M1-c", SHD, "L2", dt.date(2023, 10, 15)),
    )
    roster = Roster(tuple(kgs), tuple(teachers), history, (("L1", "Ba", 3.4), ("L1", "Bb", 2.6)))
    profile = replace(load_profile("default"), **profile_changes)
    return Instance.create(roster, profile, START, 1)


OBJECTIVE = -210  # test_objective_terms_by_hand
OBJECTIVE_PLAN = [
    Assignment("L1-0", ROT, "Ba", START),
    Assignment("L1-1", ROT, "Bb", START),
    Assignment("Ba-0", LEARN, "L1", START),  # to a stronger kindergarten: learning
    Assignment("L2-0", ROT, "M2", START),
    Assignment("M1-0", ROT, "M2", START),
    Assignment("M1-c", SHD, "L2", START, AUT, 1),
]


def test_objective_terms_by_hand() -> None:
    terms, total = evaluate(objective_instance(), OBJECTIVE_PLAN)
    assert terms == {
        "uplift": 2 + 3 + 4 + 3,  # (home - host tier)+ per rotation (support)
        "fairness": 1 + 0,  # G1 branches host 1 and 1; G2 members 0 (M1) and 2 (M2)
        "spread": -(3 - 1) - (3 - 2),  # L1-0 last away 2024, M1-c shadowed 2023; cap 3
        "commute": -(3 + 3 + 3),  # 3.4 km twice (symmetric) and 2.6 km; G2 has no distances
        "preference": 1,  # L1-1 prefers Bb
        "stability": 0,  # no previous plan to keep
        "penalty:ROT-PER-GRADE": -1,  # M2 has a backbone and sends none
        "penalty:SUP-YEAR": -2,  # M1 (4) and the affiliate AF (guidance could go) get nothing
        "penalty:IND-LEAD": 0,
        "penalty:SHD-EACH-SEM": -5,  # Ba ×2, M1 spring, M2 ×2; Bb and AF have no candidate
        "penalty:CADRE-EX": 0,  # G1's lead has no cadre to exchange; G2 is loose
        "penalty:GUIDE-SIX": -30,  # no guidance: 5 members (Ba, Bb, M1, M2, AF) × 6 items
    }
    assert total == (
        10 * 12 + 20 * 1 + 2 * -3 + 1 * -9 + 5 * 1 + 30 * -1 + 40 * -2 + 10 * -5 + 6 * -30
    )
    report = verify(objective_instance(), OBJECTIVE_PLAN)
    assert report.ok and report.terms == terms and report.objective == total == OBJECTIVE


def test_stability_counts_changes_against_the_previous_plan() -> None:
    # A visit in another slot, or a different host, is a change: the previous one is not
    # kept and the new one is added (issue 12). Without a previous plan: 0.
    moved = [replace(a, slot=a.slot + 1) if a.slot else a for a in OBJECTIVE_PLAN]
    elsewhere = replace(OBJECTIVE_PLAN[0], host_kg="Bb")
    inst = replace(objective_instance(), previous=(*moved, elsewhere))
    terms, total = evaluate(inst, OBJECTIVE_PLAN)
    visits = sum(a.slot is not None for a in OBJECTIVE_PLAN)
    assert visits == 1 and terms["stability"] == -(2 * visits + 1)
    assert total == OBJECTIVE + inst.profile.stability * terms["stability"]
    same = replace(objective_instance(), previous=OBJECTIVE_PLAN)
    assert evaluate(same, OBJECTIVE_PLAN)[0]["stability"] == 0
    assert evaluate(same, OBJECTIVE_PLAN[1:])[0]["stability"] == -1
    # teachers no longer on the roster, and years no longer planned, are not the new plan's
    departed = replace(OBJECTIVE_PLAN[0], teacher_id="nobody")
    later = replace(OBJECTIVE_PLAN[0], year=START + 1)  # the plan covers START only
    left = replace(objective_instance(), previous=(*OBJECTIVE_PLAN, departed, later))
    assert evaluate(left, OBJECTIVE_PLAN)[0]["stability"] == 0
    # a group the previous plan has nothing of has nothing to keep (G2: L2, M1, M2)
    g1 = replace(objective_instance(), previous=tuple(OBJECTIVE_PLAN[:3]))
    assert evaluate(g1, OBJECTIVE_PLAN)[0]["stability"] == 0


def test_zero_weight_term_is_kept_but_adds_nothing() -> None:
    terms, total = evaluate(objective_instance(commute=0), OBJECTIVE_PLAN)
    assert terms["commute"] == -9 and total == OBJECTIVE + 9


def test_off_rule_is_not_checked() -> None:
    inst = base_instance()
    prof = replace(inst.profile, rules={"SHD-VETO": RuleSetting(Severity.OFF, 0)})
    report = verify(
        replace(inst, profile=prof), [*BASE, Assignment("B1-s-2", SHD, "L", START, SPR, 4)]
    )
    [veto] = [r for r in report.rules if r.rule.id == "SHD-VETO"]
    assert veto.status == "off" and not veto.violations and report.ok
    # SWAP-EQ and COVER-3Y are off by default: both SWAP-EQ parts too, and no penalty terms.
    default_off = [r for r in report.rules if r.rule.id in ("SWAP-EQ", "COVER-3Y")]
    assert [r.status for r in default_off] == ["off"] * 3
    assert not {"penalty:SWAP-EQ", "penalty:COVER-3Y"} & set(report.terms)


def test_fixed_pin_missing() -> None:
    report = verify(base_instance(), [a for a in BASE if a != A_C1])
    assert failing(report) == {"PIN"}
    assert "fixed but missing: A-c1 shadowing at L in 2026 autumn" in report.failures[0].message


def test_large_roster_verifies() -> None:
    # 3,000 kindergartens, 60,000 teachers, 32,400 assignments (its time: bench, not here).
    kgs, teachers, plan = [], [], []
    grades = (Grade.SMALL, Grade.MIDDLE, Grade.LARGE)
    horizon = instance([kg("L", Role.LEAD, 5)], [], years=3).horizon
    slots = min(horizon.slot_count(*semester) for semester in horizon.semesters)
    for g in range(300):
        roles = [Role.LEAD] + [Role.BRANCH] * 9
        for j, role in enumerate(roles):
            kid = f"g{g}k{j}"
            kgs.append(kg(kid, role, 5 if j == 0 else 3, (2, 2, 2, 0), group=f"g{g}"))
            for grade in (Grade.SMALL, Grade.MIDDLE, Grade.LARGE):
                for i in range(6):
                    teachers.append(teacher(f"{kid}{grade.value}{i}", kid, grade, backbone=i == 0))
            teachers += [cadre(f"{kid}c{i}", kid) for i in range(2)]
            for y in range(3 if j else 0):  # each branch: a rotation to the lead, three visits
                lead = f"g{g}k0"
                plan.append(Assignment(f"{kid}small{y}", LEARN, lead, START + y))
                slot = 1 + (j - 1) % slots
                plan.append(Assignment(f"{kid}c{y % 2}", SHD, lead, START + y, AUT, slot))
                plan.append(Assignment(f"{kid}middle{y + 1}", SHD, lead, START + y, SPR, slot))
                guide = f"{lead}{grades[j % 3].value}0"  # the lead's backbones, 3 visits a year
                visit = Assignment(guide, GUIDE, kid, START + y, AUT, slot, items=(SIX_ITEMS[y],))
                plan.append(visit)
    inst = instance(kgs, teachers, years=3, profile=profile(learn_host_cap=9))
    report = verify(inst, plan)
    assert len(inst.teachers) == 60_000 and len(plan) == 32_400
    assert report.ok
    # Middle/large send nobody, spring visitors are no backbones,
    # each branch gets one of the six guidance items a year.
    assert {v.rule_id for v in report.shortfalls} == {
        "CADRE-EX",  # nobody exchanges cadres
        "ROT-PER-GRADE",
        "SHD-EACH-SEM",
        "GUIDE-SIX",
    }
    assert len(rule_messages(report, "GUIDE-SIX")) == 300 * 9 * 3 * 5


def guide(tid: str, host: str, semester: Semester, slot: int, item: str | None) -> Assignment:
    return Assignment(tid, GUIDE, host, START, semester, slot, items=(item,) if item else ())


def test_guidance_item_given_by_chinese_name_counts() -> None:
    # BASE names 专题讲座 and 送教下乡 by their Chinese part alone for one visit each.
    report = verify(base_instance(), BASE)
    [six] = [r for r in report.rules if r.rule.id == "GUIDE-SIX"]
    assert six.status == "passed" and report.terms["penalty:GUIDE-SIX"] == 0
    # An English-only name is neither: the item counts as missing and the visit is malformed.
    renamed = [replace(a, items=("lecture",)) if a == G_B1_AUT else a for a in BASE]
    report = verify(base_instance(), renamed)
    assert rule_messages(report, "GUIDE-SIX") == [
        "B1 2026: no guidance visit brings 专题讲座 lecture (每学年“六个一”)"
    ]
    assert report.terms["penalty:GUIDE-SIX"] == -1
    assert failing(report) == {"GUIDE-CAP"}


@pytest.mark.parametrize(
    ("changes", "add", "rule_id", "says"),
    [
        # the same item twice to B1: once by its Chinese part (BASE), once in full
        (
            {},
            [guide("L-s-1", "B1", SPR, 6, "专题讲座 lecture")],
            "GUIDE-CAP",
            "B1 2026: 2 guidance visits bring 专题讲座 lecture",
        ),
        # a name that is neither an item nor its Chinese part
        ({}, [guide("L-s-1", "B1", SPR, 6, "讲座")], "GUIDE-CAP", "not one of the profile's"),
        # no item at all
        ({}, [guide("L-s-1", "B1", SPR, 6, None)], "GUIDE-CAP", "no guidance item"),
        # four visits to B1 in autumn: six items allow ceil(6 / 2) = 3 a semester
        (
            {},
            [
                guide("L-s-1", "B1", AUT, 5, "环境创设指导"),
                guide("L-s-1", "B1", AUT, 6, "区域活动指导"),
                guide("L-cadre", "B1", AUT, 7, "教研活动指导"),
            ],
            "GUIDE-CAP",
            "4 guidance visits, more than 3 a semester",
        ),
        # two visits to B1 in one slot
        (
            {},
            [guide("L-s-1", "B1", AUT, 2, "环境创设指导")],
            "GUIDE-CAP",
            "2 guidance visits at once",
        ),
        # the lead may have one person out on guidance per slot; L-s-1 is at A in autumn slot 4
        (
            {"guide_slot_cap": 1},
            [guide("L-cadre", "B1", AUT, 4, "环境创设指导")],
            "GUIDE-CAP",
            "L 2026 autumn slot 4: 2 staff out on guidance, more than guide_slot_cap=1",
        ),
        # a person makes at most guide_max_per_year visits
        (
            {"guide_max_per_year": 2},
            [guide("L-cadre", "A", AUT, 5, "环境创设指导")],
            "GUIDE-CAP",
            "L-cadre makes 3 guidance visits in 2026, more than guide_max_per_year=2",
        ),
        # 怀远 团队进驻: cadres only, so the backbone L-s-1's two visits fail
        (
            {"guide_staff": "cadre"},
            [],
            "GUIDE-CAP",
            "guidance is by a cadre whose home is the lead",
        ),
        # one teacher, two short visits in one slot (L-cadre's two autumn visits are fine)
        (
            {},
            [guide("L-cadre", "A", AUT, 2, "环境创设指导")],
            "ONE-PLACE",
            "L-cadre has 2 short visits in 2026 autumn slot 2; at most one a slot",
        ),
        # shadowing twice in one semester (no cooldown, so SHD-COOL stays quiet)
        (
            {"cooldown_years": 0},
            [Assignment("B1-c1", SHD, "L", START, AUT, 5)],
            "ONE-PLACE",
            "B1-c1 shadows 2 times in 2026 autumn; at most once a semester",
        ),
    ],
)
def test_short_visit_limits(
    changes: dict[str, Any], add: list[Assignment], rule_id: str, says: str
) -> None:
    inst = base_instance(guide_items=SIX_ITEMS, **changes)
    report = verify(inst, [*BASE, *add])
    assert failing(report) == {rule_id}
    messages = [v.message for v in report.failures]
    assert any(says in m for m in messages), messages


def swap_messages(report: Report) -> list[str]:
    return rule_messages(report, "SWAP-EQ")


@pytest.mark.parametrize(
    ("schedule", "fails", "says"),
    [
        # the lead's side is a backbone
        ([*pair("L-2", "M1-y", "M1"), *SWAP_BASE[2:]], {"SWAP-EQ"}, "is a backbone teacher"),
        # the member's side is young: M1-o is 36 on 1 September 2026
        ([*pair("Lb0", "M1-o", "M1"), *SWAP_BASE[2:]], {"SWAP-EQ"}, "not a young teacher"),
        # affiliates take no part
        ([*pair("Lb0", "AF-y", "AF"), *SWAP_BASE[2:]], {"SWAP-EQ"}, "affiliates (加盟园) do not"),
        # the member teaches the pair's grade
        ([*pair("Lb0", "M3-y", "M3"), *SWAP_BASE[2:]], {"SWAP-EQ"}, "M3 has no classes of small"),
        # cadres do not swap (and M1 is then a teacher short)
        (
            [*pair("L-c", "M1-y", "M1"), *SWAP_BASE[2:]],
            {"SWAP-EQ", "STAFF-CLASS"},
            "cadres do not swap",
        ),
        # a member's teacher goes to the lead, not to another member
        (
            [SWAP_BASE[0], replace(SWAP_BASE[1], host_kg="M2"), *SWAP_BASE[2:]],
            {"SWAP-EQ"},
            "a member's teacher swaps to the lead L",
        ),
        # partners come from each other's kindergarten (else M2 is a teacher short)
        (
            [
                Assignment("Lb0", SWAP, "M1", START, partner="M2-y"),
                Assignment("M2-y", SWAP, "L", START, partner="Lb0"),
                *pair("Lb1", "M1-y", "M1"),
            ],
            {"SWAP-EQ", "STAFF-CLASS"},
            "partner M2-y is not from the host M1",
        ),
        # each side names its partner
        (
            [replace(SWAP_BASE[0], partner=None), *SWAP_BASE[1:]],
            {"SWAP-EQ"},
            "partner Lb0 has no swap in 2026 naming M1-y",
        ),
        (
            [replace(SWAP_BASE[0], partner="ghost"), *SWAP_BASE[1:]],
            {"SWAP-EQ"},
            "not in the roster",
        ),
    ],
)
def test_swap_pairs_part(schedule: list[Assignment], fails: set[str], says: str) -> None:
    report = verify(swap_instance(), schedule)
    assert failing(report) == fails
    assert any(says in m for m in swap_messages(report)), swap_messages(report)


def test_swap_minimum_is_the_only_soft_part() -> None:
    one_pair = list(SWAP_BASE[:2])
    report = verify(swap_instance(swap=Severity.SOFT), one_pair)
    parts = [r for r in report.rules if r.rule.id == "SWAP-EQ"]
    assert [(p.severity, p.rule.text.split("(")[-1]) for p in parts] == [
        (Severity.HARD, "pairs part)"),
        (Severity.SOFT, "min part)"),
    ]
    assert [v.message for v in parts[1].violations] == [
        "L 2026: 1 of 2 lead teachers on swap (每年至少选派2名骨干教师置换交流)"
    ]
    assert report.ok and report.terms["penalty:SWAP-EQ"] == -1 and report.objective == -30
    # Hard (青铜峡) the same shortfall fails; with Lb1 unavailable one pair is enough.
    assert failing(verify(swap_instance(), one_pair)) == {"SWAP-EQ"}
    inst = swap_instance()
    teachers = tuple(
        replace(t, unavailable=frozenset({START})) if t.teacher_id == "Lb1" else t
        for t in inst.teachers
    )
    assert verify(replace(inst, roster=replace(inst.roster, teachers=teachers)), one_pair).ok


def test_swap_run_cut_by_plan_end_passes() -> None:
    # swap_years is the longest agreed run (交流年限…商定); where a profile fixes it, a
    # shorter run is refused unless the plan ends.
    fixed = swap_instance(years=3, swap_years=2, swap_min=1, swap_fixed=True)
    plan = [
        *pair("Lb0", "M1-y", "M1", START),
        *pair("Lb0", "M1-y", "M1", START + 1),
        *pair("Lb1", "M2-y", "M2", START + 2),  # one year: the plan ends
    ]
    report = verify(fixed, plan)
    assert report.ok and not swap_messages(report)
    # A one-year swap where the plan goes on is too short, for both partners.
    early = [
        *pair("Lb0", "M1-y", "M1", START),
        *pair("Lb1", "M2-y", "M2", START + 1),
        *pair("Lb1", "M2-y", "M2", START + 2),
    ]
    assert swap_messages(verify(fixed, early)) == [
        f"{tid} swaps in 2026 (1 years, history included); a swap lasts swap_years=2 "
        "(交流年限由牵头校和成员校商定)"
        for tid in ("Lb0", "M1-y")
    ]
    # Not fixed: the one-year swap is within the agreed two.
    agreed = swap_instance(years=3, swap_years=2, swap_min=1)
    assert not swap_messages(verify(agreed, early))


def test_swap_run_keeps_host_and_partner_and_length() -> None:
    # swap_years = 1: two swaps in a row are one run of two years, even with the same pair.
    inst = swap_instance(years=2, swap_min=1)
    twice = [*pair("Lb0", "M1-y", "M1", START), *pair("Lb0", "M1-y", "M1", START + 1)]
    assert swap_messages(verify(inst, twice)) == [
        f"{tid} swaps in 2026–2027 (2 years, history included); a swap lasts at most "
        "swap_years=1 (交流年限由牵头校和成员校商定)"
        for tid in ("Lb0", "M1-y")
    ]
    # swap_years = 2: Lb0 may not move on to M2 (nor change partner) in the second year.
    inst = swap_instance(years=2, swap_min=1, swap_years=2)
    moved = [*pair("Lb0", "M1-y", "M1", START), *pair("Lb0", "M2-y", "M2", START + 1)]
    messages = swap_messages(verify(inst, moved))
    assert "Lb0 changes host or partner within the swap 2026–2027" in messages


def test_swap_begun_in_the_history_counts_its_years() -> None:
    # Lb0 swapped to M1 in 2025: a 2026 swap continues that run (2 years, of at most 2);
    # a third year, or another host, is refused.
    past = (HistoryRecord("Lb0", SWAP, "M1", dt.date(2025, 9, 1), dt.date(2026, 7, 10)),)
    inst = replace(
        swap_instance(years=2, swap_min=1, swap_years=2),
        roster=replace(swap_instance().roster, history=past),
    )
    assert not [
        m for m in swap_messages(verify(inst, pair("Lb0", "M1-y", "M1", START))) if "Lb0" in m
    ]
    longer = [*pair("Lb0", "M1-y", "M1", START), *pair("Lb0", "M1-y", "M1", START + 1)]
    assert any("Lb0 swaps in 2025–2027 (3 years" in m for m in swap_messages(verify(inst, longer)))
    elsewhere = swap_messages(verify(inst, pair("Lb0", "M2-y", "M2", START)))
    assert "Lb0 changes host or partner within the swap 2025–2026" in elsewhere


def uncovered(report: Report) -> set[tuple[str | None, int | None]]:
    """(teacher, last year of the window) of every COVER-3Y violation."""
    return {
        (v.teacher_id, v.year)
        for r in report.rules
        if r.rule.id == "COVER-3Y"
        for v in r.violations
    }


LOOK_BACK = (HistoryRecord("M-1", SHD, "L", dt.date(2024, 10, 8)),)  # the group's history: 2024


def test_cover_window_looks_back_into_history() -> None:
    # Without history 3-year windows start at the plan start: none ends in a 2-year plan.
    assert not uncovered(verify(cover_instance(cover_years=3), []))
    # With history from 2024 the windows are 2024–2026 and 2025–2027. M-1's 2024 visit covers the
    # first; L-c1 (2027 only) misses the first, M-1 (nothing planned) the second.
    report = verify(cover_instance(cover_years=3, history=LOOK_BACK), COVER_BASE[:3])
    assert uncovered(report) == {("L-c1", 2026), ("M-1", 2027)}
    assert "L-c1 takes part in no exchange in 2024–2026" in rule_messages(report, "COVER-3Y")[0]
    assert report.ok and report.terms["penalty:COVER-3Y"] == -2


def test_cover_window_starts_at_hire_year() -> None:
    hires = (small("M-new", "M", hired=START), small("M-late", "M", hired=START + 1))
    inst = cover_instance(years=3, cover_years=3, history=LOOK_BACK, extra=hires)
    found = uncovered(verify(inst, []))
    # M-new's only window is 2026–2028; M-late's first (2027–2029) ends after the plan.
    assert {(t, y) for t, y in found if t in ("M-new", "M-late")} == {("M-new", 2028)}
    assert {y for t, y in found if t == "M-0"} == {2026, 2027, 2028}


def test_cover_window_exempt_when_unavailable_throughout() -> None:
    away = (
        small("M-away", "M", unavailable=[START, START + 1]),
        small("M-half", "M", unavailable=[START]),
    )
    report = verify(cover_instance(extra=away), COVER_BASE)
    assert uncovered(report) == {("M-half", START + 1)}


@pytest.mark.parametrize(
    ("born", "gender", "retires"),
    [
        (dt.date(1969, 12, 1), None, dt.date(2024, 12, 1)),  # 55 before 2025: no rise
        (dt.date(1970, 1, 1), None, dt.date(2025, 2, 1)),  # first month of the rise: +1
        (dt.date(1971, 6, 1), Gender.FEMALE, dt.date(2026, 11, 1)),  # 17 months in: +5
        (dt.date(1966, 1, 1), Gender.MALE, dt.date(2026, 5, 1)),  # 60 in Jan 2026: +4
        (dt.date(1990, 1, 1), Gender.FEMALE, dt.date(2048, 1, 1)),  # the full three years
    ],
)
def test_retirement_follows_the_2025_rise(
    born: dt.date, gender: Gender | None, retires: dt.date
) -> None:
    inst = base_instance()
    t = replace(small("x", "L"), birth_date=born, gender=gender)
    assert retirement(inst, t) == retires
    # without the rise, the plain statutory ages
    plain = replace(inst, profile=replace(inst.profile, retire_delay=False))
    age = 60 if gender is Gender.MALE else 55
    assert retirement(plain, t) == dt.date(born.year + age, born.month, 1)
