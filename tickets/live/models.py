"""The bell of the staff header (issue 11, W2): one row per thing an agent should look at."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket, TicketEvent


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("assigned to you")
    CUSTOMER_WROTE = "customer_wrote", _("the customer wrote")
    MENTIONED = "mentioned", _("mentioned you in a note")
    ESCALATED = "escalated", _("escalated")


class Notification(models.Model):
    """Something that happened to a ticket that concerns one agent; unread until he says so.

    Written by the after-commit subscriber `live.notifications` (tickets/live/notify.py),
    once per (event, agent): a repeated delivery adds nothing.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey(TicketEvent, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("what"), max_length=16, choices=NotificationKind.choices)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="notification_once"),
        ]
        indexes = [
            # The bell's count and the list: one agent's notifications, newest first.
            models.Index(fields=["user", "-id"], name="notification_user"),
            models.Index(
                fields=["user", "-id"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} #{self.ticket_id} {self.kind}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
