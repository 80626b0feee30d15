"""Fail before work: bad output names and formats, start years and --previous plans are
refused before the roster is read (the roster here does not even exist)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from kgrota.io.cli import main
from kgrota.io.preflight import ROSTER, SCHEDULE, kind
from kgrota.io.roster_write import write_roster
from kgrota.model.generate import generate

if TYPE_CHECKING:
    from pathlib import Path

START = 2026


def run(*args: str) -> tuple[int, str]:
    """Exit code and output, lines joined again (the console wraps long paths anywhere)."""
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output.replace("\n", "")


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("preflight") / "roster.xlsx"
    write_roster(generate(groups=1, kgs=3, seed=1, start_year=START), path)
    return path


@pytest.mark.parametrize(
    ("out", "flags", "message"),
    [
        ("plan.csv", (), "unknown suffix '.csv'"),  # was written as xlsx under that name
        ("plan", (), "unknown suffix ''"),  # no suffix at all
        ("plan.json", ("--format", "xlsx"), "the suffix says json but --format says xlsx"),
        ("plan.xlsx", ("--start-year", "99999"), "--start-year 99999"),  # failed after solving
        ("plan.xlsx", ("--start-year", "1800"), "2000–2100"),
        ("plan.xlsx", ("--previous", "gone.xlsx"), "gone.xlsx: file not found"),
    ],
)
def test_bad_options_fail_before_the_roster_is_read(
    tmp_path: Path, out: str, flags: tuple[str, ...], message: str
) -> None:
    missing_roster = tmp_path / "nowhere.xlsx"  # reading it would fail: no check gets there
    code, output = run("solve", str(missing_roster), "-o", str(tmp_path / out), *flags)
    assert code == 2, output
    assert message in output
    assert "nowhere.xlsx" not in output
    assert not list(tmp_path.iterdir())


def test_a_roster_given_as_previous_plan_is_named(roster: Path, tmp_path: Path) -> None:
    code, output = run(
        "solve",
        str(tmp_path / "nowhere.xlsx"),
        "-o",
        str(tmp_path / "p.xlsx"),
        "--previous",
        str(roster),
    )
    assert code == 2, output
    assert "looks like a roster, not a plan" in output


def test_a_bad_previous_plan_names_its_row(roster: Path, tmp_path: Path) -> None:
    previous = tmp_path / "old.json"
    previous.write_text(
        '{"assignments": [{"teacher_id": "T1", "activity": "rotation", '
        '"host_kg": "K1", "year": "soon"}]}',
        encoding="utf-8",
    )
    code, output = run(
        "solve", str(roster), "-o", str(tmp_path / "p.xlsx"), "--previous", str(previous)
    )
    assert code == 2, output
    assert "old.json / sheet assignments / row 1 / column year" in output


def test_an_output_inside_a_file_is_refused(roster: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    code, output = run("solve", str(roster), "-o", str(blocker / "plan.xlsx"))
    assert code == 2, output
    assert "is not a folder" in output


def test_files_are_told_apart(roster: Path, tmp_path: Path) -> None:
    assert kind(roster) == ROSTER
    (tmp_path / "plan.json").write_text('{"assignments": []}', encoding="utf-8")
    assert kind(tmp_path / "plan.json") == SCHEDULE
    (tmp_path / "other.json").write_text("[1, 2]", encoding="utf-8")
    assert kind(tmp_path / "other.json") is None
    assert kind(tmp_path / "missing.xlsx") is None
