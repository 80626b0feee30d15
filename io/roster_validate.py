"""Checks of a roster against the plan: errors that need the start year (hire dates after the
plan's first year, history at or after the plan start, pins that cannot hold) and the
cross-checks that are warnings (`kgrota validate`). `solve` and `validate` run the same checks.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..model.i18n import _
from ..model.instance import Activity, Grade, Instance, Kindergarten, Role, academic_year
from ..model.rules.induction import induction_year
from ..model.rules.shadowing import SHD_VETO
from .errors import InputError, Problem
from .headers import HISTORY, PINS, TEACHERS, Sheet
from .roster_read import parse_roster

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from ..model.instance import Pin, Roster
    from ..model.profile import Profile
    from .roster_read import ParsedRoster


def default_start_year(today: dt.date | None = None) -> int:
    """The next academic year that has not started yet (plans are made ahead)."""
    return academic_year(today or dt.date.today()) + 1


class _Report:
    """Problems of a parsed roster, located by sheet, row and column key."""

    def __init__(self, parsed: ParsedRoster) -> None:
        self.parsed = parsed
        self.found: list[Problem] = []

    def add(
        self, sheet: Sheet, row: int | None, key: str | None, message: str, *, warning: bool = False
    ) -> None:
        column = None
        if key is not None:
            spec = sheet.column(key)
            column = self.parsed.column(sheet, key)
            message = f"{spec.key} {spec.zh}: {message}"
        title = self.parsed.title(sheet)
        self.found.append(Problem(self.parsed.file, title, row, column, message, warning))


def check_roster(
    parsed: ParsedRoster, profile: Profile, start_year: int, years: int | None = None
) -> list[Problem]:
    """The problems of a roster that need the plan's start year: errors and warnings."""
    report = _Report(parsed)
    instance = Instance.create(parsed.roster, profile, start_year, years)
    first_day = dt.date(start_year, 8, 1)  # academic years turn on 1 August (academic_year)
    for t in parsed.roster.teachers:
        row = parsed.teachers.rows.get(t.teacher_id)
        for key, day in (("hire_date", t.hire_date), ("school_entry", t.school_entry)):
            if day is not None and academic_year(day) > start_year:
                message = _("{date} is after the plan's first year ({year}): a typing error?")
                report.add(TEACHERS, row, key, message.format(date=day, year=start_year))
    for h, row in zip(parsed.roster.history, parsed.history_rows, strict=True):
        if h.start >= first_day:
            message = _(
                "{date} is at or after the plan start ({first}): history is what happened "
                "before the plan (pins fix what is to come)"
            )
            report.add(HISTORY, row, "start", message.format(date=h.start, first=first_day))
    for pin, row in zip(parsed.roster.pins, parsed.pin_rows, strict=True):
        for column, message, warning in _pin_problems(instance, pin):
            report.add(PINS, row, column, message, warning=warning)
    return report.found


def _pin_problems(inst: Instance, pin: Pin) -> Iterator[tuple[str | None, str, bool]]:
    """(column, message, warning) of a pin that no plan can keep, or that does nothing."""
    span = inst.horizon.year_list
    if pin.year not in span:
        if pin.forbidden:
            message = _("{year} is outside the plan ({first}–{last}): the pin has no effect")
        else:
            message = _("{year} is outside the plan ({first}–{last})")
        yield "year", message.format(year=pin.year, first=span[0], last=span[-1]), pin.forbidden
        return
    if pin.forbidden:
        return  # forbidding what cannot happen is harmless
    t = inst.teacher[pin.teacher_id]
    if pin.year in t.unavailable:
        message = _("the teacher is not available in {year} (不可交流学年)")
        yield "year", message.format(year=pin.year), False
    yield from _pin_host(inst, pin)
    yield from _pin_activity(inst, pin)


def _pin_host(inst: Instance, pin: Pin) -> Iterator[tuple[str | None, str, bool]]:
    t = inst.teacher[pin.teacher_id]
    if pin.host_kg is None:
        return
    home, host = inst.kg[t.home_kg], inst.kg[pin.host_kg]
    if host.kg_id == home.kg_id:
        yield (
            "host_kg",
            _("{host} is the teacher's own kindergarten").format(host=host.kg_id),
            False,
        )
    elif host.group != home.group:
        message = _(
            "{host} is in group {other}, the teacher's home in {group}: exchanges stay in a group"
        )
        yield "host_kg", message.format(host=host.kg_id, other=host.group, group=home.group), False


def _pin_activity(inst: Instance, pin: Pin) -> Iterator[tuple[str | None, str, bool]]:
    """What the pinned activity asks of this one teacher."""
    t = inst.teacher[pin.teacher_id]
    lead = inst.lead(t.home_kg)
    if pin.activity is Activity.SHADOWING:
        if t.home_kg == lead:
            yield (
                "teacher_id",
                _("the lead's own staff do not shadow (visits are to the lead)"),
                False,
            )
        elif pin.host_kg not in (None, lead):
            yield "host_kg", _("shadowing is at the lead {lead}").format(lead=lead), False
        if t.veto and inst.profile.enabled(SHD_VETO.id):
            message = _("the teacher is vetoed from shadowing ({veto}; SHD-VETO)")
            yield "teacher_id", message.format(veto=t.veto), False
    elif pin.activity is Activity.INDUCTION:
        if induction_year(inst, t) != pin.year:
            message = _(
                "not a new teacher in {year} (hired {hire}): induction is the first year of service"
            )
            yield "year", message.format(year=pin.year, hire=t.hire_date), False
        elif t.home_kg == lead:
            yield (
                "teacher_id",
                _("a new teacher of the lead is inducted at home: nothing to pin"),
                False,
            )
        elif pin.host_kg not in (None, lead):
            yield "host_kg", _("induction is at the lead {lead}").format(lead=lead), False
    elif pin.activity is Activity.ROTATION:
        yield from _pin_rotation(inst, pin)
    elif pin.activity is Activity.GUIDANCE and t.home_kg != lead:
        yield (
            "teacher_id",
            _("guidance is given by the lead's staff ({lead})").format(lead=lead),
            False,
        )


