"""Who may add to a ticket: one rule, `access.may_write`, for every channel (issue 16; R10,
R16, P1, P4). The mail gateway's side is tests/mailgateway/test_who_may_write_by_mail.py.
"""

import pytest

from tests.factories import AgentFactory, CustomerFactory, OrganizationFactory, open_ticket
from tickets import access, services
from tickets.models import MessageKind, TicketParticipant

pytestmark = pytest.mark.django_db


@pytest.fixture
def requester(organization):
    return CustomerFactory(organization=organization)


@pytest.fixture
def colleague(organization):
    return CustomerFactory(organization=organization)


@pytest.fixture
def ticket(requester, department):
    return open_ticket(requester, department)


def test_the_requester_a_participant_a_colleague_and_the_department_s_agents_may_write(
    ticket, requester, colleague, other_customer, agent, manager
):
    TicketParticipant.objects.create(ticket=ticket, user=other_customer)
    for person in (requester, colleague, other_customer, agent, manager):
        assert access.may_write(person, ticket), person


def test_nobody_else_may_write(ticket, other_customer, agent_other_department, organization):
    """Strangers, agents of other departments, members of another organization, nobody."""
    outsider = CustomerFactory(organization=OrganizationFactory(shares_tickets=True))
    for person in (other_customer, agent_other_department, outsider, None):
        assert not access.may_write(person, ticket), person


def test_a_colleague_may_not_write_once_his_organization_stops_sharing(
    ticket, colleague, organization
):
    organization.shares_tickets = False
    organization.save()
    colleague.refresh_from_db()
    assert not access.may_write(colleague, ticket)
    with pytest.raises(services.NotPermitted):
        services.message_add_web(actor=colleague, ticket=ticket, body_text="Me too")
    assert ticket.messages.count() == 1


def test_deactivated_accounts_may_not_write(ticket, requester, department):
    agent = AgentFactory(departments=[department])
    for person in (requester, agent):
        person.is_active = False
        person.save()
        assert not access.may_write(person, ticket), person
    with pytest.raises(services.NotPermitted):
        services.message_add_web(actor=requester, ticket=ticket, body_text="Still there?")


def test_a_colleague_writes_into_a_shared_ticket_on_the_web(ticket, colleague):
    message = services.message_add_web(actor=colleague, ticket=ticket, body_text="Я тоже")
    assert (message.ticket, message.author, message.kind) == (
        ticket,
        colleague,
        MessageKind.CUSTOMER,
    )


def test_a_colleague_s_mail_continues_a_shared_ticket(ticket, colleague):
    message = services.message_add_mail(actor=colleague, ticket=ticket, body_text="Me too")
    assert (message.ticket, message.author) == (ticket, colleague)


def test_a_stranger_s_mail_is_refused_by_the_service_too(ticket, other_customer):
    with pytest.raises(services.NotPermitted):
        services.message_add_mail(actor=other_customer, ticket=ticket, body_text="Hi")
    assert ticket.messages.count() == 1


def test_only_the_requester_and_the_department_s_agents_bring_people_in(
    ticket, requester, colleague, other_customer, agent, agent_other_department
):
    """A colleague or a participant may write, but copies nobody into the ticket."""
    TicketParticipant.objects.create(ticket=ticket, user=other_customer)
    assert access.may_add_participants(requester, ticket)
    assert access.may_add_participants(agent, ticket)
    for person in (colleague, other_customer, agent_other_department, None):
        assert not access.may_add_participants(person, ticket), person
    with pytest.raises(services.NotPermitted):
        services.participants_add(actor=colleague, ticket=ticket, users=[CustomerFactory()])


def test_closing_reopening_and_rating_follow_the_same_people(
    ticket, requester, colleague, other_customer, agent, agent_other_department
):
    for person in (requester, colleague, agent):
        assert access.may_close(person, ticket) and access.may_reopen(person, ticket), person
    for person in (other_customer, agent_other_department):
        assert not access.may_close(person, ticket), person
        assert not access.may_reopen(person, ticket), person
    assert access.may_rate(colleague, ticket)
    assert not access.may_rate(colleague, ticket, via_link=True)
    assert access.may_rate(requester, ticket, via_link=True)
    for person in (agent, other_customer):
        assert not access.may_rate(person, ticket), person
