"""Bulk actions from the queue: each ticket through its own service and audit event (issue 4)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import AgentFactory, open_ticket
from tickets import services
from tickets.models import EventVerb, Priority, Status, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(customer, department):
    return [open_ticket(customer, department, subject=f"Ticket {i}") for i in range(3)]


def bulk(client, tickets, **data):
    numbers = [getattr(ticket, "number", ticket) for ticket in tickets]
    return client.post(reverse("staff:queue_bulk"), {"ticket": numbers, **data})


def flashes(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def refreshed(tickets):
    for ticket in tickets:
        ticket.refresh_from_db()
    return tickets


def test_assign_to_me(client, agent, tickets):
    client.force_login(agent)
    response = bulk(client, tickets, action="assign", assignee="me")
    assert all(ticket.assignee == agent for ticket in refreshed(tickets))
    assert TicketEvent.objects.filter(verb=EventVerb.ASSIGNED, actor=agent).count() == 3
    assert "3 tickets changed." in flashes(response)


def test_assign_to_a_colleague_and_back_to_the_queue(client, agent, department, tickets):
    colleague = AgentFactory(departments=[department])
    client.force_login(agent)
    bulk(client, tickets, action="assign", assignee=str(colleague.pk))
    assert all(ticket.assignee == colleague for ticket in refreshed(tickets))
    bulk(client, tickets, action="assign", assignee="none")
    assert all(ticket.assignee is None for ticket in refreshed(tickets))
    assert TicketEvent.objects.filter(verb=EventVerb.ASSIGNED).count() == 6


def test_set_status_and_priority(client, agent, tickets):
    client.force_login(agent)
    bulk(client, tickets, action="status", status=Status.PENDING)
    bulk(client, tickets, action="priority", priority=Priority.HIGH)
    for ticket in refreshed(tickets):
        assert (ticket.status, ticket.priority) == (Status.PENDING, Priority.HIGH)
        assert ticket.events.filter(verb=EventVerb.STATUS_CHANGED).count() == 1
        assert ticket.events.filter(verb=EventVerb.PRIORITY_CHANGED).count() == 1


def test_moving_out_of_his_departments_tells_him_they_left_his_queue(
    client, agent, other_department, tickets
):
    client.force_login(agent)
    response = bulk(client, tickets[:2], action="move", department=other_department.pk)
    assert [t.department for t in refreshed(tickets)] == [other_department] * 2 + [
        tickets[2].department
    ]
    assert TicketEvent.objects.filter(verb=EventVerb.MOVED).count() == 2
    messages = flashes(response)
    assert any(
        f"#{tickets[0].number}, #{tickets[1].number}" in m and "no longer in your queue" in m
        for m in messages
    )


def test_each_refusal_is_reported_with_its_ticket_and_the_rest_goes_through(client, agent, tickets):
    services.ticket_close(actor=agent, ticket=tickets[1])
    client.force_login(agent)
    response = bulk(client, tickets, action="priority", priority=Priority.URGENT)
    assert [t.priority for t in refreshed(tickets)] == [Priority.URGENT, 2, Priority.URGENT]
    messages = flashes(response)
    assert "2 tickets changed." in messages
    assert any(m.startswith(f"#{tickets[1].number}: ") and "closed" in m for m in messages)


def test_a_colleague_outside_the_tickets_department_is_refused_per_ticket(
    client, manager, customer, department, other_department
):
    sales_agent = AgentFactory(name="Sam", departments=[other_department])
    support = open_ticket(customer, department)
    sales = open_ticket(customer, other_department)
    client.force_login(manager)
    response = bulk(client, [support, sales], action="assign", assignee=str(sales_agent.pk))
    assert refreshed([support, sales])[0].assignee is None
    assert sales.assignee == sales_agent
    assert any(
        m.startswith(f"#{support.number}: ") and "does not work in" in m for m in flashes(response)
    )


def test_tickets_of_other_departments_are_not_found_and_not_touched(
    client, agent_other_department, tickets
):
    client.force_login(agent_other_department)
    response = bulk(client, tickets, action="priority", priority=Priority.URGENT)
    assert all(t.priority == Priority.NORMAL for t in refreshed(tickets))
    assert not TicketEvent.objects.filter(verb=EventVerb.PRIORITY_CHANGED).exists()
    messages = flashes(response)
    assert all(
        any(m == f"#{t.number}: not found in your departments." for m in messages) for t in tickets
    )


def test_the_queue_comes_back_with_its_filters(client, agent, tickets):
    client.force_login(agent)
    response = bulk(
        client, tickets, action="status", status="pending", query="assignee=none&sort=waiting"
    )
    assert response["Location"] == reverse("staff:queue") + "?assignee=none&sort=waiting"


def test_the_back_link_stays_on_the_queue(client, agent, tickets):
    client.force_login(agent)
    response = bulk(client, tickets, action="status", status="pending", query="//evil.example/")
    assert response["Location"].startswith(reverse("staff:queue") + "?")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"action": "assign"}, "Choose who gets the tickets."),
        ({"action": "status"}, "Choose the new value."),
        ({"action": "status", "status": "new"}, "Select a valid choice."),
        ({"action": "explode"}, "Select a valid choice."),
    ],
)
def test_an_incomplete_action_changes_nothing_and_says_why(client, agent, tickets, data, error):
    client.force_login(agent)
    response = bulk(client, tickets, **data)
    assert response.status_code == 302
    assert any(error in m for m in flashes(response))
    assert TicketEvent.objects.exclude(verb=EventVerb.OPENED).count() == 0


def test_nothing_ticked_says_so(client, agent):
    client.force_login(agent)
    response = client.post(reverse("staff:queue_bulk"), {"action": "status", "status": "open"})
    assert "Tick at least one ticket." in flashes(response)
