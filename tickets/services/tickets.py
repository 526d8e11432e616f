"""Changing a ticket's state: the ticket life cycle of ARCHITECTURE.md.

new (no agent answer yet) -> open -> pending -> solved -> closed. Agents may set any
status but `new`; closed tickets are read-only until reopened. Every change writes its
audit event in the same transaction and publishes it (tickets/events.py, docs/events.md):
whoever reacts (mail, search, SLA) subscribes to the events. Opening a ticket is
`tickets.services.opening`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from helpdesk.errors import ActionNotAllowed, NotPermitted
from tickets import access
from tickets.models import Department, EventVerb, Priority, Status, Ticket
from tickets.services.common import (
    require_agent_access,
    require_not_closed,
    require_not_merged,
    ticket_lock,
)
from tickets.services.events import event_record, person_ref


@transaction.atomic
def ticket_assign(*, actor: User | None, ticket: Ticket, assignee: User | None) -> Ticket:
    """Gives the ticket to an agent of its department, or takes it back to the queue.

    `actor=None` is the helpdesk itself (an escalation action, issue 10)."""
    ticket_lock(ticket)
    if actor is not None:
        require_agent_access(actor, ticket)
    require_not_closed(ticket)
    if assignee is not None and not (
        assignee.is_active and assignee.is_agent and access.can_work(assignee, ticket)
    ):
        raise NotPermitted(
            _("%(name)s does not work in the department %(department)s.")
            % {"name": assignee.display_name, "department": ticket.department.local_name}
        )
    if assignee == ticket.assignee:
        return ticket
    before = person_ref(ticket.assignee)
    ticket.assignee = assignee
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["assignee", "updated_at"])
    event_record(
        ticket=ticket,
        actor=actor,
        verb=EventVerb.ASSIGNED,
        before=before,
        after=person_ref(assignee),
    )
    return ticket


def _status_apply(ticket: Ticket, status: Status, now: datetime) -> None:
    ticket.status = status
    ticket.updated_at = now
    if status == Status.SOLVED:
        ticket.solved_at = now
        ticket.waiting_since = None
    elif status == Status.CLOSED:
        ticket.closed_at = now
        ticket.solved_at = ticket.solved_at or now
        ticket.waiting_since = None
    else:
        ticket.solved_at = None
        ticket.closed_at = None
    ticket.save(update_fields=["status", "updated_at", "solved_at", "closed_at", "waiting_since"])


def status_change(
    *,
    actor: User | None,
    ticket: Ticket,
    status: Status,
    verb: EventVerb,
    with_reply: bool = False,
) -> None:
    """Applies a status and writes its event; the caller has locked and checked the ticket.

    `with_reply`: the status came with an agent's reply ("send and set status"), whose mail
    tells the customer; the event's `before` says so (`with_reply`), and nobody mails the
    change on its own. (`after` stays the new state alone.)
    """
    before = (
        {"status": ticket.status, "with_reply": True} if with_reply else {"status": ticket.status}
    )
    _status_apply(ticket, status, timezone.now())
    event_record(ticket=ticket, actor=actor, verb=verb, before=before, after={"status": status})


@transaction.atomic
def ticket_set_status(*, actor: User, ticket: Ticket, status: Status) -> Ticket:
    """An agent sets any status but `new`; a closed ticket must be reopened first."""
    ticket_lock(ticket)
    require_agent_access(actor, ticket)
    if status == Status.NEW:
        raise ActionNotAllowed(_("A ticket cannot be set back to new."))
    if status not in Status.values:
        raise ActionNotAllowed(_("Unknown status."))
    require_not_closed(ticket)
    if status == ticket.status:
        return ticket
    verb = EventVerb.CLOSED if status == Status.CLOSED else EventVerb.STATUS_CHANGED
    status_change(actor=actor, ticket=ticket, status=Status(status), verb=verb)
    return ticket


@transaction.atomic
def ticket_set_priority(*, actor: User | None, ticket: Ticket, priority: Priority) -> Ticket:
    """`actor=None` is the helpdesk itself (an escalation action, issue 10)."""
    ticket_lock(ticket)
    if actor is not None:
        require_agent_access(actor, ticket)
    require_not_closed(ticket)
    if priority not in Priority.values:
        raise ActionNotAllowed(_("Unknown priority."))
    if priority == ticket.priority:
        return ticket
    before = ticket.priority
    ticket.priority = priority
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["priority", "updated_at"])
    event_record(
        ticket=ticket,
        actor=actor,
        verb=EventVerb.PRIORITY_CHANGED,
        before={"priority": before},
        after={"priority": int(priority)},
    )
    return ticket


@transaction.atomic
def ticket_move(*, actor: User, ticket: Ticket, department: Department) -> Ticket:
    """Moves the ticket to another department (R11, P3).

    An agent may move a ticket to any active department, also one he does not work in
    (the ticket then leaves his view). An assignee outside the new department is removed.
    """
    ticket_lock(ticket)
    require_agent_access(actor, ticket)
    require_not_closed(ticket)
    if not department.is_active:
        raise ActionNotAllowed(_("This department is not active."))
    if department.pk == ticket.department_id:
        return ticket
    before = {"department": ticket.department.name, "assignee": person_ref(ticket.assignee)}
    ticket.department = department
    if ticket.assignee is not None and not access.can_work(ticket.assignee, ticket):
        ticket.assignee = None
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["department", "assignee", "updated_at"])
    event_record(
        ticket=ticket,
        actor=actor,
        verb=EventVerb.MOVED,
        before=before,
        after={"department": department.name, "assignee": person_ref(ticket.assignee)},
    )
    return ticket


@transaction.atomic
def ticket_close(*, actor: User, ticket: Ticket) -> Ticket:
    """The customer says the problem is solved (P5), or an agent closes the ticket."""
    ticket_lock(ticket)
    if not access.may_close(actor, ticket):
        raise NotPermitted()
    if ticket.is_closed:
        raise ActionNotAllowed(_("This ticket is already closed."))
    status_change(actor=actor, ticket=ticket, status=Status.CLOSED, verb=EventVerb.CLOSED)
    return ticket


@transaction.atomic
def ticket_reopen(*, actor: User, ticket: Ticket) -> Ticket:
    """Solved or closed -> open. Customers may reopen a closed ticket only within the window."""
    ticket_lock(ticket)
    if not access.may_reopen(actor, ticket):
        if actor.is_agent or not access.can_see(actor, ticket):
            raise NotPermitted()
        raise ActionNotAllowed(
            _("This ticket was closed too long ago to reopen; please open a new one.")
        )
    require_not_merged(ticket)
    if ticket.status not in (Status.SOLVED, Status.CLOSED):
        raise ActionNotAllowed(_("Only solved or closed tickets can be reopened."))
    status_change(actor=actor, ticket=ticket, status=Status.OPEN, verb=EventVerb.REOPENED)
    return ticket


def tickets_close_solved(*, batch: int = 500) -> int:
    """Closes tickets solved more than TICKET_AUTOCLOSE_DAYS ago (the beat task calls it)."""
    cutoff = timezone.now() - timedelta(days=settings.TICKET_AUTOCLOSE_DAYS)
    ids = list(
        Ticket.objects.filter(status=Status.SOLVED, solved_at__lt=cutoff)
        .order_by("solved_at")
        .values_list("pk", flat=True)[:batch]
    )
    closed = 0
    for pk in ids:
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().get(pk=pk)
            solved_at = ticket.solved_at
            if ticket.status != Status.SOLVED or solved_at is None or solved_at >= cutoff:
                continue  # changed since we looked: a customer wrote in, say
            status_change(actor=None, ticket=ticket, status=Status.CLOSED, verb=EventVerb.CLOSED)
            closed += 1
    return closed


@transaction.atomic
def requester_language_set(*, actor: User, ticket: Ticket, language: str) -> User:
    """An agent who works the ticket sets its requester's language (issue 12, P8): the
    customer's mail and pages come in it from then on. Only a customer's: agents choose
    their own in their settings."""
    require_agent_access(actor, ticket)
    requester = ticket.requester
    if not requester.is_customer:
        raise NotPermitted(_("Only a customer's language can be changed here."))
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ActionNotAllowed(_("Unknown language."))
    before = requester.language
    requester.language = language
    requester.save(update_fields=["language"])
    event_record(
        ticket=ticket,
        actor=actor,
        verb=EventVerb.REQUESTER_LANGUAGE_CHANGED,
        before={"language": before},
        after={"language": language},
    )
    return requester
