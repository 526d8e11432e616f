"""A worker killed while it sends a mail: the sweeper sends it, once (issue 6; MAIL.md rule 8
and "Testing faults": kill the prefork child that runs the task, not the whole worker)."""

from __future__ import annotations

import os
import signal
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from mailgateway.outbound.models import OutboundMail, OutboundStatus
from mailgateway.outbound.tasks import sweep_outbound
from tests.factories import open_ticket
from tests.helpers import postgres_only, wait_for
from tests.workers import celery_worker, task_log, task_results
from tickets import services

pytestmark = [
    *postgres_only,
    pytest.mark.services,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(line) for line in out.stdout.split()]


def test_a_worker_killed_while_sending_leaves_the_mail_to_the_sweeper_and_it_goes_once(
    smtp_server, settings, customer, department, agent
):
    ticket = open_ticket(customer, department)
    OutboundMail.objects.all().delete()  # the acknowledgement, sent already
    smtp_server.received.clear()
    smtp_server.handler.stall_rcpt = 30  # the server hangs mid-transaction
    env = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
    }
    with celery_worker(extra_env=env) as worker:
        services.reply_add(actor=agent, ticket=ticket, body_text="Готово")
        wait_for(  # the worker composes it after the commit (issue 16)
            lambda: OutboundMail.objects.filter(kind="reply").exists(), what="the reply's mail"
        )
        row = OutboundMail.objects.get(kind="reply")
        wait_for(
            lambda: OutboundMail.objects.get(pk=row.pk).status == OutboundStatus.SENDING,
            what="the worker to start sending",
        )
        for child in children(worker.pid):
            os.kill(child, signal.SIGKILL)
        # The task comes back (acks_late, reject on worker lost) and finds the row claimed.
        wait_for(
            lambda: task_results(worker, "mailgateway.send_outbound") == ["'skipped'"],
            what="the redelivered task to find the row claimed",
            explain=lambda: task_log(worker),
        )
        assert OutboundMail.objects.get(pk=row.pk).status == OutboundStatus.SENDING
        assert smtp_server.received == []
        smtp_server.handler.stall_rcpt = 0
        # Ten minutes later the sweeper sends it again.
        OutboundMail.objects.filter(pk=row.pk).update(
            updated_at=timezone.now() - timedelta(minutes=11)
        )
        assert sweep_outbound.delay().get(timeout=30) == 1
        # Every send task has run to its end: the redelivered one and the sweeper's.
        wait_for(
            lambda: task_results(worker, "mailgateway.send_outbound") == ["'skipped'", "'sent'"],
            what="the sweeper's task to send the mail",
            explain=lambda: task_log(worker),
        )
    row.refresh_from_db()
    assert row.status == OutboundStatus.SENT and row.attempts == 2
    assert len(smtp_server.received) == 1
