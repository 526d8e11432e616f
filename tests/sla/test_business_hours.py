"""Business-hours arithmetic (issue 10, R17): working days and hours, holidays, time zones
and daylight-saving changes. Every right answer here is worked out by hand."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from tickets.sla.hours import (
    Holiday,
    NoWorkingTime,
    Schedule,
    add_business,
    business_seconds,
    format_ranges,
    parse_ranges,
)

BERLIN = ZoneInfo("Europe/Berlin")
MOSCOW = ZoneInfo("Europe/Moscow")
NINE_TO_SIX = ((9 * 60, 18 * 60),)
WEEKDAYS = {day: NINE_TO_SIX for day in range(5)}
HOUR = 3600


def at(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone)


def test_without_a_calendar_the_clock_runs_round_the_clock():
    start = datetime(2026, 3, 6, 23, 0, tzinfo=UTC)
    assert add_business(start, 2 * HOUR, None) == datetime(2026, 3, 7, 1, 0, tzinfo=UTC)
    assert business_seconds(start, datetime(2026, 3, 7, 1, 0, tzinfo=UTC), None) == 2 * HOUR


def test_time_within_the_working_day_simply_adds():
    moscow = Schedule(MOSCOW, WEEKDAYS)
    assert add_business(at(MOSCOW, 2026, 3, 4, 10, 0), 2 * HOUR, moscow) == at(
        MOSCOW, 2026, 3, 4, 12, 0
    )


def test_a_friday_evening_ticket_is_due_on_monday():
    """Friday 17:00 + 4 working hours: 1 h on Friday, 3 h from Monday 09:00 = Monday 12:00."""
    moscow = Schedule(MOSCOW, WEEKDAYS)
    due = add_business(at(MOSCOW, 2026, 3, 6, 17, 0), 4 * HOUR, moscow)
    assert due == at(MOSCOW, 2026, 3, 9, 12, 0)
    assert business_seconds(at(MOSCOW, 2026, 3, 6, 17, 0), due, moscow) == 4 * HOUR


def test_a_ticket_before_opening_time_starts_counting_at_opening():
    moscow = Schedule(MOSCOW, WEEKDAYS)
    assert add_business(at(MOSCOW, 2026, 3, 4, 6, 30), HOUR, moscow) == at(
        MOSCOW, 2026, 3, 4, 10, 0
    )


def test_holidays_are_skipped_also_yearly_ones_over_new_year():
    """31 Dec 2026 is a Thursday; the yearly holiday 31 Dec-8 Jan ends on Friday 8 Jan
    2027: 2 working hours from Wednesday 30 Dec 17:00 are 1 h then, 1 h on Monday 11 Jan."""
    holidays = (Holiday(date(2020, 12, 31), date(2021, 1, 8), yearly=True),)
    moscow = Schedule(MOSCOW, WEEKDAYS, holidays)
    due = add_business(at(MOSCOW, 2026, 12, 30, 17, 0), 2 * HOUR, moscow)
    assert due == at(MOSCOW, 2027, 1, 11, 10, 0)


def test_a_one_off_holiday_covers_only_its_year():
    holiday = Holiday(date(2026, 5, 1), date(2026, 5, 1))
    assert holiday.covers(date(2026, 5, 1)) and not holiday.covers(date(2027, 5, 1))


def test_the_spring_daylight_saving_night_loses_an_hour_of_a_round_the_clock_calendar():
    """Berlin, 29 March 2026: 02:00 becomes 03:00. A 24/7 calendar from Saturday 22:00
    local: 8 working hours end at Sunday 07:00 local (only 23 hours that day)."""
    all_day = {day: ((0, 24 * 60),) for day in range(7)}
    berlin = Schedule(BERLIN, all_day)
    due = add_business(at(BERLIN, 2026, 3, 28, 22, 0), 8 * HOUR, berlin)
    assert due.astimezone(BERLIN) == at(BERLIN, 2026, 3, 29, 7, 0)
    assert due == datetime(2026, 3, 29, 5, 0, tzinfo=UTC)


def test_working_hours_stay_local_across_the_autumn_change():
    """Berlin, 25 October 2026 (Sunday): Friday 17:00 CEST + 2 h is Monday 10:00 CET,
    09:00 UTC, while Friday's closing was 16:00 UTC."""
    berlin = Schedule(BERLIN, WEEKDAYS)
    due = add_business(at(BERLIN, 2026, 10, 23, 17, 0), 2 * HOUR, berlin)
    assert due == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)


def test_the_same_moment_is_due_differently_in_two_time_zones():
    start = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)  # 17:00 Moscow, 15:00 Berlin
    assert add_business(start, 2 * HOUR, Schedule(MOSCOW, WEEKDAYS)) == at(
        MOSCOW, 2026, 3, 5, 10, 0
    )
    assert add_business(start, 2 * HOUR, Schedule(BERLIN, WEEKDAYS)) == at(
        BERLIN, 2026, 3, 4, 17, 0
    )


def test_split_shifts_count_only_the_working_parts():
    split = Schedule(MOSCOW, {0: parse_ranges("09:00-13:00, 14:00-18:00")})
    start, end = at(MOSCOW, 2026, 3, 2, 12, 0), at(MOSCOW, 2026, 3, 2, 15, 0)
    assert business_seconds(start, end, split) == 2 * HOUR
    assert business_seconds(end, start, split) == -2 * HOUR


def test_a_calendar_without_working_hours_has_no_due_time():
    with pytest.raises(NoWorkingTime):
        add_business(at(MOSCOW, 2026, 3, 2, 12, 0), HOUR, Schedule(MOSCOW, {}))


@pytest.mark.parametrize(
    "text", ["9-17", "18:00-09:00", "09:00-25:00", "09:00-12:00, 11:00-13:00", "09:60-10:00"]
)
def test_bad_hours_are_refused(text):
    with pytest.raises(ValueError):
        parse_ranges(text)


def test_hours_read_back_as_written():
    assert format_ranges(parse_ranges(" 14:00-18:00 ,09:00-13:00")) == "09:00-13:00, 14:00-18:00"
    assert parse_ranges("00:00-24:00") == ((0, 1440),)


def test_overlapping_holidays_are_found_also_yearly_ones():
    may = Holiday(date(2026, 5, 1), date(2026, 5, 3))
    assert may.overlaps(Holiday(date(2026, 5, 3), date(2026, 5, 4)))
    assert not may.overlaps(Holiday(date(2026, 5, 4), date(2026, 5, 4)))
    assert may.overlaps(Holiday(date(2000, 5, 2), date(2000, 5, 2), yearly=True))
