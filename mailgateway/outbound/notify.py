"""Who is mailed when something happens to a ticket (P6, R6, issue 6).

Each ticket notification is an after-commit subscriber of the event stream (tickets/events.py,
docs/events.md), registered when the mail gateway's app is ready: it runs in a Celery task
once the service's change is committed, composes the mail in the recipient's language
and posts it to the outbox, exactly once (the outbox row commits with the event's
delivery). The subscribers' names are stored with pending deliveries: keep them stable.
The notices to senders of mail we did not file are called by the inbound pipeline.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone

from accounts.models import DepartmentMembership, Role, User
from mailgateway.outbound import compose, mailer
from mailgateway.outbound.models import OutboundMail
from tickets import events
from tickets.models import Department, EventVerb, RatingScore, Status, Ticket, TicketEvent
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


@events.subscribe(EventVerb.OPENED, phase=events.AFTER_COMMIT, name="mail.ticket_opened")
def ticket_opened(event: TicketEvent) -> None:
    """Acknowledge the requester (P6); tell the department's agents. Mail from an automatic
    sender gets no acknowledgement and no one is told (MAIL.md, loops rule 5). A ticket an
    agent split off (`split_from`, R14) is no new request of the customer's: his first
    news of it is the agent's reply; the agents are told as of any new ticket."""
    ticket, first = event.ticket, event.message
    if event.after.get("automatic") or first is None:
        return
    if ticket.requester.is_active and not event.after.get("split_from"):
        mailer.post(compose.acknowledgement(ticket, first))
    for agent in _department_agents(ticket):
        if agent.pk != event.actor_id:
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


@events.subscribe(EventVerb.REPLIED, phase=events.AFTER_COMMIT, name="mail.reply_added")
def reply_added(event: TicketEvent) -> None:
    """An agent's public answer goes to the requester, participants in Cc (R6), under the
    Message-ID the reply got in its service; when the answer solved the ticket, it carries
    the one-click rating links (W4)."""
    if event.message is None:
        return
    ticket = event.ticket
    requester, participants = _customers(ticket)
    solved = event.after.get("status") == Status.SOLVED
    rating = _rating_links(ticket) if solved else {}
    mailer.post(compose.reply(event.message, to=requester, cc=participants, rating=rating))


@events.subscribe(EventVerb.MESSAGE_ADDED, phase=events.AFTER_COMMIT, name="mail.customer_wrote")
def customer_wrote(event: TicketEvent) -> None:
    """The assignee hears that his customer answered (also of an automatic reply, MAIL.md)."""
    assignee = event.ticket.assignee
    if event.message and assignee and assignee.is_active and assignee.notify_customer_reply:
        mailer.post(
            compose.agent_notification(
                compose.Kind.AGENT_CUSTOMER_REPLY, event.ticket, assignee, message=event.message
            )
        )


@events.subscribe(EventVerb.ASSIGNED, phase=events.AFTER_COMMIT, name="mail.ticket_assigned")
def ticket_assigned(event: TicketEvent) -> None:
    """The new assignee hears of it, unless he took the ticket himself."""
    assignee_id = event.after.get("id")
    if assignee_id is None or assignee_id == event.actor_id:
        return
    assignee = User.objects.filter(pk=assignee_id, is_active=True, notify_assigned=True).first()
    if assignee is not None:
        mailer.post(compose.agent_notification(compose.Kind.AGENT_ASSIGNED, event.ticket, assignee))


@events.subscribe(EventVerb.STATUS_CHANGED, phase=events.AFTER_COMMIT, name="mail.ticket_solved")
def ticket_solved(event: TicketEvent) -> None:
    """Solved without an answer: the customer hears it and may rate (W4). A reply that
    solves the ticket says so in its own mail (`reply_added`)."""
    if event.after.get("status") != Status.SOLVED or event.before.get("with_reply"):
        return
    ticket = event.ticket
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


@events.subscribe(EventVerb.NOTE_ADDED, phase=events.AFTER_COMMIT, name="mail.agent_unverified")
def agent_unverified(event: TicketEvent) -> None:
    """Mail from an agent's address without proof was filed as a note: the real agent hears
    of it (docs/mail-trust.md rule 4). Automatic mail, rate-limited by the outbox."""
    named = event.after.get("unverified_agent")
    if not named or event.message is None:
        return
    agent = User.objects.filter(pk=named["id"], is_active=True).first()
    if agent is not None:
        mailer.post(
            compose.agent_notification(
                compose.Kind.AGENT_UNVERIFIED, event.ticket, agent, message=event.message
            )
        )
