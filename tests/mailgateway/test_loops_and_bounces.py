"""Loops, bounces, receipts and automatic mail (P7; MAIL.md loops and auto-replies; issue 5)."""

from __future__ import annotations

import pytest

from mailgateway.classify import Classification, classify
from mailgateway.identity import LOOP_HEADER, instance_id, message_id_new
from mailgateway.models import InboundStatus
from mailgateway.outbound import outbox
from mailgateway.parse import parse
from tests.helpers import subscribers_run
from tests.mailgateway.conftest import receive
from tests.mailgateway.mails import plain, raw
from tickets import services
from tickets.models import MessageKind, Status, Ticket

pytestmark = pytest.mark.django_db


def dsn(original_message_id: str, *, recipient="ivan@example.ru", status="5.1.1") -> bytes:
    """A delivery status notification (RFC 3464) as Postfix writes one."""
    return raw(
        "From: MAILER-DAEMON@mx.example.ru (Mail Delivery System)\n"
        "To: support@helpdesk.example\nSubject: Undelivered Mail Returned to Sender\n"
        "Message-ID: <bounce1@mx.example.ru>\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        "--B\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.ru.\n"
        "I'm sorry to have to inform you that your message could not be delivered.\n"
        "--B\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.example.ru\n\n"
        f"Final-Recipient: rfc822; {recipient}\nAction: failed\nStatus: {status}\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n\n"
        "--B\nContent-Type: text/rfc822-headers\n\n"
        f"From: support@helpdesk.example\nTo: {recipient}\nMessage-ID: {original_message_id}\n"
        "Subject: Re: Server down\n--B--",
        b"",
    )


@pytest.fixture
def ticket(customer, support):
    return receive(plain(sender=customer.email, message_id="<first@example.ru>")).ticket


def test_our_own_mail_coming_back_is_ignored(support):
    mail = receive(plain(headers={LOOP_HEADER: instance_id()}))
    assert (mail.status, mail.classification) == (InboundStatus.IGNORED, "own_loop")
    assert Ticket.objects.count() == 0


def test_a_signed_message_id_of_ours_as_a_new_message_is_our_loop(ticket):
    mail = receive(plain(message_id=message_id_new(ticket.number)))
    assert (mail.status, mail.classification) == (InboundStatus.IGNORED, "own_loop")
    assert ticket.messages.count() == 1


def test_someone_else_s_loop_header_is_not_ours(support):
    mail = receive(plain(headers={LOOP_HEADER: "0123456789ab"}))
    assert mail.status == InboundStatus.DONE


def test_a_bounce_becomes_an_internal_note_on_the_ticket_and_reopens_nothing(
    ticket, agent, monkeypatch
):
    with subscribers_run():
        reply = services.reply_add(
            actor=agent, ticket=ticket, body_text="Done", status=Status.SOLVED
        )
    reported = []
    monkeypatch.setattr(outbox, "bounces_record", lambda **kw: reported.append(kw["addresses"]))
    mail = receive(dsn(reply.message_id), envelope_sender="")
    assert (mail.status, mail.classification, mail.ticket) == (InboundStatus.DONE, "bounce", ticket)
    note = mail.message
    assert (note.kind, note.author) == (MessageKind.NOTE, None)
    assert "ivan@example.ru: failed 5.1.1" in note.body_text
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert reported == [["ivan@example.ru"]]


def test_a_bounce_returning_a_stored_message_id_we_did_not_sign_proves_nothing(ticket):
    """Changed with issue 14 (MAIL.md rule 10): anyone can copy a Message-ID from a
    thread; a report counts only with one we signed. It used to become a note here."""
    mail = receive(dsn("<first@example.ru>"))
    assert (mail.status, mail.ticket) == (InboundStatus.REJECTED, None)
    assert ticket.messages.count() == 1


def test_a_bounce_about_nothing_of_ours_is_kept_as_rejected_mail(support):
    """Kept and shown to agents as rejected mail (issue 14); it used to be ignored."""
    mail = receive(dsn("<unknown@elsewhere>"))
    assert (mail.status, mail.classification) == (InboundStatus.REJECTED, "bounce")
    assert mail.department == support
    assert Ticket.objects.count() == 0


