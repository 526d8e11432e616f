"""Reads every area shares: timelines, and searching text in any script."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from itertools import chain

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
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


# What other apps add to the messages of a ticket page, given the reader and the
# messages' queryset: the mail gateway adds, for agents, the delivery of the mail that
# carried each message (`message.deliveries`). They register from their AppConfig.ready(),
# so that tickets imports none of them (docs/architecture.md).
MessageExtra = Callable[[User, QuerySet[Message]], QuerySet[Message]]
_message_extras: dict[str, MessageExtra] = {}


def message_extra_register(name: str, extra: MessageExtra) -> None:
    _message_extras[name] = extra


def ticket_messages(user: User, ticket: Ticket) -> QuerySet[Message]:
    """The messages the user may read, with what other apps add to them (see above)."""
    messages = (
        access.messages_for(user, ticket)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("created_at", "id")
    )
    for extra in _message_extras.values():
        messages = extra(user, messages)
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
