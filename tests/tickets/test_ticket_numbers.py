"""Ticket numbers stay unique when many tickets open at once (issue 2)."""

import threading

import pytest
from django.db import connection

from tests.factories import CustomerFactory, DepartmentFactory, open_ticket
from tests.helpers import postgres_only
from tickets.models import Ticket

pytestmark = [*postgres_only, pytest.mark.django_db(transaction=True)]

THREADS = 20


def test_twenty_threads_opening_tickets_at_once_get_distinct_numbers():
    department = DepartmentFactory()
    customers = [CustomerFactory() for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def open_one(customer):
        try:
            start.wait()
            open_ticket(customer, department, subject=f"from {customer.email}")
        except BaseException as exc:  # reported below, with the thread's own failure
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_one, args=(c,)) for c in customers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    numbers = sorted(Ticket.objects.values_list("number", flat=True))
    assert len(numbers) == THREADS
    assert numbers == list(range(numbers[0], numbers[0] + THREADS))
