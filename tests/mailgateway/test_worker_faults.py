"""A connection terminated while the worker processes a mail is temporary (issue 18; R6;
MAIL.md no-loss rules 4 and 6): the mail is retried, never quarantined for it, the sweeper
picks it up, and it becomes one ticket message. A real Celery worker, connected through a
slow proxy so that the test can end its backend during the raw read (pg_terminate_backend).
"""

from __future__ import annotations

import os
from datetime import timedelta
from email.message import EmailMessage

import psycopg
import pytest
from django.utils import timezone

from mailgateway import pipeline
from mailgateway.models import InboundMail, InboundStatus, Source
from mailgateway.store import RAW_READ, inbound_store
from mailgateway.tasks import process_inbound_mail, sweep_inbound
from tests.helpers import postgres_only, wait_for
from tests.mailgateway.mails import plain
from tests.pgproxy import throttled_proxy
from tests.workers import celery_worker, database_url
from tickets.models import Message

RAW_READ_START = RAW_READ.split(" WHERE ")[0]


def large_mail() -> bytes:
    message = EmailMessage()
    message["From"] = "Ivan Petrov <ivan@example.ru>"
    message["To"] = "support@helpdesk.example"
    message["Subject"] = "Большое вложение"
    message["Message-ID"] = "<large-1@example.ru>"
    message.set_content("Смотрите вложение.")
    # Random bytes do not compress: the raw mail is stored out of line, ~8 MB to read.
    message.add_attachment(os.urandom(6_000_000), "application", "octet-stream", filename="d.bin")
    return message.as_bytes()


def active_raw_read(conn: psycopg.Connection) -> int | None:
    row = conn.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE %s",
        [RAW_READ_START + "%"],
    ).fetchone()
    return row[0] if row else None


@pytest.mark.parametrize(
    "_pg",
    [pytest.param(None, marks=[*postgres_only, pytest.mark.django_db(transaction=True)])],
)
def test_a_connection_terminated_during_processing_is_retried_not_quarantined(
    _pg, support, tmp_path
):
    mail, _ = inbound_store(raw=large_mail(), source=Source.SMTP, enqueue=False)
    url = database_url()
    with (
        psycopg.connect(url, autocommit=True) as conn,
        throttled_proxy("127.0.0.1", conn.info.port) as proxy,
    ):
        via_proxy = url.replace(f":{conn.info.port}/", f":{proxy.port}/")
        env = {"DATABASE_URL": via_proxy, "EMAIL_FILE_PATH": str(tmp_path / "mail")}
        with celery_worker(extra_env=env):
            process_inbound_mail.delay(mail.pk)
            found: list[int] = []
            wait_for(lambda: found.append(active_raw_read(conn)) or found[-1], what="raw read")
            conn.execute("SELECT pg_terminate_backend(%s)", [found[-1]])
            wait_for(lambda: InboundMail.objects.get(pk=mail.pk).attempts == 1, what="the failure")
            mail.refresh_from_db()
            assert mail.status == InboundStatus.FAILED, mail.last_error
            assert "terminat" in mail.last_error or "closed" in mail.last_error
            # The task's own retry comes later; the sweeper takes it up as for a lost task.
            proxy.throttled.clear()
            InboundMail.objects.filter(pk=mail.pk).update(
                received_at=timezone.now() - timedelta(hours=1)
            )
            assert sweep_inbound.delay().get(timeout=30) == 1
            wait_for(
                lambda: InboundMail.objects.get(pk=mail.pk).status == InboundStatus.DONE,
                what="the mail filed",
            )
    mail.refresh_from_db()
    assert mail.attempts == 2 and mail.ticket is not None
    assert Message.objects.filter(ticket=mail.ticket).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error",
    [psycopg.errors.AdminShutdown, psycopg.errors.DeadlockDetected, psycopg.InterfaceError],
)
def test_temporary_database_errors_of_the_raw_read_are_retried(support, monkeypatch, error):
    mail, _ = inbound_store(raw=plain(), source=Source.PIPE, enqueue=False)

    def failing(mail_id):
        raise error("temporary trouble")

    monkeypatch.setattr(pipeline, "raw_load", failing)
    result = pipeline.inbound_process(mail_id=mail.pk)
    assert (result.status, result.attempts) == (InboundStatus.FAILED, 1)
    assert result.last_error.startswith("Attempt 1:")
    monkeypatch.undo()
    assert pipeline.inbound_process(mail_id=mail.pk).status == InboundStatus.DONE


@pytest.mark.django_db
def test_the_errors_of_every_attempt_are_kept_for_the_admin(support, monkeypatch):
    mail, _ = inbound_store(raw=plain(), source=Source.PIPE, enqueue=False)
    for n in (1, 2):

        def failing(mail_id, n=n):
            raise psycopg.OperationalError(f"lost connection {n}")

        monkeypatch.setattr(pipeline, "raw_load", failing)
        pipeline.inbound_process(mail_id=mail.pk)
    mail.refresh_from_db()
    assert mail.last_error.index("Attempt 2:") < mail.last_error.index("Attempt 1:")
    assert "lost connection 1" in mail.last_error and "lost connection 2" in mail.last_error
