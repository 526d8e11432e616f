"""Reads of the live features: what is new for an agent, the bell (issue 11, W2).

Each poll costs a few indexed queries whatever the size of the tables: the events after
the last one the page knows (primary key range), the unread notifications counted up
to a cap (partial index `notification_unread`).
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from tickets import access
from tickets.live.models import Notification
from tickets.models import EventVerb, TicketEvent

# What makes a staff page refresh, sound and notify: new work from customers.
NEWS_VERBS = (EventVerb.OPENED, EventVerb.MESSAGE_ADDED)
NEWS_MAX = 20
UNREAD_CAP = 100
LIST_MAX = 50


def live_latest_event_id() -> int:
    """The newest event of all: a page starts listening after it."""
    return TicketEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def live_news(user: User, after_id: int) -> list[TicketEvent]:
    """New tickets and customers' messages in the agent's departments since `after_id`,
    except his own doing; oldest first, at most NEWS_MAX."""
    events = TicketEvent.objects.filter(id__gt=after_id, verb__in=NEWS_VERBS)
    if not user.sees_all_departments:
        events = events.filter(ticket__department__in=access.departments_for(user))
    return list(
        events.exclude(actor=user).select_related("ticket", "actor").order_by("id")[:NEWS_MAX]
    )


def unread_count(user: User) -> int:
    """At most UNREAD_CAP (shown as "99+")."""
    return Notification.objects.filter(user=user, read_at__isnull=True)[:UNREAD_CAP].count()


def notifications_for(user: User) -> QuerySet[Notification]:
    """The agent's latest notifications, newest first, of tickets he may still see."""
    notifications = Notification.objects.filter(user=user)
    if not user.sees_all_departments:
        notifications = notifications.filter(ticket__department__in=access.departments_for(user))
    return notifications.select_related("ticket", "event__actor").order_by("-id")[:LIST_MAX]


def notification_for(user: User, pk: int) -> Notification | None:
    return Notification.objects.filter(user=user, pk=pk).select_related("ticket").first()
