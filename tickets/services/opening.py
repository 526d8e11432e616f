"""Opening a ticket, one entry point per channel around one private core (issue 16).

- `ticket_open_web`: a customer opens a ticket for himself in the portal (P2); the
  department follows the category unless given.
- `ticket_open_phone`: an agent opens one for a customer who called or came by, in a
  department he works; an address without an account becomes a new customer.
- `ticket_open_mail`: the mail gateway opens one from a mail (MAIL.md), with the mail's
  threading headers and trust (`MailThreading`); the actor is the sender, or the agent who
  accepted the mail from the rejected-mail page.
- `ticket_open_api`: through the API (issue 13, W1): a customer for himself, as on the
  web; an agent for a customer by address, as by phone.
- `ticket_open_follow_up`: a customer wrote into a ticket closed past the reopen window:
  his message opens a new ticket linked to it (P4), by whichever channel it came.

The core checks who opens for whom, stores the ticket with its first message, writes the
audit event and tells people, all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, Service, User, normalize_email
from accounts.services import customer_create
from helpdesk.errors import ActionNotAllowed, NotPermitted
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
    NOT_MAIL,
    MailThreading,
    message_create,
    require_content,
    ticket_number_next,
)
from tickets.services.events import event_record, person_ref
from tickets.uploads import NewAttachment

SUBJECT_MAX = 255


@transaction.atomic
def ticket_open_web(
    *,
    actor: User,
    subject: str,
    body_text: str,
    category: Category | None = None,
    department: Department | None = None,
    service: Service | None = None,
    attachments: Iterable[NewAttachment] = (),
) -> Ticket:
    """A customer opens a ticket for himself in the portal (P2)."""
    return _ticket_open(
        actor=actor,
        requester=actor,
        channel=Channel.WEB,
        department=department or _category_department(category),
        subject=subject,
        body_text=body_text,
        attachments=attachments,
        category=category,
        service=service,
    )


@transaction.atomic
def ticket_open_phone(
    *,
    actor: User,
    customer_email: str,
    department: Department,
    subject: str,
    body_text: str,
    customer_name: str = "",
    organization: Organization | None = None,
    priority: Priority = Priority.NORMAL,
    attachments: Iterable[NewAttachment] = (),
) -> Ticket:
    """An agent opens a ticket for the customer with this address, creating his account if
    new. The name and organization only apply to a new account; an existing one is left as
    it is. Nothing is kept if the ticket cannot be opened."""
    if not actor.is_agent:
        raise NotPermitted()
    customer = User.objects.filter(email=normalize_email(customer_email)).first()
    if customer is None:
        customer = customer_create(
            actor=actor, email=customer_email, name=customer_name, organization=organization
        )
    elif not customer.is_customer:
        raise NotPermitted(_("Tickets are opened for customers."))
    return _ticket_open(
        actor=actor,
        requester=customer,
        channel=Channel.PHONE,
        department=department,
        subject=subject,
        body_text=body_text,
        attachments=attachments,
        priority=priority,
    )


@transaction.atomic
def ticket_open_api(
    *,
    actor: User,
    subject: str,
    body_text: str,
    department: Department | None = None,
    category: Category | None = None,
    service: Service | None = None,
    customer_email: str = "",
    customer_name: str = "",
    priority: Priority = Priority.NORMAL,
    attachments: Iterable[NewAttachment] = (),
) -> Ticket:
    """A ticket opened through the API (W1). A customer opens it for himself (the
    department follows the category unless given, as on the web); an agent names the
    customer by address, whose account is made if new (as by phone), and may set the
    priority. Nothing is kept if the ticket cannot be opened."""
    if actor.is_agent:
        if department is None:
            department = _category_department(category)
        customer = User.objects.filter(email=normalize_email(customer_email)).first()
        if customer is None:
            customer = customer_create(actor=actor, email=customer_email, name=customer_name)
        requester = customer
    else:
        requester = actor
        department = department or _category_department(category)
        priority = Priority.NORMAL
    return _ticket_open(
        actor=actor,
        requester=requester,
        channel=Channel.API,
        department=department,
        subject=subject,
        body_text=body_text,
        attachments=attachments,
        category=category,
        service=service,
        priority=priority,
    )


@transaction.atomic
def ticket_open_mail(
    *,
    actor: User,
    requester: User,
    department: Department,
    subject: str,
    body_text: str,
    body_html: str = "",
    attachments: Iterable[NewAttachment] = (),
    mail: MailThreading = NOT_MAIL,
    linked_ticket: Ticket | None = None,
) -> Ticket:
    """The mail gateway opens a ticket from a mail, in the department of the address it
    went to. `linked_ticket`: the ticket a stranger's mail pointed at (MAIL.md rule 9).
    An automatic mail (`mail.automatic`) is stored, but nobody is mailed about it."""
    return _ticket_open(
        actor=actor,
        requester=requester,
        channel=Channel.EMAIL,
        department=department,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachments=attachments,
        mail=mail,
        linked_ticket=linked_ticket,
    )


def ticket_open_follow_up(
    *,
    actor: User,
    ticket: Ticket,
    channel: Channel,
    body_text: str,
    body_html: str = "",
    attachments: Iterable[NewAttachment] = (),
    mail: MailThreading = NOT_MAIL,
) -> Ticket:
    """A customer's message to a ticket closed past the reopen window opens a new ticket
    with its subject, department, category and product, linked to it (P4)."""
    return _ticket_open(
        actor=actor,
        requester=actor,
        channel=channel,
        department=ticket.department,
        subject=ticket.subject,
        body_text=body_text,
        body_html=body_html,
        attachments=attachments,
        category=ticket.category,
        service=ticket.service,
        mail=mail,
        linked_ticket=ticket,
    )


def _category_department(category: Category | None) -> Department:
    if category is None:
        raise ActionNotAllowed(_("Choose a category or a department."))
    return category.default_department


def _clean_subject(subject: str) -> str:
    subject = " ".join((subject or "").split())
    return subject[:SUBJECT_MAX] or _("(no subject)")


def _check_opener(actor: User, requester: User, department: Department) -> None:
    """Customers open tickets for themselves; an agent opens them for a customer, in a
    department he works."""
    if actor.is_agent:
        if requester.is_agent:
            raise NotPermitted(_("Tickets are opened for customers."))
    elif requester.pk != actor.pk:
        raise NotPermitted()
    if not requester.is_active:
        raise NotPermitted(_("This account is deactivated."))
    if not department.is_active:
        raise ActionNotAllowed(_("This department does not accept new tickets."))
    if actor.is_agent and not access.can_work_department(actor, department):
        raise NotPermitted(_("You do not work in this department."))


def _check_service(service: Service | None, requester: User) -> None:
    if service is None:
        return
    owns = service.customer_id == requester.pk or (
        service.organization_id is not None and service.organization_id == requester.organization_id
    )
    if not owns:
        raise NotPermitted(_("This product or service does not belong to the requester."))


def _ticket_open(
    *,
    actor: User,
    requester: User,
    channel: Channel,
    department: Department,
    subject: str,
    body_text: str,
    body_html: str = "",
    attachments: Iterable[NewAttachment] = (),
    category: Category | None = None,
    service: Service | None = None,
    priority: Priority = Priority.NORMAL,
    mail: MailThreading = NOT_MAIL,
    linked_ticket: Ticket | None = None,
) -> Ticket:
    """The shared core: checks, the ticket and its first message, the audit event."""
    _check_opener(actor, requester, department)
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
        attachments=attachments,
        created_at=now,
        mail=mail,
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
            "automatic": mail.automatic,
        },
        message=message,
    )
    return ticket
