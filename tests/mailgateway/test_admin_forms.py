"""The mail gateway's admin saves what its forms offer (issue 14): mailboxes, OAuth2
accounts and suppressions are added and changed through their forms and the saved rows
checked; the mail itself stays read-only (MAIL.md: mail changes through the pipeline)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from mailgateway.models import InboundMail, Mailbox, OAuth2Account
from mailgateway.outbound.models import OutboundMail, Suppression
from tests.admin_pages import admin_page_data

pytestmark = pytest.mark.django_db


def post(client, url: str, data: dict):
    response = client.post(url, data)
    errors = response.context and response.context["adminform"].form.errors
    assert response.status_code == 302, errors
    return response


@pytest.fixture
def signed_in(client, admin_user):
    client.force_login(admin_user)
    return client


def test_a_mailbox_is_added_with_its_password_and_changed(signed_in, support, sales):
    data = {
        "name": "Support", "protocol": "pop3", "host": "pop.hosting.example", "port": "995",
        "security": "ssl", "username": "support", "password": "pop-pw-31",
        "oauth2_account": "", "folder": "INBOX", "processed_folder": "",
        "default_department": support.pk, "is_active": "on",
    }  # fmt: skip
    post(signed_in, reverse("admin:mailgateway_mailbox_add"), data)
    mailbox = Mailbox.objects.get(name="Support")
    assert (mailbox.protocol, mailbox.host, mailbox.port, mailbox.password) == (
        "pop3",
        "pop.hosting.example",
        995,
        "pop-pw-31",
    )
    url = reverse("admin:mailgateway_mailbox_change", args=[mailbox.pk])
    data = admin_page_data(signed_in.get(url))
    data.update(default_department=sales.pk, security="starttls", port="110")
    data.pop("is_active")
    post(signed_in, url, data)
    mailbox.refresh_from_db()
    assert (mailbox.default_department, mailbox.security, mailbox.port) == (sales, "starttls", 110)
    assert not mailbox.is_active and mailbox.password == "pop-pw-31"


def test_an_oauth2_account_is_added_with_its_secrets_and_changed(signed_in):
    data = {
        "name": "m365", "username": "support@hosting.example",
        "token_url": "https://login.microsoftonline.com/t/oauth2/v2.0/token",
        "client_id": "client-1", "client_secret": "secret-1", "refresh_token": "refresh-1",
        "scope": "offline_access",
    }  # fmt: skip
    post(signed_in, reverse("admin:mailgateway_oauth2account_add"), data)
    account = OAuth2Account.objects.get(name="m365")
    assert (account.client_id, account.client_secret, account.refresh_token) == (
        "client-1",
        "secret-1",
        "refresh-1",
    )
    url = reverse("admin:mailgateway_oauth2account_change", args=[account.pk])
    data = admin_page_data(signed_in.get(url))
    assert data["client_secret"] == "" and data["refresh_token"] == ""
    data.update(scope="https://outlook.office.com/IMAP.AccessAsUser.All offline_access")
    post(signed_in, url, data)
    account.refresh_from_db()
    assert account.scope.startswith("https://outlook.office.com/IMAP")
    assert (account.client_secret, account.refresh_token) == ("secret-1", "refresh-1")


def test_a_suppression_is_added_and_changed(signed_in):
    data = {
        "address": "bounces@example.com", "reason": "550 5.1.1 no such user",
        "created_at_0": "2026-12-01", "created_at_1": "08:00:00",
        "expires_at_0": "2026-12-31", "expires_at_1": "08:00:00",
    }  # fmt: skip
    post(signed_in, reverse("admin:outbound_suppression_add"), data)
    suppression = Suppression.objects.get(address="bounces@example.com")
    assert suppression.reason == "550 5.1.1 no such user"
    assert timezone.localtime(suppression.expires_at).date().isoformat() == "2026-12-31"
    url = reverse("admin:outbound_suppression_change", args=[suppression.pk])
    data = admin_page_data(signed_in.get(url))
    data.update(expires_at_0="2026-12-05")
    post(signed_in, url, data)
    suppression.refresh_from_db()
    assert timezone.localtime(suppression.expires_at).date().isoformat() == "2026-12-05"
    assert suppression.reason == "550 5.1.1 no such user"


def test_received_and_sent_mail_cannot_be_changed_in_the_admin(signed_in, support):
    inbound = InboundMail.objects.create(
        source="pipe", raw=b"x", size=1, sha256="0" * 64, dedupe_key="sha:x", subject="s"
    )
    outbound = OutboundMail.objects.create(
        kind="reply", sender="support@helpdesk.example", subject="s", mime=b"x"
    )
    for name, obj in (("mailgateway_inboundmail", inbound), ("outbound_outboundmail", outbound)):
        url = reverse(f"admin:{name}_change", args=[obj.pk])
        assert signed_in.post(url, {"subject": "changed"}).status_code == 403
        assert signed_in.post(reverse(f"admin:{name}_add"), {}).status_code == 403
        obj.refresh_from_db()
        assert obj.subject == "s"
