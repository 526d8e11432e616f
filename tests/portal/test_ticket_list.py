"""My tickets: open and closed tabs, newest activity first, answer waiting, pages (P1)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.factories import CustomerFactory, open_ticket
from tickets import services
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db


def translated(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


def listing(client, query=""):
    response = client.get(f"/tickets/{query}")
    assert response.status_code == 200
    return response


def numbers(response) -> list[int]:
    return [ticket.number for ticket in response.context["page"].items]


def test_open_and_closed_tickets_are_in_two_tabs(client, customer, agent, department):
    new = open_ticket(customer, department, subject="New one")
    pending = open_ticket(customer, department, subject="Pending one")
    services.ticket_set_status(actor=agent, ticket=pending, status=Status.PENDING)
    solved = open_ticket(customer, department, subject="Solved one")
    services.ticket_set_status(actor=agent, ticket=solved, status=Status.SOLVED)
    closed = open_ticket(customer, department, subject="Closed one")
    services.ticket_close(actor=customer, ticket=closed)
    client.force_login(customer)
    assert set(numbers(listing(client))) == {new.number, pending.number}
    assert set(numbers(listing(client, "?tab=closed"))) == {solved.number, closed.number}


def test_newest_activity_comes_first(client, customer, department):
    older, newer = open_ticket(customer, department), open_ticket(customer, department)
    Ticket.objects.filter(pk=newer.pk).update(updated_at=timezone.now() - timedelta(days=2))
    client.force_login(customer)
    assert numbers(listing(client)) == [older.number, newer.number]


def test_a_ticket_whose_last_public_message_is_an_agents_shows_answer_waiting(
    client, customer, agent, department
):
    answered = open_ticket(customer, department, subject="Answered")
    services.reply_add(actor=agent, ticket=answered, body_text="Fixed?")
    waiting = open_ticket(customer, department, subject="Waiting")
    services.reply_add(actor=agent, ticket=waiting, body_text="Fixed?")
    services.message_add_web(actor=customer, ticket=waiting, body_text="No.")
    noted = open_ticket(customer, department, subject="Only a note")
    services.note_add(actor=agent, ticket=noted, body_text="internal")
    client.force_login(customer)
    response = listing(client)
    marks = {t.subject: t.answer_waiting for t in response.context["page"].items}
    assert marks == {"Answered": True, "Waiting": False, "Only a note": False}
    assert response.content.decode().count('class="badge answer"') == 1


def test_another_customers_tickets_are_not_listed(client, customer, other_customer, department):
    open_ticket(other_customer, department, subject="Jane's secret")
    client.force_login(customer)
    assert "Jane's secret" not in listing(client).content.decode()


def test_shared_organization_tickets_show_who_opened_them(client, organization, department):
    me = CustomerFactory(organization=organization)
    colleague = CustomerFactory(name="Ольга Смирнова", organization=organization)
    open_ticket(colleague, department, subject="Её заявка")
    open_ticket(me, department, subject="My own")
    client.force_login(me)
    page = listing(client).content.decode()
    assert "Её заявка" in page
    assert re.findall(r'class="opened-by">([^<]*)<', page) == [
        translated(me.language, "opened by %(name)s") % {"name": "Ольга Смирнова"}
    ]


def test_without_sharing_members_see_only_their_own(client, organization, department):
    organization.shares_tickets = False
    organization.save()
    me = CustomerFactory(organization=organization)
    colleague = CustomerFactory(organization=organization)
    open_ticket(colleague, department, subject="Colleague's")
    client.force_login(me)
    assert "Colleague's" not in listing(client).content.decode()


def test_the_list_is_paginated(client, customer, department):
    for n in range(27):
        open_ticket(customer, department, subject=f"Ticket {n}")
    client.force_login(customer)
    first = listing(client)
    assert len(first.context["page"].items) == 25 and first.context["page"].has_next
    second = listing(client, "?page=2")
    assert len(second.context["page"].items) == 2
    assert 'href="?page=2"' in first.content.decode()


def test_the_page_costs_the_same_number_of_queries_for_any_number_of_tickets(
    client, customer, organization, department, django_assert_num_queries
):
    customer.organization = organization
    customer.save()
    client.force_login(customer)
    open_ticket(customer, department)
    with django_assert_num_queries(4) as few:
        listing(client)
    for _ in range(12):
        open_ticket(CustomerFactory(organization=organization), department)
    with django_assert_num_queries(len(few.captured_queries)):
        listing(client, "?q=server")
    with django_assert_num_queries(len(few.captured_queries)):
        listing(client)


def test_anonymous_people_sign_in_and_agents_go_to_the_staff_portal(client, agent):
    assert client.get("/tickets/")["Location"].startswith("/accounts/login/")
    client.force_login(agent)
    assert client.get("/tickets/")["Location"] == "/staff/"
