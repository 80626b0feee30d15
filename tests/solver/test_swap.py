"""SWAP-EQ (青铜峡 置换交流) in the CP-SAT model and the greedy: pairs, runs, minimum, terms."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

import conftest
import pytest
from conftest import START, instance, kg, staff, teacher
from test_greedy import breaches

from kgrota.model import (
    Activity,
    Grade,
    HistoryRecord,
    Instance,
    Pin,
    Role,
    RuleSetting,
    Severity,
    SolveStatus,
    Teacher,
    load_profile,
)
from kgrota.model.generate import generate
from kgrota.model.rules.swap import is_young
from kgrota.model.verify import evaluate, verify
from kgrota.solver.cpsat import build, solve_group
from kgrota.solver.greedy import greedy
from kgrota.solver.options import SolveOptions

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kgrota.model import Assignment

SWAP, ROT = Activity.SWAP, Activity.ROTATION
YOUNG = dt.date(2000, 3, 1)  # 26 on 1 September 2026 (young_age 35)


def alliance_profile(severity: str = "hard", **changes: Any) -> Any:
    """The default profile as 青铜峡's: alliance mode, SWAP-EQ on (swap_min 2), no 六个一."""
    base = load_profile("default")
    rules = {
        **base.rules,
        "SWAP-EQ": RuleSetting(Severity(severity), 30),
        "GUIDE-SIX": RuleSetting(Severity.OFF, 0),
    }
    return dataclasses.replace(base, mode="alliance", swap_min=2, rules=rules, **changes)


def young(t: Teacher) -> Teacher:
    return dataclasses.replace(t, birth_date=YOUNG)


def alliance(*, years: int = 3, youth: bool = True, **kw: Any) -> Instance:
    """Lead L (tier 5, 2 backbones a grade), members M1 and M2 whose non-backbones are young,
    an affiliate A with young teachers, a young cadre with a grade and an older teacher."""
    kgs = [
        kg("L", Role.LEAD, 5),
        kg("M1", Role.MEMBER, 3),
        kg("M2", Role.MEMBER, 2),
        kg("A", Role.AFFILIATE, 1),
    ]
    members = [*staff("M1", 3, 1), *staff("M2", 3, 1), *staff("A", 3, 0)]
    teachers = [*staff("L", 3, 2), *(young(t) if youth and not t.backbone else t for t in members)]
    teachers += [
        young(teacher("M1-cadre", "M1", Grade.SMALL, cadre=True)),
        teacher("M2-old", "M2", Grade.SMALL),  # born 1990: 36, not young
    ]
    return instance(kgs, teachers, years=years, profile=kw.pop("profile", alliance_profile()), **kw)


def swaps(plan: Sequence[Assignment]) -> list[Assignment]:
    return [a for a in plan if a.activity is SWAP]


def assert_pairs(inst: Instance, plan: Sequence[Assignment]) -> None:
    """Every swap names a partner who swaps the other way the same year: a lead backbone to a
    member (not an affiliate) and a young non-cadre teacher of that member, same grade."""
    [lead] = inst.lead_of.values()
    by_key = {(a.teacher_id, a.year): a for a in swaps(plan)}
    assert len(by_key) == len(swaps(plan))  # one swap per teacher and year
    for a in swaps(plan):
        t, partner = inst.teacher[a.teacher_id], inst.teacher[a.partner or ""]
        back = by_key[(partner.teacher_id, a.year)]
        assert back.partner == t.teacher_id
        assert t.grade is partner.grade is not None
        if t.home_kg == lead:
            assert t.backbone and not t.cadre
            assert a.host_kg == partner.home_kg and back.host_kg == lead
            assert inst.kg[a.host_kg].role is Role.MEMBER
        else:
            assert a.host_kg == lead and not t.cadre and is_young(inst, t, a.year)


def lead_swaps_by_year(plan: Sequence[Assignment], lead: str = "L") -> Counter[int]:
    return Counter(a.year for a in swaps(plan) if a.host_kg != lead)


