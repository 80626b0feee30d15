"""What a catalogue entry is: a rule's id, wording, citation, default severity, the profile
keys it reads, the activities it governs, and the verifier's check of it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..instance import Activity
    from ..report import Violation
    from .plan import Plan

Check = Callable[["Plan"], Iterable["Violation"]]


class Severity(str, Enum):
    HARD = "hard"
    SOFT = "soft"
    OFF = "off"


@dataclass(frozen=True)
class Part:
    """The structural part of a mixed rule: always hard, reported as a result of its own
    (``label`` ends the rule's text, e.g. "max part"), before the rule's own check."""

    label: str
    check: Check


@dataclass(frozen=True)
class Rule:
    """One rule of the catalogue (SPEC §2).

    `detail` is the exact meaning that the verifier's `check`, the CP-SAT builders of the same
    family under solver/rules/ and the greedy baseline all implement; `keys` are the profile
    keys (``section.key``) it reads; `activities` the activities whose rows it governs.
    """

    id: str
    text_zh: str
    text: str
    source: str
    severity: Severity
    check: Check
    weight: int = 0  # penalty per violation unit when soft
    can_be_soft: bool = False  # hard-only rules are structural and cannot be relaxed
    detail: str = ""
    keys: tuple[str, ...] = ()
    activities: tuple[Activity, ...] = ()
    parts: tuple[Part, ...] = ()
