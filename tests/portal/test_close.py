"""The customer closes a ticket once the problem is solved, after confirming (P5)."""

import pytest

from tests.factories import open_ticket
from tickets.models import EventVerb, Status

pytestmark = pytest.mark.django_db


def test_closing_asks_first_then_closes(client, customer, department):
    ticket = open_ticket(customer, department)
    client.force_login(customer)
    confirm = client.get(f"/tickets/{ticket.number}/close/")
    assert confirm.status_code == 200 and 'id="close-form"' in confirm.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    response = client.post(f"/tickets/{ticket.number}/close/")
    assert response["Location"] == f"/tickets/{ticket.number}/"
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    event = ticket.events.get(verb=EventVerb.CLOSED)
    assert event.actor == customer


def test_a_closed_ticket_has_no_close_button(client, customer, department):
    ticket = open_ticket(customer, department)
    client.force_login(customer)
    client.post(f"/tickets/{ticket.number}/close/")
    assert (
        f"/tickets/{ticket.number}/close/"
        not in client.get(f"/tickets/{ticket.number}/").content.decode()
    )
    assert client.post(f"/tickets/{ticket.number}/close/").status_code == 302


def test_another_customer_cannot_close_it(client, customer, other_customer, department):
    ticket = open_ticket(customer, department)
    client.force_login(other_customer)
    assert client.get(f"/tickets/{ticket.number}/close/").status_code == 404
    assert client.post(f"/tickets/{ticket.number}/close/").status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
