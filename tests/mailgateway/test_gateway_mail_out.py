"""What inbound mail makes the helpdesk send, and what it never sends (MAIL.md, P6, P7, issue 6)."""

from __future__ import annotations

import pytest

from mailgateway.models import InboundStatus
from mailgateway.outbound import outbox
from mailgateway.outbound.models import OutboundMail, OutboundStatus, Suppression
from tests.factories import AgentFactory
from tests.helpers import subscribers_run
from tests.mailgateway.conftest import receive_notified as receive
from tests.mailgateway.mails import plain
from tests.mailgateway.test_loops_and_bounces import dsn
from tickets import services
from tickets.models import MailPolicy, Status

pytestmark = pytest.mark.django_db

OUT_OF_OFFICE = {"Auto-Submitted": "auto-replied", "X-Autoreply": "yes"}


def kinds() -> list[str]:
    return list(OutboundMail.objects.order_by("id").values_list("kind", flat=True))


def test_a_customers_mail_is_acknowledged_and_the_department_told(support, customer):
    AgentFactory(departments=[support])
    mail = receive(plain(sender=customer.email))
    assert mail.status == InboundStatus.DONE
    assert kinds() == ["acknowledgement", "agent_new_ticket"]
    ack = OutboundMail.objects.get(kind="acknowledgement")
    assert ack.recipients == [customer.email]
    assert ack.ticket == mail.ticket


def test_an_auto_reply_that_opens_a_ticket_gets_no_acknowledgement(support, customer):
    AgentFactory(departments=[support])
    mail = receive(plain(sender=customer.email, headers=OUT_OF_OFFICE))
    assert mail.ticket is not None  # stored, never dropped
    assert kinds() == []


def test_a_mail_with_a_null_return_path_gets_no_acknowledgement(support, customer):
    receive(plain(sender=customer.email, subject="Hello"), envelope_sender="")
    assert "acknowledgement" not in kinds()


def test_an_out_of_office_answer_tells_only_the_assignee(support, customer, agent):
    ticket = receive(plain(sender=customer.email, message_id="<q1@example.ru>")).ticket
    with subscribers_run():
        services.reply_add(actor=agent, ticket=ticket, body_text="Try now", status=Status.PENDING)
    OutboundMail.objects.all().delete()
    reply_id = ticket.messages.filter(author=agent).get().message_id
    receive(
        plain(
            sender=customer.email,
            subject="Automatic reply: I am on holiday",
            headers={**OUT_OF_OFFICE, "In-Reply-To": reply_id},
        )
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING  # never reopens or changes state
    assert kinds() == ["agent_customer_reply"]
    assert OutboundMail.objects.get().recipients == [agent.email]


def test_a_bounce_of_our_reply_marks_it_bounced_and_suppresses_the_address(
    support, customer, agent
):
    ticket = receive(plain(sender=customer.email, message_id="<q2@example.ru>")).ticket
    with subscribers_run():
        reply = services.reply_add(actor=agent, ticket=ticket, body_text="Done")
    receive(dsn(reply.message_id, recipient=customer.email), envelope_sender="")
    row = OutboundMail.objects.get(ticket_message=reply)
    assert row.status == OutboundStatus.BOUNCED and "5.1.1" in row.last_error
    assert Suppression.objects.filter(address=customer.email).exists()
    # The next answer is withheld, and the agent sees why.
    with subscribers_run():
        again = services.reply_add(actor=agent, ticket=ticket, body_text="Hello?")
    row = OutboundMail.objects.get(ticket_message=again)
    outbox.deliver(row.pk)  # what the worker does with it
    row.refresh_from_db()
    assert row.status == OutboundStatus.WITHHELD and "suppressed" in row.last_error


def test_a_temporary_delivery_delay_suppresses_nobody(support, customer, agent):
    ticket = receive(plain(sender=customer.email, message_id="<q3@example.ru>")).ticket
    with subscribers_run():
        reply = services.reply_add(actor=agent, ticket=ticket, body_text="Done")
    receive(dsn(reply.message_id, recipient=customer.email, status="4.4.1"), envelope_sender="")
    assert not Suppression.objects.exists()


@pytest.fixture
def registered_only(support):
    support.mail_policy = MailPolicy.REGISTERED
    support.save()
    return support


def test_a_rejected_stranger_gets_one_polite_reply_a_day(registered_only):
    first = receive(plain(sender="Stranger <stranger@example.com>", message_id="<s1@x.example>"))
    assert first.status == InboundStatus.REJECTED
    receive(plain(sender="stranger@example.com", subject="Again", message_id="<s2@x.example>"))
    [notice] = OutboundMail.objects.all()
    assert notice.kind == "rejected" and notice.recipients == ["stranger@example.com"]
    assert notice.automatic and notice.ticket is None
    assert b"In-Reply-To: <s1@x.example>" in bytes(notice.mime)


def test_rejected_automatic_mail_is_never_answered(registered_only):
    receive(plain(sender="robot@example.com", headers=OUT_OF_OFFICE))
    receive(plain(sender="someone@example.com"), envelope_sender="")
    assert kinds() == []
