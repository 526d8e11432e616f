"""An oversize mail kept in quarantine sends its sender one notice: polite, translated,
automatic, at most one a day, never to automatic senders (issue 14, "Limits in the
parser"; MAIL.md no-loss rule 9; R6, P7)."""

from __future__ import annotations

import email
from email import policy

import pytest

from accounts.models import User
from mailgateway.models import InboundMail, InboundStatus, Protocol
from mailgateway.outbound import outbox
from mailgateway.outbound.models import OutboundMail, OutboundStatus
from mailgateway.sources.mailboxes import mailbox_poll
from tests.mailgateway.conftest import receive
from tests.mailgateway.dovecot import Dovecot, needs_dovecot
from tests.mailgateway.mails import plain
from tests.mailgateway.test_mailboxes import make_mailbox

pytestmark = pytest.mark.django_db

BIG = "x" * 5000


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.MAIL_MAX_MESSAGE_SIZE = 2000
    settings.MAIL_RATE_RECIPIENT_LIMIT = 10


def notices():
    return list(OutboundMail.objects.filter(kind="oversize").order_by("id"))


def test_the_sender_of_an_oversize_mail_gets_one_polite_notice(
    support, smtp_server, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        mail = receive(
            plain(subject="Huge logs", body=BIG, message_id="<huge@example.ru>"),
            envelope_sender="ivan@example.ru",
        )
    assert mail.status == InboundStatus.QUARANTINED
    [notice] = notices()
    assert notice.status == OutboundStatus.SENT and notice.recipients == ["ivan@example.ru"]
    [received] = smtp_server.received
    message = received.message
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["In-Reply-To"] == "<huge@example.ru>"
    assert "Huge logs" in message["Subject"]
    assert "too large" in message["Subject"]
    # From the department the mail was written to, in its words.
    assert received.mail_from == "support@helpdesk.example" != settings.DEFAULT_FROM_EMAIL
    assert "larger than the" in message.get_body(("plain",)).get_content()


def test_the_notice_is_in_the_senders_language(support, customer):
    receive(plain(sender=f"Иван <{customer.email}>", subject="Логи", body=BIG))
    [notice] = notices()
    message = email.message_from_bytes(bytes(notice.mime), policy=policy.default)
    assert customer.language == "ru"
    assert "Логи" in message["Subject"]


def test_at_most_one_notice_a_day_per_sender(support):
    for n in range(3):
        receive(plain(subject=f"Huge {n}", body=BIG))
    assert len(notices()) == 1
    assert InboundMail.objects.filter(status=InboundStatus.QUARANTINED).count() == 3


@pytest.mark.parametrize(
    ("sender", "headers", "envelope_sender"),
    [
        ("Robot <robot@example.org>", {"Auto-Submitted": "auto-replied"}, None),
        ("List <list@example.org>", {"Precedence": "bulk"}, None),
        ("Someone <someone@example.org>", {}, ""),  # a null return path
        ("Mailer <MAILER-DAEMON@example.org>", {}, None),
        ("Ourselves <support@helpdesk.example>", {}, None),
    ],
    ids=["auto-submitted", "bulk", "null-return-path", "mailer-daemon", "our-own-address"],
)
def test_automatic_senders_get_no_notice(support, sender, headers, envelope_sender):
    receive(plain(sender=sender, headers=headers, body=BIG), envelope_sender=envelope_sender)
    assert notices() == []


def test_a_noreply_sender_gets_nothing(support, smtp_server):
    receive(plain(sender="No reply <noreply@example.org>", body=BIG))
    for notice in notices():
        outbox.deliver(notice.pk)
    assert smtp_server.received == []


def test_the_oversize_notice_is_rate_limited_like_all_automatic_mail(support, settings):
    settings.MAIL_RATE_RECIPIENT_LIMIT = 0
    receive(plain(body=BIG))
    [notice] = notices()
    outbox.deliver(notice.pk)
    notice.refresh_from_db()
    assert notice.status == OutboundStatus.WITHHELD and "rate limit" in notice.last_error


@needs_dovecot
def test_an_oversize_mail_in_an_imap_mailbox_gets_its_sender_a_notice(
    support, django_capture_on_commit_callbacks
):
    server = Dovecot()
    server.start()
    try:
        server.deliver(plain(subject="Огромное", body=BIG))
        imap = make_mailbox(server, Protocol.IMAP, processed_folder="Processed")
        with django_capture_on_commit_callbacks(execute=True):
            mailbox_poll(imap)
    finally:
        server.stop()
    assert InboundMail.objects.get().status == InboundStatus.QUARANTINED
    [notice] = notices()
    assert notice.recipients == ["ivan@example.ru"]
    assert "Огромное" in notice.subject


def test_no_user_is_created_for_the_sender(support):
    receive(plain(body=BIG))
    assert not User.objects.filter(email="ivan@example.ru").exists()
