"""The objective's terms (SPEC §2) and the verifier's evaluation of them.

The plan maximises Σ weight × term, weights from the profile. Penalty terms are reported as
``penalty:<RULE-ID>`` = -(violations of that soft rule); their weight is the rule's weight. A
term is only in play when its weight > 0. solver/objective.py builds the same terms in CP-SAT.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..instance import Activity, keep_key
from .base import Severity
from .rotation import receivers

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..report import RuleResult
    from ..schedule import Assignment
    from .base import Rule
    from .plan import Plan

OBJECTIVE_TERMS: dict[str, str] = {
    "uplift": "Σ over rotation-years of max(0, home tier - host tier)",
    "fairness": (
        "Σ over groups of the minimum, over the group's receivers (branches in a tight group, "
        "members in a loose one; never lead or affiliates), of rotation-years hosted"
    ),
    "spread": (
        "-Σ over rotation and learning years and shadowing visits of (spread_cap - gap), gap = "
        "min(spread_cap, start_year - 1 - last academic year in the teacher's history), "
        "spread_cap when there is no history"
    ),
    "commute": (
        "-Σ over rotation and learning years of round(km home→host), pairs in the distances "
        "sheet only"
    ),
    "preference": (
        "Σ over rotation and learning years whose host is among the teacher's preferred hosts"
    ),
    "stability": (
        "-(changes against the previous plan (--previous)) in the groups it has assignments "
        "of (0 without one): each assignment of the previous plan (its teachers on the "
        "roster, its years planned) the new plan does not keep, and each assignment of the "
        "new plan the previous one does not have, counts one; kept means the same teacher, "
        "activity, host, year, semester and slot, so a visit moved to another slot counts "
        "twice"
    ),
}


def evaluate(
    plan: Plan, rules: Sequence[Rule], results: Sequence[RuleResult]
) -> tuple[dict[str, int], int]:
    """Raw terms (OBJECTIVE_TERMS, then ``penalty:<RULE-ID>`` per soft rule) and Σ weight × term."""
    inst, profile = plan.inst, plan.inst.profile
    rotations = list(plan.activity(Activity.ROTATION))
    away = [a for a in plan.valid if a.activity in (Activity.ROTATION, Activity.LEARNING)]
    terms = {
        "uplift": sum(max(0, plan.home(a).tier - inst.kg[a.host_kg].tier) for a in rotations),
        "fairness": _fairness(plan, rotations),
        "spread": _spread(plan),
        "commute": -sum(
            round(inst.distance[(plan.of(a).home_kg, a.host_kg)])
            for a in away
            if (plan.of(a).home_kg, a.host_kg) in inst.distance
        ),
        "preference": sum(a.host_kg in plan.of(a).preferred_hosts for a in away),
        "stability": _stability(plan),
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
    for rule in rules:
        if profile.severity(rule.id) is Severity.SOFT:
            key = f"penalty:{rule.id}"
            terms[key] = -sum(
                len(r.violations)
                for r in results
                if r.rule.id == rule.id and r.severity is Severity.SOFT
            )
            weights[key] = profile.weight(rule.id)
    return terms, sum(weights[k] * v for k, v in terms.items())


def _stability(plan: Plan) -> int:
    """-(previous assignments not kept + new assignments not in the previous plan), in the
    groups the previous plan covers (a group new to it has nothing to keep)."""
    inst = plan.inst
    group = {t.teacher_id: inst.kg[t.home_kg].group for t in inst.teachers}
    covered = {group[a.teacher_id] for a in inst.previous if a.teacher_id in group}
    new = {keep_key(a) for a in plan.valid if group[a.teacher_id] in covered}
    return -len(inst.previous_keys ^ new)


def _fairness(plan: Plan, rotations: list[Assignment]) -> int:
    """Σ over groups of the fewest rotation-years hosted by one of its receivers."""
    hosted = Counter(a.host_kg for a in rotations)
    total = 0
    for group in plan.inst.roster.groups:
        ids = receivers(plan.inst, group)
        if ids:
            total += min(hosted[kg_id] for kg_id in ids)
    return total


def _spread(plan: Plan) -> int:
    """-Σ (spread_cap - gap) over rotation and learning years and shadowing visits."""
    cap, start = plan.inst.profile.spread_cap, plan.inst.horizon.start_year
    total = 0
    for a in plan.valid:
        if a.activity in (Activity.ROTATION, Activity.LEARNING, Activity.SHADOWING):
            history = plan.inst.history_by_teacher.get(a.teacher_id, ())
            last = max((h.years()[-1] for h in history), default=None)
            gap = cap if last is None else min(cap, start - 1 - last)
            total -= cap - gap
    return total
