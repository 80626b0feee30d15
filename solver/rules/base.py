"""What a solver rule family declares: the CP-SAT builder of each of its rules, the rules it
enforces by leaving variables out (eligibility, in variables.py through this family's
functions), and its cuts, symmetry breaking and structure, each with the rules it serves."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from ...model.rules import Rule
    from ..variables import Variables
    from ..violations import Violations

# A rule's constraints; a soft-capable rule returns its violations, which its severity turns
# into hard constraints or a penalty term (solver/cpsat.py).
Builder = Callable[["cp_model.CpModel", "Variables"], "Violations | None"]
Addition = Callable[["cp_model.CpModel", "Variables"], None]


@dataclass(frozen=True)
class Extra:
    """A cut, symmetry breaking or structural link: never changes the set of optima.

    `serves` names the rules it derives from or speeds up (each function checks itself
    whether those rules are in force); `kind` says what it is, for readers and tests.
    """

    kind: str  # "structure", "cut", "symmetry" or "dominance"
    serves: tuple[Rule, ...]
    add: Addition


@dataclass(frozen=True)
class Family:
    builders: Mapping[Rule, Builder] = field(default_factory=dict)
    eligibility: tuple[Rule, ...] = ()
    extras: tuple[Extra, ...] = ()