def solved(inst: Instance, status: SolveStatus = SolveStatus.OPTIMAL) -> list[Assignment]:
    """Solve; the verifier must pass the schedule and agree on the objective and its terms."""
    return list(conftest.solved(inst, status).assignments)


def test_alliance_swaps_pair_up_each_year() -> None:
    inst = alliance()
    plan = solved(inst)
    assert_pairs(inst, plan)
    assert breaches(inst, plan) == []  # staffing, one place
    assert all(lead_swaps_by_year(plan)[y] >= 2 for y in inst.horizon.year_list)
    swapped = {a.teacher_id for a in swaps(plan)}
    assert not swapped & {"M1-cadre", "M2-old"} and not any(t.startswith("A-") for t in swapped)


def test_two_year_runs_keep_host_and_partner() -> None:
    inst = alliance(profile=alliance_profile(swap_years=2))
    plan = solved(inst)
    assert_pairs(inst, plan)
    last = inst.horizon.year_list[-1]
    runs: dict[str, list[Assignment]] = defaultdict(list)
    for a in sorted(swaps(plan), key=lambda a: a.year):
        runs[a.teacher_id].append(a)
    assert runs
    for rows in runs.values():
        years = [a.year for a in rows]
        # one run of 2 years, or one that starts in the last planned year (cut by the plan)
        assert years == [years[0], years[0] + 1] or years == [last]
        assert len({(a.host_kg, a.partner) for a in rows}) == 1
    assert all(lead_swaps_by_year(plan)[y] >= 2 for y in inst.horizon.year_list)


def test_one_year_swaps_never_follow_each_other() -> None:
    # swap_years = 1: two swaps of one teacher in a row would be a 2-year run
    plan = solved(alliance())
    years = defaultdict(set)
    for a in swaps(plan):
        years[a.teacher_id].add(a.year)
    assert all(y + 1 not in ys for ys in years.values() for y in ys)


def test_no_swaps_while_the_rule_is_off() -> None:
    inst = alliance(profile=load_profile("default"))
    assert build(inst).variables.swaps.start == {}
    assert not swaps(solved(inst)) and not swaps(greedy(inst))


def test_no_young_counterpart_means_no_shortfall() -> None:
    # nobody young at the members: no pair is possible, E = 0, so even a hard minimum holds
    inst = alliance(youth=False)
    result = solve_group(inst, SolveOptions(time_limit=20, workers=1, seed=0))
    assert result.status is SolveStatus.OPTIMAL
    assert not swaps(result.assignments)
    assert verify(inst, result.assignments).ok


def test_soft_minimum_reports_shortfalls() -> None:
    # the office forbids every lead backbone's swap in the first year: E = 2 pairs stay possible
    ids = [t.teacher_id for t in alliance().teachers if t.home_kg == "L" and t.backbone]
    forbid = [Pin(t, SWAP, None, START, forbidden=True) for t in ids]
    inst = alliance(pins=forbid, profile=alliance_profile("soft"))
    result = solve_group(inst, SolveOptions(time_limit=20, workers=1, seed=0))
    assert result.status is SolveStatus.OPTIMAL
    assert evaluate(inst, result.assignments) == (result.terms, result.objective)
    short = [
        v.year
        for r in verify(inst, result.assignments).rules
        if r.rule.id == "SWAP-EQ"
        for v in r.violations
    ]
    assert short.count(START) == 2  # both pairs of the first year are missing
    assert result.terms["penalty:SWAP-EQ"] == -len(short)
    hard = alliance(pins=forbid)
    assert (
        solve_group(hard, SolveOptions(time_limit=20, workers=1, seed=0)).status
        is SolveStatus.INFEASIBLE
    )


