"""An auto-reply threaded onto an answered ticket starts no next-response clock (issue 10,
R17): nobody waits for an answer to an out-of-office; `message_added` says `automatic`."""

import pytest

from tests.factories import open_ticket
from tests.sla.conftest import moscow
from tickets import services
from tickets.models import EventVerb, TicketEvent

pytestmark = pytest.mark.django_db


def test_an_automatic_mail_starts_no_next_response_clock(
    clock, policy, customer, department, agent
):
    clock(moscow(2026, 3, 4, 10, 0))
    ticket = open_ticket(customer, department)
    services.reply_add(actor=agent, ticket=ticket, body_text="Смотрим.")
    clock(moscow(2026, 3, 4, 11, 0))
    services.message_add_mail(
        actor=customer,
        ticket=ticket,
        body_text="Я в отпуске до понедельника.",
        mail=services.MailThreading(automatic=True),
    )
    ticket.refresh_from_db()
    assert ticket.next_response_due_at is None and ticket.sla_due_at is not None
    event = TicketEvent.objects.filter(verb=EventVerb.MESSAGE_ADDED).get()
    assert event.after == {"automatic": True}


def test_a_real_answer_after_the_automatic_one_still_starts_it(
    clock, policy, customer, department, agent
):
    clock(moscow(2026, 3, 4, 10, 0))
    ticket = open_ticket(customer, department)
    services.reply_add(actor=agent, ticket=ticket, body_text="Смотрим.")
    services.message_add_mail(
        actor=customer, ticket=ticket, body_text="Auto", mail=services.MailThreading(automatic=True)
    )
    clock(moscow(2026, 3, 4, 12, 0))
    services.message_add_web(actor=customer, ticket=ticket, body_text="Всё ещё не работает")
    ticket.refresh_from_db()
    assert ticket.next_response_due_at == moscow(2026, 3, 4, 16, 0)
    assert TicketEvent.objects.filter(verb=EventVerb.MESSAGE_ADDED).last().after == {
        "automatic": False
    }
