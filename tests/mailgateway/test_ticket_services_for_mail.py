"""The small additions the gateway made to tickets.services (issue 5): participants_add,
automatic messages, and notes written by the helpdesk itself."""

from __future__ import annotations

import pytest

from tests.factories import CustomerFactory, open_ticket
from tickets import services
from tickets.models import Channel, EventVerb, MessageKind, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(customer, department):
    return open_ticket(customer, department)


def test_the_requester_adds_participants_and_the_audit_trail_says_so(ticket, customer):
    colleague = CustomerFactory(email="colleague@example.ru")
    assert services.participants_add(actor=customer, ticket=ticket, users=[colleague]) == [
        colleague
    ]
    event = ticket.events.get(verb=EventVerb.PARTICIPANT_ADDED)
    assert (event.actor, event.after["participant"]["id"]) == (customer, colleague.pk)


def test_an_outsider_cannot_add_participants(ticket, other_customer, agent_other_department):
    for outsider in (other_customer, agent_other_department):
        with pytest.raises(services.NotPermitted):
            services.participants_add(actor=outsider, ticket=ticket, users=[CustomerFactory()])
    assert ticket.participant_links.count() == 0


def test_agents_the_requester_and_duplicates_are_never_added(ticket, customer, agent):
    colleague = CustomerFactory()
    added = services.participants_add(
        actor=agent, ticket=ticket, users=[agent, customer, colleague, colleague]
    )
    assert added == [colleague]


def test_participants_are_capped(ticket, customer):
    people = [CustomerFactory() for _ in range(services.messages.PARTICIPANTS_MAX + 5)]
    services.participants_add(actor=customer, ticket=ticket, users=people)
    assert ticket.participant_links.count() == services.messages.PARTICIPANTS_MAX


def test_an_automatic_message_changes_nothing_but_the_conversation(ticket, customer, agent):
    services.reply_add(actor=agent, ticket=ticket, body_text="Fixed", status=Status.PENDING)
    ticket.refresh_from_db()
    waiting = ticket.waiting_since
    services.message_add_mail(
        actor=customer,
        ticket=ticket,
        body_text="I am away",
        mail=services.MailThreading(automatic=True),
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.waiting_since) == (Status.PENDING, waiting)
    assert ticket.messages.count() == 3


def test_the_helpdesk_itself_writes_internal_notes(ticket):
    note = services.note_add(actor=None, ticket=ticket, body_text="Bounce", channel=Channel.EMAIL)
    assert (note.kind, note.author, note.channel) == (MessageKind.NOTE, None, Channel.EMAIL)
