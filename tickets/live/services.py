"""Changes of the live features (issue 11): take the next ticket, the bell, presence.

`ticket_take_next` is safe when two agents press "Take next" at once: on PostgreSQL the
candidate row is locked with SKIP LOCKED, so the second agent passes over the ticket the
first is taking and gets the next one (SQLite runs one writer at a time anyway).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from helpdesk.errors import NotPermitted
from tickets import access
from tickets.live.models import Notification
from tickets.models import OPEN_STATUSES, Ticket
from tickets.services import ticket_assign

# The poll notes the agent as seen at most this often: one UPDATE a minute, not every poll.
SEEN_EVERY = timedelta(seconds=60)


@transaction.atomic
def ticket_take_next(*, actor: User) -> Ticket | None:
    """Gives the agent the most urgent, then oldest, unassigned open ticket of his
    departments; None when there is none."""
    if not (actor.is_active and actor.is_agent):
        raise NotPermitted()
    ticket = (
        Ticket.objects.filter(
            department__in=access.departments_for(actor),
            status__in=OPEN_STATUSES,
            assignee__isnull=True,
        )
        .order_by("-priority", "created_at", "id")
        .select_for_update(skip_locked=True, of=("self",))
        .first()
    )
    if ticket is None:
        return None
    return ticket_assign(actor=actor, ticket=ticket, assignee=actor)


def agent_seen(*, actor: User, now: datetime | None = None) -> None:
    """The agent has a staff page open (round-robin's "signed in recently")."""
    now = now or timezone.now()
    if actor.last_seen_at is not None and now - actor.last_seen_at < SEEN_EVERY:
        return
    User.objects.filter(pk=actor.pk).update(last_seen_at=now)
    actor.last_seen_at = now


def agent_signed_out(*, actor: User) -> None:
    """Signing out ends the presence at once: round-robin passes him over."""
    User.objects.filter(pk=actor.pk).update(last_seen_at=None)


def agent_away_set(*, actor: User, away: bool) -> User:
    """An agent marks himself away (or back): away agents get nothing by round-robin."""
    if not actor.is_agent:
        raise NotPermitted()
    actor.is_away = away
    actor.save(update_fields=["is_away"])
    return actor


def notifications_read(*, actor: User, ids: Iterable[int] | None = None) -> int:
    """Marks the agent's notifications read: these ones, or all. Returns how many."""
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
