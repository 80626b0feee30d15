"""The bad-roster suite: every malformed roster of bad_rosters.py through ``kgrota validate``.

Each case must get its answer (exit 2 with the error, or exit 0 with the warning, or exit 0
without errors), the message on one line naming the file and where (sheet, row, column), no
traceback, no control character on the terminal, and the roster's bytes unchanged.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import pytest
from bad_rosters import CASES, START, Case, base, write
from click.testing import CliRunner

from kgrota.io.cli import main

if TYPE_CHECKING:
    from pathlib import Path

ERROR, WARNING = "✗", "⚠"


def validate(path: Path) -> tuple[int, str, BaseException | None]:
    result = CliRunner().invoke(main, ["validate", str(path), "--start-year", str(START)])
    crashed = result.exception if not isinstance(result.exception, SystemExit) else None
    return result.exit_code, result.output, crashed


def test_the_base_roster_is_valid(tmp_path: Path) -> None:
    code, output, crashed = validate(write(tmp_path / "r.xlsx", base()))
    assert (code, crashed) == (0, None), output
    assert ERROR not in output


def test_the_suite_covers_every_class_with_sixty_cases() -> None:
    kinds = Counter(c.kind for c in CASES)
    assert len(CASES) >= 60 and len({c.name for c in CASES}) == len(CASES)
    assert set(kinds) >= {
        "file kind",
        "bounded reading",
        "layout",
        "office columns",
        "dates",
        "class counts",
        "history",
        "excel errors",
        "pins",
        "duplicates",
        "messages",
        "control characters",
        "calendar",
    }


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_roster(case: Case, tmp_path: Path) -> None:
    path = case.build(tmp_path)
    before = path.read_bytes()
    code, output, crashed = validate(path)
    assert crashed is None and "Traceback" not in output, output
    assert code == (2 if case.expect == "error" else 0), output
    assert "\x1b" not in output and "\x0b" not in output
    assert path.read_bytes() == before
    lines = output.splitlines()
    if case.expect == "accepted":
        assert not any(line.startswith(ERROR) for line in lines), output
        return
    mark = ERROR if case.expect == "error" else WARNING
    found = [line for line in lines if line.startswith(mark) and case.says in line]
    assert found, output
    assert any(str(path) in line and all(w in line for w in case.where) for line in found), found
