"""Searching one's own tickets by number, subject and message text, in any script (P1, R4)."""

import pytest

from tests.factories import open_ticket
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(customer, agent, department):
    mail = open_ticket(customer, department, subject="Почта не приходит", body="Ящик info@")
    site = open_ticket(customer, department, subject="Site is down", body="Ошибка 502 на главной")
    services.reply_add(actor=agent, ticket=site, body_text="Перезапустили PHP-FPM.")
    services.note_add(actor=agent, ticket=mail, body_text="Внутренняя заметка: спамфильтр")
    services.ticket_set_status(actor=agent, ticket=site, status="solved")
    return {"mail": mail, "site": site}


def found(client, text) -> set[int]:
    response = client.get("/tickets/", {"q": text})
    assert response.status_code == 200
    return {ticket.number for ticket in response.context["page"].items}


def test_search_finds_by_number_subject_and_text_across_tabs(client, customer, tickets):
    client.force_login(customer)
    number = tickets["mail"].number
    assert client.get("/tickets/", {"q": f"#{number}"})["Location"] == f"/tickets/{number}/"
    assert found(client, "site is DOWN") == {tickets["site"].number}
    assert found(client, "php-fpm") == {tickets["site"].number}, "agent replies count"


def test_cyrillic_is_found_whatever_the_letter_case(client, customer, tickets):
    client.force_login(customer)
    assert found(client, "ПОЧТА") == {tickets["mail"].number}
    assert found(client, "ошибка") == {tickets["site"].number}
    assert found(client, "перезапустили") == {tickets["site"].number}


def test_internal_notes_are_never_searched(client, customer, tickets):
    client.force_login(customer)
    assert found(client, "спамфильтр") == set()


def test_other_customers_tickets_are_never_found(client, other_customer, tickets):
    client.force_login(other_customer)
    assert found(client, "Почта") == set()
    assert found(client, str(tickets["mail"].number)) == set()


def test_the_search_box_has_a_label_and_keeps_the_query(client, customer, tickets):
    client.force_login(customer)
    page = client.get("/tickets/", {"q": "почта"}).content.decode()
    assert '<label for="ticket-search"' in page and 'value="почта"' in page
    assert 'class="search-summary"' in page
