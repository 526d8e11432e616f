"""The bell's notifications (issue 11, W2): an after-commit subscriber of the event stream.

Who hears of what:

- `assigned`: the new assignee, unless he took the ticket himself;
- `message_added` (the customer wrote): the ticket's assignee;
- `note_added`: every agent named in the note as `@Name` or `@mailbox` (the part of his
  address before the @) who works the ticket, except the note's author;
- `escalated`: the ticket's assignee and the department's managers (R17).

One row per (event, agent): a delivery that runs again adds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import Q

from accounts.models import ALL_DEPARTMENTS_ROLES, STAFF_ROLES, User
from tickets import events
from tickets.live.models import Notification, NotificationKind
from tickets.models import EventVerb, TicketEvent
from tickets.sla.scope import department_managers

# A mention starts after a space, a line start or punctuation: never inside an address.
_BEFORE = r"(?<![\w@.])@"
_AFTER = r"(?![\w@-])"


def mention_handles(agent: User) -> list[str]:
    """What may follow the @ to name this agent: his full name, his mailbox."""
    handles = [agent.email.split("@", 1)[0]]
    if agent.name.strip():
        handles.append(" ".join(agent.name.split()))
    return handles


def mentioned(text: str, agents: Iterable[User]) -> list[User]:
    """The agents the text names with @ (case does not matter; Cyrillic names work)."""
    found = []
    for agent in agents:
        for handle in mention_handles(agent):
            pattern = _BEFORE + re.escape(handle).replace(r"\ ", r"\s+") + _AFTER
            if re.search(pattern, text, flags=re.IGNORECASE):
                found.append(agent)
                break
    return found


def _ticket_agents(event: TicketEvent) -> list[User]:
    """The active agents who work the ticket: its department's, and managers and admins."""
    return list(
        User.objects.filter(is_active=True, role__in=STAFF_ROLES)
        .filter(
            Q(memberships__department=event.ticket.department_id)
            | Q(role__in=ALL_DEPARTMENTS_ROLES)
        )
        .distinct()
    )


def recipients(event: TicketEvent) -> dict[int, str]:
    """User id -> kind of notification, for one event."""
    ticket = event.ticket
    found: dict[int, str] = {}
    if event.verb == EventVerb.ASSIGNED:
        assignee_id = (event.after or {}).get("id")
        if assignee_id:
            found[assignee_id] = NotificationKind.ASSIGNED
    elif event.verb == EventVerb.MESSAGE_ADDED:
        if ticket.assignee_id:
            found[ticket.assignee_id] = NotificationKind.CUSTOMER_WROTE
    elif event.verb == EventVerb.NOTE_ADDED and event.message is not None:
        for agent in mentioned(event.message.body_text, _ticket_agents(event)):
            found[agent.pk] = NotificationKind.MENTIONED
    elif event.verb == EventVerb.ESCALATED:
        for manager in department_managers(ticket.department):
            found[manager.pk] = NotificationKind.ESCALATED
        if ticket.assignee_id:
            found[ticket.assignee_id] = NotificationKind.ESCALATED
    if event.actor_id is not None:
        found.pop(event.actor_id, None)  # nobody is told what he did himself
    return found


@events.subscribe(
    EventVerb.ASSIGNED,
    EventVerb.MESSAGE_ADDED,
    EventVerb.NOTE_ADDED,
    EventVerb.ESCALATED,
    phase=events.AFTER_COMMIT,
    name="live.notifications",
)
def notifications(event: TicketEvent) -> None:
    found = recipients(event)
    if not found:
        return
    active = set(
        User.objects.filter(pk__in=found, is_active=True, role__in=STAFF_ROLES).values_list(
            "pk", flat=True
        )
    )
    Notification.objects.bulk_create(
        [
            Notification(user_id=user_id, ticket=event.ticket, event=event, kind=kind)
            for user_id, kind in found.items()
            if user_id in active
        ],
        ignore_conflicts=True,
    )
