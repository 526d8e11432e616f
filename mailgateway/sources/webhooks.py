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
import json
import logging

from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent, EventType, inbound
from anymail.webhooks.base import AnymailCoreWebhookView
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from anymail.webhooks.sendgrid import SendGridInboundWebhookView
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


def _header_block(text: str) -> str:
    ends = [end for end in (text.find("\r\n\r\n"), text.find("\n\n")) if end >= 0]
    return text[: min(ends)] + "\n\n" if ends else text


class _DeepMimeSafe(AnymailCoreWebhookView):
    """anymail parses the raw MIME with the standard library's parser, which recurses once
    per nesting level: a mail nested 1,000 deep raised RecursionError, the provider got a
    500 and posted it again and again, never stored (issue 14). Then the event carries a
    message made of the header block only; the raw bytes are stored whole (raw_mime) and
    our own parser reads them with its depth limit."""

    def parse_events(self, request):
        try:
            return super().parse_events(request)
        except RecursionError:
            logger.info("%s webhook: MIME too deep for anymail, stored raw", self.esp_name)
            esp_event, raw, sender, recipient = self.raw_event(request)
            message = AnymailInboundMessage.parse_raw_mime(_header_block(raw))
            message.envelope_sender, message.envelope_recipient = sender, recipient
            return [
                AnymailInboundEvent(
                    event_type=EventType.INBOUND, esp_event=esp_event, message=message
                )
            ]


class MailgunInbound(_DeepMimeSafe, MailgunInboundWebhookView):
    def raw_event(self, request):
        post = request.POST
        return request, post["body-mime"], post.get("sender"), post.get("recipient")


class SendGridInbound(_DeepMimeSafe, SendGridInboundWebhookView):
    def raw_event(self, request):
        try:
            envelope = json.loads(request.POST["envelope"])
        except (KeyError, TypeError, ValueError):
            envelope = {}
        recipients = envelope.get("to") or [None]
        return request, request.POST["email"], envelope.get("from"), recipients[0]


class PostmarkInbound(_DeepMimeSafe, PostmarkInboundWebhookView):
    def raw_event(self, request):
        esp_event = json.loads(request.body.decode("utf-8"))
        headers = esp_event.get("Headers") or [{}]
        sender = (
            headers[0].get("Value") if headers[0].get("Name", "").lower() == "return-path" else None
        )
        return (
            esp_event,
            esp_event["RawEmail"],
            sender and sender.strip("<>"),
            esp_event.get("OriginalRecipient"),
        )
