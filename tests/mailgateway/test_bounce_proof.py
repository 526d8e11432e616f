"""A delivery report counts only with proof, and suppresses only the recipients of the mail
it proves it is about (issue 14; MAIL.md rule 10 and loops rule 3; docs/mail-trust.md 8-9).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from mailgateway.identity import bounce_address
from mailgateway.models import InboundStatus
from mailgateway.outbound.models import OutboundMail, OutboundStatus, Suppression
from mailgateway.sources.listener import _recipient_known
from tests.helpers import subscribers_run
from tests.mailgateway.conftest import receive
from tests.mailgateway.mails import plain, raw
from tickets import services
from tickets.models import MessageKind

pytestmark = pytest.mark.django_db


def dsn(
    returned_message_id: str | None,
    failed: list[str],
    *,
    to: str = "support@helpdesk.example",
    subject: str = "Undelivered Mail Returned to Sender",
    text: str = "I'm sorry to have to inform you that your message could not be delivered.",
    extra: str = "",
) -> bytes:
    """A delivery status notification (RFC 3464) as Postfix writes one; without a
    returned Message-ID it returns no headers at all."""
    blocks = "".join(
        f"\nFinal-Recipient: rfc822; {address}\nAction: failed\nStatus: 5.1.1\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n"
        for address in failed
    )
    returned = (
        "--B\nContent-Type: text/rfc822-headers\n\n"
        f"From: support@helpdesk.example\nMessage-ID: {returned_message_id}\n"
        "Subject: Re: Server down\n"
        if returned_message_id
        else ""
    )
    return raw(
        f"{extra}From: MAILER-DAEMON@mx.example.ru (Mail Delivery System)\n"
        f"To: {to}\nSubject: {subject}\nMessage-ID: <bounce@mx.example.ru>\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        f"--B\nContent-Type: text/plain\n\n{text}\n"
        "--B\nContent-Type: message/delivery-status\n\n"
        f"Reporting-MTA: dns; mx.example.ru\n{blocks}\n"
        f"{returned}--B--",
        b"",
    )


@pytest.fixture
def ticket(customer, support):
    with subscribers_run():
        return receive(plain(sender=customer.email, message_id="<first@example.ru>")).ticket


@pytest.fixture
def answer(ticket, agent, customer, other_customer):
    """An agent's reply to the customer, a participant in Cc."""
    services.participants_add(actor=customer, ticket=ticket, users=[other_customer])
    with subscribers_run():
        return services.reply_add(actor=agent, ticket=ticket, body_text="Fixed")


def suppressed() -> set[str]:
    return set(Suppression.objects.values_list("address", flat=True))


def test_a_bounce_returning_our_signed_message_id_suppresses_only_its_recipients(
    ticket, answer, customer
):
    mail = receive(dsn(answer.message_id, [customer.email, "boss@victim.example"]))
    assert (mail.status, mail.ticket, mail.message.kind) == (
        InboundStatus.DONE,
        ticket,
        MessageKind.NOTE,
    )
    assert suppressed() == {customer.email}
    row = OutboundMail.objects.get(ticket_message=answer)
    assert row.status == OutboundStatus.BOUNCED
    assert Suppression.objects.get().outbound == row


def test_an_address_only_named_in_the_report_s_text_is_never_suppressed(
    ticket, answer, other_customer
):
    text = f"Delivery to {other_customer.email} and to ceo@victim.example failed."
    extra = "X-Failed-Recipients: ceo@victim.example\n"
    mail = receive(dsn(answer.message_id, [], text=text, extra=extra))
    assert mail.status == InboundStatus.DONE
    assert suppressed() == set()


def test_a_bounce_that_proves_nothing_is_rejected_mail_for_the_agents(
    client, ticket, answer, customer, agent, support
):
    """Not a note on the ticket its subject names, and no suppression."""
    mail = receive(
        dsn(
            "<copied@example.ru>",
            [customer.email],
            subject=f"Undelivered: Re: [#{ticket.number}] Server down",
        )
    )
    assert (mail.status, mail.ticket, mail.department) == (InboundStatus.REJECTED, None, support)
    assert ticket.messages.filter(kind=MessageKind.NOTE).count() == 0
    assert suppressed() == set()
    client.force_login(agent)
    page = client.get(reverse("staff:rejected_mail_list")).content.decode()
    assert "Undelivered: Re: [#" in page


def test_a_forged_signature_in_a_returned_message_id_proves_nothing(ticket, answer, customer):
    forged = re.sub(r"\.[0-9a-f]+@", ".000000000000@", answer.message_id)
    assert forged != answer.message_id
    mail = receive(dsn(forged, [customer.email]))
    assert mail.status == InboundStatus.REJECTED and suppressed() == set()


def test_outgoing_mail_is_sent_from_a_signed_verp_address(
    ticket, agent, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.MAIL_BOUNCE_ADDRESS = "bounces@helpdesk.example"
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply_add(actor=agent, ticket=ticket, body_text="Fixed")
    row = OutboundMail.objects.get(ticket_message=reply)
    assert [r.mail_from for r in smtp_server.received] == [
        bounce_address("bounces@helpdesk.example", row.pk)
    ]


def test_a_bounce_to_our_verp_address_counts_without_returned_headers(
    ticket, answer, customer, settings
):
    """Some MTAs return no headers: the VERP address alone proves which mail bounced."""
    settings.MAIL_BOUNCE_ADDRESS = "bounces@helpdesk.example"
    row = OutboundMail.objects.get(ticket_message=answer)
    verp = bounce_address("bounces@helpdesk.example", row.pk)
    mail = receive(
        dsn(None, [customer.email, "boss@victim.example"], to=verp),
        envelope_sender="",
        envelope_recipients=[verp],
    )
    assert (mail.status, mail.ticket) == (InboundStatus.DONE, ticket)
    row.refresh_from_db()
    assert row.status == OutboundStatus.BOUNCED
    assert suppressed() == {customer.email}


def test_a_forged_verp_address_proves_nothing(ticket, answer, customer, settings):
    settings.MAIL_BOUNCE_ADDRESS = "bounces@helpdesk.example"
    row = OutboundMail.objects.get(ticket_message=answer)
    forged = f"bounces+o{row.pk}-000000000000@helpdesk.example"
    mail = receive(dsn(None, [customer.email], to=forged), envelope_recipients=[forged])
    assert mail.status == InboundStatus.REJECTED and suppressed() == set()


def test_the_listener_accepts_our_verp_addresses(settings, support):
    settings.MAIL_BOUNCE_ADDRESS = "bounces@helpdesk.example"
    assert _recipient_known(bounce_address("bounces@helpdesk.example", 7))
    assert not _recipient_known("someone@helpdesk.example")
