"""A mail dropped into a Dovecot mailbox becomes a ticket in the right department, through a
real Celery worker on Redis and PostgreSQL (issue 5; MAIL.md no-loss rules 3 and 5)."""

from __future__ import annotations

import pytest

from mailgateway.models import InboundMail, InboundStatus, Mailbox, Protocol, Security
from mailgateway.pipeline import inbound_process
from mailgateway.store import inbound_store
from mailgateway.tasks import poll_mailboxes, process_inbound_mail
from tests.helpers import postgres_only, wait_for
from tests.mailgateway.dovecot import PASSWORD, USER, Dovecot, needs_dovecot
from tests.mailgateway.mails import plain
from tests.workers import QUEUE, celery_worker
from tickets.models import Ticket

pytestmark = [
    *postgres_only,
    needs_dovecot,
    pytest.mark.services,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def dovecot():
    server = Dovecot()
    server.start()
    yield server
    server.stop()


def test_a_mail_in_the_mailbox_becomes_a_ticket_through_the_worker(dovecot, support, sales):
    Mailbox.objects.create(
        name="Dovecot", protocol=Protocol.IMAP, host="127.0.0.1", port=dovecot.imap_port,
        security=Security.NONE, username=USER, password=PASSWORD, processed_folder="Processed",
    )  # fmt: skip
    dovecot.deliver(plain(to="Sales <sales@helpdesk.example>", subject="Счёт на оплату"))
    with celery_worker(extra_env={"CELERY_TASK_DEFAULT_QUEUE": QUEUE}):
        assert poll_mailboxes.delay().get(timeout=30) == 1
        wait_for(lambda: Ticket.objects.exists())
    ticket = Ticket.objects.get()
    assert (ticket.subject, ticket.department) == ("Счёт на оплату", sales)
    assert InboundMail.objects.get().status == InboundStatus.DONE
    assert dovecot.messages() == []


def test_a_task_killed_mid_way_and_run_again_gives_one_message(support):
    """The worker process dies after the ticket was written but before the commit: the
    transaction rolls back; the redelivered task then files the mail exactly once. Here the
    task body runs twice in a worker (MAIL.md, faults: "call the task body twice")."""
    mail, _ = inbound_store(raw=plain(subject="Дважды"), source="pipe", enqueue=False)
    with celery_worker():
        first = process_inbound_mail.delay(mail.pk).get(timeout=30)
        second = process_inbound_mail.delay(mail.pk).get(timeout=30)
    assert (first, second) == ("done", "done")
    assert Ticket.objects.get().messages.count() == 1
    assert inbound_process(mail_id=mail.pk).message_id is not None
