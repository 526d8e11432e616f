"""Time spent on replies and notes (issue 11): stored per message, summed per ticket,
counted per agent in the reports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from helpdesk.errors import ActionNotAllowed
from tests.staff.conftest import seen
from tickets import services
from tickets.fields.selectors import ticket_time_spent
from tickets.models import Department, Message
from tickets.sla import reports

pytestmark = pytest.mark.django_db


def test_replies_and_notes_carry_minutes_summed_per_ticket(agent, ticket):
    services.reply_add(actor=agent, ticket=ticket, body_text="Checked.", time_spent=15)
    services.note_add(actor=agent, ticket=ticket, body_text="Asked the DC.", time_spent=30)
    services.note_add(actor=agent, ticket=ticket, body_text="No time given.")
    assert ticket_time_spent(ticket) == 45


@pytest.mark.parametrize("wrong", [-5, 7 * 24 * 60 + 1, 10**9])
def test_impossible_minutes_are_refused(agent, ticket, wrong):
    with pytest.raises(ActionNotAllowed):
        services.note_add(actor=agent, ticket=ticket, body_text="x", time_spent=wrong)
    assert not Message.objects.filter(ticket=ticket, body_text="x").exists()


def test_the_composer_takes_minutes_and_the_workspace_shows_the_total(client, agent, ticket):
    client.force_login(agent)
    url = reverse("staff:ticket_reply", args=[ticket.number])
    client.post(
        url, {"kind": "note", "body": "Looked at logs.", "time_spent": "20", "seen": seen(ticket)}
    )
    client.post(url, {"kind": "reply", "body": "Fixed.", "time_spent": "25", "seen": seen(ticket)})
    page = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert '<dd class="time-spent-total">45 minutes</dd>' in page


@pytest.mark.parametrize("wrong", ["-1", "abc", "1.5", "99999999"])
def test_the_composer_refuses_wrong_minutes_and_sends_nothing(client, agent, ticket, wrong):
    client.force_login(agent)
    response = client.post(
        reverse("staff:ticket_reply", args=[ticket.number]),
        {"kind": "reply", "body": "Fixed.", "time_spent": wrong, "seen": seen(ticket)},
    )
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert not Message.objects.filter(ticket=ticket, body_text="Fixed.").exists()


def test_the_agent_report_counts_time_spent(agent, ticket, department):
    services.reply_add(actor=agent, ticket=ticket, body_text="Checked.", time_spent=15)
    services.note_add(actor=agent, ticket=ticket, body_text="More.", time_spent=10)
    today = timezone.localdate()
    scope = reports.Scope(
        start=today - timedelta(days=1),
        end=today,
        departments=Department.objects.filter(pk=department.pk),
    )
    rows = reports.agent_rows(scope, [agent])
    assert [(row.agent, row.time_spent) for row in rows] == [(agent, 25)]
