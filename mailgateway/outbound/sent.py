"""What we sent, as the inbound half asks about it (issue 16): the inbound code reads the
outbox only through these functions, never through the outbound models."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q

from accounts.models import User
from mailgateway.outbound.compose import AGENT_KINDS
from mailgateway.outbound.models import OutboundMail, OutboundStatus
from tickets.models import Ticket
from tickets.selectors import ticket_with_merged


@dataclass(frozen=True)
class SentMail:
    """One mail of ours that a delivery report names."""

    pk: int
    ticket: Ticket | None
    recipients: list[str]


def deferred_count(cap: int) -> int:
    """Outgoing mail waiting for another try, counted up to `cap`."""
    return len(OutboundMail.objects.filter(status=OutboundStatus.DEFERRED).values("pk")[:cap])


def agent_notified(message_ids: Sequence[str], agent: User, ticket: Ticket) -> bool:
    """Whether one of these Message-IDs is a notification about `ticket` (or a ticket merged
    into it, issue 11) sent to `agent`."""
    return OutboundMail.objects.filter(
        message_id__in=list(message_ids)[:100],
        recipient=agent,
        ticket__in=ticket_with_merged(ticket),
        kind__in=AGENT_KINDS,
    ).exists()


def sent_mail_named(message_ids: Sequence[str], pks: Sequence[int]) -> list[SentMail]:
    """Our mails with these Message-IDs or ids (a delivery report's proof), oldest first."""
    rows = (
        OutboundMail.objects.filter(Q(message_id__in=message_ids[:100]) | Q(pk__in=pks[:10]))
        .select_related("ticket__department")
        .order_by("id")
    )
    return [SentMail(row.pk, row.ticket, row.recipients) for row in rows]
