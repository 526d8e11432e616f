"""Failure per message, never per mailbox; quarantine, alerts and reprocessing
(MAIL.md no-loss rules 4, 6, 7 and 9; issue 5)."""

from __future__ import annotations

import io

import pytest
from django.core import mail as django_mail
from django.core.management import call_command

from mailgateway import pipeline
from mailgateway.models import InboundMail, InboundStatus, Source
from mailgateway.parse import parse as real_parse
from mailgateway.store import inbound_store
from mailgateway.tasks import process_inbound_mail
from tests.mailgateway.conftest import receive
from tests.mailgateway.mails import plain
from tickets.models import DepartmentAddress, Ticket

pytestmark = pytest.mark.django_db

POISON = b"X-Poison: yes"


@pytest.fixture
def poisoned_parser(monkeypatch):
    """A parser bug that only one mail triggers."""

    def parse(raw, **kwargs):
        if POISON in raw:
            raise RuntimeError("parser bug")
        return real_parse(raw, **kwargs)

    monkeypatch.setattr(pipeline, "parse", parse)


def test_one_poisoned_mail_among_ten_quarantines_only_itself(support, poisoned_parser, settings):
    """Quarantined once it fails the same way a second time (issue 18)."""
    settings.ADMINS = [("Admin", "admin@helpdesk.example")]
    rows = []
    for i in range(10):
        headers = {"X-Poison": "yes"} if i == 4 else {}
        rows.append(receive(plain(subject=f"mail {i}", headers=headers)))
    statuses = [row.status for row in rows]
    assert statuses.count(InboundStatus.DONE) == 9
    assert statuses[4] == InboundStatus.FAILED and django_mail.outbox == []
    rows[4] = pipeline.inbound_process(mail_id=rows[4].pk)  # the retry
    assert rows[4].status == InboundStatus.QUARANTINED
    assert rows[4].last_error.count("RuntimeError: parser bug") == 2 and rows[4].attempts == 2
    assert Ticket.objects.count() == 9
    assert [m.subject for m in django_mail.outbox] == [
        f"[Django] Inbound mail {rows[4].pk} quarantined"
    ]


def test_a_failure_that_changes_is_retried_not_quarantined(support, monkeypatch):
    """Only a mail failing the same way twice is quarantined (issue 18)."""
    mail, _ = inbound_store(raw=plain(), source=Source.PIPE, enqueue=False)
    for n in (1, 2):

        def flaky(raw, n=n, **kwargs):
            raise RuntimeError(f"flaky {n}")

        monkeypatch.setattr(pipeline, "parse", flaky)
        assert pipeline.inbound_process(mail_id=mail.pk).status == InboundStatus.FAILED
    monkeypatch.setattr(pipeline, "parse", real_parse)
    assert pipeline.inbound_process(mail_id=mail.pk).status == InboundStatus.DONE


def test_an_operator_failure_is_retried_then_quarantined(support, settings):
    settings.MAIL_PROCESS_ATTEMPTS = 3
    mail, _ = inbound_store(
        raw=plain(to="nobody@elsewhere.example"), source=Source.PIPE, enqueue=False
    )
    for _attempt in range(3):
        result = process_inbound_mail.apply(args=(mail.pk,)).get()
    mail.refresh_from_db()
    assert (result, mail.status, mail.attempts) == ("quarantined", InboundStatus.QUARANTINED, 3)


def test_a_quarantined_mail_is_reprocessed_by_the_command(support):
    mail = receive(plain(to="nobody@elsewhere.example"))
    InboundMail.objects.filter(pk=mail.pk).update(status=InboundStatus.QUARANTINED)
    DepartmentAddress.objects.create(department=support, address="nobody@elsewhere.example")
    out = io.StringIO()
    call_command("reprocess_mail", "--status", "quarantined", stdout=out)
    mail.refresh_from_db()
    assert mail.status == InboundStatus.DONE and mail.ticket is not None
    assert f"{mail.pk}: done" in out.getvalue()


def test_reprocess_by_id(support):
    mail = receive(plain(to="nobody@elsewhere.example"))
    DepartmentAddress.objects.create(department=support, address="nobody@elsewhere.example")
    call_command("reprocess_mail", str(mail.pk), stdout=io.StringIO())
    mail.refresh_from_db()
    assert mail.status == InboundStatus.DONE


def test_an_oversize_mail_is_kept_in_quarantine(support, settings):
    settings.MAIL_MAX_MESSAGE_SIZE = 100
    mail = receive(plain(body="x" * 500))
    assert (mail.status, mail.error_kind) == (InboundStatus.QUARANTINED, "sender")
    assert bytes(InboundMail.objects.defer(None).get(pk=mail.pk).raw).endswith(b"\n")


def test_a_mail_without_a_sender_address_is_rejected_as_from_an_unknown_sender(support):
    """Issue 14 (MAIL.md rule 10): it used to be quarantined; a From without an address is
    an unknown sender, shown to the department's agents among the rejected mail."""
    mail = receive(plain(sender="not an address"))
    assert (mail.status, mail.department) == (InboundStatus.REJECTED, support)
    assert "Unknown sender" in mail.last_error
    assert Ticket.objects.count() == 0


def test_the_raw_bytes_never_change(support):
    raw = plain(body="Оригинал")
    mail = receive(raw)
    stored = InboundMail.objects.defer(None).get(pk=mail.pk)
    assert bytes(stored.raw) == raw and stored.size == len(raw)


def test_storing_queues_processing_once_committed(support, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mail, created = inbound_store(raw=plain(), source=Source.PIPE)
    mail.refresh_from_db()
    assert created and mail.status == InboundStatus.DONE


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs, nothing catches it."""


def test_a_process_killed_mid_way_leaves_nothing_half_done(support, monkeypatch):
    """Killed after the ticket and message were written, before the commit: everything rolls
    back, the mail stays pending, and the redelivered task files it exactly once."""
    mail, _ = inbound_store(raw=plain(subject="Убит"), source=Source.PIPE, enqueue=False)
    real_finish = pipeline.outcome_record

    def killed(mail, outcome):
        assert outcome.message is not None  # the ticket message exists, uncommitted
        raise WorkerKilled

    monkeypatch.setattr(pipeline, "outcome_record", killed)
    with pytest.raises(WorkerKilled):
        pipeline.inbound_process(mail_id=mail.pk)
    assert Ticket.objects.count() == 0
    mail.refresh_from_db()
    assert mail.status == InboundStatus.PENDING
    monkeypatch.setattr(pipeline, "outcome_record", real_finish)
    pipeline.inbound_process(mail_id=mail.pk)
    pipeline.inbound_process(mail_id=mail.pk)
    assert Ticket.objects.get().messages.count() == 1
