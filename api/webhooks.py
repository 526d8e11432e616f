"""Signed webhooks (issue 13, W1): what happened to tickets, POSTed to the URLs that
administrators registered.

An after-commit subscriber of the event stream (docs/events.md) writes one delivery row
per interested webhook and queues its Celery task; the task signs the JSON body with
HMAC-SHA256 over "<timestamp>.<body>" (README, "Verifying a webhook"), retries with
back-off, and after WEBHOOK_DISABLE_AFTER deliveries failed in a row switches the webhook
off and tells the administrators. Each delivery carries its id (X-Helpdesk-Delivery),
the same on every retry, so that a receiver can drop a repeat.

Addresses on loopback, private, link-local or reserved networks are refused (SSRF), at
registration and again when sending, and the request goes to the address that was
checked (no second DNS lookup, no redirects), unless WEBHOOK_ALLOW_PRIVATE.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import ssl
import time
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.mail import mail_admins
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import DeliveryState, Webhook, WebhookDelivery
from tickets import events
from tickets.models import EventVerb, TicketEvent

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Helpdesk-Signature"
# The verbs administrators choose from (the stream has a few more, of little use outside).
WEBHOOK_VERBS = [
    EventVerb.OPENED,
    EventVerb.MESSAGE_ADDED,
    EventVerb.REPLIED,
    EventVerb.NOTE_ADDED,
    EventVerb.ASSIGNED,
    EventVerb.STATUS_CHANGED,
    EventVerb.PRIORITY_CHANGED,
    EventVerb.MOVED,
    EventVerb.CLOSED,
    EventVerb.REOPENED,
    EventVerb.ESCALATED,
    EventVerb.RATED,
]
TEST_VERB = "ping"
RESPONSE_KEPT = 500


class WebhookRefused(Exception):
    """The URL may not be called: a scheme other than http(s), an unknown host, or an
    address on a private network."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def url_target(url: str) -> tuple[str, str, int]:
    """(scheme, checked address, port) to send to; raises WebhookRefused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookRefused(_("Only http and https addresses are allowed."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError) as error:
        raise WebhookRefused(_("The host name does not resolve.")) from error
    addresses = [str(info[4][0]) for info in found]
    if not addresses:
        raise WebhookRefused(_("The host name does not resolve."))
    if not settings.WEBHOOK_ALLOW_PRIVATE and not all(map(_address_allowed, addresses)):
        raise WebhookRefused(
            _("This address is on a private or local network; webhooks go to public ones.")
        )
    return parts.scheme, addresses[0], port


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever DNS says now."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POSTs to a checked address and answers the status code; never follows a redirect."""
    scheme, address, port = url_target(url)
    parts = urlsplit(url)
    host = parts.hostname or ""
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, address, port, settings.WEBHOOK_TIMEOUT)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)
        return response.status
    finally:
        connection.close()


# --- Payloads ---------------------------------------------------------------------------


def _person(user: Any) -> dict[str, Any] | None:
    return {"id": user.pk, "name": user.display_name} if user is not None else None


def event_payload(event: TicketEvent) -> dict[str, Any]:
    ticket = event.ticket
    message = event.message
    return {
        "event": event.verb,
        "created_at": event.created_at.isoformat(),
        "actor": _person(event.actor),
        "ticket": {
            "number": ticket.number,
            "subject": ticket.subject,
            "status": ticket.status,
            "priority": ticket.priority,
            "channel": ticket.channel,
            "department": {"id": ticket.department_id, "name": ticket.department.name},
            "requester": {**(_person(ticket.requester) or {}), "email": ticket.requester.email},
            "assignee": _person(ticket.assignee),
            "url": settings.SITE_URL + reverse("staff:ticket", args=[ticket.number]),
        },
        "before": event.before,
        "after": event.after,
        "message": None
        if message is None
        else {
            "id": message.pk,
            "kind": message.kind,
            "author": _person(message.author),
            "body_text": message.body_text,
            "attachments": [
                {"id": a.pk, "filename": a.filename, "content_type": a.content_type, "size": a.size}
                for a in message.attachments.all()
            ],
        },
    }


def _enqueue(ids: list[int]) -> None:
    from api.tasks import deliver_webhook

    for delivery_id in ids:
        deliver_webhook.delay(delivery_id)


CONFIGURED_KEY = "webhooks:configured"


def webhooks_configured() -> bool:
    """Whether any webhook is active: asked for every ticket event, so kept in the cache
    (cleared whenever a webhook is saved or deleted) and asked of the database once a minute
    at most. While none is, ticket changes make no delivery row and no task for webhooks."""
    configured = cache.get(CONFIGURED_KEY)
    if configured is None:
        configured = Webhook.objects.filter(is_active=True).exists()
        cache.set(CONFIGURED_KEY, configured, 60)
    return bool(configured)


