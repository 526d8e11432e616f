"""The scoping function and the loader, for every role (R10, P1, issue 2)."""

import pytest
from django.http import Http404

from accounts.models import Role
from tests.factories import AgentFactory, CustomerFactory, UserFactory, open_ticket
from tickets import access, services
from tickets.models import MessageKind, TicketParticipant

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(customer, department):
    return open_ticket(customer, department)


@pytest.fixture
def sales_ticket(other_customer, other_department):
    return open_ticket(other_customer, other_department, subject="Offer please")


def numbers(user):
    return set(access.tickets_for(user).values_list("number", flat=True))


def test_customer_sees_only_his_own_tickets(customer, other_customer, ticket, sales_ticket):
    assert numbers(customer) == {ticket.number}
    assert numbers(other_customer) == {sales_ticket.number}


def test_customer_gets_404_for_another_customers_ticket(other_customer, ticket):
    with pytest.raises(Http404):
        access.ticket_for(other_customer, ticket.number)


def test_a_ticket_outside_scope_and_a_missing_ticket_look_the_same(other_customer, ticket):
    for number in (ticket.number, 999_999):
        with pytest.raises(Http404):
            access.ticket_for(other_customer, number)


def test_organization_members_share_tickets_only_when_the_organization_says_so(
    department, organization
):
    first = CustomerFactory(organization=organization)
    colleague = CustomerFactory(organization=organization)
    ticket = open_ticket(first, department)
    assert access.ticket_for(colleague, ticket.number) == ticket
    organization.shares_tickets = False
    organization.save()
    colleague.refresh_from_db()
    with pytest.raises(Http404):
        access.ticket_for(colleague, ticket.number)
    assert access.ticket_for(first, ticket.number) == ticket


def test_members_of_another_organization_never_see_them(department, organization):
    from tests.factories import OrganizationFactory

    member = CustomerFactory(organization=organization)
    outsider = CustomerFactory(organization=OrganizationFactory(shares_tickets=True))
    ticket = open_ticket(member, department)
    assert ticket.number not in numbers(outsider)


def test_a_participant_sees_the_ticket_he_follows(customer, other_customer, ticket):
    TicketParticipant.objects.create(ticket=ticket, user=other_customer)
    assert access.ticket_for(other_customer, ticket.number) == ticket


def test_agent_sees_only_his_departments(agent, agent_other_department, ticket, sales_ticket):
    assert numbers(agent) == {ticket.number}
    assert numbers(agent_other_department) == {sales_ticket.number}
    with pytest.raises(Http404):
        access.ticket_for(agent, sales_ticket.number)


def test_agent_in_two_departments_sees_both(department, other_department, ticket, sales_ticket):
    both = AgentFactory(departments=[department, other_department])
    assert numbers(both) == {ticket.number, sales_ticket.number}


def test_managers_and_admins_see_every_department(manager, admin_user, ticket, sales_ticket):
    assert numbers(manager) == numbers(admin_user) == {ticket.number, sales_ticket.number}


def test_deactivated_people_and_anonymous_see_nothing(department, ticket):
    from django.contrib.auth.models import AnonymousUser

    former = AgentFactory(departments=[department], is_active=False)
    assert numbers(former) == set()
    assert numbers(UserFactory(role=Role.MANAGER, is_active=False)) == set()
    assert not access.tickets_for(AnonymousUser()).exists()


def test_customers_never_get_internal_messages(customer, agent, ticket):
    services.note_add(actor=agent, ticket=ticket, body_text="internal")
    services.reply_add(actor=agent, ticket=ticket, body_text="public")
    kinds = list(access.messages_for(customer, ticket).values_list("kind", flat=True))
    assert kinds == [MessageKind.CUSTOMER, MessageKind.AGENT]
    assert access.messages_for(agent, ticket).filter(kind=MessageKind.NOTE).count() == 1


def test_attachment_loader_follows_ticket_and_note_visibility(
    customer, other_customer, agent, agent_other_department, ticket, png
):
    from tests.factories import upload

    note = services.note_add(
        actor=agent, ticket=ticket, body_text="see", attachments=[upload(png, "internal.png")]
    )
    reply = services.reply_add(
        actor=agent, ticket=ticket, body_text="see", attachments=[upload(png, "public.png")]
    )
    internal, public = note.attachments.get(), reply.attachments.get()
    assert access.attachment_for(customer, public.pk) == public
    assert access.attachment_for(agent, internal.pk) == internal
    for user, pk in (
        (customer, internal.pk),
        (other_customer, public.pk),
        (agent_other_department, public.pk),
    ):
        with pytest.raises(Http404):
            access.attachment_for(user, pk)


def test_departments_for(agent, manager, department, other_department, customer):
    assert list(access.departments_for(agent)) == [department]
    assert set(access.departments_for(manager)) == {department, other_department}
    assert not access.departments_for(customer).exists()


def test_message_add_through_email_respects_scope(other_customer, ticket):
    with pytest.raises(services.NotPermitted):
        services.message_add_mail(actor=other_customer, ticket=ticket, body_text="hi")
