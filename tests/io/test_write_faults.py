"""Writes that fail, injected for real in a `kgrota solve` subprocess: a full disk (a file-size
limit) and a read-only folder. The error names the target, leaves no partial file and shows
no traceback; the read-only folder is found before any work."""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from kgrota.io.roster_write import write_roster
from kgrota.model.generate import generate

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

START = 2026
KGROTA = [sys.executable, "-c", "from kgrota.io.cli import main; main()"]
FILE_SIZE_LIMIT = 4096  # bytes: the plan (and openpyxl's sheet files) outgrow it


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("faults") / "roster.xlsx"
    write_roster(generate(groups=2, kgs=3, seed=1, start_year=START), path)
    return path


def kgrota(*args: str, file_size: int | None = None) -> tuple[int, str]:
    """Run kgrota; with `file_size`, under that file-size limit (a disk that fills up)."""

    def limit() -> None:
        if file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    wide = {**os.environ, "COLUMNS": "500"}  # the console wraps no message
    done = subprocess.run(
        [*KGROTA, *args], capture_output=True, text=True, preexec_fn=limit, check=False, env=wide
    )
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize("suffix", ["xlsx", "json"])
def test_a_full_disk_names_the_target_and_leaves_nothing(
    roster: Path, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / "out" / f"plan.{suffix}"
    out.parent.mkdir()
    code, output = kgrota(
        "solve", str(roster), "-o", str(out), "--start-year", str(START), file_size=FILE_SIZE_LIMIT
    )
    assert code == 2, output
    assert f"cannot write {out}: the disk is full or the file too large" in output
    assert "Traceback" not in output and "Exception ignored" not in output
    assert not list(out.parent.iterdir())  # no plan, no temporary file


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """The folder refuses new files, even to root (immutable attribute) where chmod cannot."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip("root here cannot make a folder read-only (chattr +i)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_read_only_folder_fails_before_any_work(roster: Path, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    out = folder / "plan.xlsx"
    with read_only(folder):
        code, output = kgrota("--debug", "solve", str(roster), "-o", str(out))
        assert not list(folder.iterdir())
    assert code == 2, output
    assert f"cannot write {out}: no permission to write in {folder}" in output
    assert "solving" not in output  # refused before the roster was read or anything solved
    assert "Traceback" not in output and ".tmp" not in output
