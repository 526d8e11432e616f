"""Signed webhooks (issue 13, W1) against a real local HTTP server: the signature, retries
with back-off, disabling after failures, the SSRF guard, the admin's test delivery."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.core import mail

from api import webhooks
from api.models import DeliveryState, Webhook, WebhookDelivery
from tests.api.receiver import receiver
from tests.factories import open_ticket
from tests.helpers import committed
from tickets import services
from tickets.models import EventVerb

pytestmark = pytest.mark.django_db

SECRET = "s3cret-ключ"


@pytest.fixture(autouse=True)
def _local_receivers(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True


def verify(headers: dict[str, str], body: bytes, secret: str = SECRET) -> bool:
    """The receiver's side, as the README tells it."""
    parts = dict(item.split("=", 1) for item in headers["X-Helpdesk-Signature"].split(","))
    expected = hmac.new(
        secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def test_a_new_ticket_is_posted_signed_after_the_commit(customer, department):
    """W1: the event, JSON, HMAC-SHA256 over timestamp.body, a delivery id."""
    with receiver() as hook:
        Webhook.objects.create(url=hook.url, secret=SECRET, verbs=[EventVerb.OPENED])
        with committed():
            ticket = open_ticket(customer, department, subject="Пожар")
            assert hook.received == []  # nothing before the commit
        assert len(hook.received) == 1
        headers, body = hook.received[0]
    assert verify(headers, body)
    assert not verify(headers, body, secret="wrong")
    payload = json.loads(body)
    assert payload["event"] == "opened" and payload["ticket"]["number"] == ticket.number
    assert payload["ticket"]["subject"] == "Пожар"
    assert payload["message"]["body_text"]
    assert headers["X-Helpdesk-Event"] == "opened"
    assert headers["X-Helpdesk-Delivery"] == payload["id"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.response_code, delivery.attempts) == (
        DeliveryState.DELIVERED,
        200,
        1,
    )


def test_only_the_chosen_events_are_sent(customer, department, agent):
    with receiver() as hook:
        Webhook.objects.create(url=hook.url, secret=SECRET, verbs=[EventVerb.REPLIED])
        with committed():
            ticket = open_ticket(customer, department)
            services.reply_add(actor=agent, ticket=ticket, body_text="Ответ")
        events = [json.loads(body)["event"] for _headers, body in hook.received]
    assert events == ["replied"]


def test_a_failed_delivery_is_retried_with_the_same_id(customer, department):
    """Retries with back-off; the receiver can drop a repeat by the delivery id."""
    with receiver() as hook:
        hook.answers = [500, 503]
        Webhook.objects.create(url=hook.url, secret=SECRET)
        with committed():
            open_ticket(customer, department)
        ids = {headers["X-Helpdesk-Delivery"] for headers, _body in hook.received}
        assert len(hook.received) == 3 and len(ids) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.response_code) == (
        DeliveryState.DELIVERED,
        3,
        200,
    )


def test_back_off_doubles_up_to_an_hour():
    assert [webhooks.backoff(n) for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]


def test_a_webhook_is_disabled_after_repeated_failures_and_admins_hear(
    settings, customer, department
):
    settings.WEBHOOK_ATTEMPTS = 2
    settings.WEBHOOK_DISABLE_AFTER = 2
    settings.ADMINS = [("Admin", "admin@helpdesk.example")]
    with receiver() as hook:
        hook.answers = [500] * 10
        webhook = Webhook.objects.create(url=hook.url, secret=SECRET)
        with committed():
            open_ticket(customer, department)
            open_ticket(customer, department)
        with committed():
            open_ticket(customer, department)
        assert len(hook.received) == 4  # two tickets, two tries each; the third never sent
    webhook.refresh_from_db()
    assert not webhook.is_active and webhook.disabled_at is not None
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {DeliveryState.FAILED}
    assert any(webhook.url in m.body for m in mail.outbox if "admin@" in m.to[0])


def test_a_success_resets_the_failure_count(customer, department):
    with receiver() as hook:
        webhook = Webhook.objects.create(url=hook.url, secret=SECRET, failures=3)
        with committed():
            open_ticket(customer, department)
    webhook.refresh_from_db()
    assert webhook.failures == 0


def test_send_test_posts_a_signed_ping(admin_user):
    with receiver() as hook:
        webhook = Webhook.objects.create(url=hook.url, secret=SECRET)
        with committed():
            webhooks.webhook_test(webhook=webhook)
        headers, body = hook.received[0]
    assert verify(headers, body) and json.loads(body)["event"] == "ping"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://10.0.0.5/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "ftp://example.com/",
        "file:///etc/passwd",
        "http://no-such-host.invalid/",
    ],
)
def test_private_and_odd_addresses_are_refused(settings, url):
    """SSRF: loopback, private, link-local (cloud metadata) and other schemes never."""
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(webhooks.WebhookRefused):
        webhooks.url_target(url)


def test_a_refused_address_is_never_called(settings, customer, department):
    """Checked again when sending: a webhook saved before a DNS change is not called."""
    with receiver() as hook:
        Webhook.objects.create(url=hook.url, secret=SECRET)
        settings.WEBHOOK_ALLOW_PRIVATE = False
        settings.WEBHOOK_ATTEMPTS = 1
        with committed():
            open_ticket(customer, department)
        assert hook.received == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.FAILED and "private" in delivery.error


def test_a_delivery_runs_once_even_if_the_event_is_delivered_again(customer, department):
    """The event stream's retry re-runs the subscriber: one delivery per webhook and event."""
    with receiver() as hook:
        Webhook.objects.create(url=hook.url, secret=SECRET, verbs=[EventVerb.OPENED])
        with committed():
            ticket = open_ticket(customer, department)
        event = ticket.events.get(verb=EventVerb.OPENED)
        with committed():
            webhooks.ticket_event_deliveries(event)
        assert len(hook.received) == 1


def test_a_delivery_whose_task_was_lost_is_sent_by_the_sweep(customer, department):
    """The beat sweep queues again what a broker lost; a fresh delivery is left alone."""
    from datetime import timedelta

    from django.utils import timezone

    with receiver() as hook:
        webhook = Webhook.objects.create(url=hook.url, secret=SECRET)
        old = WebhookDelivery.objects.create(
            webhook=webhook,
            verb="ping",
            payload={"event": "ping"},
            created_at=timezone.now() - timedelta(hours=3),
        )
        WebhookDelivery.objects.create(webhook=webhook, verb="ping", payload={"event": "ping"})
        assert webhooks.deliveries_requeue() == 1
        assert [json.loads(body)["id"] for _h, body in hook.received] == [str(old.uuid)]


def test_without_webhooks_ticket_changes_make_no_webhook_delivery(
    customer, department, django_capture_on_commit_callbacks
):
    """No row and no task per event while no webhook is active; one once one is."""
    from tickets.models import EventDelivery

    with django_capture_on_commit_callbacks():
        open_ticket(customer, department)
        assert not EventDelivery.objects.filter(subscriber="webhooks.deliveries").exists()
    Webhook.objects.create(url="https://hooks.example/x", secret=SECRET)
    with django_capture_on_commit_callbacks():
        open_ticket(customer, department)
        assert EventDelivery.objects.filter(subscriber="webhooks.deliveries").count() == 1
    # A bulk update skips the signal: it is followed by clearing the cache (which also
    # expires within a minute by itself).
    Webhook.objects.update(is_active=False)
    webhooks.webhooks_changed()
    with django_capture_on_commit_callbacks():
        open_ticket(customer, department)
        assert EventDelivery.objects.filter(subscriber="webhooks.deliveries").count() == 1
