"""The ticket's controls are one view over the bulk actions' table (issue 16; R10, R11)."""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

from tickets.models import Priority, Ticket
from tickets.services.bulk import TICKET_ACTIONS
from tickets.views.staff import controls

pytestmark = pytest.mark.django_db

HOSTILE = {
    "assignee": "'; DROP TABLE tickets_ticket; --",
    "status": "new",
    "priority": "99",
    "department": "-1",
}


def test_every_control_is_served_by_one_view_and_changes_through_the_table(ticket):
    for name, control in controls.CONTROLS.items():
        match = resolve(reverse(f"staff:ticket_{name}", args=[ticket.number]))
        assert match.func is controls.ticket_control and match.kwargs["control"] == name
        assert control.action in TICKET_ACTIONS


def test_hostile_values_give_an_error_on_the_page_and_change_nothing(client, agent, ticket):
    client.force_login(agent)
    before = Ticket.objects.filter(pk=ticket.pk).values().get()
    for name in ("assign", "status", "priority", "move"):
        url = reverse(f"staff:ticket_{name}", args=[ticket.number])
        response = client.post(url, HOSTILE)
        assert response.status_code == 200, name
        assert 'role="alert"' in response.content.decode(), name
    assert Ticket.objects.filter(pk=ticket.pk).values().get() == before


def test_an_agent_of_another_department_reaches_no_control(client, agent_other_department, ticket):
    client.force_login(agent_other_department)
    for name in controls.CONTROLS:
        url = reverse(f"staff:ticket_{name}", args=[ticket.number])
        assert client.post(url, {"priority": Priority.HIGH}).status_code == 404, name
    assert ticket.events.count() == 1
