"""Each breach escalates exactly once (issue 10, R17), even when two scans overlap or a
worker dies half-way through its run. Real row locks: PostgreSQL."""

import threading
from unittest import mock

import pytest
from django.db import connection

from tests.factories import open_ticket
from tests.helpers import postgres_only
from tests.sla.conftest import moscow
from tickets.models import EventDelivery, EventVerb, TicketEvent
from tickets.sla import escalation
from tickets.sla.models import Escalation

pytestmark = [*postgres_only, pytest.mark.django_db(transaction=True)]

TICKETS = 12


def opened(clock, customer, department):
    clock(moscow(2026, 3, 4, 10, 0))
    return [open_ticket(customer, department, subject=f"№{n}") for n in range(TICKETS)]


def test_two_scans_running_at_once_escalate_each_breach_once(clock, policy, customer, department):
    tickets = opened(clock, customer, department)
    start = threading.Barrier(2)
    counts, errors = [], []

    def run():
        try:
            start.wait()
            counts.append(escalation.escalations_scan(now=moscow(2026, 3, 4, 12, 1)))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(counts) == TICKETS
    assert Escalation.objects.count() == TICKETS
    assert TicketEvent.objects.filter(verb=EventVerb.ESCALATED).count() == TICKETS
    assert {e.ticket_id for e in Escalation.objects.all()} == {t.pk for t in tickets}
    assert escalation.escalations_scan(now=moscow(2026, 3, 4, 12, 2)) == 0


def test_a_run_that_dies_half_way_leaves_the_rest_to_the_next_run(
    clock, policy, customer, department
):
    opened(clock, customer, department)
    real = escalation.event_record
    calls = []

    def dies_on_the_fifth(**kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise SystemExit("the worker was killed")
        return real(**kwargs)

    with (
        mock.patch.object(escalation, "event_record", dies_on_the_fifth),
        pytest.raises(SystemExit),
    ):
        escalation.escalations_scan(now=moscow(2026, 3, 4, 12, 1))
    assert Escalation.objects.count() == 4, "what was committed stays; the fifth rolled back"
    assert escalation.escalations_scan(now=moscow(2026, 3, 4, 12, 2)) == TICKETS - 4
    assert Escalation.objects.count() == TICKETS
    assert TicketEvent.objects.filter(verb=EventVerb.ESCALATED).count() == TICKETS
    mails = EventDelivery.objects.filter(subscriber="sla.escalation_mail").count()
    assert mails <= TICKETS
