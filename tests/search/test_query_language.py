"""Every operator of the query language, and bad input answered calmly (R18, issue 9)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import AgentFactory, ServiceFactory, open_ticket, upload
from tests.helpers import png_bytes
from tickets import services
from tickets.models import Channel, Ticket
from tickets.search.query import parse
from tickets.search.selectors import search

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(customer, other_customer, agent, department, manager):
    vps = ServiceFactory(customer=customer, name="VPS cs1234")
    old = open_ticket(customer, department, subject="Сервер недоступен", body="Exact phrase here")
    Ticket.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    mail = open_ticket(
        other_customer,
        department,
        subject="Mail bounce",
        body="The server says phrase exact",
        channel=Channel.EMAIL,
        attachments=[upload(png_bytes(), "скриншот-ошибки.png")],
    )
    services.ticket_assign(actor=agent, ticket=mail, assignee=agent)
    services.ticket_set_status(actor=agent, ticket=mail, status="pending")
    services.note_add(actor=agent, ticket=old, body_text="Проверить firmware")
    hosting = open_ticket(
        customer, department, subject="Hosting", body="About romashka.example", service=vps
    )
    return {"old": old.number, "mail": mail.number, "hosting": hosting.number}


def test_words_must_all_be_found_and_minus_excludes(found, agent, tickets):
    assert found(agent, "phrase") == {tickets["old"], tickets["mail"]}
    assert found(agent, "phrase bounce") == {tickets["mail"]}
    assert found(agent, "phrase -bounce") == {tickets["old"]}


def test_a_quoted_phrase_needs_its_words_in_order(found, agent, tickets):
    assert found(agent, '"exact phrase"') == {tickets["old"]}
    assert found(agent, '"phrase exact"') == {tickets["mail"]}
    assert found(agent, '"exact phrase') == {tickets["old"]}, "an unbalanced quote ends the query"


def test_prefix_search(found, agent, tickets):
    assert found(agent, "bounc*") == {tickets["mail"]}
    assert found(agent, "недоступ*") == {tickets["old"]}


def test_people_services_files_and_numbers_are_found(found, agent, tickets):
    assert found(agent, "cs1234") == {tickets["hosting"]}
    assert found(agent, "cs12") == {tickets["hosting"]}, "a substring of a service"
    assert found(agent, "romashka.example") == {tickets["hosting"]}
    assert found(agent, "скриншот") == {tickets["mail"]}, "an attachment's file name"
    assert found(agent, "jane@example") == {tickets["mail"]}, "the requester's address"


def test_from_assignee_dept_status_priority_channel(found, agent, tickets):
    assert found(agent, "from:петров") == {tickets["old"], tickets["hosting"]}
    assert found(agent, "from:JANE") == {tickets["mail"]}
    assert found(agent, "assignee:me") == {tickets["mail"]}
    assert found(agent, "assignee:none phrase") == {tickets["old"]}
    assert found(agent, "assignee:anna") == {tickets["mail"]}
    assert found(agent, "dept:support") == set(tickets.values())
    assert found(agent, "dept:technical status:pending") == {tickets["mail"]}
    assert found(agent, "status:active priority:normal channel:email") == {tickets["mail"]}


def test_dates_attachments_and_notes(found, agent, tickets):
    assert found(agent, "before:30d") == {tickets["old"]}
    assert found(agent, "after:7d server") == {tickets["mail"]}
    assert found(agent, f"after:{timezone.localdate():%d.%m.%Y}") == {
        tickets["mail"],
        tickets["hosting"],
    }
    assert found(agent, "has:attachment") == {tickets["mail"]}
    assert found(agent, "is:note firmware") == {tickets["old"]}
    assert found(agent, "is:note server") == set()


def test_customers_never_search_notes(found, customer, tickets):
    assert found(customer, "firmware") == set()
    assert found(customer, "is:note firmware") == set()
    assert found(customer, "сервер") == {tickets["old"]}, "never the other customer's ticket"


def test_an_agent_of_another_department_finds_nothing_here(found, tickets, other_department):
    outsider = AgentFactory(departments=[other_department])
    for text in ("server", "from:jane", "cs1234", "has:attachment", str(tickets["old"])):
        assert found(outsider, text) == set(), text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("after:tomorrow", "is not a valid date"),
        ("before:31.02.2026", "is not a valid date"),
        ("status:sleeping", "Unknown status"),
        ("x" * 10_000, "Only the first 500 characters"),
    ],
)
def test_bad_input_gives_a_clear_message(agent, text, message):
    assert any(message in error for error in search(agent, parse(text)).errors)


@pytest.mark.parametrize(
    "text",
    [
        ":&|!()'\"\\",
        "x" * 10_000,
        "the a of и в",
        "🔥🙂 сервер 🙂",
        '"unbalanced',
        "after:tomorrow",
        "before:31.02.2026",
        "-",
        "*",
        '"" -"" ""*',
        "NEAR(a b) OR c AND NOT d",
        "'; DROP TABLE tickets_ticket; --",
        "a:b:c from: dept: is:x has:y",
        "\x00 \u202e",
    ],
)
@pytest.mark.parametrize("who", ["agent", "customer"])
def test_no_input_ever_breaks_a_search_page(client, request, tickets, text, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    url = "/staff/search/" if who == "agent" else "/tickets/"
    response = client.get(url, {"q": text})
    assert response.status_code == 200
