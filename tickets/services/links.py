"""Split and merge (issue 11, R14): a message becomes its own ticket; two tickets become one.

- `ticket_split`: a customer's message is copied, with copies of its files, into a new
  ticket of the same requester in the department the agent picks. The message stays in
  the old conversation, marked as split (`Message.split_to`), and mail answering its
  Message-ID threads to the new ticket (mailgateway/route.py). The old ticket records
  `split`, the new one `opened` with `split_from` in its payload.
- `ticket_merge`: the messages of the source move to the target, where they take their
  place in time order; the source's requester and participants join the target; the
  source is closed and points at the target (`Ticket.merged_into`), which mail to the
  source (subject tag, reply token, Message-IDs), the portal and the staff pages follow.
  The source records `merged` (and `closed`), the target `merged_from`.

Both refuse bad input with a translated message and change nothing.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from helpdesk.errors import ActionNotAllowed
from tickets.models import (
    Attachment,
    Department,
    EventVerb,
    Message,
    MessageKind,
    Status,
    Ticket,
)
from tickets.services.common import (
    require_agent_access,
    require_not_merged,
    ticket_lock,
    ticket_number_next,
)
from tickets.services.events import event_record, person_ref
from tickets.services.messages import participants_add
from tickets.services.tickets import status_change

SUBJECT_MAX = 255


# --- split ------------------------------------------------------------------------------


def _split_checks(ticket: Ticket, message: Message, department: Department) -> None:
    if message.ticket_id != ticket.pk:
        raise ActionNotAllowed(_("This message is not part of the ticket."))
    require_not_merged(ticket)
    if message.kind != MessageKind.CUSTOMER:
        raise ActionNotAllowed(_("Only a customer's message can be split into a new ticket."))
    if message.split_to_id is not None:
        raise ActionNotAllowed(_("This message was already split into a new ticket."))
    others = ticket.messages.filter(kind=MessageKind.CUSTOMER).exclude(pk=message.pk)
    if not others.exists():
        raise ActionNotAllowed(
            _(
                "This is the only message of the customer in the ticket: there is nothing "
                "to split it from. Move the ticket to another department instead."
            )
        )
    if not department.is_active:
        raise ActionNotAllowed(_("This department is not active."))


def _attachments_copy(source: Message, copy: Message) -> None:
    """Each file is copied under a new name: either ticket may lose its files without
    touching the other's."""
    for attachment in source.attachments.all():
        try:
            with attachment.file.open("rb") as handle:
                content = handle.read()
        except OSError:
            raise ActionNotAllowed(
                _("The file %(name)s of this message cannot be read, so it cannot be copied.")
                % {"name": attachment.filename}
            ) from None
        duplicate = Attachment(
            message=copy,
            filename=attachment.filename,
            content_type=attachment.content_type,
            size=attachment.size,
            sha256=attachment.sha256,
            content_id=attachment.content_id,
            created_at=attachment.created_at,
        )
        duplicate.file.save(attachment.filename, ContentFile(content), save=False)
        duplicate.save()


@transaction.atomic
def ticket_split(
    *,
    actor: User,
    ticket: Ticket,
    message: Message,
    department: Department,
    subject: str = "",
) -> Ticket:
    """A customer's message of the ticket becomes the first message of a new ticket (R14).

    The new ticket has the same requester (the message's author, when another customer
    wrote it, joins it as a participant), the category, product and priority of the old
    one, and the department the agent picks (any active one, as when moving a ticket).
    """
    ticket_lock(ticket)
    require_agent_access(actor, ticket)
    message = Message.objects.select_for_update().get(pk=message.pk)
    _split_checks(ticket, message, department)

    now = timezone.now()
    new = Ticket.objects.create(
        number=ticket_number_next(),
        subject=" ".join((subject or "").split())[:SUBJECT_MAX] or ticket.subject,
        department=department,
        category=ticket.category,
        requester=ticket.requester,
        organization=ticket.organization,
        service=ticket.service,
        priority=ticket.priority,
        channel=message.channel,
        status=Status.NEW,
        split_from=ticket,
        created_at=now,
        updated_at=now,
        last_customer_activity_at=message.created_at,
        waiting_since=now,
    )
    copy = Message.objects.create(
        ticket=new,
        author=message.author,
        kind=MessageKind.CUSTOMER,
        channel=message.channel,
        body_text=message.body_text,
        body_html=message.body_html,
        message_id=message.message_id,
        in_reply_to=message.in_reply_to,
        references=message.references,
        sender_verified=message.sender_verified,
        created_at=message.created_at,
    )
    _attachments_copy(message, copy)
    message.split_to = copy
    message.save(update_fields=["split_to"])
    event_record(
        ticket=new,
        actor=actor,
        verb=EventVerb.OPENED,
        after={
            "department": department.name,
            "channel": new.channel,
            "requester": person_ref(new.requester),
            "linked_ticket": None,
            "automatic": False,
            "split_from": ticket.number,
        },
        message=copy,
    )
    author = message.author
    if author is not None and author.pk != new.requester_id:
        participants_add(actor=actor, ticket=new, users=[author])
    event_record(
        ticket=ticket,
        actor=actor,
        verb=EventVerb.SPLIT,
        after={"ticket": new.number, "message": message.pk, "department": department.name},
    )
    ticket.updated_at = now
    ticket.save(update_fields=["updated_at"])
    return new


