"""ticket_open: a ticket, its first message and its audit event, in one transaction (issue 2)."""

import pytest

from accounts.models import Role
from tests.factories import CategoryFactory, CustomerFactory, ServiceFactory, open_ticket
from tickets import services
from tickets.models import Channel, EventVerb, MessageKind, Status, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_customer_opens_a_ticket_in_the_categorys_department(customer, department):
    category = CategoryFactory(default_department=department)
    ticket = services.ticket_open_web(
        actor=customer,
        subject="  Сайт   не открывается ",
        body_text="Ошибка 502 с утра.\nПерезапуск не помог.",
        category=category,
    )
    assert ticket.department == department
    assert ticket.status == Status.NEW
    assert ticket.subject == "Сайт не открывается"
    assert ticket.requester == customer
    assert ticket.waiting_since == ticket.created_at
    message = ticket.messages.get()
    assert message.kind == MessageKind.CUSTOMER
    assert message.author == customer
    assert message.body_text == "Ошибка 502 с утра.\nПерезапуск не помог."
    event = TicketEvent.objects.get(ticket=ticket)
    assert event.verb == EventVerb.OPENED and event.actor == customer
    assert event.message == message


def test_ticket_numbers_are_sequential_and_human_friendly(customer, department):
    first = open_ticket(customer, department)
    second = open_ticket(customer, department)
    assert second.number == first.number + 1
    assert first.number >= 1000


def test_the_organization_is_taken_from_the_requester(customer, department, organization):
    customer.organization = organization
    customer.save()
    assert open_ticket(customer, department).organization == organization


def test_agent_opens_a_ticket_for_a_customer(agent, customer, department):
    ticket = open_ticket(customer, department, actor=agent, channel=Channel.PHONE)
    assert ticket.requester == customer and ticket.channel == Channel.PHONE
    assert ticket.events.get().actor == agent


def test_agent_cannot_open_a_ticket_in_a_department_he_does_not_work(
    agent, customer, other_department
):
    with pytest.raises(services.NotPermitted):
        open_ticket(customer, other_department, actor=agent)
    assert not Ticket.objects.exists()


def test_customer_cannot_open_a_ticket_for_someone_else(customer, other_customer, department):
    with pytest.raises(services.NotPermitted):
        open_ticket(other_customer, department, actor=customer)


def test_tickets_are_not_opened_for_agents(agent, manager, department):
    with pytest.raises(services.NotPermitted):
        open_ticket(manager, department, actor=agent)


def test_a_service_of_another_customer_is_refused(customer, other_customer, department):
    foreign = ServiceFactory(customer=other_customer)
    with pytest.raises(services.NotPermitted):
        open_ticket(customer, department, service=foreign)
    assert not Ticket.objects.exists()


def test_a_service_of_the_customers_organization_is_accepted(customer, department, organization):
    customer.organization = organization
    customer.save()
    service = ServiceFactory(organization=organization)
    assert open_ticket(customer, department, service=service).service == service


def test_an_empty_request_is_refused(customer, department):
    with pytest.raises(services.ActionNotAllowed):
        open_ticket(customer, department, body="   ")


def test_an_inactive_department_takes_no_new_tickets(customer, department):
    department.is_active = False
    department.save()
    with pytest.raises(services.ActionNotAllowed):
        open_ticket(customer, department)


def test_a_failure_midway_leaves_no_half_written_ticket(customer, department, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("tickets.services.opening.event_record", boom)
    with pytest.raises(RuntimeError):
        open_ticket(customer, department)
    assert not Ticket.objects.exists()
    # The number given back: the next ticket gets the one the failed one would have had.
    monkeypatch.undo()
    assert open_ticket(customer, department).number == 1001


def test_a_deactivated_customer_cannot_open_tickets(department):
    gone = CustomerFactory(is_active=False, role=Role.CUSTOMER)
    with pytest.raises(services.NotPermitted):
        open_ticket(gone, department)
