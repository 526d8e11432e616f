"""Where the outbound half of the gateway plugs into inbound mail.

Each hook is called inside the processing transaction, after the decision is made: the
outbox rows it writes commit with the inbound mail's status (MAIL.md rules 5 and 8).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import mail_admins

from accounts.models import User
from mailgateway.addresses import is_ours, our_addresses
from mailgateway.classify import AUTOMATIC, DAEMON_SENDERS, Classification, has_null_return_path
from mailgateway.models import InboundMail, Mailbox
from mailgateway.outbound import notify, outbox
from mailgateway.parse import ParsedMail
from tickets.models import Department, Message, Ticket

logger = logging.getLogger("mailgateway")


def bounce_received(
    *,
    addresses: list[str],
    mail: InboundMail,
    returned_message_ids: Sequence[str] = (),
    outbound_ids: Sequence[int] = (),
    reason: str = "",
) -> None:
    """A delivery report proved to be about mail of ours: that mail is marked bounced, and
    those of its recipients that fail permanently (5.x.x) are suppressed for a while
    (MAIL.md loops 3, docs/mail-trust.md rule 8)."""
    if addresses:
        logger.info("bounce %s: permanent failure for %s", mail.pk, ", ".join(addresses))
    outbox.bounces_record(
        message_ids=list(returned_message_ids),
        outbound_ids=list(outbound_ids),
        addresses=addresses,
        reason=reason or "bounce",
    )


def agent_unverified(*, note: Message, agent: User) -> None:
    """Mail from an agent's address without proof became a note: the agent is told."""
    logger.warning(
        "unverified mail from agent %s on ticket %s filed as a note", agent.pk, note.ticket.number
    )
    notify.agent_unverified(note, agent)


def sender_rejected(
    *,
    mail: InboundMail,
    parsed: ParsedMail,
    kind: Classification,
    reason: str,
    department: Department,
) -> None:
    """A department accepts registered customers only and this sender is not one: he gets
    one polite reply a day, never when his mail was automatic or had a null return path."""
    logger.info("inbound mail %s rejected: %s", mail.pk, reason)
    if kind in AUTOMATIC or has_null_return_path(parsed, mail.envelope_sender):
        return
    notify.sender_rejected(
        address=parsed.from_email,
        name=parsed.from_name,
        subject=parsed.subject,
        message_id=parsed.message_id,
        department=department,
    )


def mail_too_large(
    *,
    mail: InboundMail,
    parsed: ParsedMail,
    kind: Classification,
    department: Department | None,
) -> None:
    """A mail kept in quarantine for its size: its sender gets one notice a day, never an
    automatic sender, a null return path or one of our own addresses (MAIL.md rule 9)."""
    address = parsed.from_email
    if (
        not address
        or kind in AUTOMATIC
        or has_null_return_path(parsed, mail.envelope_sender)
        or DAEMON_SENDERS.match(address)
        or is_ours(address, our_addresses())
    ):
        logger.info("inbound mail %s too large: no notice to %r", mail.pk, address)
        return
    person = User.objects.filter(email__iexact=address).first()
    notify.sender_oversize(
        address=address,
        name=parsed.from_name,
        subject=parsed.subject,
        message_id=parsed.message_id,
        department=department,
        language=person.language if person else settings.LANGUAGE_CODE,
    )


def automatic_mail_added(*, mail: InboundMail, ticket: Ticket) -> None:
    """An auto-reply or bulk mail was added to a ticket: notify only its assignee."""
    logger.info("automatic mail %s added to ticket %s", mail.pk, ticket.number)


def mail_quarantined(*, mail_id: int, reason: str) -> None:
    """Every quarantined mail alerts the administrators (MAIL.md rule 7)."""
    logger.error("inbound mail %s quarantined: %s", mail_id, reason)
    mail_admins(
        f"Inbound mail {mail_id} quarantined",
        f"The mail could not be processed and waits in quarantine:\n\n{reason}\n\n"
        "Reprocess it from the admin (Mail gateway > Inbound mail) or with "
        f"`manage.py reprocess_mail {mail_id}`.",
        fail_silently=True,
    )


def mailbox_failing(*, mailbox: Mailbox) -> None:
    """A mailbox has not connected for MAIL_MAILBOX_ALERT_MINUTES (MAIL.md rule 7)."""
    logger.error(
        "mailbox %s failing since %s: %s", mailbox, mailbox.failing_since, mailbox.last_error
    )
    mail_admins(
        f"Mailbox {mailbox} cannot be fetched",
        f"Failing since {mailbox.failing_since:%Y-%m-%d %H:%M %Z}.\n\n"
        f"Last error: {mailbox.last_error}",
        fail_silently=True,
    )
