"""Agents' digests: the notifications held past an agent's per-minute limit (issue 14).

The outbox holds an agent's notification instead of sending it when he already got
MAIL_RATE_AGENT_PER_MINUTE within the minute (outbox._check_agent_rate). Once the
minute has passed, every notification held for him goes out in one digest mail, so
that none is lost and none floods him. Celery beat runs this every half minute.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from mailgateway.outbound import compose, outbox
from mailgateway.outbound.models import OutboundMail, OutboundStatus
from tickets import access

WINDOW = timedelta(minutes=1)


def agent_digests_queue(*, now: datetime | None = None) -> list[int]:
    """Writes one digest per agent with a notification held for over a minute; the held
    rows are marked as sent in it. Returns the digests' row ids, for the sending task."""
    now = now or timezone.now()
    addresses = set(
        OutboundMail.objects.filter(status=OutboundStatus.HELD, created_at__lte=now - WINDOW)
        .values_list("rate_address", flat=True)
        .distinct()
    )
    return [pk for address in sorted(addresses) if (pk := _digest_one(address)) is not None]


def _digest_one(address: str) -> int | None:
    with transaction.atomic():
        rows = list(
            OutboundMail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("ticket", "recipient")
            .filter(status=OutboundStatus.HELD, rate_address=address)
            .order_by("created_at", "pk")
        )
        if not rows:
            return None  # another run took them
        agent = rows[0].recipient
        # Notifications check the recipient's access when they go (MAIL.md): so does this.
        visible = [
            row
            for row in rows
            if agent is not None
            and agent.is_active
            and row.ticket is not None
            and access.can_see(agent, row.ticket)
        ]
        lost = [row.pk for row in rows if row not in visible]
        now = timezone.now()
        if lost:
            OutboundMail.objects.filter(pk__in=lost).update(
                status=OutboundStatus.WITHHELD,
                last_error="the recipient no longer has access",
                updated_at=now,
            )
        if agent is None or not visible:
            return None
        listed = [(row.subject, row.ticket) for row in visible if row.ticket]
        digest = outbox.queue(compose.agent_digest(agent, listed))
        OutboundMail.objects.filter(pk__in=[row.pk for row in visible]).update(
            status=OutboundStatus.DIGESTED,
            last_error=f"sent in the digest {digest.message_id}",
            updated_at=now,
        )
        return digest.pk
