"""The beat tasks: one fetch task per mailbox, and the sweeper that re-queues mail a
broker lost (MAIL.md rules 3, 4 and 8; issue 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mailgateway import tasks
from mailgateway.models import InboundMail, InboundStatus, Mailbox, Source
from mailgateway.store import inbound_store
from tests.mailgateway.mails import plain

pytestmark = pytest.mark.django_db


def test_each_active_mailbox_is_polled_in_its_own_task(monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.poll_mailbox, "delay", queued.append)
    active = [Mailbox.objects.create(name=f"box {i}", host="h", username="u") for i in range(2)]
    Mailbox.objects.create(name="off", host="h", username="u", is_active=False)
    assert tasks.poll_mailboxes() == 2
    assert sorted(queued) == sorted(m.pk for m in active)


def test_the_sweeper_files_mail_whose_task_was_lost(support, settings):
    mail, _ = inbound_store(raw=plain(), source=Source.PIPE, enqueue=False)
    InboundMail.objects.filter(pk=mail.pk).update(received_at=timezone.now() - timedelta(hours=1))
    assert tasks.sweep_inbound() == 1  # eager in the tests: the task runs at once
    mail.refresh_from_db()
    assert mail.status == InboundStatus.DONE


def test_the_sweeper_leaves_fresh_and_finished_mail_alone(support):
    fresh, _ = inbound_store(raw=plain(), source=Source.PIPE, enqueue=False)
    assert tasks.sweep_inbound() == 0
    fresh.refresh_from_db()
    assert fresh.status == InboundStatus.PENDING


def test_the_sweeper_alerts_for_a_mailbox_failing_too_long(settings):
    settings.ADMINS = [("Admin", "admin@helpdesk.example")]
    settings.MAIL_MAILBOX_ALERT_MINUTES = 30
    box = Mailbox.objects.create(
        name="box", host="h", username="u", failing_since=timezone.now() - timedelta(hours=1)
    )
    tasks.sweep_inbound()
    box.refresh_from_db()
    assert box.alerted_at is not None
