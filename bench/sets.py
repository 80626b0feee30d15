"""Named benchmark sets: seeded synthetic rosters and the shipped Qingpu scenario.

Every set plans three years from 2026 with fixed seeds, so two runs of a set solve the same
rosters. A set yields `BenchRoster`s; a roster with one group is one instance, a roster with
several (``qingpu``, ``district``, ``city``) is one instance solved group by group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model.generate import generate, qingpu_roster

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..model import Roster

START_YEAR = 2026
YEARS = 3

Size = int | tuple[int, int] | None  # kindergartens per group, an inclusive range, or fixed


@dataclass(frozen=True)
class BenchRoster:
    """One instance of a set: a label for tables, the seed it came from and its roster."""

    label: str
    seed: int
    roster: Roster


@dataclass(frozen=True)
class BenchSet:
    """A named family of rosters: `make(kgs, seed)` for each size and each of `seeds`."""

    name: str
    description: str
    sizes: tuple[Size, ...]
    seeds: tuple[int, ...]
    make: Callable[[Size, int], Roster]
    profile: str = "default"

    def rosters(self, seeds: int | None = None) -> list[BenchRoster]:
        """The set's rosters, sizes outer and seeds inner; `seeds` takes the first K (or more:
        seeds continue upwards from the last)."""
        chosen = self.seeds
        if seeds is not None:
            extra = range(self.seeds[-1] + 1, self.seeds[-1] + 1 + max(0, seeds - len(chosen)))
            chosen = (*self.seeds, *extra)[:seeds]
        out = []
        for kgs in self.sizes:
            for seed in chosen:
                label = f"k{kgs}-s{seed}" if len(self.sizes) > 1 else f"s{seed}"
                out.append(BenchRoster(label, seed, self.make(kgs, seed)))
        return out


def _groups(count: int) -> Callable[[Size, int], Roster]:
    def make(kgs: Size, seed: int) -> Roster:
        if kgs is None:
            raise ValueError("Must have a kindergarten count for a synthetic set.")
        return generate(groups=count, kgs=kgs, seed=seed, start_year=START_YEAR, years=YEARS)

    return make


def _qingpu(kgs: Size, seed: int) -> Roster:
    return qingpu_roster(seed=seed, start_year=START_YEAR)


SETS: dict[str, BenchSet] = {
    s.name: s
    for s in (
        BenchSet(
            "small", "1 group of 4 kindergartens (~110 teachers)", (4,), (1, 2, 3), _groups(1)
        ),
        BenchSet(
            "group16",
            "1 group of 16 kindergartens (~420 teachers)",
            (16,),
            (1, 2, 3, 4, 5),
            _groups(1),
        ),
        BenchSet(
            "scaling",
            "1 group of 4, 8, 12, 16 kindergartens",
            (4, 8, 12, 16),
            (1, 2, 3),
            _groups(1),
        ),
        BenchSet(
            "qingpu",
            "the shipped qingpu-2023 scenario: 7 loose groups, 67 kindergartens (~1,800 teachers)",
            (None,),
            (2023,),
            _qingpu,
            profile="qingpu",
        ),
        BenchSet(
            "district",
            "10 groups of 3–16 kindergartens (~2,300 teachers)",
            ((3, 16),),
            (1,),
            _groups(10),
        ),
        BenchSet(
            "city",
            "200 groups of 7–16 kindergartens (~61,000 teachers)",
            ((7, 16),),
            (1,),
            _groups(200),
        ),
    )
}
