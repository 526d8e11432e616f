"""The SMTP/LMTP listener answers 250 only once the mail is stored (MAIL.md no-loss rule 1;
issue 5). Real `manage.py mail_listener` processes, talked to with smtplib."""

from __future__ import annotations

import smtplib
import socket

import pytest

from mailgateway.models import InboundMail, InboundStatus
from tests.helpers import postgres_only
from tests.mailgateway.listener import mail_listener
from tests.mailgateway.mails import plain
from tests.workers import database_url
from tickets.models import Ticket

DOWN = {"DATABASE_URL": "postgres://postgres@127.0.0.1:9/none"}


def test_a_database_that_is_down_gets_a_temporary_error_at_data():
    with (
        mail_listener("--accept-any-recipient", env=DOWN) as port,
        smtplib.SMTP("127.0.0.1", port) as smtp,
        pytest.raises(smtplib.SMTPDataError) as error,
    ):
        smtp.sendmail("ivan@example.ru", ["support@helpdesk.example"], plain())
    assert error.value.smtp_code == 451


def test_a_database_that_is_down_gets_a_temporary_error_at_rcpt():
    with mail_listener(env=DOWN) as port, smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.ehlo()
        smtp.mail("ivan@example.ru")
        assert smtp.rcpt("support@helpdesk.example")[0] == 451


pg = pytest.mark.django_db(transaction=True)


@pytest.fixture
def db_env(tmp_path):
    return {"DATABASE_URL": database_url(), "MEDIA_ROOT": str(tmp_path)}


@pg
@pytest.mark.parametrize("_pg", [pytest.param(None, marks=postgres_only)])
def test_smtp_delivery_is_stored_then_becomes_a_ticket(_pg, support, db_env):
    with mail_listener(env=db_env) as port, smtplib.SMTP("127.0.0.1", port) as smtp:
        refused = smtp.sendmail(
            "ivan@example.ru", ["Support+x@helpdesk.example"], plain(subject="По SMTP")
        )
    assert refused == {}
    mail = InboundMail.objects.get()
    assert (mail.source, mail.envelope_recipients, mail.envelope_sender) == (
        "smtp",
        ["support+x@helpdesk.example"],
        "ivan@example.ru",
    )
    assert mail.status == InboundStatus.DONE
    assert Ticket.objects.get().subject == "По SMTP"


@pg
@pytest.mark.parametrize("_pg", [pytest.param(None, marks=postgres_only)])
def test_unknown_recipients_are_refused_with_5_1_1(_pg, support, db_env):
    with mail_listener(env=db_env) as port, smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.ehlo()
        smtp.mail("ivan@example.ru")
        code, message = smtp.rcpt("nobody@helpdesk.example")
    assert (code, message[:5]) == (550, b"5.1.1")
    assert InboundMail.objects.count() == 0


@pg
@pytest.mark.parametrize("_pg", [pytest.param(None, marks=postgres_only)])
def test_too_large_mail_is_refused_with_5_3_4(_pg, support, db_env):
    env = {**db_env, "MAIL_MAX_MESSAGE_MB": "1"}
    big = plain(body="x" * 1_200_000)
    with (
        mail_listener(env=env) as port,
        smtplib.SMTP("127.0.0.1", port) as smtp,
        pytest.raises(smtplib.SMTPSenderRefused) as error,
    ):
        smtp.sendmail("ivan@example.ru", ["support@helpdesk.example"], big)
    assert (error.value.smtp_code, error.value.smtp_error[:5]) == (552, b"5.3.4")
    assert InboundMail.objects.count() == 0


@pg
@pytest.mark.parametrize("_pg", [pytest.param(None, marks=postgres_only)])
def test_lmtp_delivery_is_stored(_pg, support, db_env):
    with mail_listener("--lmtp", env=db_env) as port, smtplib.LMTP("127.0.0.1", port) as lmtp:
        assert lmtp.sendmail("ivan@example.ru", ["support@helpdesk.example"], plain()) == {}
    assert InboundMail.objects.get().source == "lmtp"


@pg
@pytest.mark.parametrize("_pg", [pytest.param(None, marks=postgres_only)])
def test_lmtp_answers_once_per_recipient_after_data(_pg, support, sales, db_env):
    """RFC 2033: one reply per accepted recipient (smtplib's LMTP reads only one, so this
    test speaks the protocol itself, as Postfix's lmtp client does)."""
    raw = plain(to="support@helpdesk.example, sales@helpdesk.example")
    with mail_listener("--lmtp", env=db_env) as port:
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        reader = sock.makefile("rb")

        def reply() -> bytes:
            while (line := reader.readline())[3:4] == b"-":
                pass
            return line

        assert reply().startswith(b"220")
        for command in (
            b"LHLO client.example",
            b"MAIL FROM:<ivan@example.ru>",
            b"RCPT TO:<support@helpdesk.example>",
            b"RCPT TO:<sales@helpdesk.example>",
            b"DATA",
        ):
            sock.sendall(command + b"\r\n")
            assert reply()[:1] in (b"2", b"3")
        sock.sendall(raw.replace(b"\n", b"\r\n") + b"\r\n.\r\n")
        answers = [reply(), reply()]
        sock.sendall(b"QUIT\r\n")
        sock.close()
    assert [a[:3] for a in answers] == [b"250", b"250"]
    assert InboundMail.objects.count() == 1 and Ticket.objects.count() == 1


def test_too_large_data_without_a_size_announcement_gets_5_3_4():
    """A client that announces no SIZE still gets 552 5.3.4 once the data passes the limit."""
    env = {**DOWN, "MAIL_MAX_MESSAGE_MB": "1"}
    with mail_listener("--accept-any-recipient", env=env) as port:
        sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        reader = sock.makefile("rb")

        def reply() -> bytes:
            while (line := reader.readline())[3:4] == b"-":
                pass
            return line

        reply()
        for command in (
            b"EHLO client",
            b"MAIL FROM:<a@example.com>",
            b"RCPT TO:<b@x.example>",
            b"DATA",
        ):
            sock.sendall(command + b"\r\n")
            reply()
        sock.sendall(b"Subject: big\r\n\r\n" + (b"x" * 998 + b"\r\n") * 1200 + b".\r\n")
        answer = reply()
        sock.close()
    assert answer.startswith(b"552 5.3.4")
