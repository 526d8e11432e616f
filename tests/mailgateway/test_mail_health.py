"""Health reports what needs a person in the mail flow (issue 18; MAIL.md rule 7): a
listener that refuses mail, a storage that is nearly full, mail waiting for a retry; on
/mail/health/ and the admin's mail health."""

from __future__ import annotations

import smtplib

import environ
import pytest
from django.core.cache import cache
from django.urls import reverse

from mailgateway.outbound.models import OutboundMail, OutboundStatus
from mailgateway.selectors import LISTENER_REFUSING_KEY
from tests.mailgateway.listener import mail_listener
from tests.mailgateway.mails import plain
from tests.mailgateway.test_listener import DOWN

pytestmark = pytest.mark.django_db

# /mail/health/ is for monitoring with HEALTH_TOKEN (issue 14).
TOKEN = "mail-health-test-token"


@pytest.fixture(autouse=True)
def health_token(settings):
    settings.HEALTH_TOKEN = TOKEN


# The listener is a process of its own: it shares what it saw through Redis, as in production.
SHARED_CACHE = "redis://127.0.0.1:6379/9"


@pytest.fixture
def shared_cache(settings):
    settings.CACHES = {"default": environ.Env.cache_url_config(SHARED_CACHE)}
    cache.delete(LISTENER_REFUSING_KEY)
    yield
    cache.delete(LISTENER_REFUSING_KEY)


def test_a_listener_refusing_mail_shows_on_the_health_endpoints(client, shared_cache):
    assert client.get("/mail/health/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").json()[
        "mail_listener"
    ] == {"state": "ok"}
    with (
        mail_listener("--accept-any-recipient", env={**DOWN, "CACHE_URL": SHARED_CACHE}) as port,
        smtplib.SMTP("127.0.0.1", port) as smtp,
        pytest.raises(smtplib.SMTPDataError) as refused,
    ):
        smtp.sendmail("ivan@example.ru", ["support@helpdesk.example"], plain())
    assert refused.value.smtp_code == 451
    data = client.get("/mail/health/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").json()
    assert data["mail_listener"]["state"] == "attention"
    assert "OperationalError" in data["mail_listener"]["reason"]
    assert data["status"] == "attention"


def test_a_storage_nearly_full_shows_on_the_health_endpoint(client, settings):
    settings.STORAGE_MIN_FREE_PERCENT = 0
    assert (
        client.get("/mail/health/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").json()["mail_storage"][
            "state"
        ]
        == "ok"
    )
    settings.STORAGE_MIN_FREE_PERCENT = 100  # any real disk has less than all of it free
    storage = client.get("/mail/health/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").json()[
        "mail_storage"
    ]
    assert storage["state"] == "attention" and storage["free_percent"] < 100


def test_mail_waiting_for_a_retry_is_counted(client, admin_client):
    OutboundMail.objects.create(
        kind="reply", sender="support@helpdesk.example", recipients=["a@example.ru"],
        message_id="<r1@helpdesk.example>", mime=b"x", status=OutboundStatus.DEFERRED,
    )  # fmt: skip
    retry = client.get("/mail/health/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").json()["mail_retry"]
    assert retry == {"state": "attention", "inbound_waiting": 0, "outbound_deferred": 1}
    page = admin_client.get(reverse("admin:mailgateway_inboundmail_changelist"))
    assert "Waiting for retry" in page.content.decode()
