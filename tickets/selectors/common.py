"""Reads every area shares: timelines, and searching text in any script."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import chain

from django.db import connection
from django.db.models import (
    Prefetch,
    Q,
    QuerySet,
)

from accounts.models import User
from mailgateway.outbound.compose import CUSTOMER_KINDS
from mailgateway.outbound.models import OutboundMail
from tickets import access
from tickets.models import (
    Attachment,
    Message,
    MessageKind,
    Ticket,
    TicketEvent,
)

PUBLIC_KINDS = (MessageKind.CUSTOMER, MessageKind.AGENT)

LIST_RELATED = ("department", "requester", "assignee")


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # "message" or "event"
    item: Message | TicketEvent

    @property
    def created_at(self) -> datetime:
        return self.item.created_at


def ticket_messages(user: User, ticket: Ticket) -> QuerySet[Message]:
    """The messages the user may read; for agents with the delivery of the mail that carried
    each one to the customer (`deliveries`: queued, sent, deferred, failed...)."""
    messages = (
        access.messages_for(user, ticket)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("created_at", "id")
    )
    if user.is_agent:
        deliveries = (
            OutboundMail.objects.filter(kind__in=CUSTOMER_KINDS)
            .only(
                "ticket_message_id",
                "kind",
                "recipients",
                "status",
                "last_error",
                "sent_at",
                "next_attempt_at",
                "created_at",
                "recipient_states",
            )
            .order_by("created_at", "id")
        )
        messages = messages.prefetch_related(
            Prefetch("outbound_mails", queryset=deliveries, to_attr="deliveries")
        )
    return messages


def ticket_timeline(user: User, ticket: Ticket) -> list[TimelineEntry]:
    """Messages, and for agents the audit events too, oldest first (R7)."""
    messages = [TimelineEntry("message", m) for m in ticket_messages(user, ticket)]
    if not user.is_agent:
        return messages
    events = [
        TimelineEntry("event", e)
        for e in TicketEvent.objects.filter(ticket=ticket)
        .exclude(message__isnull=False)
        .select_related("actor")
    ]
    return sorted(chain(messages, events), key=lambda entry: entry.created_at)


def contains_any_case(field: str, text: str) -> Q:
    """Case-insensitive "contains" in any script (Cyrillic, Armenian...).

    PostgreSQL folds the case of every letter; SQLite's LIKE folds only ASCII, so there
    the usual spellings of the text (as typed, lower, upper, capitalised) are tried too.
    """
    if connection.vendor != "sqlite":
        return Q(**{f"{field}__icontains": text})
    query = Q()
    for variant in {text, text.lower(), text.upper(), text.capitalize(), text.title()}:
        query |= Q(**{f"{field}__contains": variant})
    return query
