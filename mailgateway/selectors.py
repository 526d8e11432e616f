"""Reads of the mail gateway: its health, and rejected mail shown to agents."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from mailgateway.models import InboundMail, InboundStatus, Mailbox
from mailgateway.parse import ParsedMail, parse
from mailgateway.store import raw_load
from tickets import access
from tickets.keyset import SortKey

# Rejected mail in the staff navigation: what came in lately, counted up to a cap like the
# dashboard's counters (older rejected mail is listed, but no longer counted).
REJECTED_RECENT_DAYS = 7
REJECTED_COUNT_CAP = 100
REJECTED_SORT = (SortKey("received_at", descending=True), SortKey("id", descending=True))

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


def rejected_mail_recent_count(user: User) -> int:
    """Rejected mail of the user's departments from the last REJECTED_RECENT_DAYS days, at
    most REJECTED_COUNT_CAP: SELECT COUNT(*) FROM (... LIMIT 100), on the status index."""
    since = timezone.now() - timedelta(days=REJECTED_RECENT_DAYS)
    recent = rejected_mail_for(user).filter(received_at__gte=since).order_by()
    return recent[:REJECTED_COUNT_CAP].count()


def rejected_mail_get(user: User, pk: int) -> InboundMail:
    """One rejected mail of the user's departments; 404 otherwise (also once accepted)."""
    mail = rejected_mail_for(user).filter(pk=pk).first()
    if mail is None:
        raise Http404
    return mail


def rejected_mail_parsed(mail: InboundMail) -> ParsedMail:
    """What the raw mail says, parsed again on demand (the rejected mail made no message)."""
    return parse(raw_load(mail.pk), envelope_recipients=mail.envelope_recipients)
