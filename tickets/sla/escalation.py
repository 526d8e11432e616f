"""Escalation (issue 10, R17): due times that come close or pass reach the managers once.

A beat task calls `escalations_scan()` every minute. One indexed query on the clocks'
`next_check_at` finds the tickets to look at; each is then handled in its own short
transaction under its row lock (skipped when another run holds it). A warning or breach is
an `Escalation` row whose unique constraint makes it exactly once, even when two runs
overlap or a worker dies half-way: what was not committed is simply found again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from helpdesk.errors import NotPermitted, ServiceError
from tickets import services
from tickets.models import EventVerb, Priority, Ticket
from tickets.services.events import event_record
from tickets.sla.clock import TARGETS, due_field
from tickets.sla.models import Escalation, Level, TicketClock
from tickets.sla.scope import managed_departments

logger = logging.getLogger(__name__)
SCAN_BATCH = 500


def escalations_scan(*, now: datetime | None = None, batch: int = SCAN_BATCH) -> int:
    """Escalates what is due; returns how many warnings and breaches it recorded."""
    now = now or timezone.now()
    ids = list(
        TicketClock.objects.filter(next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("ticket_id", flat=True)[:batch]
    )
    return sum(_ticket_check(ticket_id, now) for ticket_id in ids)


@transaction.atomic
def _ticket_check(ticket_id: int, now: datetime) -> int:
    # The ticket's row first, as the services lock it: never a deadlock with them.
    ticket = (
        Ticket.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("department")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        return 0  # another run holds it, or it is gone
    clock = TicketClock.objects.select_related("policy").filter(ticket=ticket).first()
    if clock is None or clock.next_check_at is None or clock.next_check_at > now:
        return 0  # handled meanwhile
    policy = clock.policy
    warn = timedelta(minutes=policy.warn_minutes) if policy and policy.warn_minutes else None
    recorded = breaches = 0
    for target in TARGETS:
        due = getattr(ticket, due_field(target))
        if due is None:
            continue
        if due <= now:
            new = _escalate(ticket, target, Level.BREACH, due, now)
            breaches += new
        elif warn and due - warn <= now:
            new = _escalate(ticket, target, Level.WARNING, due, now)
        else:
            new = 0
        recorded += new
    if breaches:
        _actions(ticket, policy)
        ticket.refresh_from_db()
    clock.next_check_at = _next_check(ticket, warn, now)
    clock.save(update_fields=["next_check_at"])
    return recorded


def _next_check(ticket: Ticket, warn: timedelta | None, now: datetime) -> datetime | None:
    """The next warning or breach to look at; now again for a due time an action moved into
    the past that has no escalation yet."""
    moments = []
    for target in TARGETS:
        due = getattr(ticket, due_field(target))
        if due is None:
            continue
        if due <= now:
            done = Escalation.objects.filter(
                ticket=ticket, target=target, level=Level.BREACH, due_at=due
            ).exists()
            moments += [] if done else [now]
            continue
        moments += [due, due - warn] if warn else [due]
    return min((m for m in moments if m >= now), default=None)


def _escalate(ticket: Ticket, target: str, level: str, due: datetime, now: datetime) -> int:
    """Inserts the escalation or finds it there already (insert-or-skip); 1 when new."""
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                ticket=ticket,
                department=ticket.department,
                target=target,
                level=level,
                due_at=due,
                created_at=now,
            )
    except IntegrityError:
        return 0
    if level == Level.BREACH:
        ticket.escalated_at = now
        Ticket.objects.filter(pk=ticket.pk).update(escalated_at=now)
    event_record(
        ticket=ticket,
        actor=None,
        verb=EventVerb.ESCALATED,
        after={
            "escalation": escalation.pk,
            "target": target,
            "level": level,
            "due_at": due.isoformat(),
        },
        at=now,
    )
    return 1


def _actions(ticket: Ticket, policy) -> None:
    """The policy's optional actions on a breach, through the services."""
    if policy is None:
        return
    try:
        if policy.raise_priority and ticket.priority < Priority.URGENT:
            services.ticket_set_priority(
                actor=None, ticket=ticket, priority=Priority(ticket.priority + 1)
            )
        if policy.reassign_to_id and policy.reassign_to_id != ticket.assignee_id:
            services.ticket_assign(actor=None, ticket=ticket, assignee=policy.reassign_to)
    except ServiceError as exc:
        logger.warning("escalation action on #%s not taken: %s", ticket.number, exc)


@transaction.atomic
def escalation_acknowledge(*, actor: User, escalation: Escalation) -> Escalation:
    """A manager says he has seen to it; once."""
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if not managed_departments(actor).filter(pk=escalation.department_id).exists():
        raise NotPermitted(_("You do not manage this department."))
    if escalation.acknowledged_at is None:
        escalation.acknowledged_at = timezone.now()
        escalation.acknowledged_by = actor
        escalation.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return escalation
