"""Customer messages, agent replies and internal notes (R6, R8, R16, P4; issue 2)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import open_ticket
from tickets import services
from tickets.models import EventVerb, MessageKind, Status, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(customer, department):
    return open_ticket(customer, department)


def verbs(ticket):
    return list(ticket.events.values_list("verb", flat=True))


def test_agent_reply_opens_a_new_ticket_and_records_the_first_response(agent, ticket):
    message = services.reply_add(actor=agent, ticket=ticket, body_text="Мы смотрим.")
    ticket.refresh_from_db()
    assert message.kind == MessageKind.AGENT and message.author == agent
    assert ticket.status == Status.OPEN
    assert ticket.first_response_at == message.created_at
    assert ticket.last_agent_activity_at == message.created_at
    assert ticket.waiting_since is None
    assert verbs(ticket) == [
        EventVerb.OPENED,
        EventVerb.REPLIED,
        EventVerb.ASSIGNED,
        EventVerb.STATUS_CHANGED,
    ]


def test_replying_to_an_unassigned_ticket_assigns_it_to_the_agent(agent, ticket):
    services.reply_add(actor=agent, ticket=ticket, body_text="On it")
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_first_response_time_is_kept_after_later_replies(agent, ticket):
    first = services.reply_add(actor=agent, ticket=ticket, body_text="one")
    services.reply_add(actor=agent, ticket=ticket, body_text="two")
    ticket.refresh_from_db()
    assert ticket.first_response_at == first.created_at


def test_reply_can_set_the_ticket_pending_or_solved(agent, ticket):
    services.reply_add(actor=agent, ticket=ticket, body_text="Try again?", status=Status.PENDING)
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    services.reply_add(actor=agent, ticket=ticket, body_text="Fixed.", status=Status.SOLVED)
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED and ticket.solved_at is not None


def test_a_reply_cannot_close_a_ticket_or_make_it_new(agent, ticket):
    for status in (Status.NEW, Status.CLOSED):
        with pytest.raises(services.ActionNotAllowed):
            services.reply_add(actor=agent, ticket=ticket, body_text="x", status=status)


def test_agent_of_another_department_cannot_reply(agent_other_department, ticket):
    with pytest.raises(services.NotPermitted):
        services.reply_add(actor=agent_other_department, ticket=ticket, body_text="hi")
    assert ticket.messages.count() == 1


def test_customer_cannot_write_agent_replies_or_notes(customer, ticket):
    with pytest.raises(services.NotPermitted):
        services.reply_add(actor=customer, ticket=ticket, body_text="I am an agent now")
    with pytest.raises(services.NotPermitted):
        services.note_add(actor=customer, ticket=ticket, body_text="secret")


def test_agents_answer_with_replies_not_customer_messages(agent, ticket):
    with pytest.raises(services.NotPermitted):
        services.message_add_web(actor=agent, ticket=ticket, body_text="x")


def test_customer_answer_puts_a_pending_ticket_back_to_open(customer, agent, ticket):
    services.reply_add(actor=agent, ticket=ticket, body_text="Logs?", status=Status.PENDING)
    message = services.message_add_web(actor=customer, ticket=ticket, body_text="Вот логи")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.waiting_since == message.created_at
    assert ticket.last_customer_activity_at == message.created_at


def test_customer_message_reopens_a_solved_ticket(customer, agent, ticket):
    services.reply_add(actor=agent, ticket=ticket, body_text="Done", status=Status.SOLVED)
    services.message_add_web(actor=customer, ticket=ticket, body_text="Again!")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.solved_at is None
    assert EventVerb.REOPENED in verbs(ticket)


def test_customer_message_reopens_a_closed_ticket_within_the_window(customer, ticket, settings):
    settings.TICKET_REOPEN_DAYS = 30
    services.ticket_close(actor=customer, ticket=ticket)
    message = services.message_add_mail(actor=customer, ticket=ticket, body_text="It broke again")
    ticket.refresh_from_db()
    assert message.ticket == ticket
    assert ticket.status == Status.OPEN and ticket.closed_at is None


def test_past_the_window_a_message_opens_a_new_linked_ticket(customer, ticket, settings):
    settings.TICKET_REOPEN_DAYS = 30
    services.ticket_close(actor=customer, ticket=ticket)
    Ticket.objects.filter(pk=ticket.pk).update(closed_at=timezone.now() - timedelta(days=31))
    message = services.message_add_web(
        actor=customer, ticket=ticket, body_text="Same problem again"
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    follow_up = message.ticket
    assert follow_up != ticket
    assert follow_up.linked_ticket == ticket
    assert follow_up.subject == ticket.subject and follow_up.status == Status.NEW


def test_a_stranger_cannot_write_into_someone_elses_ticket(other_customer, ticket):
    with pytest.raises(services.NotPermitted):
        services.message_add_web(actor=other_customer, ticket=ticket, body_text="spam")
    assert ticket.messages.count() == 1


def test_internal_note_changes_no_status_and_is_internal(agent, ticket):
    note = services.note_add(actor=agent, ticket=ticket, body_text="Customer is on a legacy plan")
    ticket.refresh_from_db()
    assert note.kind == MessageKind.NOTE and note.is_internal
    assert ticket.status == Status.NEW and ticket.waiting_since is not None
    assert verbs(ticket)[-1] == EventVerb.NOTE_ADDED


def test_notes_are_allowed_on_closed_tickets_but_replies_are_not(agent, customer, ticket):
    services.ticket_close(actor=customer, ticket=ticket)
    services.note_add(actor=agent, ticket=ticket, body_text="Closed by the customer himself")
    with pytest.raises(services.ActionNotAllowed):
        services.reply_add(actor=agent, ticket=ticket, body_text="Hello?")


def test_empty_messages_are_refused(customer, agent, ticket):
    with pytest.raises(services.ActionNotAllowed):
        services.message_add_web(actor=customer, ticket=ticket, body_text=" \n")
    with pytest.raises(services.ActionNotAllowed):
        services.note_add(actor=agent, ticket=ticket, body_text="")
