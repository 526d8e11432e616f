"""Reads of the mail gateway: its health, and rejected mail shown to agents."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from mailgateway.models import InboundMail, InboundStatus, Mailbox
from tickets import access

# Counts stop here: the admin and the health endpoint show "500+" rather than scan a table.
COUNT_CAP = 500


def _capped(queryset: QuerySet) -> int:
    return len(queryset.values_list("pk", flat=True)[:COUNT_CAP])


def mail_health() -> dict[str, int]:
    """MAIL.md rule 7: what an administrator (and a monitoring probe) must see."""
    return {
        "pending_too_long": _capped(InboundMail.objects.stale()),
        "failed": _capped(InboundMail.objects.filter(status=InboundStatus.FAILED)),
        "quarantined": _capped(InboundMail.objects.filter(status=InboundStatus.QUARANTINED)),
        "mailboxes_failing": sum(
            1
            for mailbox in Mailbox.objects.filter(is_active=True, failing_since__isnull=False)
            if mailbox.is_failing
        ),
    }


def rejected_mail_for(user: User) -> QuerySet[InboundMail]:
    """Mail a department refused (registered customers only), for its agents to look at."""
    return (
        InboundMail.objects.filter(
            status=InboundStatus.REJECTED, department__in=access.departments_for(user)
        )
        .select_related("department")
        .order_by("-received_at", "-id")
    )
