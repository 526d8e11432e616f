"""SLA state where agents work (issue 10): the queue shows time left or overdue with
colour, filters overdue and due within N hours, sorts by the earliest due time."""

import pytest
from django.urls import reverse

from tests.factories import open_ticket
from tests.sla.conftest import moscow
from tickets.models import Priority
from tickets.sla.models import Policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(clock, policy, office, customer, department, agent):
    Policy.objects.create(
        department=department, priority=Priority.URGENT, calendar=office, first_response_minutes=30
    )
    clock(moscow(2026, 3, 4, 10, 0))
    # Taken by phone: the agent sets the priority as he opens it.
    late = open_ticket(
        customer, department, subject="Просрочен", priority=Priority.URGENT, actor=agent
    )
    clock(moscow(2026, 3, 4, 10, 20))
    soon = open_ticket(customer, department, subject="Скоро")
    clock(moscow(2026, 3, 4, 11, 50))
    fresh = open_ticket(customer, department, subject="Свежий")
    return late, soon, fresh


def subjects(response) -> list[str]:
    return [ticket.subject for ticket in response.context["page"].items]


def test_the_queue_shows_overdue_and_due_soon_in_colour(client, agent, tickets):
    client.force_login(agent)
    html = client.get(reverse("staff:queue")).content.decode()
    assert "sla-overdue" in html and "overdue by 1" in html
    assert "sla-soon" in html and "sla-ok" in html


def test_the_queue_filters_overdue_and_due_within_hours(client, agent, tickets):
    client.force_login(agent)
    assert subjects(client.get(reverse("staff:queue"), {"sla": "overdue"})) == ["Просрочен"]
    within = subjects(client.get(reverse("staff:queue"), {"sla": "1"}))
    assert sorted(within) == ["Просрочен", "Скоро"]
    assert client.get(reverse("staff:queue"), {"sla": "-3"}).status_code == 200


def test_the_queue_sorts_by_the_earliest_due_time(client, agent, tickets):
    client.force_login(agent)
    response = client.get(reverse("staff:queue"), {"sort": "due"})
    assert subjects(response) == ["Просрочен", "Скоро", "Свежий"]


def test_the_ticket_page_shows_each_running_target(client, agent, tickets):
    client.force_login(agent)
    html = client.get(reverse("staff:ticket", args=[tickets[1].number])).content.decode()
    assert "First response: 30" in html and "Resolution: " in html
