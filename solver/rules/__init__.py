"""The CP-SAT side of the rule families, mirroring model/rules/: per family the builders of
its rules, the rules it enforces by eligibility (variables.py asks the family's functions
which variables to create) and its cuts, symmetry breaking and structure (`Family`).

`FAMILIES` is in catalogue order; cpsat.build adds every family's builders in that order,
then every family's extras.
"""

from __future__ import annotations

from . import coverage, guidance, induction, pins, rotation, shadowing, staffing, swap
from .base import Addition, Builder, Extra, Family

FAMILIES: tuple[Family, ...] = tuple(
    module.FAMILY
    for module in (rotation, induction, shadowing, guidance, swap, staffing, coverage, pins)
)

__all__ = ["FAMILIES", "Addition", "Builder", "Extra", "Family"]