def _pin_rotation(inst: Instance, pin: Pin) -> Iterator[tuple[str | None, str, bool]]:
    t = inst.teacher[pin.teacher_id]
    if t.grade is None:
        yield (
            "teacher_id",
            _("a rotation needs the teacher's grade (任教年级), which is blank"),
            False,
        )
        return
    if not t.backbone:
        message = _("rotation is for backbone teachers (骨干); kept as the office's decision")
        yield "teacher_id", message, True
    if pin.host_kg is not None and inst.kg[pin.host_kg].classes_of(t.grade) == 0:
        message = _("{host} has no {grade} classes to take the teacher")
        yield "host_kg", message.format(host=pin.host_kg, grade=t.grade.zh), False


def _parse_checked(
    path: str | Path, profile: Profile, start_year: int, years: int | None
) -> tuple[ParsedRoster, list[Problem]]:
    parsed = parse_roster(path)
    found = parsed.warnings + check_roster(parsed, profile, start_year, years)
    if any(not p.warning for p in found):
        raise InputError(found)
    return parsed, found


def read_checked(
    path: str | Path, profile: Profile, start_year: int, years: int | None = None
) -> tuple[Roster, list[Problem]]:
    """Read a roster and check it against the plan; raise `InputError` (with the warnings
    too) on any error, else return the roster and the warnings."""
    parsed, found = _parse_checked(path, profile, start_year, years)
    return parsed.roster, found


def calendar_note(years: list[int]) -> str:
    """Why the plan's calendar is provisional for these years."""
    message = _(
        "the holiday arrangements (调休) for {years} are not yet published: the statutory "
        "holidays are used; list the closed days in a 校历 sheet once they are"
    )
    return message.format(years="、".join(map(str, years)))


def validate_roster(
    path: str | Path,
    profile: Profile,
    *,
    start_year: int | None = None,
    years: int | None = None,
) -> list[Problem]:
    """Read and check a roster as `solve` does, plus cross-checks that are warnings
    (GROUP-SIZE, short staff, no backbone). Raises `InputError` on any error; returns every
    warning otherwise. The start year defaults to the next academic year."""
    year = start_year if start_year is not None else default_start_year()
    parsed, warnings = _parse_checked(path, profile, year, years)
    roster, parsed_kgs, parsed_teachers = parsed.roster, parsed.kgs.where, parsed.teachers.where
    instance = Instance.create(roster, profile, year, years)
    file = str(path)

    def warn(where: tuple[str, int | None], message: str) -> None:
        warnings.append(Problem(file, where[0], where[1], None, message, warning=True))

    guessed = instance.horizon.guessed_years()
    if guessed:
        warnings.append(Problem(file, None, None, None, calendar_note(guessed), warning=True))
    by_group: dict[str, list[Kindergarten]] = {}
    for k in roster.kindergartens:
        by_group.setdefault(k.group, []).append(k)
    backbones = {(t.home_kg, t.grade) for t in roster.teachers if t.backbone and not t.cadre}
    for group, kgs in by_group.items():
        if 0 < profile.max_group_size < len(kgs):
            message = _(
                "GROUP-SIZE: group {group!r} has {n} kindergartens, more than {most} (profile "
                "{profile})"
            )
            warn(
                parsed_kgs(instance.lead_of[group]),
                message.format(
                    group=group, n=len(kgs), most=profile.max_group_size, profile=profile.name
                ),
            )
        tight = instance.group_mode(group) == "tight"
        for k in kgs:
            sending = k.role in (Role.LEAD, Role.BRANCH) if tight else k.role is not Role.AFFILIATE
            for grade in Grade:
                classes = k.classes_of(grade)
                if classes == 0:
                    continue
                need = profile.teachers_per_class * classes
                have = instance.home_count(k.kg_id, grade)
                if have < need:
                    message = _(
                        "STAFF-CLASS: {kg} {grade}: already short, {have} teachers for {classes} "
                        "classes (needs {need}); nobody of this grade can leave without cover"
                    )
                    warn(
                        parsed_kgs(k.kg_id),
                        message.format(
                            kg=k.kg_id, grade=grade.text, have=have, classes=classes, need=need
                        ),
                    )
                if (
                    sending
                    and (k.kg_id, grade) not in backbones
                    and profile.enabled("ROT-PER-GRADE")
                ):
                    message = _("ROT-PER-GRADE: {kg} {grade} has no backbone (骨干) to send")
                    warn(parsed_kgs(k.kg_id), message.format(kg=k.kg_id, grade=grade.text))
    for t in roster.teachers:
        group = instance.kg[t.home_kg].group
        for host in t.preferred_hosts:
            if instance.kg[host].group != group:
                message = _(
                    "teacher {teacher}: preferred host {host} is in another group (ignored)"
                )
                warn(parsed_teachers(t.teacher_id), message.format(teacher=t.teacher_id, host=host))
    return warnings
