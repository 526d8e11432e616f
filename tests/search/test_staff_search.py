"""The staff search page: the header box, results as the queue's list, snippets (R18, R10)."""

import pytest

from tests.factories import open_ticket
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(customer, other_customer, agent, department, other_department):
    mail = open_ticket(
        customer, department, subject="Почта не приходит", body="Письма <b>теряются</b> с утра"
    )
    services.note_add(actor=agent, ticket=mail, body_text="Секретная заметка про спамфильтр")
    sales = open_ticket(other_customer, other_department, subject="Price", body="Письма о скидках")
    return {"mail": mail, "sales": sales}


def numbers(response) -> set[int]:
    assert response.status_code == 200
    return {ticket.number for ticket in response.context["page"].items}


def test_every_staff_page_has_the_search_box(client, agent):
    client.force_login(agent)
    page = client.get("/staff/").content.decode()
    assert 'id="header-search"' in page and 'action="/staff/search/"' in page


def test_results_are_the_queue_list_with_an_escaped_highlighted_snippet(client, agent, tickets):
    client.force_login(agent)
    response = client.get("/staff/search/", {"q": "письмо"})
    assert numbers(response) == {tickets["mail"].number}, "Sales is not the agent's department"
    html = response.content.decode()
    assert "<mark>Письма</mark>" in html
    assert "&lt;b&gt;теряются&lt;/b&gt;" in html, "user text is escaped, never marked safe"
    assert 'name="ticket"' in html and 'name="list" value="search"' in html, "bulk actions"


def test_agents_find_internal_notes(client, agent, tickets):
    client.force_login(agent)
    assert numbers(client.get("/staff/search/", {"q": "спамфильтр"})) == {tickets["mail"].number}
    assert numbers(client.get("/staff/search/", {"q": "is:note заметка"})) == {
        tickets["mail"].number
    }
    assert numbers(client.get("/staff/search/", {"q": "is:note почта"})) == set()


def test_an_agent_never_finds_tickets_of_other_departments(
    client, agent, agent_other_department, tickets
):
    client.force_login(agent_other_department)
    assert numbers(client.get("/staff/search/", {"q": "письма"})) == {tickets["sales"].number}
    response = client.get("/staff/search/", {"q": f"#{tickets['mail'].number}"})
    assert numbers(response) == set(), "a number outside his reach opens nothing"


def test_a_number_opens_the_ticket(client, agent, tickets):
    client.force_login(agent)
    number = tickets["mail"].number
    assert (
        client.get("/staff/search/", {"q": f"#{number}"})["Location"] == f"/staff/tickets/{number}/"
    )
    assert (
        client.get("/staff/search/", {"q": str(number)})["Location"] == f"/staff/tickets/{number}/"
    )


def test_the_empty_search_page_invites_to_type(client, agent, tickets):
    client.force_login(agent)
    response = client.get("/staff/search/")
    assert response.status_code == 200 and response.context["page"] is None


def test_bulk_actions_return_to_the_search(client, agent, tickets):
    client.force_login(agent)
    response = client.post(
        "/staff/queue/bulk/",
        {
            "ticket": [tickets["mail"].number],
            "action": "priority",
            "priority": 3,
            "query": "q=почта",
            "list": "search",
        },
    )
    assert response["Location"] == "/staff/search/?q=%D0%BF%D0%BE%D1%87%D1%82%D0%B0"


def test_the_outsider_is_sent_to_sign_in(client, customer):
    assert client.get("/staff/search/", {"q": "x"}).status_code == 302
    client.force_login(customer)
    assert client.get("/staff/search/", {"q": "x"}).status_code in (302, 403, 404)
