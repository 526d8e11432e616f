"""A mail nested 1,000 levels deep posted by a provider's webhook is stored whole and
filed cut short, never refused with a RecursionError that makes the provider post it
again forever (issue 14, "Limits in the parser"; MAIL.md no-loss rules 1 and 4; R6)."""

from __future__ import annotations

import json

import pytest

from mailgateway.models import InboundMail, InboundStatus
from mailgateway.parse import TOO_DEEP
from tests.mailgateway.test_parse_limits import deep_multipart
from tests.mailgateway.test_webhooks import AUTH, filed, mailgun_payload, payload

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailNotSupportedWarning"),
]


@pytest.fixture(autouse=True)
def _anymail(settings):
    from tests.mailgateway.test_webhooks import SECRET, SIGNING_KEY

    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY, "WEBHOOK_SECRET": SECRET}


def assert_stored_and_filed() -> None:
    mail = InboundMail.objects.defer(None).get()
    assert bytes(mail.raw) == deep_multipart()
    mail = filed(mail)
    assert mail.status == InboundStatus.DONE, mail.last_error
    assert mail.ticket.messages.filter(body_text__contains=TOO_DEEP).exists()


def test_a_deep_mail_posted_by_mailgun_is_stored_and_filed(client, support):
    data = mailgun_payload()
    data["body-mime"] = deep_multipart().decode()
    response = client.post("/mail/webhooks/mailgun/inbound_mime/", data, **AUTH)
    assert response.status_code == 200
    mail = InboundMail.objects.get()
    assert (mail.envelope_sender, mail.envelope_recipients) == (
        "ivan@example.ru",
        ["support@helpdesk.example"],
    )
    assert_stored_and_filed()


def test_a_deep_mail_posted_by_sendgrid_is_stored_and_filed(client, support):
    data = payload("sendgrid-inbound-raw.json")
    data["email"] = deep_multipart().decode()
    response = client.post("/mail/webhooks/sendgrid/inbound/", data, **AUTH)
    assert response.status_code == 200
    assert_stored_and_filed()


def test_a_deep_mail_posted_by_postmark_is_stored_and_filed(client, support):
    data = payload("postmark-inbound.json")
    data["RawEmail"] = deep_multipart().decode()
    response = client.post(
        "/mail/webhooks/postmark/inbound/",
        json.dumps(data),
        content_type="application/json",
        **AUTH,
    )
    assert response.status_code == 200
    assert_stored_and_filed()
