"""The school calendar: semester dates, the weeks in which nobody is sent out, and the slots
(one or two teaching weeks) left between them.

A week is blocked for short visits when it is a semester's first or last teaching week, holds
a statutory holiday on a weekday (国庆 and 春节 block their whole seven days), or overlaps a
blackout of the roster's 校历 sheet. Holidays come from the `holidays` package, which knows
the State Council's official arrangements (调休) up to the year it was released and computes
the statutory days of later years; a plan reaching past that gets a note saying so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from holidays.countries.china import China, ChinaStaticHolidays

WEEK = dt.timedelta(weeks=1)
FRIDAY = dt.timedelta(days=4)
GOLDEN_WEEK = 7  # 国庆节 and 春节 are seven-day holidays whatever the weekdays

FIRST_WEEK = "开学第一周"
LAST_WEEK = "学期最后一周"


@dataclass(frozen=True)
class Week:
    """A teaching week, Monday to Friday, and why nobody is sent out in it (None: free)."""

    monday: dt.date
    blocked: str | None = None

    @property
    def friday(self) -> dt.date:
        return self.monday + FRIDAY


@cache
def statutory(year: int) -> dict[dt.date, str]:
    """Days off in a calendar year (Chinese names), golden weeks filled to seven days."""
    days = dict(China(years=year, language="zh_CN").items())  # type: ignore[no-untyped-call]
    for start, name in sorted(days.items()):
        golden = any(word in name for word in ("国庆", "春节", "除夕"))
        if golden and (start - dt.timedelta(days=1)) not in days:
            for offset in range(GOLDEN_WEEK):
                days.setdefault(start + dt.timedelta(days=offset), name)
    return days


def official(year: int) -> bool:
    """Whether the holiday data hold the official arrangement (调休) for this year."""
    return year in ChinaStaticHolidays.special_public_holidays


def weeks(
    first: dt.date, last: dt.date, blackouts: tuple[tuple[dt.date, dt.date, str], ...] = ()
) -> tuple[Week, ...]:
    """The teaching weeks from the week of `first` to the week of `last`, each marked."""
    monday = first - dt.timedelta(days=first.weekday())
    out: list[Week] = []
    while monday <= last:
        out.append(Week(monday, _blocked(monday, blackouts)))
        monday += WEEK
    if out:
        out[0] = Week(out[0].monday, out[0].blocked or FIRST_WEEK)
        out[-1] = Week(out[-1].monday, out[-1].blocked or LAST_WEEK)
    return tuple(out)


def _blocked(monday: dt.date, blackouts: tuple[tuple[dt.date, dt.date, str], ...]) -> str | None:
    friday = monday + FRIDAY
    for start, end, reason in blackouts:
        if start <= friday and monday <= end:
            return reason
    for offset in range(5):
        day = monday + dt.timedelta(days=offset)
        name = statutory(day.year).get(day)
        if name is not None:
            return name
    return None


def slots(teaching: tuple[Week, ...], slot_weeks: int) -> tuple[tuple[dt.date, dt.date], ...]:
    """Runs of free weeks cut into slots of `slot_weeks` weeks (a run's remainder is a
    shorter slot): (first Monday, last Friday) of each."""
    runs: list[list[Week]] = [[]]
    for week in teaching:
        if week.blocked is None:
            runs[-1].append(week)
        elif runs[-1]:
            runs.append([])
    return tuple(
        (run[i].monday, run[min(i + slot_weeks, len(run)) - 1].friday)
        for run in runs
        for i in range(0, len(run), slot_weeks)
    )