def webhooks_changed(**kwargs: Any) -> None:
    cache.delete(CONFIGURED_KEY)


@events.subscribe(
    *WEBHOOK_VERBS,
    phase=events.AFTER_COMMIT,
    name="webhooks.deliveries",
    when=webhooks_configured,
)
def ticket_event_deliveries(event: TicketEvent) -> None:
    """One delivery per active webhook that wants the verb; queued once this commits.
    Runs again on a retry of the event's delivery without sending twice (one row per
    webhook and event)."""
    hooks = [
        hook
        for hook in Webhook.objects.filter(is_active=True)
        if not hook.verbs or event.verb in hook.verbs
    ]
    if not hooks:
        return
    payload = event_payload(event)
    made = []
    for hook in hooks:
        delivery, created = WebhookDelivery.objects.get_or_create(
            webhook=hook, event=event, defaults={"verb": event.verb, "payload": payload}
        )
        if created:
            made.append(delivery.pk)
    if made:
        transaction.on_commit(lambda: _enqueue(made))


def webhook_test(*, webhook: Webhook) -> WebhookDelivery:
    """The admin's "send test": a ping delivery, signed and logged like any other."""
    delivery = WebhookDelivery.objects.create(
        webhook=webhook,
        verb=TEST_VERB,
        payload={"event": TEST_VERB, "created_at": timezone.now().isoformat()},
    )
    transaction.on_commit(lambda: _enqueue([delivery.pk]))
    return delivery


def backoff(attempts: int) -> int:
    """Seconds before the next try: 30, 60, 120... at most an hour."""
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


def delivery_attempt(delivery_id: int) -> bool:
    """Sends one delivery once; True when nothing is left to do (delivered, given up, or
    not to be sent), False when it should be tried again later."""
    delivery = (
        WebhookDelivery.objects.select_related("webhook")
        .filter(pk=delivery_id, state=DeliveryState.PENDING)
        .first()
    )
    if delivery is None:
        return True
    hook = delivery.webhook
    if not hook.is_active:
        delivery.state = DeliveryState.FAILED
        delivery.error = "webhook disabled"
        delivery.save(update_fields=["state", "error"])
        return True
    body = json.dumps(
        {"id": str(delivery.uuid), **delivery.payload}, ensure_ascii=False, separators=(",", ":")
    ).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "helpdesk-webhooks/1",
        "X-Helpdesk-Event": delivery.verb,
        "X-Helpdesk-Delivery": str(delivery.uuid),
        SIGNATURE_HEADER: sign(hook.secret, timestamp, body),
    }
    code: int | None = None
    error = ""
    try:
        code = post(hook.url, body, headers)
        if not 200 <= code < 300:
            error = f"HTTP {code}"
    except WebhookRefused as refused:
        error = str(refused)
    except (OSError, http.client.HTTPException) as failure:
        error = f"{type(failure).__name__}: {failure}"[:RESPONSE_KEPT]
    delivery.attempts += 1
    delivery.response_code = code
    delivery.error = error
    delivery.attempted_at = timezone.now()
    if not error:
        delivery.state = DeliveryState.DELIVERED
        delivery.save()
        Webhook.objects.filter(pk=hook.pk).update(failures=0)
        return True
    if delivery.attempts < settings.WEBHOOK_ATTEMPTS:
        delivery.save()
        return False
    delivery.state = DeliveryState.FAILED
    delivery.save()
    _failure_count(hook)
    return True


# A pending delivery untouched this long lost its task: the longest back-off is an hour.
LOST_AFTER = timedelta(hours=2)


def deliveries_requeue(now: datetime | None = None) -> int:
    """Queues again the pending deliveries whose task a broker lost (beat)."""
    now = now or timezone.now()
    cutoff = now - LOST_AFTER
    lost = list(
        WebhookDelivery.objects.filter(state=DeliveryState.PENDING)
        .filter(Q(attempted_at__lt=cutoff) | Q(attempted_at__isnull=True, created_at__lt=cutoff))
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    _enqueue(lost)
    return len(lost)


def _failure_count(hook: Webhook) -> None:
    hook.refresh_from_db()
    hook.failures += 1
    if hook.failures >= settings.WEBHOOK_DISABLE_AFTER and hook.is_active:
        hook.is_active = False
        hook.disabled_at = timezone.now()
        hook.save(update_fields=["failures", "is_active", "disabled_at"])
        logger.warning("webhook %s disabled after %s failed deliveries", hook.url, hook.failures)
        mail_admins(
            f"Webhook disabled: {hook.url}",
            f"The webhook {hook.url} failed {hook.failures} deliveries in a row and was "
            "switched off. Check the receiver, then switch it on again in the admin "
            "(API and webhooks > Webhooks); its delivery log shows the errors.",
        )
        return
    hook.save(update_fields=["failures"])
