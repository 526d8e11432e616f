"""Notifications are reactions to the event stream: composed after the change commits, never
inside its transaction, and their failure never undoes it (issue 16, issue 17; P6, R6)."""

from __future__ import annotations

import email
from email import policy

import pytest

from mailgateway.identity import message_id_ticket
from mailgateway.outbound import compose
from mailgateway.outbound.models import OutboundMail
from tests.factories import AgentFactory, open_ticket
from tests.helpers import committed
from tests.mailgateway.conftest import receive
from tests.mailgateway.mails import plain
from tickets import events, services
from tickets.mail import message_id_root
from tickets.models import EventDelivery, Message, Status
from tickets.rating_links import rating_url

pytestmark = pytest.mark.django_db


def test_a_new_ticket_for_19_agents_composes_no_mail_inside_its_transaction(
    customer, department, django_capture_on_commit_callbacks
):
    """Issue 17: the inbound mail's transaction writes the ticket and one delivery row per
    subscriber; the acknowledgement and the 19 notifications come after the commit."""
    AgentFactory.create_batch(19, departments=[department])
    with django_capture_on_commit_callbacks(execute=True):
        mail = receive(plain(sender=customer.email))
        assert not OutboundMail.objects.exists(), "nothing composed before the commit"
        assert EventDelivery.objects.filter(event__ticket=mail.ticket).count() == 1
    kinds = list(OutboundMail.objects.values_list("kind", flat=True))
    assert kinds.count("acknowledgement") == 1 and kinds.count("agent_new_ticket") == 19
    assert not EventDelivery.objects.exists()


def test_the_reply_gets_its_signed_message_id_in_the_service_and_the_mail_carries_it(
    agent, customer, department
):
    ticket = open_ticket(customer, department)
    with committed():
        reply = services.reply_add(actor=agent, ticket=ticket, body_text="Готово")
        stored = Message.objects.get(pk=reply.pk).message_id
        assert message_id_ticket(stored) == ticket.number, "stored before any mail exists"
    row = OutboundMail.objects.get(kind="reply")
    assert row.message_id == stored
    mime = email.message_from_bytes(bytes(row.mime), policy=policy.default)
    assert mime["Message-ID"] == stored
    # A web ticket's thread starts at its acknowledgement's stable root ID (issue 12).
    assert mime["In-Reply-To"] == message_id_root(ticket.number)


def test_a_reply_answering_mail_threads_below_it_and_never_below_itself(agent, customer, support):
    ticket = receive(plain(sender=customer.email, message_id="<q@example.ru>")).ticket
    with committed():
        first = services.reply_add(actor=agent, ticket=ticket, body_text="One")
        second = services.reply_add(actor=agent, ticket=ticket, body_text="Two")
    rows = {row.ticket_message_id: row for row in OutboundMail.objects.filter(kind="reply")}
    one = email.message_from_bytes(bytes(rows[first.pk].mime), policy=policy.default)
    two = email.message_from_bytes(bytes(rows[second.pk].mime), policy=policy.default)
    assert one["In-Reply-To"] == "<q@example.ru>"
    assert two["In-Reply-To"] == first.message_id
    assert second.message_id not in two["References"]


def test_a_reply_that_solves_carries_the_rating_links_even_if_reopened_before_the_mail(
    agent, customer, department, django_capture_on_commit_callbacks
):
    """The event says the status the reply left; the mail follows it, not later changes."""
    ticket = open_ticket(customer, department)
    with django_capture_on_commit_callbacks() as later:
        services.reply_add(actor=agent, ticket=ticket, body_text="Fixed", status=Status.SOLVED)
    services.ticket_reopen(actor=customer, ticket=ticket)
    with committed():
        for callback in later:
            callback()
    row = OutboundMail.objects.get(kind="reply")
    mime = email.message_from_bytes(bytes(row.mime), policy=policy.default)
    assert rating_url(ticket, "good") in mime.get_body(("plain",)).get_content()
    assert not OutboundMail.objects.filter(kind="solved").exists()


def test_a_failing_notification_never_undoes_the_reply_and_is_retried(
    agent, customer, department, monkeypatch
):
    ticket = open_ticket(customer, department)
    broken = {"now": True}
    real = compose.reply

    def reply(*args, **kwargs):
        if broken["now"]:
            raise ConnectionError("the template storage is down")
        return real(*args, **kwargs)

    monkeypatch.setattr(compose, "reply", reply)
    message = services.reply_add(actor=agent, ticket=ticket, body_text="Готово")
    delivery = EventDelivery.objects.get(subscriber="mail.reply_added")
    with pytest.raises(ConnectionError):
        events.deliver(delivery.pk)
    assert Message.objects.filter(pk=message.pk).exists()
    assert not OutboundMail.objects.filter(kind="reply").exists()
    broken["now"] = False
    assert events.deliver(delivery.pk) is True
    assert OutboundMail.objects.get(kind="reply").ticket_message == message


def test_an_unverified_agent_mail_tells_the_agent_after_the_commit(agent, customer, support):
    ticket = receive(plain(sender=customer.email)).ticket
    with committed():
        mail = receive(
            plain(sender=f"Anna <{agent.email}>", subject=f"Re: [#{ticket.number}] Server down")
        )
        assert mail.message.sender_verified is False
        assert not OutboundMail.objects.filter(kind="agent_unverified").exists()
    [told] = OutboundMail.objects.filter(kind="agent_unverified")
    assert told.recipients == [agent.email] and told.ticket_message == mail.message
