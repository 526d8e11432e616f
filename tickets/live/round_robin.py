"""Round-robin (issue 11): a new ticket of a department that wants it goes to one of its agents.

An in-transaction subscriber of `opened`: the ticket is never seen unassigned by anyone
else, and if the assignment fails the opening rolls back with it. The choice:

- candidates are the department's active agents who are not away and whose staff pages
  were open within ROUND_ROBIN_SEEN_MINUTES (the live poll notes it: `User.last_seen_at`);
- an agent holding `Department.round_robin_cap` open tickets or more gets none;
- of the rest, the one with the fewest open tickets; among equals, the next after the
  agent chosen last (`Department.round_robin_last`), so ties rotate.

The department row is locked while choosing, so two tickets opened at once do not both
go to the same least-loaded agent. The assignment itself is `ticket_assign(actor=None)`:
its `assigned` event tells the agent (mail, the bell) like any other assignment.
Automatic mail (an auto-reply that opened a ticket) is left in the queue.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from accounts.models import STAFF_ROLES, User
from tickets import events
from tickets.models import OPEN_STATUSES, Department, EventVerb, Ticket, TicketEvent
from tickets.services import ticket_assign


def round_robin_pick(department: Department, now: datetime | None = None) -> User | None:
    """The agent who gets the department's next ticket, or None when nobody may."""
    cutoff = (now or timezone.now()) - timedelta(minutes=settings.ROUND_ROBIN_SEEN_MINUTES)
    candidates = list(
        User.objects.filter(
            memberships__department=department,
            is_active=True,
            role__in=STAFF_ROLES,
            is_away=False,
            last_seen_at__gte=cutoff,
        ).order_by("pk")
    )
    if not candidates:
        return None
    loads = dict(
        Ticket.objects.filter(assignee__in=candidates, status__in=OPEN_STATUSES)
        .values("assignee")
        .annotate(open=Count("id"))
        .values_list("assignee", "open")
    )
    eligible = [a for a in candidates if loads.get(a.pk, 0) < department.round_robin_cap]
    if not eligible:
        return None
    least = min(loads.get(a.pk, 0) for a in eligible)
    tied = [a for a in eligible if loads.get(a.pk, 0) == least]
    last = department.round_robin_last_id or 0
    return next((a for a in tied if a.pk > last), tied[0])


@events.subscribe(EventVerb.OPENED, phase=events.IN_TRANSACTION, name="live.round_robin")
def round_robin(event: TicketEvent) -> None:
    ticket = event.ticket
    if event.after.get("automatic") or ticket.assignee_id is not None:
        return
    if not Department.objects.filter(pk=ticket.department_id, round_robin=True).exists():
        return
    department = Department.objects.select_for_update().get(pk=ticket.department_id)
    agent = round_robin_pick(department)
    if agent is None:
        return
    Department.objects.filter(pk=department.pk).update(round_robin_last=agent)
    ticket_assign(actor=None, ticket=ticket, assignee=agent)
