"""Reads of the mail gateway: its health, and rejected mail shown to agents."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from mailgateway.models import InboundMail, InboundStatus, Mailbox
from mailgateway.outbound.sent import deferred_count
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


# Where the listener records that it answers 4xx (sources/listener.py); in the cache,
# since the database may be what fails.
LISTENER_REFUSING_KEY = "mailgateway:listener:refusing"
OK, ATTENTION = "ok", "attention"


def listener_health() -> dict:
    """Whether the SMTP/LMTP listener lately answered 4xx because it could not store mail
    (issue 18). Seen by other processes when CACHE_URL is shared (Redis)."""
    refusing = cache.get(LISTENER_REFUSING_KEY)
    if refusing is None:
        return {"state": OK}
    return {"state": ATTENTION, "refusing_since": refusing["since"], "reason": refusing["reason"]}


def _storage_paths() -> list[Path]:
    """Where mail lands on this machine's disks: the media folder (attachments) and, for
    SQLite, the database's folder. A remote database or S3 watches its own space."""
    paths = [] if settings.MEDIA_S3_BUCKET else [Path(settings.MEDIA_ROOT)]
    if connection.vendor == "sqlite":
        paths.append(Path(str(settings.DATABASES["default"]["NAME"])).parent)
    return paths


def _free_percent(path: Path) -> float:
    while not path.exists() and path != path.parent:
        path = path.parent
    usage = shutil.disk_usage(path)
    return 100.0 * usage.free / usage.total if usage.total else 100.0


def storage_health() -> dict:
    """The lowest free space where mail is stored; "attention" below
    STORAGE_MIN_FREE_PERCENT: nearly full (issue 18)."""
    free = min((_free_percent(path) for path in _storage_paths()), default=100.0)
    state = OK if free >= settings.STORAGE_MIN_FREE_PERCENT else ATTENTION
    return {"state": state, "free_percent": round(free, 1)}


def retry_health() -> dict:
    """Mail waiting for another try: inbound mail that failed for a temporary reason,
    outgoing mail deferred (a server down, a recipient greylisted; issue 18)."""
    inbound = _capped(InboundMail.objects.filter(status=InboundStatus.FAILED))
    outbound = deferred_count(COUNT_CAP)
    return {
        "state": ATTENTION if inbound or outbound else OK,
        "inbound_waiting": inbound,
        "outbound_deferred": outbound,
    }


def gateway_checks() -> dict[str, dict]:
    """The named checks of issue 18, each a dict with its "state" (ok or attention), for
    the health endpoints and the admin's mail health."""
    return {
        "mail_listener": listener_health(),
        "mail_storage": storage_health(),
        "mail_retry": retry_health(),
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


def spam_mail_for(user: User) -> QuerySet[InboundMail]:
    """Mail found to be spam in the user's departments, for its agents (issue 12, P7)."""
    return (
        InboundMail.objects.filter(
            status=InboundStatus.SPAM, department__in=access.departments_for(user)
        )
        .select_related("department")
        .order_by("-received_at", "-id")
    )


def spam_mail_get(user: User, pk: int) -> InboundMail:
    """One spam mail of the user's departments; 404 otherwise (also once dealt with)."""
    mail = spam_mail_for(user).filter(pk=pk).first()
    if mail is None:
        raise Http404
    return mail
