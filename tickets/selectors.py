"""Read paths: lists and timelines, with their joins already applied."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from tickets import access
from tickets.models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    Attachment,
    Message,
    Ticket,
    TicketEvent,
)

LIST_RELATED = ("department", "requester", "assignee")


def portal_tickets(user: User, *, closed: bool) -> QuerySet[Ticket]:
    """The customer's tickets (own, followed, shared by the organization), newest activity first."""
    statuses = DONE_STATUSES if closed else OPEN_STATUSES
    return (
        access.tickets_for(user)
        .filter(status__in=statuses)
        .select_related(*LIST_RELATED)
        .order_by("-updated_at", "-pk")
    )


def staff_tickets(user: User, *, statuses=OPEN_STATUSES) -> QuerySet[Ticket]:
    return (
        access.tickets_for(user)
        .filter(status__in=statuses)
        .select_related(*LIST_RELATED)
        .order_by("-updated_at", "-pk")
    )


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # "message" or "event"
    item: Message | TicketEvent

    @property
    def created_at(self):
        return self.item.created_at


def ticket_messages(user: User, ticket: Ticket) -> QuerySet[Message]:
    return (
        access.messages_for(user, ticket)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("created_at", "id")
    )


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
