"""Webhooks and tokens in Django's admin (issue 13): registration with the SSRF check,
the delivery log, the "send test" action."""

from __future__ import annotations

import pytest

from api import services as api_services
from api.models import ApiToken, Webhook, WebhookDelivery
from tests.api.receiver import receiver
from tests.helpers import committed

pytestmark = pytest.mark.django_db


def test_admin_registers_a_webhook_and_private_addresses_are_refused(client, admin_user, settings):
    client.force_login(admin_user)
    settings.WEBHOOK_ALLOW_PRIVATE = False
    response = client.post(
        "/admin/api/webhook/add/",
        {
            "url": "http://127.0.0.1/hook",
            "secret": "x",
            "verbs": ["opened"],
            "is_active": "on",
            "deliveries-TOTAL_FORMS": "0",
            "deliveries-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200 and not Webhook.objects.exists()
    assert "private" in response.content.decode()


def test_send_test_from_the_admin_logs_the_delivery(client, admin_user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    client.force_login(admin_user)
    with receiver() as hook:
        webhook = Webhook.objects.create(url=hook.url, secret="x")
        with committed():
            client.post(
                "/admin/api/webhook/",
                {"action": "send_test", "_selected_action": [webhook.pk]},
            )
        assert len(hook.received) == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.response_code == 200
    page = client.get(f"/admin/api/webhook/{webhook.pk}/change/").content.decode()
    assert "ping" in page


def test_admin_lists_and_revokes_tokens_but_never_sees_a_secret(client, admin_user, agent):
    made = api_services.token_create(actor=agent, name="monitoring")
    client.force_login(admin_user)
    page = client.get("/admin/api/apitoken/").content.decode()
    assert "monitoring" in page and made.secret not in page and made.token.digest not in page
    client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [made.token.pk]})
    assert ApiToken.objects.get().revoked_at is not None


def test_agents_have_no_admin(client, agent):
    client.force_login(agent)
    assert client.get("/admin/api/webhook/").status_code in (302, 403)
