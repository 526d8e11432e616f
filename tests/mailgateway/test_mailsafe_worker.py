"""Issue 14 through a real Celery worker on PostgreSQL: a mail nested 1,000 levels deep is
filed by the processing task (the worker's own call stack is deeper than a test's), and
the agents' digest task sends one mail listing every held notification (MAIL.md rule 4
and the rate limits of "Loops..."; R6, P6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F

from mailgateway.models import InboundMail, InboundStatus
from mailgateway.outbound import outbox
from mailgateway.outbound.models import OutboundMail, OutboundStatus
from mailgateway.outbound.tasks import send_agent_digests
from mailgateway.store import inbound_store
from mailgateway.tasks import process_inbound_mail
from tests.factories import CustomerFactory, open_ticket
from tests.helpers import postgres_only, wait_for
from tests.mailgateway.test_parse_limits import deep_multipart
from tests.workers import celery_worker

pytestmark = [*postgres_only, pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_the_worker_files_a_mail_nested_1000_levels_deep(support):
    mail, _ = inbound_store(raw=deep_multipart(), source="pipe", enqueue=False)
    with celery_worker():
        assert process_inbound_mail.delay(mail.pk).get(timeout=60) == InboundStatus.DONE
    mail = InboundMail.objects.get(pk=mail.pk)
    assert mail.ticket is not None and "RecursionError" not in mail.last_error


def test_the_worker_sends_one_digest_with_every_held_notification(
    smtp_server, settings, agent, department
):
    settings.MAIL_RATE_AGENT_PER_MINUTE = 2
    tickets = [
        open_ticket(CustomerFactory(email=f"c{n}@example.com"), department, subject=f"Case {n}")
        for n in range(5)
    ]
    for row in OutboundMail.objects.filter(kind="agent_new_ticket").order_by("id"):
        outbox.deliver(row.pk)
    assert OutboundMail.objects.filter(status=OutboundStatus.HELD).count() == 3
    OutboundMail.objects.update(created_at=F("created_at") - timedelta(minutes=2))
    smtp_server.received.clear()
    env = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
    }
    with celery_worker(extra_env=env):
        assert send_agent_digests.delay().get(timeout=30) == 1
        wait_for(lambda: len(smtp_server.received) == 1, what="the digest")
    [received] = smtp_server.received
    assert received.rcpt_tos == [agent.email]
    text = received.message.get_body(("plain",)).get_content()
    assert all(f"[#{ticket.number}] Case" in text for ticket in tickets[2:])
    assert OutboundMail.objects.filter(status=OutboundStatus.DIGESTED).count() == 3