def test_term_joins_a_swap_with_the_next_placement() -> None:
    swap = Pin("L-small-0", SWAP, "M1", START)
    # a swap then a rotation elsewhere would change host within one stay (TERM-2Y)
    elsewhere = alliance(pins=[swap, Pin("L-small-0", ROT, "M2", START + 1)])
    solved(elsewhere, SolveStatus.INFEASIBLE)
    # at the same host the stay is 2 years, one host: allowed
    same = alliance(pins=[swap, Pin("L-small-0", ROT, "M1", START + 1)])
    plan = solved(same)
    kept = {(a.activity, a.host_kg, a.year) for a in plan if a.teacher_id == "L-small-0"}
    assert {(SWAP, "M1", START), (ROT, "M1", START + 1)} <= kept


def test_history_joins_swap_runs() -> None:
    # a year at M2 just before the plan: a swap in the first year continues that stay
    history = [HistoryRecord("L-small-0", ROT, "M2", dt.date(START - 1, 9, 1))]
    starts = build(alliance(history=history)).variables.swaps.start
    assert ("L-small-0", "M2", START) in starts
    assert ("L-small-0", "M1", START) not in starts  # another host within one stay
    assert ("L-small-0", "M1", START + 1) in starts  # after a year at home
    two = alliance(history=history, profile=alliance_profile(swap_years=2))
    assert ("L-small-0", "M2", START) not in build(two).variables.swaps.start  # 3 years away


def test_swap_pins_are_kept() -> None:
    pins = [
        Pin("M2-middle-1", SWAP, None, START + 1),  # fixed: the young side
        Pin("L-small-1", SWAP, "M2", START + 2),  # fixed: the lead side, with its host
        Pin("L-large-0", SWAP, None, START, forbidden=True),
        Pin("L-large-1", SWAP, None, START, forbidden=True),
    ]
    inst = alliance(pins=pins)
    for plan in (solved(inst), greedy(inst)):
        assert_pairs(inst, plan)
        mine = {(a.teacher_id, a.year) for a in swaps(plan)}
        assert ("M2-middle-1", START + 1) in mine
        assert ("L-small-1", "M2", START + 2) in {(a.teacher_id, a.host_kg, a.year) for a in plan}
        assert not {("L-large-0", START), ("L-large-1", START)} & mine


def test_greedy_swaps_keep_the_hard_rules() -> None:
    for inst in (alliance(), alliance(profile=alliance_profile(swap_years=2))):
        plan = greedy(inst)
        assert breaches(inst, plan) == []
        report = verify(inst, plan)
        assert report.ok, report.failures
        assert_pairs(inst, plan)
        assert all(lead_swaps_by_year(plan)[y] >= 2 for y in inst.horizon.year_list)
        # the optimum is at least as good, and the greedy is a valid complete hint
        built = build(inst)
        assert built.evaluate(built.values_of(plan))[0] == report.objective


@pytest.mark.parametrize(("seed", "kgs"), [(3, 5), (7, 6)])
def test_generated_alliance_solves_and_verifies(seed: int, kgs: int) -> None:
    roster = generate(groups=1, kgs=kgs, seed=seed, mode="loose")
    inst = Instance.create(roster, alliance_profile(), START)
    plan = solved(inst)
    assert_pairs(inst, plan)
    [lead] = inst.lead_of.values()
    assert all(lead_swaps_by_year(plan, lead)[y] >= 2 for y in inst.horizon.year_list)
    assert evaluate(inst, plan)[1] >= evaluate(inst, greedy(inst))[1]


def test_previous_swaps_are_kept_for_stability() -> None:
    # Stability weighed above the other terms: every previous swap is kept.
    inst = alliance()
    inst = dataclasses.replace(inst, profile=dataclasses.replace(inst.profile, stability=100))
    previous = swaps(greedy(inst))  # other pairs than the optimum's
    assert {a.teacher_id for a in previous} != {a.teacher_id for a in swaps(solved(inst))}
    again = solved(dataclasses.replace(inst, previous=tuple(previous)))
    assert set(swaps(again)) == set(previous)  # partners too
