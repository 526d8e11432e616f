"""Business-hours arithmetic (issue 10, R17): pure functions, no database.

A `Schedule` is a calendar made plain: its time zone, working intervals per weekday in
local wall-clock minutes, and holidays. Due times are computed in the calendar's own time
zone, day by day, so daylight-saving changes and holidays fall where people live them; the
results are aware datetimes, comparable with anything in UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

# Looking further than this for working time means the calendar has none (a mistake).
MAX_DAYS = 3 * 366
DAY_MINUTES = 24 * 60
RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class NoWorkingTime(ValueError):
    """The calendar has no working time to count (no hours, or holidays all year)."""


@dataclass(frozen=True)
class Holiday:
    """Days off from `first` to `last` inclusive; `yearly` ones recur on the same dates."""

    first: date
    last: date
    yearly: bool = False

    def covers(self, day: date) -> bool:
        if not self.yearly:
            return self.first <= day <= self.last
        md = (day.month, day.day)
        start, end = (self.first.month, self.first.day), (self.last.month, self.last.day)
        if start <= end:
            return start <= md <= end
        return md >= start or md <= end  # over New Year: 31 Dec - 2 Jan

    def days(self) -> Iterable[date]:
        day = self.first
        while day <= self.last:
            yield day
            day += timedelta(days=1)

    def overlaps(self, other: Holiday) -> bool:
        return any(other.covers(day) for day in self.days()) or any(
            self.covers(day) for day in other.days()
        )


Interval = tuple[int, int]  # local minutes since midnight, [start, end)


@dataclass(frozen=True)
class Schedule:
    zone: ZoneInfo
    week: dict[int, tuple[Interval, ...]]  # Monday = 0
    holidays: tuple[Holiday, ...] = field(default=())

    def is_holiday(self, day: date) -> bool:
        return any(holiday.covers(day) for holiday in self.holidays)

    def has_hours(self) -> bool:
        return any(self.week.get(weekday) for weekday in range(7))


def parse_ranges(text: str) -> tuple[Interval, ...]:
    """'09:00-13:00, 14:00-18:00' -> ((540, 780), (840, 1080)); '' -> (). '24:00' ends a day.

    Raises ValueError for anything else, for overlapping or empty ranges.
    """
    intervals = []
    for part in (text or "").replace(";", ",").split(","):
        if not part.strip():
            continue
        match = RANGE.match(part)
        if not match:
            raise ValueError(part.strip())
        h1, m1, h2, m2 = (int(group) for group in match.groups())
        if m1 > 59 or m2 > 59:
            raise ValueError(part.strip())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if not 0 <= start < end <= DAY_MINUTES:
            raise ValueError(part.strip())
        intervals.append((start, end))
    intervals.sort()
    for (_s1, e1), (s2, _e2) in pairwise(intervals):
        if s2 < e1:
            raise ValueError(text)
    return tuple(intervals)


def format_ranges(intervals: Sequence[Interval]) -> str:
    return ", ".join(f"{_hhmm(start)}-{_hhmm(end)}" for start, end in intervals)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _at(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """The instant of local wall-clock `minutes` on `day` (24:00 is the next midnight)."""
    if minutes >= DAY_MINUTES:
        day, minutes = day + timedelta(days=1), minutes - DAY_MINUTES
    local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)
    return local.astimezone(UTC)


def working_intervals(schedule: Schedule, day: date) -> list[tuple[datetime, datetime]]:
    """The day's working time as UTC instants; a gap in the clocks (DST) shortens it."""
    if schedule.is_holiday(day):
        return []
    result = []
    for start, end in schedule.week.get(day.weekday(), ()):
        opens, closes = _at(day, start, schedule.zone), _at(day, end, schedule.zone)
        if closes > opens:
            result.append((opens, closes))
    return result


def add_business(start: datetime, seconds: float, schedule: Schedule | None) -> datetime:
    """The moment `seconds` of working time after `start` (round the clock without a schedule)."""
    if schedule is None:
        return start + timedelta(seconds=seconds)
    if seconds <= 0:
        return start
    if not schedule.has_hours():
        raise NoWorkingTime
    remaining = float(seconds)
    day = start.astimezone(schedule.zone).date()
    for _ in range(MAX_DAYS):
        for opens, closes in working_intervals(schedule, day):
            opens = max(opens, start)
            if closes <= opens:
                continue
            span = (closes - opens).total_seconds()
            if remaining <= span:
                return opens + timedelta(seconds=remaining)
            remaining -= span
        day += timedelta(days=1)
    raise NoWorkingTime


def business_seconds(start: datetime, end: datetime, schedule: Schedule | None) -> float:
    """Working seconds between two instants; negative when `end` is before `start`."""
    if end < start:
        return -business_seconds(end, start, schedule)
    if schedule is None:
        return (end - start).total_seconds()
    total = 0.0
    day = start.astimezone(schedule.zone).date()
    last = end.astimezone(schedule.zone).date()
    while day <= last:
        for opens, closes in working_intervals(schedule, day):
            opens, closes = max(opens, start), min(closes, end)
            if closes > opens:
                total += (closes - opens).total_seconds()
        day += timedelta(days=1)
    return total
