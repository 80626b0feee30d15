"""The rule catalogue (SPEC §2): one module per rule family, each holding its rules' entries
(id, wording, citation, default severity, profile keys, activities) and the verifier's check
of each, side by side. solver/rules/ mirrors the families on the CP-SAT side; README.md here
walks through adding or changing a rule.

The verifier's side never imports solver code. What the two sides may share are the named
definitions each family lists in its ``SHARED`` tuple (who counts as young, a group's
members, required staffing …).
"""

from __future__ import annotations

from . import coverage, guidance, induction, pins, rotation, shadowing, staffing, swap
from .base import Check, Part, Rule, Severity
from .objective import OBJECTIVE_TERMS

# Families in catalogue order; the solver builds its rules in this order too.
FAMILIES = (rotation, induction, shadowing, guidance, swap, staffing, coverage, pins)
RULES: tuple[Rule, ...] = tuple(rule for family in FAMILIES for rule in family.RULES)
RULE_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}

__all__ = [
    "FAMILIES",
    "OBJECTIVE_TERMS",
    "RULES",
    "RULE_BY_ID",
    "Check",
    "Part",
    "Rule",
    "Severity",
]
