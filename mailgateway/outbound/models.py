"""The outbox: every outgoing mail is a row, written in the transaction that causes it.

The app's label is `outbound`; its tables keep the names they had when these models
belonged to the `mailgateway` app (`db_table`), so moving them changed no data.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DEFERRED = "deferred", _("Deferred")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced")
    # Not sent on purpose: a suppressed or automatic address, a rate limit, lost access.
    WITHHELD = "withheld", _("Not sent")
    # An agent's notification past his per-minute limit: waits for the next digest...
    HELD = "held", _("Held for a digest")
    # ...and once that digest is written, is part of it (issue 14).
    DIGESTED = "digested", _("Sent in a digest")


# Rows the sending task may still pick up.
SENDABLE = (OutboundStatus.QUEUED, OutboundStatus.DEFERRED)


class RecipientState(models.TextChoices):
    """What became of one recipient of a mail (issue 18): a server may take a mail for
    some recipients and refuse it, for now or for good, for others."""

    SENT = "sent", _("Accepted by the mail server")
    DEFERRED = "deferred", _("Not delivered yet, will try again")
    BOUNCED = "bounced", _("Refused permanently")
    FAILED = "failed", _("Gave up retrying")


# A recipient in one of these states is never sent the mail again.
RECIPIENT_DONE = (RecipientState.SENT, RecipientState.BOUNCED, RecipientState.FAILED)


@dataclass(frozen=True)
class RecipientDelivery:
    address: str
    state: str
    detail: str

    def get_state_display(self) -> str:
        return str(RecipientState(self.state).label)


class OutboundMail(models.Model):
    kind = models.CharField(_("kind"), max_length=32)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbound_mails",
    )
    # The ticket message this mail carries or is about (an agent's reply, a customer's answer).
    ticket_message = models.ForeignKey(
        "tickets.Message",
        verbose_name=_("message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbound_mails",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sender = models.EmailField(_("envelope sender"))
    recipients = models.JSONField(_("recipients"), default=list)
    # The first recipient, lower-cased: rate limits count mail per address.
    rate_address = models.CharField(max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    mime = models.BinaryField(_("rendered mail"))
    automatic = models.BooleanField(_("automatic"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # {address: {"state": RecipientState, "detail": the server's answer, "at": ISO time}}
    recipient_states = models.JSONField(_("state per recipient"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        db_table = "mailgateway_outboundmail"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbound_due"),
            models.Index(fields=["rate_address", "created_at"], name="outbound_rate"),
            models.Index(fields=["ticket", "created_at"], name="outbound_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id} ({self.status})"

    def recipient_state(self, address: str) -> str | None:
        return (self.recipient_states.get(address) or {}).get("state")

    @property
    def recipient_deliveries(self) -> list[RecipientDelivery]:
        """Each recipient's state, once the mail went to a server (issue 18)."""
        return [
            RecipientDelivery(address, entry["state"], entry.get("detail", ""))
            for address, entry in self.recipient_states.items()
        ]


class Suppression(models.Model):
    """An address we do not mail for a while: it bounced permanently (MAIL.md, bounces)."""

    address = models.EmailField(_("address"), unique=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("until"))
    outbound = models.ForeignKey(
        OutboundMail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        db_table = "mailgateway_suppression"
        constraints = [
            models.UniqueConstraint(Lower("address"), name="suppression_address_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.address
