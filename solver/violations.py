"""Violation counts of soft-capable rules, and how a severity turns them into the model.

A rule module describes its violations exactly: each *flagged* variable set to 1 is one
violation, and each *requirement* ``(need, vars, unit)`` falls short by
``max(0, need - unit · Σ vars)`` (unit: what one chosen unit brings, e.g. items per visit).
The severity then decides: HARD → the count is 0; SOFT → the count is penalised in the
objective; OFF → the rule module is not called at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from ortools.sat.python import cp_model

ValueOf = Callable[[cp_model.IntVar], int]
# An auxiliary variable with the function giving its value from the decision variables'
# values; used to complete a hint and to read terms off a solution exactly.
Aux = tuple[cp_model.IntVar, Callable[[ValueOf], int]]


@dataclass
class Violations:
    flagged: list[cp_model.IntVar] = field(default_factory=list)
    requirements: list[tuple[int, list[cp_model.IntVar], int]] = field(default_factory=list)

    def flag(self, var: cp_model.IntVar) -> None:
        self.flagged.append(var)

    def require(self, need: int, xs: Sequence[cp_model.IntVar], unit: int = 1) -> None:
        """One violation per unit of ``need - unit · Σ xs`` above zero (a constant if xs is
        empty)."""
        if need > 0:
            self.requirements.append((need, list(xs), unit))

    def value(self, value_of: ValueOf) -> int:
        """The exact count for given variable values (what the verifier reports)."""
        flagged = sum(value_of(v) for v in self.flagged)
        return flagged + sum(
            _short(need, xs, unit, value_of) for need, xs, unit in self.requirements
        )

    def enforce(self, model: cp_model.CpModel) -> None:
        """HARD: no violation."""
        for var in self.flagged:
            model.add(var == 0)
        for need, xs, unit in self.requirements:
            model.add(unit * cp_model.LinearExpr.sum(xs) >= need)

    def count(self, model: cp_model.CpModel, aux: list[Aux]) -> cp_model.LinearExprT:
        """SOFT: an expression ≥ the count, equal to it whenever the penalty is minimised."""
        parts: list[cp_model.LinearExprT] = list(self.flagged)
        for need, xs, unit in self.requirements:
            if not xs:
                parts.append(need)
                continue
            short = model.new_bool_var("") if need == 1 else model.new_int_var(0, need, "")
            model.add(short + unit * cp_model.LinearExpr.sum(xs) >= need)
            aux.append((short, partial(_short, need, xs, unit)))
            parts.append(short)
        return cp_model.LinearExpr.sum(parts)


def _short(need: int, xs: Sequence[cp_model.IntVar], unit: int, value_of: ValueOf) -> int:
    return max(0, need - unit * sum(value_of(x) for x in xs))
