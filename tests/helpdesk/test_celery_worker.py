"""Background work runs in a real Celery worker on Redis (issue 2, ARCHITECTURE.md)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from helpdesk.celery import app as celery_app
from helpdesk.tasks import ping
from tests.factories import open_ticket
from tests.helpers import postgres_only
from tests.workers import celery_worker, task_results
from tickets import services
from tickets.models import Status, Ticket
from tickets.tasks import close_solved_tickets

pytestmark = [
    *postgres_only,
    pytest.mark.services,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def test_a_task_round_trips_through_a_real_worker():
    with celery_worker():
        assert ping.delay().get(timeout=20) == "pong"


def test_the_worker_closes_tickets_solved_long_ago(customer, agent, department):
    ticket = open_ticket(customer, department)
    services.ticket_set_status(actor=agent, ticket=ticket, status=Status.SOLVED)
    Ticket.objects.filter(pk=ticket.pk).update(solved_at=timezone.now() - timedelta(days=30))
    with celery_worker():
        assert close_solved_tickets.delay().get(timeout=20) == 1
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.events.order_by("-id").first().actor is None


def test_a_worker_starts_on_an_empty_queue():
    """Tasks an earlier test's worker left queued (an eta retry given back at shutdown, say)
    never run in the next test's worker: they would act on that test's data and log results
    it does not expect (the flaky worker-killed test: an old send task's 'skipped')."""
    celery_app.conf.task_always_eager = False
    try:
        close_solved_tickets.delay()  # no worker runs: it stays queued
    finally:
        celery_app.conf.task_always_eager = True
    with celery_worker() as worker:
        assert ping.delay().get(timeout=20) == "pong"  # after anything queued before it
        assert task_results(worker, "tickets.tasks.close_solved_tickets") == []
