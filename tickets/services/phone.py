"""An agent opens a ticket for a customer who called (or came by): channel phone."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organization, User, normalize_email
from accounts.services import customer_create
from helpdesk.errors import NotPermitted
from tickets.models import Channel, Department, Priority, Ticket
from tickets.services.tickets import ticket_open
from tickets.uploads import NewAttachment


@transaction.atomic
def ticket_open_for_customer(
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
    """Opens a ticket for the customer with this address, creating his account if new.

    The name and organization only apply to a new account; an existing one is left as it
    is. Nothing is kept if the ticket cannot be opened.
    """
    if not actor.is_agent:
        raise NotPermitted()
    customer = User.objects.filter(email=normalize_email(customer_email)).first()
    if customer is None:
        customer = customer_create(
            actor=actor, email=customer_email, name=customer_name, organization=organization
        )
    elif not customer.is_customer:
        raise NotPermitted(_("Tickets are opened for customers."))
    return ticket_open(
        actor=actor,
        requester=customer,
        subject=subject,
        body_text=body_text,
        channel=Channel.PHONE,
        department=department,
        priority=priority,
        attachments=attachments,
    )
