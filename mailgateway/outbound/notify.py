"""Who is mailed when something happens to a ticket (P6, R6, issue 6).

The services call these inside their transaction; each composes the mail in the
recipient's language and posts it to the outbox.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone

from accounts.models import DepartmentMembership, Role, User
from mailgateway.outbound import compose, mailer
from mailgateway.outbound.models import OutboundMail
from tickets.models import Department, Message, RatingScore, Status, Ticket
from tickets.rating_links import rating_url

logger = logging.getLogger(__name__)


def _customers(ticket: Ticket) -> tuple[User, list[User]]:
    """The requester, and the participants who are customers and active (for Cc)."""
    participants = [
        user
        for user in ticket.participants.filter(is_active=True, role=Role.CUSTOMER)
        if user.pk != ticket.requester_id
    ]
    return ticket.requester, participants


def _department_agents(ticket: Ticket) -> list[User]:
    member_ids = DepartmentMembership.objects.filter(department=ticket.department_id).values(
        "user_id"
    )
    return list(
        User.objects.filter(
            pk__in=member_ids,
            is_active=True,
            notify_new_ticket=True,
            role__in=[Role.AGENT, Role.MANAGER],
        )
    )


def ticket_opened(ticket: Ticket, *, actor: User, first: Message, automatic: bool = False) -> None:
    """Acknowledge the requester (P6); tell the department's agents. Mail from an automatic
    sender gets no acknowledgement and no one is told (MAIL.md, loops rule 5)."""
    if automatic:
        return
    if ticket.requester.is_active:
        mailer.post(compose.acknowledgement(ticket, first))
    for agent in _department_agents(ticket):
        if agent.pk != actor.pk:
            mailer.post(
                compose.agent_notification(
                    compose.Kind.AGENT_NEW_TICKET, ticket, agent, message=first
                )
            )


def _rating_links(ticket: Ticket) -> dict[str, str]:
    return {
        "rate_good_url": rating_url(ticket, RatingScore.GOOD),
        "rate_bad_url": rating_url(ticket, RatingScore.BAD),
    }


def reply_added(message: Message) -> str:
    """An agent's public answer goes to the requester, participants in Cc (R6); when the
    answer solves the ticket, it carries the one-click rating links (W4). Returns the
    mail's Message-ID, which the message keeps so that answers to it thread."""
    ticket = message.ticket
    requester, participants = _customers(ticket)
    rating = _rating_links(ticket) if ticket.status == Status.SOLVED else {}
    draft = compose.reply(message, to=requester, cc=participants, rating=rating)
    mailer.post(draft)
    return draft.message_id


def customer_wrote(message: Message) -> None:
    """The assignee hears that his customer answered."""
    assignee = message.ticket.assignee
    if assignee and assignee.is_active and assignee.notify_customer_reply:
        mailer.post(
            compose.agent_notification(
                compose.Kind.AGENT_CUSTOMER_REPLY, message.ticket, assignee, message=message
            )
        )


def ticket_assigned(ticket: Ticket, *, actor: User | None) -> None:
    assignee = ticket.assignee
    by_other = actor is None or assignee is None or assignee.pk != actor.pk
    if assignee and by_other and assignee.is_active and assignee.notify_assigned:
        mailer.post(compose.agent_notification(compose.Kind.AGENT_ASSIGNED, ticket, assignee))


def ticket_solved(ticket: Ticket) -> None:
    """Solved without an answer: the customer hears it and may rate (W4)."""
    if ticket.requester.is_active:
        mailer.post(compose.solved(ticket, **_rating_links(ticket)))


def _sent_within_a_day(kind: str, address: str) -> bool:
    since = timezone.now() - timedelta(days=1)
    return OutboundMail.objects.filter(
        kind=kind, rate_address=address.lower(), created_at__gt=since
    ).exists()


def sender_rejected(
    *, address: str, name: str, subject: str, message_id: str, department: Department
) -> None:
    """The polite reply to a sender a department does not accept: one a day per address."""
    if address and not _sent_within_a_day(compose.Kind.REJECTED, address):
        mailer.post(
            compose.rejected(
                address=address,
                name=name,
                subject=subject,
                in_reply_to=message_id,
                department=department,
            )
        )


def sender_oversize(
    *,
    address: str,
    name: str,
    subject: str,
    message_id: str,
    department: Department | None,
    language: str,
) -> None:
    """The notice to the sender of a mail too large to file: one a day per address."""
    if address and not _sent_within_a_day(compose.Kind.OVERSIZE, address):
        mailer.post(
            compose.oversize(
                address=address,
                name=name,
                subject=subject,
                in_reply_to=message_id,
                department=department,
                language=language,
            )
        )


def agent_unverified(note: Message, agent: User) -> None:
    """Mail from an agent's address without proof was filed as a note: the real agent hears
    of it (docs/mail-trust.md rule 4). Automatic mail, rate-limited by the outbox."""
    if agent.is_active:
        mailer.post(
            compose.agent_notification(
                compose.Kind.AGENT_UNVERIFIED, note.ticket, agent, message=note
            )
        )
