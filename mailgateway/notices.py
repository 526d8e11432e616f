"""What the inbound half tells people about mail it did not put on a ticket.

The sender of mail a department refuses, or of mail too large to file, gets one notice a
day; the administrators hear of every quarantined mail and of a mailbox that keeps
failing (MAIL.md rules 5, 7 and 9). The pipeline calls these where it decides, inside
its processing transaction, so the outbox row commits with the inbound mail's status.
What happens to tickets is told by the event stream instead (tickets/events.py).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import mail_admins

from accounts.models import User
from mailgateway.addresses import is_ours, our_addresses
from mailgateway.classify import AUTOMATIC, DAEMON_SENDERS, Classification, has_null_return_path
from mailgateway.models import InboundMail, Mailbox
from mailgateway.outbound import notify
from mailgateway.parse import ParsedMail
from tickets.models import Department

logger = logging.getLogger("mailgateway")


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
