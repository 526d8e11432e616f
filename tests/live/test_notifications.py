"""The bell (issue 11, W2): assigned to you, the customer wrote on your ticket, mentioned
in a note with @name, escalations; never for what the agent did himself; read on demand."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.models import DepartmentMembership, MembershipRole, User
from tests.factories import AgentFactory, open_ticket
from tests.helpers import committed
from tickets import events, services
from tickets.live.models import Notification, NotificationKind
from tickets.live.notify import mentioned
from tickets.live.selectors import unread_count
from tickets.models import EventDelivery, EventVerb
from tickets.services.events import event_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def boris(department):
    return AgentFactory(
        name="Борис Петров", email="boris@helpdesk.example", departments=[department]
    )


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_an_agent_hears_that_a_ticket_was_assigned_to_him(agent, boris, customer, department):
    ticket = open_ticket(customer, department)
    with committed():
        services.ticket_assign(actor=agent, ticket=ticket, assignee=boris)
    assert kinds(boris) == [NotificationKind.ASSIGNED]
    assert kinds(agent) == []


def test_taking_a_ticket_oneself_rings_nothing(agent, customer, department):
    ticket = open_ticket(customer, department)
    with committed():
        services.ticket_assign(actor=agent, ticket=ticket, assignee=agent)
    assert kinds(agent) == []


def test_the_assignee_hears_that_his_customer_wrote(agent, boris, customer, department):
    ticket = open_ticket(customer, department)
    services.ticket_assign(actor=agent, ticket=ticket, assignee=agent)
    with committed():
        services.message_add_web(actor=customer, ticket=ticket, body_text="Всё ещё не работает.")
    assert kinds(agent) == [NotificationKind.CUSTOMER_WROTE]
    assert kinds(boris) == []


def test_a_colleague_named_in_a_note_is_told(
    agent, boris, customer, department, agent_other_department
):
    ticket = open_ticket(customer, department)
    with committed():
        services.note_add(
            actor=agent,
            ticket=ticket,
            body_text="@борис петров, посмотри логи; @sam не в этом отделе; @Anna Agent это я.",
        )
    assert kinds(boris) == [NotificationKind.MENTIONED]
    assert kinds(agent_other_department) == []  # cannot work the ticket
    assert kinds(agent) == []  # his own note


def test_the_department_managers_and_the_assignee_hear_of_an_escalation(
    agent, boris, customer, department
):
    DepartmentMembership.objects.filter(user=boris).update(role=MembershipRole.MANAGER)
    ticket = open_ticket(customer, department)
    services.ticket_assign(actor=agent, ticket=ticket, assignee=agent)
    with committed(), transaction.atomic():
        event_record(
            ticket=ticket,
            actor=None,
            verb=EventVerb.ESCALATED,
            after={"target": "first_response", "level": "breach"},
        )
    assert kinds(boris) == [NotificationKind.ESCALATED]
    assert kinds(agent) == [NotificationKind.ESCALATED]


def test_a_delivery_run_twice_adds_nothing(agent, boris, customer, department):
    """The after-commit subscriber is idempotent (tickets/events.py: at-least-once)."""
    ticket = open_ticket(customer, department)
    services.ticket_assign(actor=agent, ticket=ticket, assignee=boris)
    event = ticket.events.get(verb=EventVerb.ASSIGNED)
    subscriber = next(s for s in events.subscribers() if s.name == "live.notifications")
    subscriber.handler(event)
    subscriber.handler(event)
    assert Notification.objects.filter(user=boris).count() == 1
    assert EventDelivery.objects.filter(subscriber="live.notifications").exists()


@pytest.mark.parametrize(
    "text",
    [
        "write to anna@helpdesk.example",  # an address is no mention
        "@Annabel please",  # another name that starts alike
        "<b>@</b>Anna Agent",  # markup between
        "@" * 5000 + "Annabel" + " x" * 5000,
        "",
    ],
)
def test_hostile_or_near_mentions_name_nobody(text):
    anna = User(name="Anna Agent", email="anna@helpdesk.example")
    assert mentioned(text, [anna]) == []


def test_mentions_by_mailbox_name_and_any_case():
    anna = User(name="Anna  Agent", email="anna.a@helpdesk.example")
    assert mentioned("cc @ANNA AGENT.", [anna]) == [anna]
    assert mentioned("(@anna.a)", [anna]) == [anna]
    assert mentioned("@anna\nagent: see", [anna]) == [anna]


# --- The pages ------------------------------------------------------------------------


@pytest.fixture
def rung(agent, boris, customer, department):
    """Two unread notifications for Boris."""
    first, second = open_ticket(customer, department), open_ticket(customer, department)
    with committed():
        services.ticket_assign(actor=agent, ticket=first, assignee=boris)
        services.ticket_assign(actor=agent, ticket=second, assignee=boris)
    return list(Notification.objects.filter(user=boris).order_by("id"))


def test_the_bell_counts_the_unread_and_lists_them(client, boris, rung):
    client.force_login(boris)
    html = client.get(reverse("staff:dashboard")).content.decode()
    assert 'class="bell has-unread"' in html and "Notifications: 2 unread" in html
    page = client.get(reverse("live:notifications")).content.decode()
    assert page.count('class="notification unread"') == 2
    assert "assigned to you" in page and "Anna Agent" in page


def test_opening_one_marks_it_read_and_shows_its_ticket(client, boris, rung):
    client.force_login(boris)
    response = client.post(reverse("live:notification_open", args=[rung[0].pk]))
    assert response["Location"] == reverse("staff:ticket", args=[rung[0].ticket.number])
    assert unread_count(boris) == 1


def test_all_are_marked_read_at_once(client, boris, rung):
    client.force_login(boris)
    client.post(reverse("live:notifications_read"))
    assert unread_count(boris) == 0


def test_nobody_opens_or_reads_another_agents_notifications(client, agent, boris, rung):
    client.force_login(agent)
    response = client.post(reverse("live:notification_open", args=[rung[0].pk]))
    assert response["Location"] == reverse("live:notifications")
    client.post(reverse("live:notifications_read"))
    assert unread_count(boris) == 2


def test_a_ticket_moved_away_drops_out_of_the_list(client, agent, boris, rung, other_department):
    services.ticket_move(actor=agent, ticket=rung[0].ticket, department=other_department)
    client.force_login(boris)
    page = client.get(reverse("live:notifications")).content.decode()
    assert f"#{rung[0].ticket.number} " not in page
    response = client.post(reverse("live:notification_open", args=[rung[0].pk]))
    assert response["Location"] == reverse("live:notifications")
