"""Take next (issue 11): the agent gets the most urgent, then oldest, unassigned ticket of
his departments; two agents pressing at once get different tickets (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from helpdesk.errors import NotPermitted
from tests.factories import AgentFactory, open_ticket
from tests.helpers import postgres_only
from tickets import services
from tickets.live.services import ticket_take_next
from tickets.models import EventVerb, Priority, Status, Ticket


@pytest.mark.django_db
def test_the_most_urgent_then_the_oldest_unassigned_ticket_comes_first(
    agent, customer, department, other_department
):
    old_normal = open_ticket(customer, department, subject="old")
    urgent_new = open_ticket(customer, department, subject="urgent", priority=Priority.URGENT)
    open_ticket(customer, other_department, subject="elsewhere", priority=Priority.URGENT)
    taken = open_ticket(customer, department, subject="taken", priority=Priority.URGENT)
    services.ticket_assign(actor=agent, ticket=taken, assignee=agent)
    solved = open_ticket(customer, department, subject="solved", priority=Priority.URGENT)
    services.ticket_set_status(actor=agent, ticket=solved, status=Status.SOLVED)

    assert ticket_take_next(actor=agent) == urgent_new
    assert ticket_take_next(actor=agent) == old_normal
    assert ticket_take_next(actor=agent) is None
    event = urgent_new.events.get(verb=EventVerb.ASSIGNED)
    assert event.actor == agent and event.after["id"] == agent.pk


@pytest.mark.django_db
def test_customers_take_nothing(customer, department):
    open_ticket(customer, department)
    with pytest.raises(NotPermitted):
        ticket_take_next(actor=customer)


@pytest.mark.django_db
def test_the_button_opens_the_taken_ticket(client, agent, customer, department):
    ticket = open_ticket(customer, department)
    client.force_login(agent)
    response = client.post(reverse("live:take_next"))
    assert response["Location"] == reverse("staff:ticket", args=[ticket.number])
    assert Ticket.objects.get(pk=ticket.pk).assignee == agent


@pytest.mark.django_db
def test_the_button_says_when_nothing_waits(client, agent_other_department, customer, department):
    open_ticket(customer, department)
    client.force_login(agent_other_department)
    response = client.post(reverse("live:take_next"), follow=True)
    assert "No unassigned ticket is waiting in your departments." in response.content.decode()
    assert Ticket.objects.filter(assignee__isnull=False).count() == 0


@pytest.mark.django_db
def test_dashboard_and_queue_offer_the_button(client, agent):
    client.force_login(agent)
    for name in ("staff:dashboard", "staff:queue"):
        html = client.get(reverse(name)).content.decode()
        assert f'action="{reverse("live:take_next")}"' in html


@pytest.mark.django_db(transaction=True)
@postgres_only[0]
@postgres_only[1]
def test_two_agents_pressing_at_once_get_different_tickets(customer, department):
    """Issue 11: the first agent's transaction holds its ticket while the second presses:
    SKIP LOCKED gives the second the next ticket at once, without waiting."""
    first, second = (AgentFactory(departments=[department]) for _ in range(2))
    tickets = [open_ticket(customer, department, subject=f"№{n}") for n in range(2)]
    holding, released = threading.Event(), threading.Event()
    got: dict[str, Ticket | None] = {}
    errors: list[BaseException] = []

    def press_and_hold():
        try:
            with transaction.atomic():
                got["first"] = ticket_take_next(actor=first)
                holding.set()
                # Without SKIP LOCKED the second press would wait for this lock, and
                # this wait would run out instead.
                if not released.wait(timeout=30):
                    errors.append(AssertionError("the second press waited for the first"))
        except BaseException as exc:
            errors.append(exc)
            holding.set()
        finally:
            connection.close()

    def press():
        try:
            holding.wait(timeout=30)
            got["second"] = ticket_take_next(actor=second)
        except BaseException as exc:
            errors.append(exc)
        finally:
            released.set()
            connection.close()

    threads = [threading.Thread(target=press_and_hold), threading.Thread(target=press)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert got["first"] is not None and got["second"] is not None
    assert got["first"].pk != got["second"].pk
    assignees = dict(
        Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("pk", "assignee")
    )
    assert sorted(assignees.values()) == sorted([first.pk, second.pk])
