"""What the verifier finds: per-rule results, violations and the objective's terms."""

from __future__ import annotations

from dataclasses import dataclass, field

from .rules.base import Rule, Severity


@dataclass(frozen=True)
class Violation:
    """One breach of a rule (hard) or one unit of an unmet soft requirement (shortfall)."""

    rule_id: str
    message: str
    teacher_id: str | None = None
    kg_id: str | None = None
    year: int | None = None
    semester: str | None = None


@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    severity: Severity
    violations: tuple[Violation, ...] = ()

    @property
    def status(self) -> str:
        """``passed``, ``failed`` (hard rule broken), ``shortfall`` (soft rule unmet) or ``off``."""
        if self.severity is Severity.OFF:
            return "off"
        if not self.violations:
            return "passed"
        return "failed" if self.severity is Severity.HARD else "shortfall"


@dataclass(frozen=True)
class Report:
    rules: tuple[RuleResult, ...]
    terms: dict[str, int] = field(default_factory=dict)  # raw term values, see OBJECTIVE_TERMS
    objective: int = 0  # Σ weight × term

    @property
    def ok(self) -> bool:
        """Every hard rule holds."""
        return all(r.status != "failed" for r in self.rules)

    @property
    def failures(self) -> tuple[Violation, ...]:
        return tuple(v for r in self.rules if r.status == "failed" for v in r.violations)

    @property
    def shortfalls(self) -> tuple[Violation, ...]:
        return tuple(v for r in self.rules if r.status == "shortfall" for v in r.violations)
