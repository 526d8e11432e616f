"""The doors: sign-in, the landing page by role, the portal and staff pages (issue 2)."""

import pytest

from tests.factories import open_ticket
from tickets import services

pytestmark = pytest.mark.django_db


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_sign_in_page_renders_with_labels(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username">' in html and '<label for="id_password">' in html


def test_customers_land_in_their_portal_and_agents_in_the_staff_portal(client, customer, agent):
    client.force_login(customer)
    assert client.get("/")["Location"] == "/tickets/"
    client.force_login(agent)
    assert client.get("/")["Location"] == "/staff/"


def test_customer_is_kept_out_of_the_staff_portal(client, customer):
    client.force_login(customer)
    assert client.get("/staff/").status_code == 403


def test_agent_is_sent_from_the_portal_to_the_staff_portal(client, agent):
    client.force_login(agent)
    assert client.get("/tickets/")["Location"] == "/staff/"


def test_customer_reads_his_ticket_without_internal_notes(client, customer, agent, department):
    ticket = open_ticket(customer, department, subject="Сервер недоступен")
    services.note_add(actor=agent, ticket=ticket, body_text="INTERNAL-ONLY")
    services.reply_add(actor=agent, ticket=ticket, body_text="Перезагрузили сервер.")
    client.force_login(customer)
    listing = client.get("/tickets/").content.decode()
    assert "Сервер недоступен" in listing
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Перезагрузили сервер." in page and "Anna Agent" in page
    assert "INTERNAL-ONLY" not in page


def test_another_customers_ticket_is_a_404(client, other_customer, customer, department):
    ticket = open_ticket(customer, department)
    client.force_login(other_customer)
    assert client.get(f"/tickets/{ticket.number}/").status_code == 404


def test_agent_sees_notes_and_events_but_not_other_departments(
    client, agent, agent_other_department, customer, department
):
    ticket = open_ticket(customer, department)
    services.note_add(actor=agent, ticket=ticket, body_text="INTERNAL-ONLY")
    client.force_login(agent)
    page = client.get(f"/staff/tickets/{ticket.number}/").content.decode()
    assert "INTERNAL-ONLY" in page
    client.force_login(agent_other_department)
    assert client.get(f"/staff/tickets/{ticket.number}/").status_code == 404
    assert ticket.subject not in client.get("/staff/").content.decode()


def test_the_pages_follow_the_users_language(client, customer):
    customer.language = "ru"
    customer.save()
    client.force_login(customer)
    response = client.get("/tickets/")
    assert response.headers["Content-Language"] == "ru"
    assert '<html lang="ru">' in response.content.decode()
