"""The ticket's controls: assignee, take it, status, priority, department, reopen (R10, R11)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import AgentFactory
from tickets import services
from tickets.models import EventVerb, Priority, Status

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def post(client, name, ticket, data=None, **headers):
    return client.post(reverse(f"staff:{name}", args=[ticket.number]), data or {}, **headers)


def test_take_it_assigns_the_ticket_to_himself(client, agent, ticket):
    client.force_login(agent)
    response = post(client, "ticket_take", ticket)
    assert response["Location"] == reverse("staff:ticket", args=[ticket.number])
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    event = ticket.events.get(verb=EventVerb.ASSIGNED)
    assert (event.actor, event.after["name"]) == (agent, "Anna Agent")


def test_assign_to_a_colleague_and_unassign(client, agent, department, ticket):
    colleague = AgentFactory(name="Boris", departments=[department])
    client.force_login(agent)
    post(client, "ticket_assign", ticket, {"assignee": colleague.pk})
    ticket.refresh_from_db()
    assert ticket.assignee == colleague
    post(client, "ticket_assign", ticket, {"assignee": ""})
    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert ticket.events.filter(verb=EventVerb.ASSIGNED).count() == 2


def test_an_agent_of_another_department_cannot_be_assigned(
    client, agent, agent_other_department, ticket
):
    client.force_login(agent)
    response = post(client, "ticket_assign", ticket, {"assignee": agent_other_department.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_status_and_priority(client, agent, ticket):
    client.force_login(agent)
    post(client, "ticket_status", ticket, {"status": Status.PENDING})
    post(client, "ticket_priority", ticket, {"priority": Priority.URGENT})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == (Status.PENDING, Priority.URGENT)
    assert ticket.events.filter(verb=EventVerb.STATUS_CHANGED, actor=agent).count() == 1
    assert ticket.events.filter(verb=EventVerb.PRIORITY_CHANGED, actor=agent).count() == 1


def test_a_ticket_cannot_be_set_back_to_new(client, agent, ticket):
    services.ticket_set_status(actor=agent, ticket=ticket, status=Status.OPEN)
    client.force_login(agent)
    response = post(client, "ticket_status", ticket, {"status": Status.NEW})
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_closing_and_reopening(client, agent, ticket):
    client.force_login(agent)
    post(client, "ticket_status", ticket, {"status": Status.CLOSED})
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.events.filter(verb=EventVerb.CLOSED).exists()
    html = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert reverse("staff:ticket_reopen", args=[ticket.number]) in html
    post(client, "ticket_reopen", ticket)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.events.filter(verb=EventVerb.REOPENED).exists()


def test_a_refusal_of_the_service_is_shown_on_the_ticket(client, agent, ticket):
    services.ticket_close(actor=agent, ticket=ticket)
    client.force_login(agent)
    response = post(client, "ticket_priority", ticket, {"priority": Priority.HIGH})
    assert response.status_code == 200
    assert "This ticket is closed" in response.content.decode()


def test_moving_within_his_departments_stays_on_the_ticket(
    client, department, other_department, ticket
):
    both = AgentFactory(departments=[department, other_department])
    client.force_login(both)
    response = post(client, "ticket_move", ticket, {"department": other_department.pk})
    assert response["Location"] == reverse("staff:ticket", args=[ticket.number])
    ticket.refresh_from_db()
    assert ticket.department == other_department
    assert ticket.events.filter(verb=EventVerb.MOVED, actor=both).exists()


def test_moving_out_of_his_departments_tells_him_and_goes_back_to_the_queue(
    client, agent, other_department, ticket
):
    client.force_login(agent)
    response = post(client, "ticket_move", ticket, {"department": other_department.pk})
    assert response["Location"] == reverse("staff:queue")
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [f"Ticket #{ticket.number} is now in Sales, which you do not work in."]
    ticket.refresh_from_db()
    assert ticket.department == other_department
    assert client.get(reverse("staff:ticket", args=[ticket.number])).status_code == 404


def test_with_htmx_a_move_out_redirects_the_whole_page(client, agent, other_department, ticket):
    client.force_login(agent)
    response = post(client, "ticket_move", ticket, {"department": other_department.pk}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("staff:queue")


def test_with_htmx_a_change_answers_with_the_parts_to_swap(client, agent, ticket):
    client.force_login(agent)
    response = post(client, "ticket_priority", ticket, {"priority": Priority.HIGH}, **HTMX)
    # htmx follows the redirect and swaps #controls, #ticket-head and #timeline from the page.
    assert response.status_code == 302
    html = client.get(response["Location"], **HTMX).content.decode()
    for part in ('id="controls"', 'id="ticket-head"', 'id="timeline"', "priority Normal → High"):
        assert part in html
    control = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert (
        'hx-select="#controls"' in control and 'hx-select-oob="#ticket-head,#timeline"' in control
    )


def test_controls_are_plain_forms_too(client, agent, ticket):
    """Issue 11: assignee, status, priority and department are one form now."""
    client.force_login(agent)
    html = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    for name in ("ticket_take", "ticket_update"):
        assert f'method="post" action="{reverse(f"staff:{name}", args=[ticket.number])}"' in html


def test_only_post_changes_anything(client, agent, ticket):
    client.force_login(agent)
    for name in ("ticket_take", "ticket_assign", "ticket_status", "ticket_reply", "queue_bulk"):
        args = [] if name == "queue_bulk" else [ticket.number]
        assert client.get(reverse(f"staff:{name}", args=args)).status_code == 405
