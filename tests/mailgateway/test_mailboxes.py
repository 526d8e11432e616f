"""IMAP and POP3 mailboxes against a real Dovecot, with MAIL.md's fetch protocol (rule 3):
nothing is removed from the server before it is stored; one bad mail never blocks the
others; a failing mailbox alerts the administrators (issue 5)."""

from __future__ import annotations

import pytest
from django.core import mail as django_mail

from mailgateway import pipeline
from mailgateway.models import InboundMail, InboundStatus, Mailbox, Protocol, Security
from mailgateway.parse import parse as real_parse
from mailgateway.sources import mailboxes
from mailgateway.sources.mailboxes import mailbox_poll
from tests.mailgateway.dovecot import PASSWORD, USER, Dovecot, needs_dovecot
from tests.mailgateway.mails import plain
from tickets.models import Ticket

pytestmark = [needs_dovecot, pytest.mark.django_db]


@pytest.fixture
def dovecot():
    server = Dovecot()
    server.start()
    yield server
    server.stop()


def make_mailbox(server: Dovecot, protocol: Protocol, **fields) -> Mailbox:
    return Mailbox.objects.create(
        name=f"{protocol} test",
        protocol=protocol,
        host="127.0.0.1",
        port=server.imap_port if protocol == Protocol.IMAP else server.pop3_port,
        security=Security.NONE,
        username=USER,
        password=PASSWORD,
        **fields,
    )


@pytest.fixture
def imap(dovecot):
    return make_mailbox(dovecot, Protocol.IMAP, processed_folder="Processed")


@pytest.fixture
def pop3(dovecot):
    return make_mailbox(dovecot, Protocol.POP3)


@pytest.fixture
def poll(django_capture_on_commit_callbacks):
    """Polls as the beat task does, and runs the processing tasks queued on commit."""

    def run(mailbox: Mailbox) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return mailbox_poll(mailbox)

    return run


def test_imap_mail_is_stored_then_moved_unread_and_becomes_tickets(dovecot, imap, poll, support):
    dovecot.deliver(plain(subject="Первое"))
    dovecot.deliver(plain(subject="Второе"))
    assert poll(imap) == 2
    rows = list(InboundMail.objects.order_by("uid"))
    assert [(r.source, r.uid, r.status) for r in rows] == [
        ("imap", "1", InboundStatus.DONE),
        ("imap", "2", InboundStatus.DONE),
    ]
    assert rows[0].uidvalidity > 0
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Второе", "Первое"]
    assert dovecot.messages() == []
    moved = dovecot.messages("Processed")
    assert len(moved) == 2
    assert not any("S" in path.name.rpartition(":2,")[2] for path in moved)  # never \Seen
    imap.refresh_from_db()
    assert imap.last_success_at is not None and imap.failing_since is None


def test_imap_delete_mode_expunges_only_the_stored_uid(dovecot, support, poll):
    mailbox = make_mailbox(dovecot, Protocol.IMAP, processed_folder="")
    dovecot.deliver(plain())
    assert poll(mailbox) == 1
    assert dovecot.messages() == [] and dovecot.messages("Processed") == []


def test_a_connection_lost_between_fetch_and_store_leaves_the_mail_on_the_server(
    dovecot, imap, poll, support, monkeypatch
):
    dovecot.deliver(plain(subject="Не потеряется"))
    real_store = mailboxes.inbound_store

    def dropped(**kwargs):
        raise ConnectionResetError("connection dropped")

    monkeypatch.setattr(mailboxes, "inbound_store", dropped)
    assert poll(imap) == 0
    assert InboundMail.objects.count() == 0 and len(dovecot.messages()) == 1
    imap.refresh_from_db()
    assert "connection dropped" in imap.last_error
    monkeypatch.setattr(mailboxes, "inbound_store", real_store)
    assert poll(imap) == 1
    assert Ticket.objects.get().subject == "Не потеряется"
    assert dovecot.messages() == []


def test_a_mail_stored_but_not_moved_is_moved_next_time_not_stored_twice(
    dovecot, imap, poll, support, monkeypatch
):
    dovecot.deliver(plain())
    real_done = mailboxes._imap_done

    def fail(*args):
        raise OSError("connection lost before UID MOVE")

    monkeypatch.setattr(mailboxes, "_imap_done", fail)
    poll(imap)
    assert InboundMail.objects.count() == 1 and len(dovecot.messages()) == 1
    monkeypatch.setattr(mailboxes, "_imap_done", real_done)
    poll(imap)
    assert InboundMail.objects.count() == 1 and Ticket.objects.count() == 1
    assert dovecot.messages() == [] and len(dovecot.messages("Processed")) == 1