def test_a_read_receipt_of_our_reply_is_an_internal_note(ticket, agent):
    answer = services.reply_add(actor=agent, ticket=ticket, body_text="Done")
    receipt = raw(
        "From: ivan@example.ru\nTo: support@helpdesk.example\nSubject: Read: Server down\n"
        'Content-Type: multipart/report; report-type=disposition-notification; boundary="R"\n\n'
        "--R\nContent-Type: text/plain\n\nYour message was read.\n"
        "--R\nContent-Type: message/disposition-notification\n\n"
        f"Original-Message-ID: {answer.message_id}\n"
        "Disposition: manual-action/MDN-sent-manually; displayed\n"
        "--R--",
        b"",
    )
    mail = receive(receipt)
    assert (mail.classification, mail.ticket, mail.message.kind) == (
        "read_receipt",
        ticket,
        MessageKind.NOTE,
    )


def test_bulk_mail_opens_a_ticket_flagged_automatic(support):
    mail = receive(plain(headers={"Precedence": "bulk", "List-Id": "<news.example.com>"}))
    assert (mail.status, mail.classification) == (InboundStatus.DONE, "bulk")


CLASSIFICATION_CASES = [
    ({}, "normal"),
    ({"Auto-Submitted": "no"}, "normal"),
    ({"Auto-Submitted": "auto-generated"}, "auto_reply"),
    ({"Auto-Submitted": "auto-replied"}, "auto_reply"),
    ({"Precedence": "auto_reply"}, "auto_reply"),
    ({"X-Precedence": "auto_reply"}, "auto_reply"),
    ({"X-Autoreply": "yes"}, "auto_reply"),
    ({"X-Autorespond": "yes"}, "auto_reply"),
    ({"X-AutoReply-From": "a@b"}, "auto_reply"),
    ({"X-Mail-Autoreply": "yes"}, "auto_reply"),
    ({"X-Autoresponse": "yes"}, "auto_reply"),
    ({"X-Auto-Response-Suppress": "All"}, "auto_reply"),
    ({"X-Auto-Response-Suppress": "DR, AutoReply"}, "auto_reply"),
    ({"X-Loop": "ivan@example.ru"}, "auto_reply"),
    ({"X-Auto-Response-Suppress": "OOF"}, "out_of_office"),
    ({"Auto-Submitted": "auto-replied (vacation)"}, "out_of_office"),
    ({"X-MS-Exchange-Inbox-Rules-Loop": "a@b"}, "out_of_office"),
    ({"Precedence": "bulk"}, "bulk"),
    ({"Precedence": "junk"}, "bulk"),
    ({"Precedence": "list"}, "bulk"),
    ({"List-Id": "<l.example.com>"}, "bulk"),
    ({"List-Unsubscribe": "<mailto:u@example.com>"}, "bulk"),
    ({"X-Failed-Recipients": "a@b"}, "bounce"),
]


@pytest.mark.parametrize(("headers", "expected"), CLASSIFICATION_CASES)
def test_classification_by_headers(headers, expected):
    assert classify(parse(plain(headers=headers))) == expected


def test_an_out_of_office_subject_makes_an_auto_reply_out_of_office():
    mail = parse(
        plain(
            subject="Автоматический ответ: Server down", headers={"Auto-Submitted": "auto-replied"}
        )
    )
    assert classify(mail) == Classification.OUT_OF_OFFICE


def test_a_bounce_like_subject_alone_never_decides():
    assert classify(parse(plain(subject="Undeliverable: your invoice"))) == "normal"
    mail = parse(plain(subject="Undeliverable: your invoice", headers={"Return-Path": "<>"}))
    assert classify(mail) == "bounce"


def test_a_mailer_daemon_sender_is_a_bounce():
    assert classify(parse(plain(sender="MAILER-DAEMON@mx.example.com"))) == "bounce"
    assert classify(parse(dsn("<x@y>"))) == "bounce"
