"""Celery tasks of inbound mail: thin, idempotent, one task per raw mail (MAIL.md rule 4)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from mailgateway import pipeline, services
from mailgateway.models import InboundMail, InboundStatus, Mailbox
from mailgateway.sources.mailboxes import mailbox_alert_check, mailbox_poll
from mailgateway.store import enqueue_processing

logger = logging.getLogger("mailgateway")

RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 3600


@shared_task(
    bind=True,
    name="mailgateway.tasks.process_inbound_mail",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=300,
    soft_time_limit=240,
    max_retries=None,
)
def process_inbound_mail(self, mail_id: int) -> str:
    """Parses, routes and files one stored mail; retries operator failures with back-off."""
    try:
        mail = pipeline.inbound_process(mail_id=mail_id)
    except (DatabaseError, *pipeline.TEMPORARY_DB_ERRORS) as exc:  # could not even record it
        raise self.retry(exc=exc, countdown=RETRY_BASE_SECONDS) from exc
    if mail.status == InboundStatus.FAILED:
        if mail.attempts >= settings.MAIL_PROCESS_ATTEMPTS:
            services.inbound_quarantine(
                mail_id=mail_id,
                reason=f"gave up after {mail.attempts} attempts: {mail.last_error}",
            )
            return InboundStatus.QUARANTINED
        countdown = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** (mail.attempts - 1))
        if self.request.is_eager:
            return mail.status  # tests and CELERY_TASK_ALWAYS_EAGER: the sweeper retries
        raise self.retry(countdown=countdown)
    return mail.status


@shared_task(name="mailgateway.tasks.notify_oversize_sender", ignore_result=True)
def notify_oversize_sender(mail_id: int) -> None:
    """The notice to the sender of a mail a mailbox source kept for its size (rule 9)."""
    pipeline.inbound_oversize_notify(mail_id=mail_id)


@shared_task(name="mailgateway.tasks.poll_mailboxes")
def poll_mailboxes() -> int:
    """Beat: one fetch task per active mailbox, so one slow mailbox delays no other."""
    ids = list(Mailbox.objects.filter(is_active=True).values_list("pk", flat=True))
    for pk in ids:
        poll_mailbox.delay(pk)
    return len(ids)


@shared_task(name="mailgateway.tasks.poll_mailbox", acks_late=True, time_limit=600)
def poll_mailbox(mailbox_id: int) -> int:
    """Fetches one mailbox (MAIL.md rule 3); failures are recorded on the mailbox."""
    mailbox = Mailbox.objects.filter(pk=mailbox_id, is_active=True).first()
    if mailbox is None:
        return 0
    return mailbox_poll(mailbox)


@shared_task(name="mailgateway.tasks.sweep_inbound")
def sweep_inbound() -> int:
    """Re-queues mail a broker lost (pending too long), failed mail due for another try,
    and raises the alert for mailboxes failing too long."""
    ids = list(
        InboundMail.objects.stale()
        .filter(attempts__lt=settings.MAIL_PROCESS_ATTEMPTS)
        .values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        enqueue_processing(pk)
    for mailbox in Mailbox.objects.filter(is_active=True, failing_since__isnull=False):
        mailbox_alert_check(mailbox)
    return len(ids)
