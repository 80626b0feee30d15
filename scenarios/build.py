"""Write the shipped scenario workbooks (``scenarios/NAME.xlsx``) from their roster builders.

    python -m kgrota.scenarios.build           # rewrite every workbook that no longer matches
    python -m kgrota.scenarios.build --check   # only report; exit 1 if any is stale

Run it after changing a scenario table or the generator. A workbook is rewritten only when
what it reads back differs from the builder's roster: openpyxl stamps the time into every
file, so an unconditional rewrite would change the bytes on each run.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..io.errors import InputError
from ..io.roster_read import read_roster
from ..io.roster_write import write_roster
from ..model.generate import lechang_roster, qingtongxia_roster

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ..model import Roster

# The year the rosters' new teachers are hired in and their history leads up to; solve the
# workbooks with ``--start-year 2026`` (as ``kgrota demo`` does for qingpu).
START_YEAR = 2026

BUILDERS: dict[str, Callable[[], Roster]] = {
    "qingtongxia": lambda: qingtongxia_roster(start_year=START_YEAR),
    "lechang": lambda: lechang_roster(start_year=START_YEAR),
}


def workbook(name: str) -> Path:
    """Where the shipped workbook of a scenario lives (next to this module)."""
    return Path(__file__).with_name(f"{name}.xlsx")


def stale(name: str) -> bool:
    """Whether the shipped workbook is missing or reads back other than the builder's roster."""
    path = workbook(name)
    if not path.is_file():
        return True
    try:
        shipped, _ = read_roster(path)
    except InputError:
        return True
    return shipped != BUILDERS[name]()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kgrota.scenarios.build", description=__doc__)
    parser.add_argument("--check", action="store_true", help="report stale workbooks, write none")
    args = parser.parse_args(argv)
    stale_names = [name for name in BUILDERS if stale(name)]
    for name in BUILDERS:
        if name not in stale_names:
            print(f"{workbook(name)}: up to date")
        elif args.check:
            print(f"{workbook(name)}: stale (run python -m kgrota.scenarios.build)")
        else:
            write_roster(BUILDERS[name](), workbook(name))
            print(f"{workbook(name)}: written")
    return 1 if args.check and stale_names else 0


if __name__ == "__main__":
    raise SystemExit(main())
