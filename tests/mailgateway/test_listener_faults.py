"""The listener never answers 5xx for our own trouble (issue 18; R6, P6; MAIL.md no-loss
rule 1): a connection cut during the raw write of a large mail answers one line of
451 4.3.0, a full disk 452 4.3.1, and the next mail on the same SMTP connection is stored.
Real `manage.py mail_listener` processes; real PostgreSQL errors (tests/mailgateway/dbfaults.py).
"""

from __future__ import annotations

import smtplib

import pytest

from mailgateway.models import InboundMail, InboundStatus
from mailgateway.store import RAW_WRITE
from tests.helpers import postgres_only
from tests.mailgateway.dbfaults import db_faults
from tests.mailgateway.listener import mail_listener
from tests.mailgateway.mails import plain
from tests.workers import database_url
from tickets.models import Ticket

pytestmark = [*postgres_only, pytest.mark.django_db(transaction=True)]

RAW_WRITE_START = RAW_WRITE.split(" SET ")[0]


@pytest.fixture
def db_env(tmp_path):
    return {
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(tmp_path),
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),  # never the repository's var/
    }


def large_mail(subject: str) -> bytes:
    return plain(subject=subject, body="Большое письмо.\n" + ("x" * 76 + "\n") * 80_000)  # ~6 MB


def send(smtp: smtplib.SMTP, raw: bytes) -> tuple[int, bytes]:
    """One transaction on an open connection; the reply of DATA."""
    smtp.mail("ivan@example.ru")
    assert smtp.rcpt("support@helpdesk.example")[0] == 250
    code, reply = smtp.data(raw.replace(b"\n", b"\r\n"))
    if code != 250:
        smtp.rset()
    return code, reply


def test_a_connection_terminated_during_the_raw_write_answers_451_and_the_next_mail_is_stored(
    support, db_env
):
    with (
        db_faults() as faults,
        mail_listener(env=db_env) as port,
        smtplib.SMTP("127.0.0.1", port) as smtp,
    ):
        smtp.ehlo()
        faults.set("wait")
        with faults.held():
            smtp.mail("ivan@example.ru")
            smtp.rcpt("support@helpdesk.example")
            smtp.putcmd("data")
            assert smtp.getreply()[0] == 354
            smtp.send(large_mail("Первая").replace(b"\n", b"\r\n") + b".\r\n")
            faults.terminate_waiting(RAW_WRITE_START)
            code, reply = smtp.getreply()
        assert (code, reply.split(b" ")[0]) == (451, b"4.3.0")
        assert b"\n" not in reply  # one reply line: the dialogue stays in step
        smtp.rset()
        faults.set("")
        code, reply = send(smtp, large_mail("Вторая"))
        assert code == 250, reply
    mail = InboundMail.objects.get()
    assert mail.subject == "Вторая" and mail.status == InboundStatus.DONE
    assert Ticket.objects.count() == 1


def test_a_full_database_disk_answers_452_and_the_next_mail_is_stored(support, db_env):
    with (
        db_faults() as faults,
        mail_listener(env=db_env) as port,
        smtplib.SMTP("127.0.0.1", port) as smtp,
    ):
        smtp.ehlo()
        faults.set("disk_full")
        code, reply = send(smtp, plain(subject="Диск полон"))
        assert (code, reply.split(b" ")[0]) == (452, b"4.3.1")
        assert b"\n" not in reply
        faults.set("")
        code, reply = send(smtp, plain(subject="Диск свободен"))
        assert code == 250, reply
    assert list(InboundMail.objects.values_list("subject", flat=True)) == ["Диск свободен"]


def test_lmtp_answers_451_per_recipient_when_the_connection_is_terminated(support, db_env):
    with (
        db_faults() as faults,
        mail_listener("--lmtp", env=db_env) as port,
        smtplib.LMTP("127.0.0.1", port) as lmtp,
    ):
        lmtp.ehlo_or_helo_if_needed()
        faults.set("wait")
        with faults.held():
            lmtp.mail("ivan@example.ru")
            lmtp.rcpt("support@helpdesk.example")
            lmtp.putcmd("data")
            assert lmtp.getreply()[0] == 354
            lmtp.send(plain(subject="LMTP").replace(b"\n", b"\r\n") + b"\r\n.\r\n")
            faults.terminate_waiting(RAW_WRITE_START)
            code, reply = lmtp.getreply()
        assert (code, reply.split(b" ")[0]) == (451, b"4.3.0")
        lmtp.rset()
        faults.set("")
        assert lmtp.sendmail("ivan@example.ru", ["support@helpdesk.example"], plain()) == {}
    assert InboundMail.objects.count() == 1
