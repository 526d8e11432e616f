"""Shared pieces of the staff portal's tests (issue 4)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.factories import open_ticket
from tickets import selectors


@pytest.fixture(autouse=True)
def _empty_cache():
    """Presence lives in the cache; every test starts with nobody looking at anything."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ticket(customer, department):
    return open_ticket(customer, department, subject="Сервер не отвечает")


@pytest.fixture
def sales_ticket(other_customer, other_department):
    return open_ticket(other_customer, other_department, subject="Need an offer for 5 VPS")


def seen(ticket) -> int:
    """What a freshly loaded ticket page carries in its reply form."""
    return selectors.ticket_last_event_id(ticket)
