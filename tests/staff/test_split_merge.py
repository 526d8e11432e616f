"""Split and merge from the ticket page and the queue's bulk actions (issue 11, R14)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import OrganizationFactory, open_ticket
from tickets import services
from tickets.models import EventVerb, Message, MessageKind, Status, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def second(customer, ticket):
    return services.message_add_web(actor=customer, ticket=ticket, body_text="Второй вопрос")


def page(client, ticket) -> str:
    return client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()


# --- split ------------------------------------------------------------------------------


def test_each_customer_message_offers_a_split_but_not_the_only_one(client, agent, ticket):
    client.force_login(agent)
    assert "Split into a new ticket" not in page(client, ticket)
    services.message_add_web(actor=ticket.requester, ticket=ticket, body_text="Второй вопрос")
    services.reply_add(actor=agent, ticket=ticket, body_text="Ответ")
    html = page(client, ticket)
    assert html.count(f'action="/staff/tickets/{ticket.number}/split/"') == 2
    assert html.count('<label for="split-department-') == 2


def test_splitting_opens_the_new_ticket(client, agent, ticket, second, department):
    client.force_login(agent)
    data = {"message": second.pk, "department": department.pk, "subject": "Второй"}
    response = client.post(reverse("staff:ticket_split", args=[ticket.number]), data, follow=True)
    new = Ticket.objects.get(split_from=ticket)
    assert response.redirect_chain[-1][0] == reverse("staff:ticket", args=[new.number])
    html = response.content.decode()
    assert f"split from #{ticket.number}" in html and "Второй вопрос" in html
    assert f'href="/staff/tickets/{ticket.number}/"' in html  # the link back
    old = page(client, ticket)
    assert f'href="/staff/tickets/{new.number}/"' in old  # split into, beside the message
    assert f"split a message into the new ticket #{new.number}" in old


def test_splitting_into_a_department_he_does_not_work_in_keeps_him_on_the_ticket(
    client, agent, ticket, second, other_department
):
    client.force_login(agent)
    data = {"message": second.pk, "department": other_department.pk}
    response = client.post(reverse("staff:ticket_split", args=[ticket.number]), data)
    assert response["Location"] == reverse("staff:ticket", args=[ticket.number])
    assert Ticket.objects.get(split_from=ticket).department == other_department


def test_splitting_the_only_message_says_why_and_changes_nothing(client, agent, ticket):
    client.force_login(agent)
    events = TicketEvent.objects.count()
    data = {"message": ticket.messages.get().pk, "department": ticket.department_id}
    response = client.post(reverse("staff:ticket_split", args=[ticket.number]), data)
    assert response.status_code == 200
    assert "only message of the customer" in response.content.decode()
    assert TicketEvent.objects.count() == events and Ticket.objects.count() == 1


def test_a_message_of_another_ticket_is_refused(client, agent, customer, department, ticket):
    other = open_ticket(customer, department, subject="Other")
    client.force_login(agent)
    data = {"message": other.messages.get().pk, "department": department.pk}
    response = client.post(reverse("staff:ticket_split", args=[ticket.number]), data)
    assert "This message is not part of the ticket." in response.content.decode()
    assert not Ticket.objects.filter(split_from__isnull=False).exists()


@pytest.mark.parametrize("message", ["", "abc", "-1", "99999999999999999999", "<b>1</b>"])
def test_hostile_split_input_is_refused(client, agent, ticket, second, message):
    client.force_login(agent)
    data = {"message": message, "department": "<script>"}
    response = client.post(reverse("staff:ticket_split", args=[ticket.number]), data)
    assert response.status_code == 200 and "<script>" not in response.content.decode()
    assert not Ticket.objects.filter(split_from=ticket).exists()


# --- merge ------------------------------------------------------------------------------


@pytest.fixture
def target(customer, department):
    return open_ticket(customer, department, subject="Сайт недоступен")


def merge(client, source, **data):
    return client.post(reverse("staff:ticket_merge", args=[source.number]), data)


def test_merging_opens_the_target_with_the_source_s_messages(client, agent, ticket, target):
    client.force_login(agent)
    response = merge(client, ticket, merge_into=target.number)
    assert response["Location"] == reverse("staff:ticket", args=[target.number])
    html = page(client, target)
    assert "Since this morning the server does not answer" in html
    assert f"merged #{ticket.number} into this ticket (1 message)" in html
    assert "Merged from" in html


def test_the_merged_ticket_s_page_leads_to_the_target(client, agent, ticket, target):
    services.ticket_merge(actor=agent, source=ticket, target=target)
    client.force_login(agent)
    response = client.get(reverse("staff:ticket", args=[ticket.number]))
    assert response["Location"] == reverse("staff:ticket", args=[target.number])


@pytest.mark.parametrize(
    ("into", "says"),
    [
        ("self", "cannot be merged into itself"),
        ("999999", "There is no ticket #999999 in your departments."),
        ("elsewhere", "in your departments"),
        ("", "This field is required."),
        ("abc", "Enter a whole number."),
        ("-5", "greater than or equal to 1"),
        ("1e9999", "Enter a whole number."),
    ],
)
def test_bad_merges_say_why_and_change_nothing(
    client, agent, customer, other_department, ticket, into, says
):
    elsewhere = open_ticket(customer, other_department, subject="Sales")
    number = {"self": ticket.number, "elsewhere": elsewhere.number}.get(into, into)
    client.force_login(agent)
    events = TicketEvent.objects.count()
    response = merge(client, ticket, merge_into=number)
    assert response.status_code == 200 and says in response.content.decode()
    assert TicketEvent.objects.count() == events
    assert not Ticket.objects.filter(merged_into__isnull=False).exists()


def test_across_organizations_the_agent_confirms_with_the_checkbox(
    client, agent, customer, other_customer, department
):
    customer.organization = OrganizationFactory()
    customer.save()
    target = open_ticket(customer, department)
    source = open_ticket(other_customer, department)
    client.force_login(agent)
    response = merge(client, source, merge_into=target.number)
    assert "different organizations" in response.content.decode()
    assert not Ticket.objects.filter(merged_into=target).exists()
    response = merge(client, source, merge_into=target.number, confirm_organizations="on")
    assert response.status_code == 302
    assert Ticket.objects.filter(merged_into=target).get() == source


def test_the_queue_merges_the_ticked_tickets_into_one_of_them(
    client, agent, customer, department, target
):
    sources = [open_ticket(customer, department, subject=f"Дубль {n}") for n in range(2)]
    client.force_login(agent)
    numbers = [t.number for t in (*sources, target)]
    data = {"ticket": numbers, "action": "merge", "merge_into": target.number}
    response = client.post(reverse("staff:queue_bulk"), data, follow=True)
    assert "2 tickets changed." in response.content.decode()
    assert set(Ticket.objects.filter(merged_into=target)) == set(sources)
    assert Ticket.objects.get(pk=target.pk).status != Status.CLOSED
    assert target.messages.filter(kind=MessageKind.CUSTOMER).count() == 3


def test_the_queue_reports_each_refusal(client, agent, customer, other_customer, department):
    customer.organization = OrganizationFactory()
    customer.save()
    target = open_ticket(customer, department)
    stranger = open_ticket(other_customer, department)
    client.force_login(agent)
    data = {"ticket": [stranger.number], "action": "merge", "merge_into": target.number}
    html = client.post(reverse("staff:queue_bulk"), data, follow=True).content.decode()
    assert f"#{stranger.number}: Tickets #{stranger.number} and #{target.number}" in html
    assert not TicketEvent.objects.filter(verb=EventVerb.MERGED).exists()


def test_the_queue_needs_a_target_and_other_tickets(client, agent, target):
    client.force_login(agent)
    for data, says in (
        ({"ticket": [target.number], "action": "merge"}, "Give the number"),
        (
            {"ticket": [target.number], "action": "merge", "merge_into": target.number},
            "besides the target",
        ),
    ):
        html = client.post(reverse("staff:queue_bulk"), data, follow=True).content.decode()
        assert says in html
    assert not Message.objects.exclude(ticket=target).exists()
