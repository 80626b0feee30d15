"""Checks that fail a command before its work, not after a long solve: the output's folder
and suffix, the start year, the ``--previous`` plan, and files given in the wrong order.

Everything here runs before the roster is read. A problem is a `ValueError` or `OSError`
(a usage problem: exit 2) or an `InputError` naming the file (exit 2).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Protocol

from ..model.i18n import _
from . import sheets
from .atomic import write_error
from .errors import InputError, Problem
from .headers import KINDERGARTENS, TEACHERS, normalize
from .schedule_io import ASSIGNMENT_SHEET, FORMATS, read_schedule

FIRST_YEAR, LAST_YEAR = 2000, 2100  # academic years a plan may start in


class SolveJob(Protocol):
    """What the solve command reads and writes (the CLI's ``Job``)."""

    @property
    def roster(self) -> Path: ...
    @property
    def out(self) -> Path: ...
    @property
    def start_year(self) -> int: ...
    @property
    def previous(self) -> Path | None: ...
    @property
    def fmt(self) -> str: ...


def preflight(job: SolveJob) -> None:
    """Every check a solve can make before reading the roster."""
    output_format(job.out, job.fmt)
    writable(job.out)
    start_year(job.start_year)
    roster_first(job.roster)
    if job.previous is not None:
        previous_plan(job.previous)


def output_format(path: Path, fmt: str) -> None:
    """The output's suffix names a format kgrota writes, the one asked for."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        known = ", ".join(f".{f}" for f in FORMATS)
        raise ValueError(
            _("{path}: unknown suffix {suffix!r}: a plan is written as {known}").format(
                path=path, suffix=path.suffix, known=known
            )
        )
    if fmt != suffix:
        raise ValueError(
            _("{path}: the suffix says {suffix} but --format says {fmt}").format(
                path=path, suffix=suffix, fmt=fmt
            )
        )


def writable(path: Path) -> None:
    """The output can be written: not a folder, and its folder (or the nearest one that
    exists, where the rest will be made) takes a new file; tried, not guessed."""
    if path.is_dir():
        raise ValueError(_("{path} is a folder: give a file name for the plan").format(path=path))
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise ValueError(_("{path}: {folder} is not a folder").format(path=path, folder=folder))
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=folder)
    except OSError as exc:
        raise write_error(path, exc) from None
    os.close(fd)
    Path(probe).unlink()


def start_year(year: int) -> None:
    """A start year a plan can be made for (dates and holidays exist for it)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(
            _("--start-year {year}: give the academic year the plan starts, {first}–{last}").format(
                year=year, first=FIRST_YEAR, last=LAST_YEAR
            )
        )


def previous_plan(path: Path) -> None:
    """The plan being revised reads as a schedule (problems name its rows)."""
    if kind(path) == ROSTER:
        message = _("this looks like a roster, not a plan (--previous takes a plan)")
        raise InputError([Problem(str(path), None, None, None, message)])
    read_schedule(path)


def roster_first(roster: Path, plan: Path | None = None) -> None:
    """A roster that is really a plan (files swapped, or a plan given to solve) is named as
    such, rather than reported as eight missing sheets."""
    if kind(roster) != SCHEDULE:
        return
    if plan is not None and kind(plan) == ROSTER:
        message = _(
            "this looks like a schedule and {plan} like a roster; the roster comes first: "
            "kgrota verify ROSTER SCHEDULE"
        ).format(plan=plan)
    else:
        message = _("this looks like a schedule, not a roster; the roster comes first")
    raise InputError([Problem(str(roster), None, None, None, message)])


ROSTER, SCHEDULE = "roster", "schedule"


def kind(path: Path) -> str | None:
    """``schedule`` for a file with an assignments sheet (or JSON key), ``roster`` for one
    with kindergartens and teachers sheets but none, else None (unreadable files too: their
    reader reports them)."""
    names = _names(path)
    if names & ASSIGNMENT_SHEET.names:
        return SCHEDULE
    if names & KINDERGARTENS.names and names & TEACHERS.names:
        return ROSTER
    return None


def _names(path: Path) -> set[str]:
    """The normalized sheet titles of a workbook, or top-level keys of a JSON file."""
    if not path.is_file():
        return set()
    if path.suffix.lower() == ".json":
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return set()
        return {normalize(k) for k in doc} if isinstance(doc, dict) else set()
    book = sheets.open_workbook(sheets.Problems(str(path)), path)
    if book is None:
        return set()
    with book:
        return {normalize(t) for t in book.titles}
