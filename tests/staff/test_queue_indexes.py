"""Every queue sort is read from an index, in order, a page at a time (ARCHITECTURE.md, Scale).

PostgreSQL only: the plans of SQLite say little about production. A few thousand tickets,
most of them closed as in a real helpdesk; the manager's queues (no department filter)
are the ones that would otherwise sort every open ticket.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import AgentFactory, CustomerFactory
from tests.helpers import postgres_only
from tickets import selectors
from tickets.models import Status, Ticket

pytestmark = [*postgres_only, pytest.mark.django_db]

TICKETS = 4000


@pytest.fixture
def many_tickets(department, other_department):
    rng = random.Random(4)
    customers = [CustomerFactory() for _ in range(20)]
    agents = [AgentFactory(departments=[department]) for _ in range(3)]
    now = timezone.now()
    statuses = [Status.NEW, Status.OPEN, Status.PENDING] + [Status.CLOSED] * 7
    rows = []
    for index in range(TICKETS):
        status = rng.choice(statuses)
        created = now - timedelta(minutes=rng.randrange(60 * 24 * 365))
        rows.append(
            Ticket(
                number=10_000 + index,
                subject=f"Ticket {index}",
                department=rng.choice([department, other_department]),
                requester=rng.choice(customers),
                assignee=None if rng.random() < 0.3 else rng.choice(agents),
                status=status,
                priority=rng.choice([1, 2, 2, 2, 3, 4]),
                channel="web",
                created_at=created,
                updated_at=created + timedelta(minutes=rng.randrange(600)),
                waiting_since=created if status != Status.CLOSED and rng.random() < 0.6 else None,
            )
        )
    Ticket.objects.bulk_create(rows, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")


def plan(user, filters) -> str:
    keys = selectors.QUEUE_SORTS[filters.sort]
    queryset = selectors.staff_queue(user, filters).order_by(*(key.order_by() for key in keys))
    return queryset[:51].explain()


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        (selectors.QueueFilters(sort="activity"), "ticket_updated"),
        (selectors.QueueFilters(sort="waiting"), "ticket_open_waiting"),
        (selectors.QueueFilters(sort="priority"), "ticket_open_priority"),
        (selectors.QueueFilters(sort="created", status="any"), "ticket_created"),
        (selectors.QueueFilters(unassigned=True), "ticket_open_unassigned"),
    ],
)
def test_each_sort_of_the_queue_reads_its_index(manager, many_tickets, filters, index):
    explained = plan(manager, filters)
    assert f"Index Scan using {index} on tickets_ticket" in explained, explained
    assert "Seq Scan on tickets_ticket" not in explained, explained
