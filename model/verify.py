"""The independent verifier: every rule of the catalogue checked on a finished schedule.

It shares no code with the solver on purpose (SPEC §9: CP-SAT can report a wrong OPTIMAL): the
checks live beside their rules in model/rules/<family>.py and read only the data classes and
`Plan`, the schedule's lookups built once. This driver runs them in catalogue order.

A mixed rule yields two results with the same rule id: first its structural part
(`Rule.parts`), always ``HARD`` so a breach fails `Report.ok`, its text ending in the part's
label, e.g. "(max part)"; then its own check under the profile's severity, text ending in
"(min part)". Only the min part counts toward the rule's penalty; a profile that turns the
rule off turns off both parts. A non-tight group mode (``loose``, ``alliance``,
``district``) follows the loose reading of each rule.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .report import Report, RuleResult
from .rules import RULES, Severity
from .rules.objective import evaluate as evaluate_terms
from .rules.plan import Plan

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .instance import Instance
    from .rules import Check, Rule
    from .schedule import Assignment

__all__ = ["evaluate", "verify"]


def verify(instance: Instance, assignments: Iterable[Assignment]) -> Report:
    """Check every rule of the catalogue on a schedule and evaluate its objective."""
    plan = Plan.build(instance, assignments)
    results: list[RuleResult] = []
    for rule in RULES:
        severity = instance.profile.severity(rule.id)
        for part in rule.parts:
            part_rule = replace(rule, severity=Severity.HARD, text=f"{rule.text} ({part.label})")
            part_severity = Severity.OFF if severity is Severity.OFF else Severity.HARD
            results.append(_result(plan, part_rule, part_severity, part.check))
        if rule.parts:
            rule = replace(rule, text=f"{rule.text} (min part)")
        results.append(_result(plan, rule, severity, rule.check))
    terms, objective = evaluate_terms(plan, RULES, results)
    return Report(rules=tuple(results), terms=terms, objective=objective)


def evaluate(instance: Instance, assignments: Iterable[Assignment]) -> tuple[dict[str, int], int]:
    """Raw objective terms (OBJECTIVE_TERMS plus ``penalty:<RULE-ID>``) and Σ weight × term."""
    report = verify(instance, assignments)
    return report.terms, report.objective


def _result(plan: Plan, rule: Rule, severity: Severity, check: Check) -> RuleResult:
    if severity is Severity.OFF:
        return RuleResult(rule, severity)
    return RuleResult(rule, severity, tuple(check(plan)))
