"""An agent opens a ticket for a customer on the phone, existing or new (issue 4, P2, R10)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role, User
from tests.factories import CustomerFactory
from tickets.models import Channel, EventVerb, MessageKind, Ticket

pytestmark = pytest.mark.django_db


def open_for(client, department, **data):
    values = {
        "customer_email": "ivan@example.ru",
        "department": department.pk,
        "subject": "Не работает почта",
        "body": "Клиент звонил: почта не приходит с утра.",
        "priority": 3,
        **data,
    }
    return client.post(reverse("staff:ticket_new"), values)


def test_the_form_offers_only_his_departments(client, agent, department, other_department):
    client.force_login(agent)
    response = client.get(reverse("staff:ticket_new"))
    assert list(response.context["form"].fields["department"].queryset) == [department]
    assert response.context["form"].fields["department"].initial == department.pk


def test_a_ticket_for_an_existing_customer(client, agent, customer, department):
    client.force_login(agent)
    response = open_for(client, department, customer_name="Someone Else")
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("staff:ticket", args=[ticket.number])
    assert (ticket.requester, ticket.channel, ticket.priority) == (customer, Channel.PHONE, 3)
    customer.refresh_from_db()
    assert customer.name == "Иван Петров"  # an existing account keeps its name
    message = ticket.messages.get()
    assert (message.kind, message.author) == (MessageKind.CUSTOMER, customer)
    event = ticket.events.get(verb=EventVerb.OPENED)
    assert event.actor == agent and event.after["channel"] == Channel.PHONE


def test_a_ticket_for_a_new_customer_creates_his_account(
    client, agent, department, organization, png
):
    client.force_login(agent)
    open_for(
        client,
        department,
        customer_email=" Olga@Example.RU ",
        customer_name="Ольга Смирнова",
        organization=organization.pk,
        attachments=[SimpleUploadedFile("ошибка.png", png)],
    )
    olga = User.objects.get(email="olga@example.ru")
    assert (olga.role, olga.name, olga.organization) == (
        Role.CUSTOMER,
        "Ольга Смирнова",
        organization,
    )
    assert not olga.has_usable_password()
    ticket = Ticket.objects.get()
    assert ticket.requester == olga and ticket.organization == organization
    assert ticket.messages.get().attachments.get().filename == "ошибка.png"


def test_a_ticket_is_not_opened_for_an_agent(client, agent, department):
    client.force_login(agent)
    response = open_for(client, department, customer_email=agent.email)
    assert response.status_code == 200
    assert "Tickets are opened for customers." in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_deactivated_customer_is_refused(client, agent, department):
    CustomerFactory(email="gone@example.com", is_active=False)
    client.force_login(agent)
    response = open_for(client, department, customer_email="gone@example.com")
    assert "This account is deactivated." in response.content.decode()
    assert not Ticket.objects.exists()


def test_nothing_is_kept_when_the_ticket_cannot_be_opened(client, agent, department):
    client.force_login(agent)
    department.is_active = False
    department.save()
    open_for(client, department, customer_email="new@example.com")
    assert not User.objects.filter(email="new@example.com").exists()


def test_a_department_not_his_is_refused(client, agent, other_department):
    client.force_login(agent)
    response = open_for(client, other_department)
    assert response.status_code == 200
    assert response.context["form"].errors["department"]
    assert not Ticket.objects.exists()


def test_the_search_finds_customers_by_name_or_address_in_any_case(client, agent):
    CustomerFactory(name="Иван Петров", email="ivan.petrov@romashka.example")
    CustomerFactory(name="Ivana Novak", email="novak@example.com")
    CustomerFactory(name="Иван Бывший", email="old@example.com", is_active=False)
    client.force_login(agent)
    url = reverse("staff:customer_search")
    found = lambda q: [c.email for c in client.get(url, {"q": q}).context["customers"]]  # noqa: E731
    assert found("иван") == ["ivan.petrov@romashka.example"]
    assert found("ИВАН П") == ["ivan.petrov@romashka.example"]
    assert found("ROMASHKA") == ["ivan.petrov@romashka.example"]
    assert found("novak") == ["novak@example.com"]
    assert found("Anna") == []  # agents are not customers


def test_the_search_answers_htmx_with_the_list_only(client, agent):
    CustomerFactory(name="Jane Roe", email="jane@example.com")
    client.force_login(agent)
    response = client.get(reverse("staff:customer_search"), {"q": "jane"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert f"{reverse('staff:ticket_new')}?email=jane%40example.com" in html
    assert 'data-email="jane@example.com"' in html


def test_a_picked_customer_fills_the_form(client, agent):
    client.force_login(agent)
    response = client.get(reverse("staff:ticket_new"), {"email": "jane@example.com"})
    assert response.context["form"]["customer_email"].value() == "jane@example.com"


def test_a_one_letter_search_asks_for_more(client, agent):
    client.force_login(agent)
    response = client.get(reverse("staff:customer_search"), {"q": "a"})
    assert response.context["customers"] == []
    assert response.context["search"].errors["q"]
