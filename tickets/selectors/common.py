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
        .select_related("author", "split_to__ticket")
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


def merge_target(ticket: Ticket) -> Ticket:
    """The ticket whose conversation this one now is (issue 11): itself, or the one it was
    merged into (always the final one: a merge moves the earlier merges along). Mail to a
    merged ticket, and messages written into it, go there."""
    if ticket.merged_into_id is None:
        return ticket
    return Ticket.objects.select_related("department").get(pk=ticket.merged_into_id)


def ticket_with_merged(ticket: Ticket) -> list[Ticket]:
    """The ticket and those merged into it: the mail they sent and the tokens they gave
    out now belong to it (issue 11)."""
    return [ticket, *Ticket.objects.filter(merged_into=ticket).only("pk", "number")]


@dataclass(frozen=True)
class TicketLinks:
    """The tickets a split or a merge linked to this one, as far as the reader may see them."""

    split_from: Ticket | None
    splits: list[Ticket]
    merged_into: Ticket | None
    merged_from: list[Ticket]

    def __bool__(self) -> bool:
        return bool(self.split_from or self.splits or self.merged_into or self.merged_from)


def ticket_links(user: User, ticket: Ticket) -> TicketLinks:
    """Links both ways (split from / split into, merged into / merged from); a ticket the
    reader may not see is left out, so no link shows a customer another's ticket."""
    fields = ("pk", "number", "subject", "merged_into", "split_from")
    reachable = access.tickets_for(user).only(*fields)
    linked = list(
        reachable.filter(
            Q(pk__in=[pk for pk in (ticket.split_from_id, ticket.merged_into_id) if pk])
            | Q(split_from=ticket)
            | Q(merged_into=ticket)
        ).order_by("number")
    )
    return TicketLinks(
        split_from=next((t for t in linked if t.pk == ticket.split_from_id), None),
        splits=[t for t in linked if t.split_from_id == ticket.pk],
        merged_into=next((t for t in linked if t.pk == ticket.merged_into_id), None),
        merged_from=[t for t in linked if t.merged_into_id == ticket.pk],
    )


def splittable_messages(ticket: Ticket) -> set[int]:
    """The customer's messages an agent may split off (R14): none while the ticket has only
    one, and none already split."""
    ids = list(
        Message.objects.filter(ticket=ticket, kind=MessageKind.CUSTOMER, split_to__isnull=True)
        .order_by()
        .values_list("pk", flat=True)
    )
    total = Message.objects.filter(ticket=ticket, kind=MessageKind.CUSTOMER).count()
    return set(ids) if total > 1 and not ticket.is_merged else set()
