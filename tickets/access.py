"""Who may see and work which ticket: the only place that decides it.

Every view, list, counter, export, the API and the mail gateway reach tickets through
`tickets_for()`; a single ticket through `ticket_for()`, which answers 404 for a ticket
outside the user's reach, exactly as for one that does not exist.

Each decision about one ticket is one function here, and every channel (the portal, the
staff portal, the mail gateway, the phone, the API) asks it rather than deciding again:

- `can_see`: the requester, its participants, colleagues of an organization that shares
  its tickets, the agents of its department (managers and admins: all);
- `can_work`: an agent of its department (reply, note, assign, move, set status);
- `may_write`: who may add a message, by any channel: whoever may see it (an agent only
  if he may work it); what the message then does to a closed ticket is the services'
  business (`reopen_window_open`: reopen it or open a linked one);
- `may_add_participants`: the requester or an agent who works it brings copied people in;
- `may_close`, `may_reopen`, `may_rate`: the customer's and the agent's controls.

An API token limited to some departments (issue 13) sets `user.api_departments`: every
function here then keeps to those departments, so a limited token reaches, lists and works
nothing else, whatever the endpoint or service that asks.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import Combinable
from django.http import Http404
from django.utils import timezone

from accounts.models import DepartmentMembership, User
from tickets.models import (
    INTERNAL_KINDS,
    Attachment,
    Department,
    Message,
    Status,
    Ticket,
    TicketParticipant,
)
from tickets.rating_links import rating_token_number


def departments_for(user: User) -> QuerySet[Department]:
    """The departments whose tickets an agent works (all of them for managers and admins)."""
    if not (user.is_authenticated and user.is_active and user.is_agent):
        return Department.objects.none()
    departments = (
        Department.objects.all()
        if user.sees_all_departments
        else Department.objects.filter(memberships__user=user)
    )
    if user.api_departments is not None:
        departments = departments.filter(pk__in=user.api_departments)
    return departments


def _within_token_reach(user: User, tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    if user.api_departments is None:
        return tickets
    return tickets.filter(department_id__in=user.api_departments)


def tickets_for(user: User) -> QuerySet[Ticket]:
    """Every ticket the user may see: the one scoping query."""
    if not (user.is_authenticated and user.is_active):
        return Ticket.objects.none()
    if user.is_agent:
        if user.sees_all_departments:
            return _within_token_reach(user, Ticket.objects.all())
        department_ids = DepartmentMembership.objects.filter(user=user).values("department_id")
        return _within_token_reach(user, Ticket.objects.filter(department_id__in=department_ids))
    # Customers: their own tickets, those they follow, and their organization's if shared.
    visible: Q | Combinable = Q(requester=user) | Exists(
        TicketParticipant.objects.filter(ticket=OuterRef("pk"), user=user)
    )
    organization = user.organization
    if organization is not None and organization.shares_tickets:
        visible |= Q(organization=organization)
    return _within_token_reach(user, Ticket.objects.filter(visible))


def ticket_for(user: User, number: int) -> Ticket:
    """The ticket with this number if the user may see it; 404 otherwise."""
    ticket = (
        tickets_for(user)
        .select_related("department", "requester", "assignee", "category", "service")
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


def merge_target_for(user: User, ticket: Ticket) -> Ticket | None:
    """The ticket a merged ticket went into (issue 11), if the user may see it; its pages
    send him there. Someone who may not see it is shown the merged ticket alone."""
    if ticket.merged_into_id is None:
        return None
    return tickets_for(user).filter(pk=ticket.merged_into_id).first()


def ticket_for_rating_link(token: str) -> Ticket:
    """The ticket a signed rating link names (W4), for its page without sign-in; 404 otherwise.

    The link is the key: it names exactly one ticket, and only its rating page uses it.
    """
    number = rating_token_number(token)
    ticket = (
        Ticket.objects.select_related("requester", "department").filter(number=number).first()
        if number is not None
        else None
    )
    if ticket is None:
        raise Http404
    return ticket


def can_see(user: User, ticket: Ticket) -> bool:
    return tickets_for(user).filter(pk=ticket.pk).exists()


def can_work(user: User, ticket: Ticket) -> bool:
    """An agent may work (reply, note, assign, move) the tickets of his departments."""
    if not (user.is_authenticated and user.is_active and user.is_agent):
        return False
    if user.api_departments is not None and ticket.department_id not in user.api_departments:
        return False
    if user.sees_all_departments:
        return True
    return DepartmentMembership.objects.filter(
        user=user, department_id=ticket.department_id
    ).exists()


def can_work_department(user: User, department: Department) -> bool:
    return departments_for(user).filter(pk=department.pk).exists()


def may_write(user: User | None, ticket: Ticket) -> bool:
    """Who may add a message to the ticket, on the web, by mail, by phone or by the API.

    An agent who works it (a reply or a note); a customer who may see it: the requester,
    a participant, a colleague when his organization shares its tickets. Nobody else, and
    no deactivated account. A closed ticket takes customers' messages too: within the
    reopen window they reopen it, past it they open a new ticket linked to it.
    """
    if user is None or not (user.is_authenticated and user.is_active):
        return False
    if user.is_agent:
        return can_work(user, ticket)
    return can_see(user, ticket)


def may_add_participants(user: User | None, ticket: Ticket) -> bool:
    """People copied on a mail join the ticket only when the requester or an agent who
    works it copied them (MAIL.md rule 9): a colleague or a participant brings nobody in."""
    if user is None or not user.is_active:
        return False
    if user.is_agent:
        return can_work(user, ticket)
    return user.pk == ticket.requester_id


def may_close(user: User, ticket: Ticket) -> bool:
    """An agent who works the ticket closes it; a customer who sees it says it is solved."""
    if user.is_agent:
        return can_work(user, ticket)
    return can_see(user, ticket)


def reopen_window_open(ticket: Ticket, now: datetime | None = None) -> bool:
    """A closed ticket may be reopened by its customer for TICKET_REOPEN_DAYS days."""
    if ticket.status != Status.CLOSED:
        return True
    now = now or timezone.now()
    return ticket.closed_at is None or (
        now - ticket.closed_at <= timedelta(days=settings.TICKET_REOPEN_DAYS)
    )


def may_reopen(user: User, ticket: Ticket) -> bool:
    """An agent who works the ticket reopens it at any time; a customer who sees it, within
    the reopen window."""
    if user.is_agent:
        return can_work(user, ticket)
    return can_see(user, ticket) and reopen_window_open(ticket)


def may_rate(user: User, ticket: Ticket, *, via_link: bool = False) -> bool:
    """Customers rate the answer (W4), agents never: through the ticket page whoever sees
    it, through the signed link of the solved-ticket mail only its requester, to whom
    that mail went. When the ticket can be rated is `services.rating_open()`."""
    if user.is_agent or not user.is_active:
        return False
    if via_link:
        return user.pk == ticket.requester_id
    return can_see(user, ticket)


def messages_for(user: User, ticket: Ticket) -> QuerySet[Message]:
    """The ticket's messages the user may read: customers never see internal ones (R16)."""
    messages = Message.objects.filter(ticket=ticket)
    if not user.is_agent:
        messages = messages.exclude(kind__in=INTERNAL_KINDS)
    return messages


def attachment_for(user: User, pk: int) -> Attachment:
    """An attachment of a message the user may read; 404 otherwise."""
    attachments = Attachment.objects.select_related("message").filter(
        pk=pk, message__ticket__in=tickets_for(user)
    )
    if not user.is_agent:
        attachments = attachments.exclude(message__kind__in=INTERNAL_KINDS)
    attachment = attachments.first()
    if attachment is None:
        raise Http404
    return attachment
