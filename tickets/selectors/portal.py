"""Reads of the customer portal (P1, P2, P4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    BooleanField,
    Case,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from accounts.models import Service, User
from tickets import access, quality
from tickets.models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    Category,
    Ticket,
)
from tickets.selectors.common import LIST_RELATED


def portal_tickets(user: User, *, closed: bool) -> QuerySet[Ticket]:
    """The customer's tickets (own, followed, shared by the organization), newest activity first."""
    statuses = DONE_STATUSES if closed else OPEN_STATUSES
    return (
        access.tickets_for(user)
        .filter(status__in=statuses)
        .select_related(*LIST_RELATED)
        .order_by("-updated_at", "-pk")
    )


# Similar tickets offered while a customer writes a new one (P4): his open tickets and
# those solved in the last SIMILAR_DAYS days, the most recent SIMILAR_CANDIDATES of them.
SIMILAR_DAYS = 30
SIMILAR_CANDIDATES = 100
SIMILAR_SHOWN = 3


def portal_ticket_list(
    user: User, *, closed: bool, found: QuerySet[Ticket] | None = None
) -> QuerySet[Ticket]:
    """A tab of "My tickets", or the tickets a search found (tickets.search, already within
    the user's reach and ordered); `answer_waiting` marks open tickets whose latest public
    message is an agent's."""
    if found is not None:
        tickets = found.select_related(*LIST_RELATED)
    else:
        tickets = portal_tickets(user, closed=closed)
    agent_spoke_last = Q(last_agent_activity_at__isnull=False) & (
        Q(last_customer_activity_at__isnull=True)
        | Q(last_agent_activity_at__gt=F("last_customer_activity_at"))
    )
    return tickets.annotate(
        answer_waiting=Case(
            When(Q(status__in=OPEN_STATUSES) & agent_spoke_last, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def portal_categories() -> QuerySet[Category]:
    """What a customer may pick for a new ticket (P2)."""
    return Category.objects.filter(is_active=True, default_department__is_active=True).order_by(
        "position", "name"
    )


def portal_services(user: User) -> QuerySet[Service]:
    """The customer's own products and services and his organization's (P2)."""
    owned = Q(customer=user)
    if user.organization_id is not None:
        owned |= Q(organization_id=user.organization_id)
    return Service.objects.filter(owned, is_active=True).order_by("name")


def portal_similar_tickets(user: User, subject: str) -> list[Ticket]:
    """The customer's open or recently solved tickets about the same problem (P4)."""
    if not quality.significant_stems(subject):
        return []
    cutoff = timezone.now() - timedelta(days=SIMILAR_DAYS)
    candidates = (
        access.tickets_for(user)
        .filter(Q(status__in=OPEN_STATUSES) | Q(status__in=DONE_STATUSES, solved_at__gte=cutoff))
        .only("pk", "number", "subject", "status", "updated_at")
        .order_by("-updated_at", "-pk")[:SIMILAR_CANDIDATES]
    )
    similar = [t for t in candidates if quality.subjects_similar(subject, t.subject)]
    similar.sort(key=lambda t: quality.similarity(subject, t.subject), reverse=True)
    return similar[:SIMILAR_SHOWN]


@dataclass(frozen=True)
class RelatedTickets:
    follows_up_on: Ticket | None
    follow_ups: list[Ticket]


def portal_related_tickets(user: User, ticket: Ticket) -> RelatedTickets:
    """The ticket this one follows up on and its follow-ups, as far as the user may see them."""
    visible = access.tickets_for(user).only("pk", "number", "subject", "status")
    earlier = (
        visible.filter(pk=ticket.linked_ticket_id).first() if ticket.linked_ticket_id else None
    )
    return RelatedTickets(
        follows_up_on=earlier,
        follow_ups=list(visible.filter(linked_ticket=ticket).order_by("created_at")),
    )


@dataclass(frozen=True)
class WritingHints:
    """Advice for a new ticket, and the customer's tickets it may belong to instead."""

    hints: list[quality.Hint]
    similar: list[Ticket]

    @property
    def codes(self) -> set[str]:
        """What was advised, so that a page can tell whether the customer has seen it all."""
        return {hint.code for hint in self.hints} | {f"similar:{t.number}" for t in self.similar}

    def __bool__(self) -> bool:
        return bool(self.hints or self.similar)


def portal_writing_hints(
    user: User,
    *,
    subject: str,
    description: str,
    category: Category | None = None,
    has_attachments: bool = False,
    has_service: bool = False,
) -> WritingHints:
    """The hints of tickets.quality and similar tickets, for the new-ticket page (P2, P4)."""
    return WritingHints(
        hints=quality.ticket_hints(
            subject=subject,
            description=description,
            kind=category.kind if category else None,
            has_attachments=has_attachments,
            has_service=has_service,
        ),
        similar=portal_similar_tickets(user, subject),
    )
