"""The customer rates the answer to his ticket (W4): good or bad, with an optional comment.

A ticket can be rated once an agent has answered and the ticket is solved; the rating
can be changed until the ticket is closed. A ticket the customer closed himself without
rating it can still get its first rating within TICKET_REOPEN_DAYS (closing is the
moment many people rate). Every rating and change is an audit event.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from helpdesk.errors import ActionNotAllowed, NotPermitted
from tickets import access
from tickets.models import EventVerb, MessageKind, Rating, RatingScore, Status, Ticket
from tickets.services.common import ticket_lock
from tickets.services.events import event_record

COMMENT_MAX = 2000


def rating_open(ticket: Ticket, rating: Rating | None, now=None) -> bool:
    """Whether the ticket can be rated now (or its rating changed)."""
    if ticket.first_response_at is None:
        return False  # nobody has answered yet: nothing to rate
    if ticket.status == Status.SOLVED:
        return True
    if ticket.status == Status.CLOSED and rating is None and ticket.closed_at is not None:
        now = now or timezone.now()
        return now - ticket.closed_at <= timedelta(days=settings.TICKET_REOPEN_DAYS)
    return False


def ticket_rating(ticket: Ticket) -> Rating | None:
    return Rating.objects.filter(ticket=ticket).first()


def _answering_agent(ticket: Ticket) -> User | None:
    """The author of the last public reply: the agent whose answer is rated (R8)."""
    reply = (
        ticket.messages.filter(kind=MessageKind.AGENT, author__isnull=False)
        .select_related("author")
        .order_by("-created_at", "-id")
        .first()
    )
    return reply.author if reply else ticket.assignee


@transaction.atomic
def rating_set(
    *, actor: User, ticket: Ticket, score: str, comment: str = "", via_link: bool = False
) -> Rating:
    """Rates the ticket's answer, or changes the rating.

    `via_link`: the customer came through the signed link of the solved-ticket mail
    (rating_links), without signing in; the actor is then the ticket's requester, to whom
    that mail went.
    """
    ticket_lock(ticket)
    if not access.may_rate(actor, ticket, via_link=via_link):
        if actor.is_agent:
            raise NotPermitted(_("Only the customer rates the answer."))
        if not actor.is_active:
            raise NotPermitted(_("This account is deactivated."))
        raise NotPermitted()
    if score not in RatingScore.values:
        raise ActionNotAllowed(_("Choose whether the answer was good or bad."))
    rating = Rating.objects.select_for_update().filter(ticket=ticket).first()
    if not rating_open(ticket, rating):
        raise ActionNotAllowed(
            _("This ticket can no longer be rated.")
            if rating is None
            else _("This ticket is closed: its rating can no longer be changed.")
        )
    comment = (comment or "").strip()[:COMMENT_MAX]
    if rating is not None and (rating.score, rating.comment) == (score, comment):
        return rating

    now = timezone.now()
    before = {"score": rating.score, "comment": rating.comment} if rating else {}
    if rating is None:
        rating = Rating(ticket=ticket, created_at=now)
    rating.score = score
    rating.comment = comment
    rating.author = actor
    rating.agent = _answering_agent(ticket)
    rating.updated_at = now
    rating.save()
    event_record(
        ticket=ticket,
        actor=actor,
        verb=EventVerb.RATED,
        before=before,
        after={"score": score, "comment": comment, "via": "link" if via_link else "portal"},
        at=now,
    )
    return rating
