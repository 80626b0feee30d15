"""Why a group has no schedule: which hard rules, relaxed one at a time, let it solve.

CP-SAT proves that the whole model is infeasible, not which rule is to blame, and a personnel
office needs the latter to know what to change. So each candidate is tried on its own with a
short time limit: every hard rule a profile may make soft (``[rules.ID] severity = "soft"``),
and the office's pins (all dropped at once). A candidate is reported when its relaxation
finds a schedule; none reported means the structural rules alone conflict (e.g. staffing),
or the tries ran out of time.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..model import RULES, Instance, RuleSetting, Severity, SolveStatus
from ..model.rules.pins import PIN
from .cpsat import solve_group

if TYPE_CHECKING:
    from .options import SolveOptions


def relaxations(instance: Instance, options: SolveOptions) -> tuple[str, ...]:
    """Rule ids (PIN's for the pins) whose relaxation alone makes one group solvable; each
    try is one `solve_group` with these options (the caller keeps their time limit short)."""
    profile = instance.profile
    trials: dict[str, RuleSetting] = {
        r.id: RuleSetting(Severity.SOFT, max(1, profile.weight(r.id)))
        for r in RULES
        if r.can_be_soft and profile.severity(r.id) is Severity.HARD
    }
    if instance.roster.pins and profile.enabled(PIN.id):
        trials[PIN.id] = RuleSetting(Severity.OFF, 0)
    found = []
    for rule_id, setting in trials.items():
        relaxed = replace(profile, rules={**profile.rules, rule_id: setting})
        result = solve_group(replace(instance, profile=relaxed), options)
        if result.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            found.append(rule_id)
    return tuple(found)