def test_one_poisoned_mail_among_ten_in_a_mailbox(dovecot, imap, poll, support, monkeypatch):
    def parse(raw, **kwargs):
        if b"X-Poison" in raw:
            raise RuntimeError("parser bug")
        return real_parse(raw, **kwargs)

    monkeypatch.setattr(pipeline, "parse", parse)
    for i in range(10):
        dovecot.deliver(plain(subject=f"mail {i}", headers={"X-Poison": "1"} if i == 3 else {}))
    assert poll(imap) == 10
    statuses = list(InboundMail.objects.values_list("status", flat=True))
    assert statuses.count(InboundStatus.DONE) == 9
    # Failed once: it waits for its retry, quarantined if it fails the same way (issue 18).
    assert statuses.count(InboundStatus.FAILED) == 1
    assert Ticket.objects.count() == 9
    assert dovecot.messages() == []  # stored: the poisoned one waits in our database


def test_oversize_mail_is_recorded_from_its_headers_and_left_on_the_server(
    dovecot, imap, poll, support, settings
):
    settings.MAIL_MAX_MESSAGE_SIZE = 2000
    dovecot.deliver(plain(subject="Огромное", body="x" * 5000))
    poll(imap)
    mail = InboundMail.objects.defer(None).get()
    assert mail.status == InboundStatus.QUARANTINED and mail.size > 5000
    assert b"Subject:" in bytes(mail.raw) and b"xxxx" not in bytes(mail.raw)
    assert len(dovecot.messages()) == 1
    poll(imap)
    assert InboundMail.objects.count() == 1


def test_a_wrong_password_is_recorded_and_alerts_the_admins_once(dovecot, imap, settings):
    settings.ADMINS = [("Admin", "admin@helpdesk.example")]
    settings.MAIL_MAILBOX_ALERT_MINUTES = 0
    imap.password = "wrong"
    imap.save()
    assert mailbox_poll(imap) == 0
    mailbox_poll(imap)
    imap.refresh_from_db()
    assert imap.failing_since is not None and "AUTHENTICATIONFAILED" in imap.last_error.upper()
    assert imap.is_failing
    assert len(django_mail.outbox) == 1 and "cannot be fetched" in django_mail.outbox[0].subject


def test_an_unreachable_server_is_recorded(db, support):
    mailbox = Mailbox.objects.create(
        name="down", host="127.0.0.1", port=9, security=Security.NONE, username="u"
    )
    assert mailbox_poll(mailbox) == 0
    mailbox.refresh_from_db()
    assert "ConnectionRefused" in mailbox.last_error


def test_pop3_mail_is_stored_then_deleted(dovecot, pop3, poll, support):
    dovecot.deliver(plain(subject="POP"))
    dovecot.deliver(plain(subject="POP 2"))
    assert poll(pop3) == 2
    assert [m.source for m in InboundMail.objects.all()] == ["pop3", "pop3"]
    assert Ticket.objects.count() == 2
    assert dovecot.messages() == []


def test_pop3_crash_before_quit_keeps_everything_and_duplicates_nothing(
    dovecot, pop3, poll, support, monkeypatch
):
    dovecot.deliver(plain(subject="one"))
    dovecot.deliver(plain(subject="two"))
    real_store = mailboxes.inbound_store
    calls = []

    def crash_on_second(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ConnectionResetError("crash before QUIT")
        return real_store(**kwargs)

    monkeypatch.setattr(mailboxes, "inbound_store", crash_on_second)
    poll(pop3)
    assert InboundMail.objects.count() == 1
    assert len(dovecot.messages()) == 2  # no QUIT: the DELE was not committed
    monkeypatch.setattr(mailboxes, "inbound_store", real_store)
    assert poll(pop3) == 1
    assert InboundMail.objects.count() == 2 and Ticket.objects.count() == 2
    assert dovecot.messages() == []


@pytest.fixture
def old_dovecot():
    """A server without MOVE and UIDPLUS (its capabilities cut down after login)."""
    server = Dovecot(extra_config="imap_capability = IMAP4rev1 LITERAL+ SASL-IR ID ENABLE\n")
    server.start()
    yield server
    server.stop()


def test_without_move_the_mail_is_copied_then_its_uid_expunged(old_dovecot, poll, support):
    mailbox = make_mailbox(old_dovecot, Protocol.IMAP, processed_folder="Processed")
    old_dovecot.deliver(plain())
    assert poll(mailbox) == 1
    assert len(old_dovecot.messages("Processed")) == 1
    # Without UIDPLUS there is no UID EXPUNGE: the original stays flagged \Deleted (never
    # a folder-wide EXPUNGE) and is skipped from then on.
    [left] = old_dovecot.messages()
    assert "T" in left.name.rpartition(":2,")[2]
    assert poll(mailbox) == 0
    assert InboundMail.objects.count() == 1
