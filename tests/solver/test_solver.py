"""The CP-SAT formulation: one tiny solve per rule family, asserting the exact optimum or the
binding effect; every schedule is re-checked by the independent verifier, whose objective must
equal the solver's."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from conftest import START, instance, kg, profile, solved, staff, teacher

from kgrota.model import (
    Activity,
    Assignment,
    Grade,
    GroupResult,
    HistoryRecord,
    Instance,
    Pin,
    Role,
    Semester,
    SolveStatus,
    Teacher,
    load_profile,
)
from kgrota.model.generate import generate
from kgrota.model.verify import evaluate, verify
from kgrota.solver import solve as solve_module
from kgrota.solver.cpsat import build, solve_group
from kgrota.solver.greedy import greedy
from kgrota.solver.options import SolveOptions
from kgrota.solver.solve import solve

ROT, IND, SHD = Activity.ROTATION, Activity.INDUCTION, Activity.SHADOWING
SMALL_ONLY = (1, 0, 0, 0)


def of(result: GroupResult, activity: Activity) -> list[Assignment]:
    return [a for a in result.assignments if a.activity is activity]


def small(tid: str, home: str, **kw: Any) -> Teacher:
    return teacher(tid, home, Grade.SMALL, **kw)


def lead_and_members(n: int, member_tier: int = 1) -> list[Any]:
    """A loose group: lead L (tier 5) and members M1..Mn, one small class each."""
    return [kg("L", Role.LEAD, 5, SMALL_ONLY)] + [
        kg(f"M{i}", Role.MEMBER, member_tier, SMALL_ONLY) for i in range(1, n + 1)
    ]


def test_fixtures_solve_and_verify(tight_small: Instance, loose_small: Instance) -> None:
    for inst in (tight_small, loose_small):
        result = solved(inst)
        assert of(result, ROT)
        assert result.best_bound == result.objective
        assert set(result.terms) >= {"uplift", "fairness", "spread", "commute", "preference"}


@pytest.mark.parametrize(("max_per_grade", "optimum"), [(1, 100), (2, 200)])
def test_rot_per_grade_max_binds(max_per_grade: int, optimum: int) -> None:
    # Three lead backbones, three spares: sending down pays 4 × 10 uplift per rotation-year,
    # and each member received lifts fairness (20). Only max_per_grade stops more (guidance,
    # which would keep backbones at the lead, is off).
    teachers = [small(f"L{i}", "L", backbone=i < 3) for i in range(5)]
    teachers += [small(f"M{m}-{i}", f"M{m}") for m in (1, 2) for i in range(2)]
    rules = profile(
        max_per_grade=max_per_grade, **{"GUIDE-SIX": ("off", 0), "SUP-YEAR": ("off", 0)}
    )
    inst = instance(lead_and_members(2), teachers, profile=rules)
    result = solved(inst)
    per_year = Counter(a.year for a in of(result, ROT))
    assert set(per_year.values()) == {max_per_grade}
    assert result.objective == optimum


def test_rot_per_grade_min_shortfall_follows_severity() -> None:
    # One lead backbone, three years: TERM-2Y lets her go two years running at most.
    teachers = [small("L0", "L", backbone=True), *(small(f"L{i}", "L") for i in (1, 2))]
    teachers += [small(f"M{i}", "M1") for i in range(2)]
    kgs = lead_and_members(1)
    result = solved(instance(kgs, teachers, years=3))
    assert result.terms["penalty:ROT-PER-GRADE"] == -1
    assert len(of(result, ROT)) == 2
    hard = profile(**{"ROT-PER-GRADE": ("hard", 30)})
    solved(instance(kgs, teachers, years=3, profile=hard), SolveStatus.INFEASIBLE)
    off = solved(instance(kgs, teachers, years=3, profile=profile(**{"ROT-PER-GRADE": ("off", 0)})))
    assert "penalty:ROT-PER-GRADE" not in off.terms


def test_staff_class_without_spares_needs_a_matching_incoming() -> None:
    # Exactly 2 teachers for the one class at each kindergarten: the lead backbone can only
    # go down if a member backbone comes up to learn in exchange (uplift 40 + fairness 20),
    # which also gives the weaker member its year's support (SUP-YEAR).
    quiet = profile(**{"SHD-EACH-SEM": ("off", 0), "GUIDE-SIX": ("off", 0)})
    kgs = lead_and_members(1)
    lead = [small("L0", "L", backbone=True), small("L1", "L", backbone=True)]
    swap = solved(
        instance(
            kgs,
            [*lead, small("M0", "M1", backbone=True), small("M1", "M1")],
            profile=quiet,
            years=1,
        )
    )
    away = {(a.teacher_id, a.activity, a.host_kg) for a in swap.assignments}
    assert away in (
        {("L0", ROT, "M1"), ("M0", Activity.LEARNING, "L")},
        {("L1", ROT, "M1"), ("M0", Activity.LEARNING, "L")},
    )
    assert swap.objective == 40 + 20
    # No member backbone: nobody can come up, so nobody goes down.
    stuck = solved(
        instance(kgs, [*lead, small("M0", "M1"), small("M1", "M1")], profile=quiet, years=1)
    )
    assert not of(stuck, ROT)
    assert stuck.objective == -30 - 40  # the lead's minimum per grade, and M1 unsupported


def test_term_2y_with_history() -> None:
    past = (dt.date(START - 2, 9, 1), dt.date(START, 7, 10))  # two years away, ending START - 1
    last = (dt.date(START - 1, 9, 1), dt.date(START, 7, 10))  # one year away at M1
    history = [
        HistoryRecord("A", ROT, "M2", *past),
        HistoryRecord("B", ROT, "M1", *last),
    ]
    teachers = [small("A", "L", backbone=True), small("B", "L", backbone=True)]
    teachers += [small(f"L{i}", "L") for i in range(3)]
    teachers += [small(f"M{m}-{i}", f"M{m}") for m in (1, 2) for i in range(2)]
    result = solved(instance(lead_and_members(2), teachers, history=history, years=2))
    placed = {(a.teacher_id, a.year): a.host_kg for a in of(result, ROT)}
    assert ("A", START) not in placed  # a full term just ended
    assert placed.get(("B", START)) in (None, "M1")  # continuing keeps the host
    assert ("B", START + 1) not in placed or ("B", START) not in placed  # at most 2 years


def test_ind_mentor_grade_and_capacity() -> None:
    # Two new small teachers and one new middle teacher at branch B1; the lead has one small
    # backbone (the only possible mentor) and no middle one. Nothing else pays, so only
    # inductions move the objective.
    isolated = dict(
        uplift=0, fairness=0, **{"ROT-PER-GRADE": ("off", 0), "SHD-EACH-SEM": ("off", 0)}
    )
    kgs = [kg("L", Role.LEAD, 5), kg("B1", Role.BRANCH, 3)]
    teachers = [small("L-mentor", "L", backbone=True), small("L-s", "L")]
    teachers += staff("L", 2, 0, (Grade.MIDDLE, Grade.LARGE)) + staff("B1", 2, 0)
    teachers += [small("N1", "B1", hired=START), small("N2", "B1", hired=START)]
    teachers.append(teacher("N3", "B1", Grade.MIDDLE, hired=START))
    one = solved(instance(kgs, teachers, years=1, profile=profile(mentor_capacity=1, **isolated)))
    inducted = of(one, IND)
    assert len(inducted) == 1 and inducted[0].teacher_id in ("N1", "N2")
    assert inducted[0].partner == "L-mentor"
    assert one.terms["penalty:IND-LEAD"] == -2
    two = solved(instance(kgs, teachers, years=1, profile=profile(mentor_capacity=2, **isolated)))
    assert {(a.teacher_id, a.partner) for a in of(two, IND)} == {
        ("N1", "L-mentor"),
        ("N2", "L-mentor"),
    }
    assert two.terms["penalty:IND-LEAD"] == -1


def shadowing_group(
    members: int, backbones: int, **changes: Any
) -> tuple[list[Any], list[Teacher]]:
    kgs = [kg("L", Role.LEAD, 5, SMALL_ONLY)] + [
        kg(f"M{i}", Role.MEMBER, 3, SMALL_ONLY) for i in range(1, members + 1)
    ]
    teachers = [small(f"L{i}", "L") for i in range(2)]
    for i in range(1, members + 1):
        teachers += [
            small(f"M{i}-{j}", f"M{i}", backbone=j < backbones, **changes) for j in range(3)
        ]
    return kgs, teachers


def test_shd_cap_binds_with_many_candidates() -> None:
    # Five members, 2 backbones each, want a visit in each of 2 semesters (weight 100), but
    # 1 teacher per slot × 3 slots a year (6 weeks a semester, first and last blocked,
    # holiday weeks too) lets only 3 of the 10 through.
    prof = profile(
        teacher_cap=1,
        weeks_per_semester=6,
        **{"SHD-EACH-SEM": ("soft", 100), "ROT-PER-GRADE": ("off", 0)},
    )
    kgs, teachers = shadowing_group(5, 2)
    inst = instance(kgs, teachers, years=1, profile=prof)
    slots = sum(inst.horizon.slot_count(*semester) for semester in inst.horizon.semesters)
    assert slots == 3
    result = solved(inst)
    visits = of(result, SHD)
    assert len(visits) == slots
    assert max(Counter((a.semester, a.slot) for a in visits).values()) == 1
    assert result.terms["penalty:SHD-EACH-SEM"] == -(10 - slots)


def test_shd_cool_counts_history() -> None:
    prof = profile(**{"ROT-PER-GRADE": ("off", 0)})
    kgs, teachers = shadowing_group(1, 1)  # one backbone at M1: M1-0
    fresh = solved(instance(kgs, teachers, years=3, profile=prof))
    assert len(of(fresh, SHD)) == 2  # semesters 0 and 4: 2 × cooldown_years apart
    visit = HistoryRecord(
        "M1-0", SHD, "L", dt.date(START, 3, 9), dt.date(START, 3, 20)
    )  # spring before
    recent = solved(instance(kgs, teachers, years=3, profile=prof, history=[visit]))
    (only,) = of(recent, SHD)
    assert (only.year, only.semester) >= (START + 1, Semester.SPRING)  # 4 semesters after
    assert recent.terms["penalty:SHD-EACH-SEM"] == fresh.terms["penalty:SHD-EACH-SEM"] - 1


def test_shd_veto() -> None:
    prof = profile(**{"ROT-PER-GRADE": ("off", 0)})
    kgs, teachers = shadowing_group(1, 1, veto="有偿补课")
    result = solved(instance(kgs, teachers, years=1, profile=prof))
    assert not of(result, SHD)
    assert result.terms["penalty:SHD-EACH-SEM"] == 0  # nobody could shadow: no requirement
    cadre = teacher("M1-cadre", "M1", None, cadre=True)
    with_cadre = solved(instance(kgs, [*teachers, cadre], years=1, profile=prof))
    assert {a.teacher_id for a in of(with_cadre, SHD)} == {"M1-cadre"}


def test_soft_rule_with_zero_weight_is_reported_not_pursued() -> None:
    prof = profile(**{"ROT-PER-GRADE": ("off", 0), "SHD-EACH-SEM": ("soft", 0)})
    kgs, teachers = shadowing_group(2, 2)
    result = solved(instance(kgs, teachers, years=1, profile=prof))
    assert not of(result, SHD)
    assert result.terms["penalty:SHD-EACH-SEM"] == -4


def test_pins_fixed_and_forbidden() -> None:
    teachers = [small(f"L{i}", "L", backbone=i < 3) for i in range(5)]
    teachers += [small(f"M{m}-{i}", f"M{m}") for m in (1, 2) for i in range(2)]
    pins = [
        Pin("L0", ROT, None, START, forbidden=True),  # whatever the optimum, not L0 in year 1
        Pin("L4", ROT, "M2", START + 1),  # a non-backbone the office wants sent
        Pin("M1-0", SHD, "L", START, Semester.SPRING),
    ]
    result = solved(instance(lead_and_members(2), teachers, pins=pins))
    got = set(result.assignments)
    assert not any(a.teacher_id == "L0" and a.year == START for a in of(result, ROT))
    assert Assignment("L4", ROT, "M2", START + 1) in got
    assert any(a.teacher_id == "M1-0" and a.semester is Semester.SPRING for a in of(result, SHD))
    home = [Pin("L1", ROT, "L", START)]  # rotating to one's own home cannot be met
    solved(instance(lead_and_members(2), teachers, pins=home), SolveStatus.INFEASIBLE)


def test_same_seed_one_worker_same_schedule() -> None:
    roster = generate(groups=1, kgs=5, seed=7, mode="loose")
    inst = Instance.create(roster, load_profile("qingpu"), START)
    runs = [solve_group(inst, SolveOptions(time_limit=20, workers=1, seed=3)) for _ in range(2)]
    assert runs[0].assignments == runs[1].assignments
    assert runs[0].objective == runs[1].objective


def test_work_is_the_proving_searches_deterministic_time() -> None:
    # Two workers: the proof, then the 1-worker tie-break among optima, each a CP-SAT search
    # that logs its response summary; `work` sums the searches up to the proof only.
    searches: list[tuple[str, float]] = []

    def log(message: str) -> None:
        if message.startswith("CpSolverResponse summary:"):
            summary = dict(line.split(": ", 1) for line in message.splitlines()[1:] if ": " in line)
            searches.append((summary["status"], float(summary["deterministic_time"])))

    inst = Instance.create(generate(groups=1, kgs=4, seed=7), load_profile("default"), START)
    result = solve_group(inst, SolveOptions(time_limit=20, workers=2, seed=0), log_callback=log)
    assert result.status is SolveStatus.OPTIMAL and result.tiebreak_seconds > 0
    proof = next(i for i, (status, _) in enumerate(searches) if status == "OPTIMAL")
    assert proof < len(searches) - 1  # the tie-break searched after the proof
    assert result.work == pytest.approx(sum(dtime for _, dtime in searches[: proof + 1]))
    assert result.work > 0


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(("mode", "name"), [("tight", "lechang"), ("loose", "qingpu")])
def test_generated_groups_verify_and_match_evaluate(seed: int, mode: str, name: str) -> None:
    roster = generate(groups=1, kgs=(3, 6), seed=seed, mode=mode)
    inst = Instance.create(roster, load_profile(name), START)
    result = solve_group(inst, SolveOptions(time_limit=20, workers=2, seed=0))
    assert result.status is SolveStatus.OPTIMAL
    report = verify(inst, result.assignments)
    assert report.ok, report.failures
    assert (report.terms, report.objective) == (result.terms, result.objective)
    # The term evaluation also holds on a schedule far from optimal (the greedy baseline).
    plan = greedy(inst)
    built = build(inst)
    assert built.evaluate(built.values_of(plan)) == evaluate(inst, plan)[::-1]
    # An optimal hint gives the optimum back.
    again = solve_group(
        inst, SolveOptions(time_limit=20, workers=2, seed=0), hint=result.assignments
    )
    assert again.objective == result.objective


def two_groups() -> Instance:
    roster = generate(groups=2, kgs=4, seed=5, mode="loose")
    return Instance.create(roster, load_profile("qingpu"), START)


def test_solve_splits_groups_and_reports_progress() -> None:
    inst = two_groups()
    seen: list[str] = []
    schedule = solve(
        inst, SolveOptions(time_limit=20, workers=2), progress=lambda r: seen.append(r.group)
    )
    assert sorted(seen) == sorted(inst.roster.groups)
    assert [g.group for g in schedule.groups] == list(inst.roster.groups)
    assert schedule.status is SolveStatus.OPTIMAL
    report = verify(inst, schedule.assignments)
    assert report.ok
    assert report.objective == sum(g.objective or 0 for g in schedule.groups)
    # Four threads: a spawn pool of two processes with two CP-SAT workers each, same optima.
    pooled = solve(inst, SolveOptions(time_limit=20, workers=4))
    assert [g.objective for g in pooled.groups] == [g.objective for g in schedule.groups]


def test_unknown_group_falls_back_to_greedy(monkeypatch: pytest.MonkeyPatch) -> None:
    def nothing(part: Instance, **_: Any) -> GroupResult:
        return GroupResult(part.roster.groups[0], SolveStatus.UNKNOWN, ())

    monkeypatch.setattr(solve_module, "solve_group", nothing)
    inst = two_groups()
    schedule = solve(inst, SolveOptions(time_limit=1, workers=1))  # in this process: patched
    assert {g.status for g in schedule.groups} == {SolveStatus.GREEDY}
    assert verify(inst, schedule.assignments).ok
    assert sum(g.objective or 0 for g in schedule.groups) == evaluate(inst, schedule.assignments)[1]
    bare = solve(inst, SolveOptions(time_limit=1, workers=1), greedy_fallback=None)
    assert bare.status is SolveStatus.UNKNOWN and not bare.assignments


def test_unknown_backend_and_stray_address() -> None:
    with pytest.raises(ValueError, match="backend 'dask' is not available"):
        solve(two_groups(), SolveOptions(backend="dask"))
    with pytest.raises(ValueError, match="address is for the ray backend"):
        solve(two_groups(), SolveOptions(address="auto"))


def test_gap_stops_early_but_only_a_reached_bound_is_optimal() -> None:
    # CP-SAT says OPTIMAL once within relative_gap_limit; kgrota says so only at the bound.
    gap = 0.3
    statuses = set()
    for kgs, seed, mode in [(3, 1, "loose"), (2, 1, "loose"), (3, 5, "tight")]:
        inst = Instance.create(
            generate(groups=1, kgs=kgs, seed=seed, mode=mode), load_profile("default"), START
        )
        optimum = solve_group(inst, SolveOptions(time_limit=20, workers=1, seed=0)).objective
        result = solve_group(inst, SolveOptions(time_limit=20, workers=1, seed=0, gap=gap))
        assert result.objective is not None and result.best_bound is not None
        assert optimum is not None and result.best_bound >= optimum >= result.objective
        if result.status is SolveStatus.OPTIMAL:
            assert result.objective == result.best_bound == optimum
        else:
            assert result.status is SolveStatus.FEASIBLE
            shortfall = (result.best_bound - result.objective) / max(1, abs(result.objective))
            assert 0 < shortfall <= gap and result.gap == pytest.approx(shortfall)
        report = verify(inst, result.assignments)
        assert report.ok, report.failures
        assert report.objective == result.objective
        statuses.add(result.status)
    assert statuses == {SolveStatus.OPTIMAL, SolveStatus.FEASIBLE}  # both ways exercised


@pytest.mark.parametrize("gap", [-0.01, 1.0, float("nan")])
def test_gap_outside_zero_to_one_is_refused(gap: float) -> None:
    inst = two_groups()
    with pytest.raises(ValueError, match="gap must be a fraction"):
        solve_group(
            inst.for_group(inst.roster.groups[0]),
            SolveOptions(time_limit=1, workers=1, seed=0, gap=gap),
        )
    with pytest.raises(ValueError, match="gap must be a fraction"):
        solve(inst, SolveOptions(time_limit=1, workers=1, gap=gap))


def test_solve_gives_every_group_the_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, float] = {}

    def spy(part: Instance, **kw: Any) -> GroupResult:
        seen[part.roster.groups[0]] = kw["options"].gap
        return solve_group(part, **kw)

    monkeypatch.setattr(solve_module, "solve_group", spy)
    inst = two_groups()
    schedule = solve(inst, SolveOptions(time_limit=20, workers=1, gap=0.3))
    assert seen == dict.fromkeys(inst.roster.groups, 0.3)
    assert verify(inst, schedule.assignments).ok
