"""SLA fixtures (issue 10): a Moscow office calendar and a policy for the support desk."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tickets.sla.models import Calendar, Policy

MOSCOW = ZoneInfo("Europe/Moscow")
NINE_TO_SIX = [[9 * 60, 18 * 60]]


def moscow(*args) -> datetime:
    return datetime(*args, tzinfo=MOSCOW)


@pytest.fixture
def office(db):
    return Calendar.objects.create(
        name="Москва, офис",
        time_zone="Europe/Moscow",
        hours={str(d): NINE_TO_SIX for d in range(5)},
    )


@pytest.fixture
def policy(department, office):
    """First response in 2 working hours, next in 4, resolution in 2 working days."""
    return Policy.objects.create(
        department=department,
        calendar=office,
        first_response_minutes=120,
        next_response_minutes=240,
        resolution_minutes=2 * 9 * 60,
        warn_minutes=30,
    )


@pytest.fixture
def clock():
    """A frozen clock that the test moves: clock(moscow(2026, 3, 4, 10, 0))."""
    travellers = []

    def move(when: datetime):
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(when, tick=False)
        traveller.start()
        travellers.append(traveller)

    yield move
    for traveller in travellers:
        traveller.stop()
