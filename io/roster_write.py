"""Write a `Roster` as the workbook `read_roster` reads (SPEC §4), through the template's writer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model.instance import TIER_NAMES, Grade
from .headers import (
    BLACKOUT_ROW,
    CALENDAR,
    DISTANCES,
    FIXED,
    FORBIDDEN,
    HISTORY,
    KINDERGARTENS,
    NO,
    OFF_STAFF,
    ON_STAFF,
    PINS,
    SEMESTER_ROW,
    TEACHERS,
    YES,
)
from .template import write_workbook

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

    from ..model.instance import HistoryRecord, Kindergarten, Pin, Roster, SchoolCalendar, Teacher
    from .headers import Sheet


def _yes_no(flag: bool) -> str:
    return YES if flag else NO


def _cells(sheet: Sheet, **values: object) -> list[object]:
    """Cell values in the header table's column order; columns not given stay blank."""
    return [values.get(c.key) for c in sheet.columns]


def _kg_cells(k: Kindergarten) -> list[object]:
    classes = {f"classes_{g.value}": k.classes_of(g) for g in Grade}
    return _cells(
        KINDERGARTENS,
        kg_id=k.kg_id,
        name=k.name,
        group=k.group,
        role=k.role.zh,
        ownership=k.ownership.zh,
        tier=TIER_NAMES[k.tier],
        town=k.town,
        **classes,
    )


def _teacher_cells(t: Teacher) -> list[object]:
    return _cells(
        TEACHERS,
        teacher_id=t.teacher_id,
        name=t.name,
        home_kg=t.home_kg,
        grade=t.grade.zh if t.grade else None,
        backbone=_yes_no(t.backbone),
        cadre=_yes_no(t.cadre),
        hire_date=t.hire_date,
        birth_date=t.birth_date,
        veto=t.veto,
        unavailable="、".join(map(str, sorted(t.unavailable))) or None,
        preferred_hosts="、".join(t.preferred_hosts) or None,
        gender=t.gender.zh if t.gender else None,
        id_number=t.id_number,
        school_entry=t.school_entry,
        on_staff=None if t.on_staff is None else ON_STAFF if t.on_staff else OFF_STAFF,
        title=t.title,
    )


def _history_cells(h: HistoryRecord) -> list[object]:
    return _cells(
        HISTORY,
        teacher_id=h.teacher_id,
        type=h.activity.zh,
        host_kg=h.host_kg,
        start=h.start,
        end=h.end,
    )


def _pin_cells(p: Pin) -> list[object]:
    return _cells(
        PINS,
        teacher_id=p.teacher_id,
        type=p.activity.zh,
        host_kg=p.host_kg,
        year=p.year,
        semester=p.semester.zh if p.semester else None,
        mode=FORBIDDEN if p.forbidden else FIXED,
    )


def _calendar_cells(calendar: SchoolCalendar) -> Iterator[list[object]]:
    for year, semester, first, last in calendar.semesters:
        yield _cells(
            CALENDAR, type=SEMESTER_ROW, year=year, semester=semester.zh, start=first, end=last
        )
    for first, last, reason in calendar.blackouts:
        yield _cells(CALENDAR, type=BLACKOUT_ROW, start=first, end=last, note=reason or None)


def write_roster(roster: Roster, path: str | Path) -> Path:
    """Write a roster in the workbook shape `read_roster` reads (bilingual headers), atomically."""
    rows: dict[str, Iterable[list[object]]] = {
        KINDERGARTENS.key: map(_kg_cells, roster.kindergartens),
        TEACHERS.key: map(_teacher_cells, roster.teachers),
        HISTORY.key: map(_history_cells, roster.history),
        DISTANCES.key: (
            _cells(DISTANCES, from_kg=a, to_kg=b, km=km) for a, b, km in roster.distances
        ),
        PINS.key: map(_pin_cells, roster.pins),
        CALENDAR.key: _calendar_cells(roster.calendar),
    }
    return write_workbook(path, rows)
