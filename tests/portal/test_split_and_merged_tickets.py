"""What customers see of splits and merges (issue 11, R14): links only to their own
tickets, and a merged ticket's page and reply form lead to the ticket it went into."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import CustomerFactory, OrganizationFactory, open_ticket
from tickets import services
from tickets.models import MessageKind, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(customer, department):
    return open_ticket(customer, department, subject="Сайт недоступен")


@pytest.fixture
def source(customer, department):
    return open_ticket(customer, department, subject="Сервер не отвечает")


def test_the_merged_ticket_s_page_leads_to_the_target(client, agent, customer, source, target):
    services.ticket_merge(actor=agent, source=source, target=target)
    client.force_login(customer)
    response = client.get(reverse("portal:ticket", args=[source.number]))
    assert response["Location"] == reverse("portal:ticket", args=[target.number])


def test_a_reply_on_the_merged_ticket_s_page_lands_in_the_target(
    client, agent, customer, source, target
):
    services.ticket_merge(actor=agent, source=source, target=target)
    client.force_login(customer)
    url = reverse("portal:ticket_reply", args=[source.number])
    response = client.post(url, {"body": "Всё ещё не работает"})
    message = target.messages.get(body_text="Всё ещё не работает")
    assert response["Location"].startswith(reverse("portal:ticket", args=[target.number]))
    assert message.kind == MessageKind.CUSTOMER
    source.refresh_from_db()
    assert source.status == Status.CLOSED and not source.messages.exists()


def test_a_customer_never_sees_another_customer_s_ticket_through_a_merge(
    client, agent, customer, other_customer, department
):
    customer.organization = OrganizationFactory()
    customer.save()
    target = open_ticket(customer, department, subject="Мой тикет")
    source = open_ticket(other_customer, department, subject="Jane's private ticket")
    services.ticket_merge(actor=agent, source=source, target=target, confirm_organizations=True)
    client.force_login(customer)
    html = client.get(reverse("portal:ticket", args=[target.number])).content.decode()
    assert "Jane&#x27;s private ticket" not in html and "Jane's private ticket" not in html
    assert reverse("portal:ticket", args=[source.number]) not in html
    assert client.get(reverse("portal:ticket", args=[source.number])).status_code == 404


def test_who_sees_the_merged_ticket_but_not_the_target_is_not_sent_there(
    client, agent, customer, other_customer, department
):
    """A colleague of the source's organization (shared tickets) is no participant of the
    target of another organization: he sees the merged ticket, told it went elsewhere."""
    organization = OrganizationFactory(shares_tickets=True)
    colleague = CustomerFactory(organization=organization)
    other_customer.organization = organization
    other_customer.save()
    target = open_ticket(customer, department, subject="Мой тикет")
    source = open_ticket(other_customer, department, subject="Our team's ticket")
    services.ticket_merge(actor=agent, source=source, target=target, confirm_organizations=True)
    client.force_login(colleague)
    response = client.get(reverse("portal:ticket", args=[source.number]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This ticket was merged into another ticket." in html
    assert f"#{target.number}" not in html and "Мой тикет" not in html
    url = reverse("portal:ticket_reply", args=[source.number])
    client.post(url, {"body": "Пишу в чужой тикет"})
    assert not target.messages.filter(body_text="Пишу в чужой тикет").exists()


def test_both_split_tickets_link_to_each_other_for_their_customer(
    client, agent, customer, source, department
):
    second = services.message_add_web(actor=customer, ticket=source, body_text="Второй вопрос")
    new = services.ticket_split(actor=agent, ticket=source, message=second, department=department)
    client.force_login(customer)
    old_page = client.get(reverse("portal:ticket", args=[source.number])).content.decode()
    new_page = client.get(reverse("portal:ticket", args=[new.number])).content.decode()
    assert reverse("portal:ticket", args=[new.number]) in old_page
    assert reverse("portal:ticket", args=[source.number]) in new_page
    assert "Второй вопрос" in new_page
