"""Providers' inbound webhooks through django-anymail, with their signatures checked; a
replay stores nothing twice (issue 5; MAIL.md no-loss rules 1 and 5). The payloads are
recorded in tests/mailgateway/fixtures/ from the providers' documented formats."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path

import pytest

from mailgateway.models import InboundMail, InboundStatus
from mailgateway.pipeline import inbound_process

pytestmark = [
    pytest.mark.django_db,
    # anymail still ships SendGrid inbound, unsupported upstream: it works, and we test it.
    pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailNotSupportedWarning"),
]

FIXTURES = Path(__file__).parent / "fixtures"
SIGNING_KEY = "key-test-signing"
SECRET = "helpdesk:webhook-secret"
AUTH = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(SECRET.encode()).decode()}


@pytest.fixture(autouse=True)
def _anymail(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY, "WEBHOOK_SECRET": SECRET}


def payload(name: str) -> dict:
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    data.pop("_about")
    return data


def mailgun_payload(*, key: str = SIGNING_KEY) -> dict:
    data = payload("mailgun-inbound-mime.json")
    message = (data["timestamp"] + data["token"]).encode()
    data["signature"] = hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
    return data


def filed(mail: InboundMail) -> InboundMail:
    inbound_process(mail_id=mail.pk)
    mail.refresh_from_db()
    return mail


def test_mailgun_inbound_mime_is_stored_raw_and_becomes_a_ticket(client, support):
    response = client.post("/mail/webhooks/mailgun/inbound_mime/", mailgun_payload(), **AUTH)
    assert response.status_code == 200
    mail = InboundMail.objects.defer(None).get()
    assert (mail.source, mail.envelope_recipients, mail.envelope_sender) == (
        "webhook",
        ["support@helpdesk.example"],
        "ivan@example.ru",
    )
    assert bytes(mail.raw) == payload("mailgun-inbound-mime.json")["body-mime"].encode()
    mail = filed(mail)
    assert mail.status == InboundStatus.DONE
    assert mail.ticket.subject == "Сервер не отвечает"
    assert mail.ticket.messages.get().body_text == "Здравствуйте! Сервер не отвечает с утра."


def test_mailgun_with_a_wrong_signature_is_refused(client, support):
    response = client.post(
        "/mail/webhooks/mailgun/inbound_mime/", mailgun_payload(key="forged"), **AUTH
    )
    assert response.status_code == 400
    assert InboundMail.objects.count() == 0


def test_a_replayed_mailgun_webhook_is_one_mail(client, support):
    data = mailgun_payload()
    client.post("/mail/webhooks/mailgun/inbound_mime/", data, **AUTH)
    client.post("/mail/webhooks/mailgun/inbound_mime/", data, **AUTH)
    assert InboundMail.objects.count() == 1


def test_sendgrid_raw_inbound_parse_is_stored(client, support):
    response = client.post(
        "/mail/webhooks/sendgrid/inbound/", payload("sendgrid-inbound-raw.json"), **AUTH
    )
    assert response.status_code == 200
    mail = filed(InboundMail.objects.get())
    assert mail.envelope_recipients == ["support@helpdesk.example"]
    assert mail.ticket.requester.name == "Иван Петров"


def test_sendgrid_without_the_secret_is_refused(client, support):
    response = client.post("/mail/webhooks/sendgrid/inbound/", payload("sendgrid-inbound-raw.json"))
    assert response.status_code == 400
    assert InboundMail.objects.count() == 0


def test_postmark_inbound_json_is_stored(client, support):
    body = json.dumps(payload("postmark-inbound.json"))
    response = client.post(
        "/mail/webhooks/postmark/inbound/", body, content_type="application/json", **AUTH
    )
    assert response.status_code == 200
    mail = filed(InboundMail.objects.get())
    assert mail.ticket.subject == "Сервер не отвечает"
    assert mail.envelope_recipients == ["support@helpdesk.example"]


def test_postmark_with_a_wrong_secret_is_refused(client, support):
    body = json.dumps(payload("postmark-inbound.json"))
    bad = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"helpdesk:guess").decode()}
    response = client.post(
        "/mail/webhooks/postmark/inbound/", body, content_type="application/json", **bad
    )
    assert response.status_code == 400
    assert InboundMail.objects.count() == 0


def test_the_mail_health_endpoint_counts_what_needs_attention(client, support, settings):
    settings.HEALTH_TOKEN = "monitoring-token"
    InboundMail.objects.create(
        source="pipe", raw=b"x", size=1, sha256="0" * 64, dedupe_key="sha:x",
        status=InboundStatus.QUARANTINED,
    )  # fmt: skip
    data = client.get("/mail/health/", headers={"Authorization": "Bearer monitoring-token"}).json()
    assert data == {
        "pending_too_long": 0,
        "failed": 0,
        "quarantined": 1,
        "mailboxes_failing": 0,
        "mail_listener": {"state": "ok"},
        "mail_storage": data["mail_storage"],
        "mail_retry": {"state": "ok", "inbound_waiting": 0, "outbound_deferred": 0},
        "status": "attention",
    }


def test_the_mail_health_endpoint_tells_anonymous_callers_nothing(client, settings):
    """Issue 14: the counters are for monitoring with HEALTH_TOKEN and administrators."""
    settings.HEALTH_TOKEN = "monitoring-token"
    response = client.get("/mail/health/", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 403
    assert b"quarantined" not in response.content


def test_without_a_webhook_secret_the_webhooks_do_not_exist(client, support, settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    body = json.dumps(payload("postmark-inbound.json"))
    response = client.post(
        "/mail/webhooks/postmark/inbound/", body, content_type="application/json"
    )
    assert response.status_code == 404
    assert client.post("/mail/webhooks/mailgun/inbound_mime/", mailgun_payload()).status_code == 404
    assert InboundMail.objects.count() == 0
