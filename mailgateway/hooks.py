"""Where the outbound half of the gateway plugs into inbound mail (the next issue).

Each hook is called inside the processing transaction, after the decision is made; today
they only log. The outbound issue replaces their bodies (or queues its mail from them with
`transaction.on_commit`): the suppression list, the polite reply to a rejected sender,
notifying the assignee of automatic mail, the alerts to administrators.
"""

from __future__ import annotations

import logging

from django.core.mail import mail_admins

from mailgateway.models import InboundMail, Mailbox
from tickets.models import Ticket

logger = logging.getLogger("mailgateway")


def bounce_received(*, addresses: list[str], ticket: Ticket | None, mail: InboundMail) -> None:
    """A delivery report said these addresses fail permanently (5.x.x): MAIL.md loops rule 3
    puts them on the suppression list for a while (outbound issue)."""
    if addresses:
        logger.info("bounce %s: permanent failure for %s", mail.pk, ", ".join(addresses))


def sender_rejected(*, mail: InboundMail, reason: str) -> None:
    """A department accepts registered customers only and this sender is not one: the
    outbound issue sends him one polite, rate-limited reply (never to a null return path)."""
    logger.info("inbound mail %s rejected: %s", mail.pk, reason)


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
