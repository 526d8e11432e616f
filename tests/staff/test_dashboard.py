"""The dashboard: my tickets, the unassigned, the longest waiting, the latest (R3, R10, issue 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import AgentFactory, CustomerFactory, open_ticket
from tickets import selectors, services
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db


def numbers(tickets):
    return [ticket.number for ticket in tickets]


def test_each_panel_holds_its_tickets(client, agent, customer, department):
    colleague = AgentFactory(departments=[department])
    mine = open_ticket(customer, department, subject="Mine")
    services.reply_add(actor=agent, ticket=mine, body_text="Looking into it.")
    theirs = open_ticket(customer, department, subject="A colleague's")
    services.ticket_assign(actor=agent, ticket=theirs, assignee=colleague)
    waiting_long = open_ticket(customer, department, subject="Waiting long")
    Ticket.objects.filter(pk=waiting_long.pk).update(
        waiting_since=timezone.now() - timedelta(days=3)
    )
    fresh = open_ticket(customer, department, subject="Fresh")
    done = open_ticket(customer, department, subject="Done")
    services.ticket_set_status(actor=agent, ticket=done, status=Status.SOLVED)

    client.force_login(agent)
    lists = client.get(reverse("staff:dashboard")).context["lists"]

    assert numbers(lists["mine"].tickets) == [mine.number]
    assert numbers(lists["unassigned"].tickets) == [fresh.number, waiting_long.number]
    # A solved ticket waits for nobody; the answered one neither.
    assert numbers(lists["waiting"].tickets) == [
        waiting_long.number,
        theirs.number,
        fresh.number,
    ]
    assert numbers(lists["recent"].tickets)[0] == done.number
    assert (lists["mine"].count, lists["unassigned"].count, lists["waiting"].count) == (1, 2, 3)


def test_the_page_shows_the_panels_with_their_counts(client, agent, customer, department):
    open_ticket(customer, department, subject="Сайт не открывается")
    client.force_login(agent)
    html = client.get(reverse("staff:dashboard")).content.decode()
    assert "Unassigned in my departments" in html and "Waiting longest for an answer" in html
    assert "Сайт не открывается" in html
    assert '<span class="count">1</span>' in html


def test_counts_stop_at_the_cap_and_read_99_plus(client, agent, customer, department, monkeypatch):
    monkeypatch.setattr(selectors.staff, "COUNT_CAP", 3)
    for index in range(4):
        open_ticket(customer, department, subject=f"Ticket {index}")
    client.force_login(agent)
    response = client.get(reverse("staff:dashboard"))
    assert response.context["lists"]["unassigned"].count == 3
    assert '<span class="count">2+</span>' in response.content.decode()


def test_a_count_is_a_count_over_a_limited_subquery(agent, customer, department):
    open_ticket(customer, department)
    with CaptureQueriesContext(connection) as queries:
        selectors.capped_count(Ticket.objects.all())
    sql = queries[0]["sql"].upper()
    assert "COUNT(*)" in sql and "LIMIT 100" in sql


def test_managers_see_every_department(client, manager, customer, department, other_department):
    support = open_ticket(customer, department, subject="Support")
    sales = open_ticket(customer, other_department, subject="Sales")
    client.force_login(manager)
    lists = client.get(reverse("staff:dashboard")).context["lists"]
    assert set(numbers(lists["unassigned"].tickets)) == {support.number, sales.number}


def test_the_outsider_sees_nothing_of_another_department(
    client, agent_other_department, customer, department
):
    open_ticket(customer, department, subject="Not for Sales")
    client.force_login(agent_other_department)
    response = client.get(reverse("staff:dashboard"))
    assert "Not for Sales" not in response.content.decode()
    assert all(not panel.tickets for panel in response.context["lists"].values())


def make_tickets(department, count):
    for index in range(count):
        requester = CustomerFactory()
        ticket = open_ticket(requester, department, subject=f"Ticket {index}")
        if index % 2:
            agent = AgentFactory(departments=[department])
            services.reply_add(actor=agent, ticket=ticket, body_text="On it.")


def test_the_number_of_queries_does_not_grow_with_the_tickets(
    client, agent, department, django_assert_num_queries
):
    make_tickets(department, 3)
    client.force_login(agent)
    # session, user, then count + rows for three panels and the rows of the fourth, the
    # navigation's count of rejected mail and whether he manages a department (issue 10),
    # and his own figures: replies, solved, first responses, ratings (grouped queries);
    # the bell's unread count and the newest event the live poll starts from (issue 11);
    # time spent (issue 11); the saved views' sidebar: his colleagues, the views, one
    # capped count for each of the four default views (issue 9).
    with django_assert_num_queries(24):
        client.get(reverse("staff:dashboard"))
    make_tickets(department, 12)
    with django_assert_num_queries(24):
        response = client.get(reverse("staff:dashboard"))
    assert len(response.context["lists"]["recent"].tickets) == selectors.DASHBOARD_ROWS
