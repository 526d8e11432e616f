"""Inbound mail from providers' webhooks through django-anymail (Mailgun, SendGrid,
Postmark and the others anymail knows).

anymail checks each request (Mailgun's HMAC signature, the basic-auth secret for the
others) and sends its `inbound` signal; we store the mail raw. Where the provider posts
the original MIME (Mailgun's body-mime, SendGrid's raw email, Postmark's RawEmail) those
bytes are kept; otherwise the message anymail built from the parsed fields. A mail that
could not be stored makes the view answer 503 (urls.py), so the provider retries: the mail
is never acknowledged unstored (MAIL.md no-loss rule 1; issue 18). A replayed webhook is
the same row.
"""

from __future__ import annotations

import hashlib
import logging

from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent, inbound
from django.dispatch import receiver

from mailgateway.models import Source
from mailgateway.store import inbound_store

logger = logging.getLogger("mailgateway")

RAW_FIELDS = ("body-mime", "email")  # Mailgun (forward to .../inbound_mime/), SendGrid (raw)


def raw_mime(event: AnymailInboundEvent) -> bytes:
    """The mail as the provider received it, when the payload carries it."""
    esp_event = event.esp_event
    text = None
    if isinstance(esp_event, dict):
        text = esp_event.get("RawEmail")
    elif hasattr(esp_event, "POST"):
        text = next((esp_event.POST[f] for f in RAW_FIELDS if f in esp_event.POST), None)
    if text:
        return text.encode("utf-8", "surrogateescape")
    message: AnymailInboundMessage = event.message
    return message.as_bytes()


@receiver(inbound, dispatch_uid="helpdesk-inbound-webhook")
def inbound_webhook(sender, event: AnymailInboundEvent, esp_name: str, **kwargs) -> None:
    raw = raw_mime(event)
    message = event.message
    reference = event.event_id or hashlib.sha256(raw).hexdigest()
    recipients = [message.envelope_recipient] if message.envelope_recipient else []
    mail, created = inbound_store(
        raw=raw,
        source=Source.WEBHOOK,
        source_id=f"{esp_name.lower()}:{reference}"[:255],
        envelope_sender=message.envelope_sender,
        envelope_recipients=recipients,
    )
    logger.info("%s webhook: inbound mail %s%s", esp_name, mail.pk, "" if created else " (replay)")
