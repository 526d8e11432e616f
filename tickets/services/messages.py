"""Adding to a ticket's conversation: customers' messages, agents' replies and notes.

A customer's message has one entry point per channel around one core: `message_add_web`
(the portal), `message_add_api` (the API) and `message_add_mail` (the mail gateway, with
the mail's threading headers and trust as a `MailThreading`). Agents write with
`reply_add` and `note_add`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from helpdesk.errors import ActionNotAllowed, NotPermitted
from tickets import access
from tickets.mail import message_id_new
from tickets.models import (
    Channel,
    EventVerb,
    Message,
    MessageKind,
    Status,
    Ticket,
    TicketParticipant,
)
from tickets.selectors.common import merge_target
from tickets.services.common import (
    NOT_MAIL,
    MailThreading,
    message_create,
    require_agent_access,
    require_content,
    require_not_closed,
    require_not_merged,
    ticket_lock,
    time_spent_check,
)
from tickets.services.events import event_record, person_ref
from tickets.services.opening import ticket_open_follow_up
from tickets.services.tickets import status_change
from tickets.uploads import NewAttachment

# What an agent may set while sending a reply ("send and set status").
REPLY_STATUSES = (Status.OPEN, Status.PENDING, Status.SOLVED)


@transaction.atomic
def message_add_web(
    *,
    actor: User,
    ticket: Ticket,
    body_text: str,
    attachments: Iterable[NewAttachment] = (),
) -> Message:
    """A customer writes into a ticket in the portal (P4)."""
    return _customer_message(
        actor=actor,
        ticket=ticket,
        channel=Channel.WEB,
        body_text=body_text,
        attachments=attachments,
    )


@transaction.atomic
def message_add_api(
    *,
    actor: User,
    ticket: Ticket,
    body_text: str,
    attachments: Iterable[NewAttachment] = (),
) -> Message:
    """A customer writes into a ticket through the API (issue 13, W1): as in the portal."""
    return _customer_message(
        actor=actor,
        ticket=ticket,
        channel=Channel.API,
        body_text=body_text,
        attachments=attachments,
    )


@transaction.atomic
def message_add_mail(
    *,
    actor: User,
    ticket: Ticket,
    body_text: str,
    body_html: str = "",
    attachments: Iterable[NewAttachment] = (),
    mail: MailThreading = NOT_MAIL,
) -> Message:
    """A customer's mail continues a ticket (MAIL.md rule 9).

    An automatic mail (`mail.automatic`: an auto-reply or out-of-office the gateway
    recognised) adds the message and changes nothing else: no reopening, no status, no
    waiting clock. `mail.sender_verified=False`: matched by the subject tag alone, shown
    to agents as from an unverified sender (docs/mail-trust.md).
    """
    return _customer_message(
        actor=actor,
        ticket=ticket,
        channel=Channel.EMAIL,
        body_text=body_text,
        body_html=body_html,
        attachments=attachments,
        mail=mail,
    )


def _customer_message(
    *,
    actor: User,
    ticket: Ticket,
    channel: Channel,
    body_text: str,
    body_html: str = "",
    attachments: Iterable[NewAttachment] = (),
    mail: MailThreading = NOT_MAIL,
) -> Message:
    """The shared core of a customer's message, whatever the channel.

    Who may write is `access.may_write()`. Pending goes back to open; a solved ticket
    reopens, a closed one too within the reopen window. Past the window the message opens
    a new ticket that links to the old one; the returned message then belongs to it. A
    message to a merged ticket goes to the ticket it was merged into (issue 11).
    """
    attachments = list(attachments)
    require_content(body_text, body_html, attachments)
    if actor.is_agent:
        raise NotPermitted(_("Agents answer with a reply or an internal note."))
    ticket = merge_target(ticket)
    ticket_lock(ticket)
    if not access.may_write(actor, ticket):
        raise NotPermitted()
    automatic = mail.automatic
    if automatic:
        require_not_closed(ticket)
    elif not access.reopen_window_open(ticket):
        follow_up = ticket_open_follow_up(
            actor=actor,
            ticket=ticket,
            channel=channel,
            body_text=body_text,
            body_html=body_html,
            attachments=attachments,
            mail=mail,
        )
        return follow_up.messages.get()

    now = timezone.now()
    message = message_create(
        ticket=ticket,
        author=actor,
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
        verb=EventVerb.MESSAGE_ADDED,
        after={"automatic": automatic},
        message=message,
    )
    if automatic:
        ticket.updated_at = now
        ticket.save(update_fields=["updated_at"])
        return message
    if ticket.status in (Status.SOLVED, Status.CLOSED):
        status_change(actor=actor, ticket=ticket, status=Status.OPEN, verb=EventVerb.REOPENED)
    elif ticket.status == Status.PENDING:
        status_change(actor=actor, ticket=ticket, status=Status.OPEN, verb=EventVerb.STATUS_CHANGED)
    ticket.last_customer_activity_at = now
    ticket.waiting_since = ticket.waiting_since or now
    ticket.updated_at = now
    ticket.save(update_fields=["last_customer_activity_at", "waiting_since", "updated_at"])
    return message


@transaction.atomic
def reply_add(
    *,
    actor: User,
    ticket: Ticket,
    body_text: str,
    body_html: str = "",
    attachments: Iterable[NewAttachment] = (),
    status: Status | None = None,
    channel: Channel = Channel.WEB,
    time_spent: int | None = None,
) -> Message:
    """An agent answers the customer (R6, R8); optionally sets open, pending or solved.

    `time_spent`: the minutes the agent says the answer took (issue 11), summed per ticket.

    The first reply moves a new ticket to open; an unassigned ticket goes to the agent
    who answers it. The reply gets its signed Message-ID here, so that the mail carrying
    it (composed after the commit, docs/events.md) and the answers to it thread; its
    event says the status the reply leaves, which decides the mail's rating links.
    """
    attachments = list(attachments)
    require_content(body_text, body_html, attachments)
    time_spent = time_spent_check(time_spent)
    ticket_lock(ticket)
    require_agent_access(actor, ticket)
    require_not_merged(ticket)
    require_not_closed(ticket)
    if status is not None and status not in REPLY_STATUSES:
        raise ActionNotAllowed(_("A reply can set the ticket open, pending or solved."))

    now = timezone.now()
    new_status = status or (Status.OPEN if ticket.status == Status.NEW else ticket.status)
    message = message_create(
        ticket=ticket,
        author=actor,
        kind=MessageKind.AGENT,
        channel=channel,
        body_text=body_text,
        body_html=body_html,
        attachments=attachments,
        created_at=now,
        mail=MailThreading(message_id=message_id_new(ticket.number)),
        time_spent=time_spent,
    )
    event_record(
        ticket=ticket,
        actor=actor,
        verb=EventVerb.REPLIED,
        after={"status": new_status},
        message=message,
    )
    if ticket.assignee_id is None:
        ticket.assignee = actor
        event_record(
            ticket=ticket,
            actor=actor,
            verb=EventVerb.ASSIGNED,
            before=person_ref(None),
            after=person_ref(actor),
        )
    if new_status != ticket.status:
        verb = EventVerb.STATUS_CHANGED
        if ticket.status == Status.SOLVED and new_status != Status.SOLVED:
            verb = EventVerb.REOPENED
        status_change(
            actor=actor, ticket=ticket, status=Status(new_status), verb=verb, with_reply=True
        )
    ticket.first_response_at = ticket.first_response_at or now
    ticket.last_agent_activity_at = now
    ticket.waiting_since = None
    ticket.updated_at = now
    ticket.save(
        update_fields=[
            "assignee",
            "first_response_at",
            "last_agent_activity_at",
            "waiting_since",
            "updated_at",
        ]
    )
    return message


@transaction.atomic
def note_add(
    *,
    actor: User | None,
    ticket: Ticket,
    body_text: str,
    attachments: Iterable[NewAttachment] = (),
    channel: Channel = Channel.WEB,
    message_id: str = "",
    sender_verified: bool = True,
    unverified_agent: User | None = None,
    time_spent: int | None = None,
) -> Message:
    """An internal note (R16): agents only, never shown or mailed to the customer.

    Notes are allowed on closed tickets too: they change nothing the customer sees.
    `actor=None` is the helpdesk itself: the mail gateway filing a bounce, a read receipt
    or an automatic reply to a closed ticket (MAIL.md), with `channel` e-mail; or mail
    from an agent's address without proof that he wrote it (`unverified_agent`, who is
    told of it; docs/mail-trust.md rule 4): the note is then marked unverified.
    `time_spent`: the minutes the agent says the work took (issue 11).
    """
    attachments = list(attachments)
    require_content(body_text, "", attachments)
    time_spent = time_spent_check(time_spent)
    ticket_lock(ticket)
    if actor is not None:
        require_agent_access(actor, ticket)
    message = message_create(
        ticket=ticket,
        author=actor,
        kind=MessageKind.NOTE,
        channel=channel,
        body_text=body_text,
        attachments=attachments,
        created_at=timezone.now(),
        mail=MailThreading(
            message_id=message_id,
            sender_verified=sender_verified and unverified_agent is None,
        ),
        time_spent=time_spent,
    )
    event_record(
        ticket=ticket,
        actor=actor,
        verb=EventVerb.NOTE_ADDED,
        after={"unverified_agent": person_ref(unverified_agent)} if unverified_agent else {},
        message=message,
    )
    ticket.updated_at = message.created_at
    ticket.save(update_fields=["updated_at"])
    return message


PARTICIPANTS_MAX = 20


@transaction.atomic
def participants_add(*, actor: User | None, ticket: Ticket, users: Iterable[User]) -> list[User]:
    """People the requester or an agent copied join the ticket (MAIL.md rule 9), up to a cap.

    `actor` is the requester or an agent with access, or None for the helpdesk acting on
    their mail. Agents, the requester and inactive accounts are never added. Returns the
    people added.
    """
    ticket_lock(ticket)
    if actor is not None and not access.may_add_participants(actor, ticket):
        raise NotPermitted()
    present = set(ticket.participant_links.values_list("user_id", flat=True))
    room = PARTICIPANTS_MAX - len(present)
    added = []
    for user in users:
        if room <= 0:
            break
        if user.pk in present or user.pk == ticket.requester_id or user.is_agent:
            continue
        if not user.is_active:
            continue
        TicketParticipant.objects.create(ticket=ticket, user=user, added_by=actor)
        event_record(
            ticket=ticket,
            actor=actor,
            verb=EventVerb.PARTICIPANT_ADDED,
            after={"participant": person_ref(user)},
        )
        present.add(user.pk)
        added.append(user)
        room -= 1
    return added