# --- merge ------------------------------------------------------------------------------


def organizations_differ(source: Ticket, target: Ticket) -> bool:
    """Two requesters, not of one organization: merging shows each the other's messages."""
    if source.requester_id == target.requester_id:
        return False
    return source.organization_id is None or source.organization_id != target.organization_id


def _merge_checks(actor: User, source: Ticket, target: Ticket, confirmed: bool) -> None:
    # Whoever may not work both learns nothing of them, not even that they were merged.
    require_agent_access(actor, source)
    require_agent_access(actor, target)
    if source.pk == target.pk:
        raise ActionNotAllowed(_("A ticket cannot be merged into itself."))
    if source.merged_into_id is not None:
        require_not_merged(source)
    if target.merged_into_id == source.pk:
        raise ActionNotAllowed(
            _("Ticket #%(target)s was merged into #%(source)s; it cannot take #%(source)s back.")
            % {"target": target.number, "source": source.number}
        )
    if target.merged_into_id is not None:
        require_not_merged(target)
    if target.is_closed:
        raise ActionNotAllowed(
            _("Ticket #%(number)s is closed; reopen it before merging into it.")
            % {"number": target.number}
        )
    if organizations_differ(source, target) and not confirmed:
        raise ActionNotAllowed(
            _(
                "Tickets #%(source)s and #%(target)s have requesters of different "
                "organizations, who would see each other's messages. Confirm to merge anyway."
            )
            % {"source": source.number, "target": target.number}
        )


@transaction.atomic
def ticket_merge(
    *, actor: User, source: Ticket, target: Ticket, confirm_organizations: bool = False
) -> Ticket:
    """Merges `source` into `target` and returns the target.

    Across requesters of different organizations only with `confirm_organizations`.
    """
    # Both rows locked, always in the same order, so two opposite merges cannot deadlock.
    for ticket in sorted((source, target), key=lambda t: t.pk):
        ticket_lock(ticket)
    _merge_checks(actor, source, target, confirm_organizations)

    now = timezone.now()
    count = Message.objects.filter(ticket=source).update(ticket=target)
    Ticket.objects.filter(merged_into=source).update(merged_into=target)
    waiting = source.waiting_since if source.is_open else None

    people = [source.requester, *source.participants.all()]
    participants_add(actor=actor, ticket=target, users=people)

    target.waiting_since = min(
        (t for t in (target.waiting_since, waiting) if t is not None), default=None
    )
    target.last_customer_activity_at = max(
        (
            t
            for t in (target.last_customer_activity_at, source.last_customer_activity_at)
            if t is not None
        ),
        default=None,
    )
    target.updated_at = now
    target.save(update_fields=["waiting_since", "last_customer_activity_at", "updated_at"])
    event_record(
        ticket=target,
        actor=actor,
        verb=EventVerb.MERGED_FROM,
        after={
            "ticket": source.number,
            "messages": count,
            "waiting": waiting.isoformat() if waiting else None,
        },
    )

    source.merged_into = target
    source.save(update_fields=["merged_into"])
    if not source.is_closed:
        status_change(actor=actor, ticket=source, status=Status.CLOSED, verb=EventVerb.CLOSED)
    event_record(
        ticket=source,
        actor=actor,
        verb=EventVerb.MERGED,
        after={"ticket": target.number, "messages": count},
    )
    return target
