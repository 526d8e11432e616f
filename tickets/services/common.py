"""Pieces the ticket and message services share: locking, numbering, storing files."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from helpdesk.errors import ActionNotAllowed, NotPermitted
from tickets import access, held_uploads
from tickets.models import Attachment, Message, Ticket, TicketCounter
from tickets.uploads import NewAttachment

TICKET_SEQUENCE = "ticket"
FIRST_TICKET_NUMBER = 1001


def ticket_lock(ticket: Ticket) -> None:
    """Reloads the ticket under a row lock, so two people changing it cannot lose an update."""
    ticket.refresh_from_db(from_queryset=Ticket.objects.select_for_update())


def ticket_number_next() -> int:
    """Allocates the next ticket number; concurrent callers wait on the counter's row lock.

    Runs inside the caller's transaction, so a rolled-back ticket gives its number back.
    """
    counter = TicketCounter.objects.filter(name=TICKET_SEQUENCE)
    if not counter.update(value=F("value") + 1):
        TicketCounter.objects.get_or_create(
            name=TICKET_SEQUENCE, defaults={"value": FIRST_TICKET_NUMBER - 1}
        )
        counter.update(value=F("value") + 1)
    return counter.values_list("value", flat=True).get()


@dataclass(frozen=True)
class MailThreading:
    """What the mail gateway knows of a mail beyond its content (MAIL.md, docs/mail-trust.md).

    `message_id`, `in_reply_to`, `references`: its threading headers, stored on the message
    so that the next mail in the thread finds the ticket. `sender_verified=False`: no proof
    that the sender wrote it (matched by the subject tag alone), shown to agents.
    `automatic`: an auto-reply, out-of-office, bulk or bounce-like mail, which reopens
    nothing and (opening a ticket) is acknowledged to nobody.
    """

    message_id: str = ""
    in_reply_to: str = ""
    references: str = ""
    sender_verified: bool = True
    automatic: bool = False


# A message that did not come by mail: nothing to thread, nothing to doubt.
NOT_MAIL = MailThreading()


def message_create(
    *,
    ticket: Ticket,
    author: User | None,
    kind: str,
    channel: str,
    body_text: str,
    body_html: str = "",
    created_at: datetime,
    attachments: Iterable[NewAttachment] = (),
    mail: MailThreading = NOT_MAIL,
    time_spent: int | None = None,
) -> Message:
    message = Message.objects.create(
        ticket=ticket,
        author=author,
        kind=kind,
        channel=channel,
        body_text=body_text,
        body_html=body_html,
        message_id=mail.message_id,
        in_reply_to=mail.in_reply_to,
        references=mail.references,
        sender_verified=mail.sender_verified,
        time_spent=time_spent,
        created_at=created_at,
    )
    for new in attachments:
        attachment_store(message=message, new=new)
    return message


def attachment_store(*, message: Message, new: NewAttachment) -> Attachment:
    attachment = Attachment(
        message=message,
        filename=new.filename,
        content_type=new.content_type,
        size=new.size,
        sha256=new.sha256,
        content_id=new.content_id,
        created_at=message.created_at,
    )
    new.content.seek(0)
    attachment.file.save(new.filename, File(new.content), save=False)
    attachment.save()
    if new.held_path:
        path = new.held_path
        transaction.on_commit(lambda: held_uploads.release(path))
    return attachment


def require_content(body_text: str, body_html: str, attachments: list) -> None:
    if not (body_text or "").strip() and not (body_html or "").strip() and not attachments:
        raise ActionNotAllowed(_("The message is empty."))


# One working week: more in one reply or note is a typing mistake (issue 11).
TIME_SPENT_MAX = 7 * 24 * 60


def time_spent_check(minutes: int | None) -> int | None:
    """The minutes an agent says a reply or note took: none, or 1 to TIME_SPENT_MAX."""
    if minutes is None or minutes == 0:
        return None
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ActionNotAllowed(_("Time spent is a whole number of minutes."))
    if not 0 < minutes <= TIME_SPENT_MAX:
        raise ActionNotAllowed(
            _("Time spent is between 1 and %(max)d minutes.") % {"max": TIME_SPENT_MAX}
        )
    return minutes


def require_agent_access(actor: User, ticket: Ticket) -> None:
    if not access.can_work(actor, ticket):
        raise NotPermitted()


def require_not_closed(ticket: Ticket) -> None:
    if ticket.is_closed:
        raise ActionNotAllowed(
            _("This ticket is closed and can no longer be changed; reopen it first.")
        )


def require_not_merged(ticket: Ticket) -> None:
    if ticket.merged_into_id is not None:
        target = Ticket.objects.only("number").get(pk=ticket.merged_into_id)
        raise ActionNotAllowed(
            _("Ticket #%(number)s was merged into #%(target)s; work there.")
            % {"number": ticket.number, "target": target.number}
        )
