"""Opening tickets and changing their state: the ticket life cycle of ARCHITECTURE.md.

new (no agent answer yet) -> open -> pending -> solved -> closed. Agents may set any
status but `new`; closed tickets are read-only until reopened. Every change writes its
audit event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Service, User
from helpdesk.errors import ActionNotAllowed, NotPermitted
from mailgateway.outbound import notify
from tickets import access
from tickets.models import (
    Category,
    Channel,
    Department,
    EventVerb,
    MessageKind,
    Priority,
    Status,
    Ticket,
)
from tickets.services.common import (
    message_create,
    require_agent_access,
    require_content,
    require_not_closed,
    ticket_lock,
    ticket_number_next,
)
from tickets.services.events import event_record, person_ref
from tickets.uploads import NewAttachment

SUBJECT_MAX = 255


def _clean_subject(subject: str) -> str:
    subject = " ".join((subject or "").split())
    return subject[:SUBJECT_MAX] or _("(no subject)")


def _check_service(service: Service | None, requester: User) -> None:
    if service is None:
        return
    owns = service.customer_id == requester.pk or (
        service.organization_id is not None and service.organization_id == requester.organization_id
    )
    if not owns:
        raise NotPermitted(_("This product or service does not belong to the requester."))


@transaction.atomic
def ticket_open(
    *,
    actor: User,
    subject: str,
    body_text: str,
    channel: Channel,
    requester: User | None = None,
    department: Department | None = None,
    category: Category | None = None,
    service: Service | None = None,
    priority: Priority = Priority.NORMAL,
    body_html: str = "",
    attachments: Iterable[NewAttachment] = (),
    message_id: str = "",
    in_reply_to: str = "",
    references: str = "",
    linked_ticket: Ticket | None = None,
    automatic: bool = False,
) -> Ticket:
    """Opens a ticket with its first message, from a customer or for one by an agent.

    Customers open tickets for themselves; the department follows the category unless
    given (the mail gateway routes by address). An agent opens tickets for a customer
    (a phone call) in a department he works. `automatic` (an auto-reply that threads to
    nothing, from the mail gateway): stored, but nobody is mailed about it (MAIL.md).
    """
    requester = requester or actor
    if actor.is_agent:
        if requester.is_agent:
            raise NotPermitted(_("Tickets are opened for customers."))
    elif requester.pk != actor.pk:
        raise NotPermitted()
    if not requester.is_active:
        raise NotPermitted(_("This account is deactivated."))
    if department is None:
        if category is None:
            raise ActionNotAllowed(_("Choose a category or a department."))
        department = category.default_department
    if not department.is_active:
        raise ActionNotAllowed(_("This department does not accept new tickets."))
    if actor.is_agent and not access.can_work_department(actor, department):
        raise NotPermitted(_("You do not work in this department."))
    _check_service(service, requester)
    attachments = list(attachments)
    require_content(body_text, body_html, attachments)

    now = timezone.now()
    ticket = Ticket.objects.create(
        number=ticket_number_next(),
        subject=_clean_subject(subject),
        department=department,
        category=category,
        requester=requester,
        organization=requester.organization,
        service=service,
        priority=priority,
        channel=channel,
        status=Status.NEW,
        linked_ticket=linked_ticket,
        created_at=now,
        updated_at=now,
        last_customer_activity_at=now,
        waiting_since=now,
    )
    message = message_create(
        ticket=ticket,
        author=requester,
        kind=MessageKind.CUSTOMER,
        channel=channel,
        body_text=body_text,
        body_html=body_html,
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
        attachments=attachments,
        created_at=now,
    )
    event_record(
        ticket=ticket,
        actor=actor,
        verb=EventVerb.OPENED,
        after={
            "department": department.name,
            "channel": channel,
            "requester": person_ref(requester),
            "linked_ticket": linked_ticket.number if linked_ticket else None,
        },
        message=message,
    )
    notify.ticket_opened(ticket, actor=actor, first=message, automatic=automatic)
    return ticket


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
            % {"name": assignee.display_name, "department": ticket.department.name}
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
    notify.ticket_assigned(ticket, actor=actor)
    return ticket


def _status_apply(ticket: Ticket, status: Status, now) -> None:
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


def status_change(*, actor: User | None, ticket: Ticket, status: Status, verb: EventVerb) -> None:
    """Applies a status and writes its event; the caller has locked and checked the ticket."""
    before = ticket.status
    _status_apply(ticket, status, timezone.now())
    event_record(
        ticket=ticket, actor=actor, verb=verb, before={"status": before}, after={"status": status}
    )


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
    if status == Status.SOLVED:
        notify.ticket_solved(ticket)
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
    if actor.is_agent:
        require_agent_access(actor, ticket)
    elif not access.can_see(actor, ticket):
        raise NotPermitted()
    if ticket.is_closed:
        raise ActionNotAllowed(_("This ticket is already closed."))
    status_change(actor=actor, ticket=ticket, status=Status.CLOSED, verb=EventVerb.CLOSED)
    return ticket


def reopen_window_open(ticket: Ticket, now=None) -> bool:
    """A closed ticket may be reopened by its customer for TICKET_REOPEN_DAYS days."""
    if ticket.status != Status.CLOSED:
        return True
    now = now or timezone.now()
    return ticket.closed_at is None or (
        now - ticket.closed_at <= timedelta(days=settings.TICKET_REOPEN_DAYS)
    )


@transaction.atomic
def ticket_reopen(*, actor: User, ticket: Ticket) -> Ticket:
    """Solved or closed -> open. Customers may reopen a closed ticket only within the window."""
    ticket_lock(ticket)
    if actor.is_agent:
        require_agent_access(actor, ticket)
    else:
        if not access.can_see(actor, ticket):
            raise NotPermitted()
        if not reopen_window_open(ticket):
            raise ActionNotAllowed(
                _("This ticket was closed too long ago to reopen; please open a new one.")
            )
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
            if ticket.status != Status.SOLVED or ticket.solved_at >= cutoff:
                continue  # changed since we looked: a customer wrote in, say
            status_change(actor=None, ticket=ticket, status=Status.CLOSED, verb=EventVerb.CLOSED)
            closed += 1
    return closed
