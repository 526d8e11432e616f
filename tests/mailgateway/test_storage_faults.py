"""The pipe command and the webhooks under storage faults (issue 18; MAIL.md no-loss rule 1):
a full disk or a lost connection in the raw write exits 75 (EX_TEMPFAIL) or answers 503,
so the MTA or the provider retries; after recovery the mail is stored once. Real
PostgreSQL errors from the raw write path (tests/mailgateway/dbfaults.py).
"""

from __future__ import annotations

import errno

import pytest
from django.core.files.storage import FileSystemStorage

from mailgateway import pipeline, store
from mailgateway.models import InboundMail, InboundStatus, Source
from mailgateway.store import inbound_store
from tests.helpers import png_bytes, postgres_only
from tests.mailgateway.dbfaults import db_faults
from tests.mailgateway.mails import plain, with_attachments
from tests.mailgateway.test_pipe_command import run_pipe
from tests.mailgateway.test_webhooks import AUTH, mailgun_payload
from tests.workers import database_url
from tickets.models import Attachment

pg = [*postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def db_env(tmp_path):
    return {
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(tmp_path),
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),  # never the repository's var/
    }


@pytest.mark.parametrize("_pg", [pytest.param(None, marks=pg)])
def test_the_pipe_command_exits_75_when_the_database_disk_is_full(_pg, support, db_env):
    with db_faults() as faults:
        faults.set("disk_full")
        failed = run_pipe("-", stdin=plain(), env=db_env)
        faults.set("")
        stored = run_pipe("-", stdin=plain(), env=db_env)
    assert failed.returncode == 75, failed.stderr.decode()
    assert b"temporary failure" in failed.stderr
    assert stored.returncode == 0
    assert InboundMail.objects.count() == 1


@pytest.mark.parametrize("_pg", [pytest.param(None, marks=pg)])
def test_a_webhook_answers_503_when_the_database_disk_is_full(_pg, client, support, settings):
    settings.ANYMAIL = {
        "MAILGUN_WEBHOOK_SIGNING_KEY": "key-test-signing",
        "WEBHOOK_SECRET": "helpdesk:webhook-secret",
    }
    with db_faults() as faults:
        faults.set("disk_full")
        refused = client.post("/mail/webhooks/mailgun/inbound_mime/", mailgun_payload(), **AUTH)
        faults.set("")
        accepted = client.post("/mail/webhooks/mailgun/inbound_mime/", mailgun_payload(), **AUTH)
    assert (refused.status_code, accepted.status_code) == (503, 200)
    assert InboundMail.objects.count() == 1


@pytest.mark.django_db
def test_a_full_disk_under_the_store_is_a_temporary_no_space_failure(monkeypatch):
    """Any storage raising ENOSPC (here the row's insert) is temporary, "no space"."""

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.InboundMail.objects, "create", full)
    with pytest.raises(store.TemporaryStoreError) as error:
        inbound_store(raw=plain(), source=Source.PIPE, enqueue=False)
    assert error.value.no_space


class FullStorage(FileSystemStorage):
    """The media storage with its disk full, until told otherwise."""

    full = True

    def _save(self, name, content):
        if FullStorage.full:
            raise OSError(errno.ENOSPC, "No space left on device")
        return super()._save(name, content)


@pytest.mark.django_db
def test_attachments_on_a_full_storage_are_retried_and_filed_once(support, settings):
    """The worker's side: a full media disk is temporary; once there is room, one message."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.FullStorage"},
    }
    FullStorage.full = True
    mail, _ = inbound_store(
        raw=with_attachments(files=[("photo.png", "image/png", png_bytes())]),
        source=Source.PIPE,
        enqueue=False,
    )
    failed = pipeline.inbound_process(mail_id=mail.pk)
    assert (failed.status, failed.attempts) == (InboundStatus.FAILED, 1)
    assert "No space left" in failed.last_error
    FullStorage.full = False
    done = pipeline.inbound_process(mail_id=mail.pk)
    assert done.status == InboundStatus.DONE
    assert done.ticket.messages.count() == 1
    assert Attachment.objects.filter(message__ticket=done.ticket).count() == 1
