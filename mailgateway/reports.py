"""Delivery reports and receipts (MAIL.md loops rules 3 and 4, docs/mail-trust.md rule 8).

A report counts only when it proves it is about mail we sent: it returns the headers of
one of our signed Message-IDs, or it came to the VERP address one of our mails was sent
from. Then it becomes an internal note on that mail's ticket (no reopening, nothing
sent), the mail is marked bounced, and only that mail's recipients that the report says
failed permanently are suppressed. A report that proves nothing changes nothing: it is
filed as rejected mail, never on a ticket found by its subject.
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from mailgateway.classify import Classification, permanent_failures
from mailgateway.convert import ticket_content
from mailgateway.identity import bounce_outbound_id, message_id_ticket
from mailgateway.models import InboundMail, InboundStatus
from mailgateway.outbound import outbox
from mailgateway.outbound.sent import SentMail, sent_mail_named
from mailgateway.outcome import Outcome
from mailgateway.parse import ParsedMail
from tickets import services
from tickets.models import Channel, Department, Ticket
from tickets.selectors import merge_target

logger = logging.getLogger("mailgateway")


def reported_mail(parsed: ParsedMail, addresses: list[str]) -> tuple[bool, list[SentMail]]:
    """Whether a report proves it is about mail of ours (it returns a Message-ID we signed,
    or came to a VERP address we signed), and our outgoing mails it names."""
    signed = [mid for mid in parsed.returned_message_ids if message_id_ticket(mid) is not None]
    verp = [oid for oid in map(bounce_outbound_id, addresses) if oid is not None]
    if not signed and not verp:
        return False, []
    return True, sent_mail_named(signed, verp)


def _reported_ticket(parsed: ParsedMail, rows: list[SentMail]) -> Ticket | None:
    """The ticket of the mail reported on; else the one its signed Message-ID names. A
    merged ticket's report goes to the ticket it was merged into (issue 11)."""
    ticket = next((row.ticket for row in rows if row.ticket is not None), None)
    if ticket is None:
        numbers = [message_id_ticket(mid) for mid in parsed.returned_message_ids]
        number = next((n for n in numbers if n), None)
        if number is None:
            return None
        ticket = Ticket.objects.select_related("department").filter(number=number).first()
    return merge_target(ticket) if ticket is not None else None


def report_file(
    mail: InboundMail,
    parsed: ParsedMail,
    kind: Classification,
    addresses: list[str],
    department: Department | None,
) -> Outcome:
    proven, rows = reported_mail(parsed, addresses)
    if not proven:
        return Outcome(
            InboundStatus.REJECTED,
            _(
                "A delivery report or receipt that proves nothing: it returns none of our "
                "signed Message-IDs and did not come to one of our bounce addresses."
            ),
            department=department,
        )
    ticket = _reported_ticket(parsed, rows)
    failed = []
    if kind == Classification.BOUNCE:
        recipients = {address.lower() for row in rows for address in row.recipients}
        failed = [address for address in permanent_failures(parsed) if address in recipients]
        lines = [_("Delivery failed (bounce).")]
        lines += [
            _("%(address)s: %(action)s %(status)s")
            % {"address": r.recipient, "action": r.action, "status": r.status}
            for r in parsed.delivery_reports
        ]
    else:
        lines = [_("Read receipt or feedback report.")]
    outcome = Outcome(
        InboundStatus.IGNORED,
        _("A delivery report or receipt about mail of ours that is on no ticket."),
        department=department,
    )
    if ticket is not None:
        body = "\n".join([*lines, "", parsed.text]).strip()
        text, _html, attachments = ticket_content(parsed)
        message = services.note_add(
            actor=None,
            ticket=ticket,
            body_text=body or text,
            attachments=attachments,
            channel=Channel.EMAIL,
            message_id=parsed.message_id,
        )
        outcome = Outcome(
            InboundStatus.DONE, ticket=ticket, message=message, department=ticket.department
        )
    if kind == Classification.BOUNCE:
        # The mail reported on is marked bounced, and its recipients that fail permanently
        # (5.x.x) are suppressed for a while (MAIL.md loops 3, docs/mail-trust.md rule 8).
        if failed:
            logger.info("bounce %s: permanent failure for %s", mail.pk, ", ".join(failed))
        outbox.bounces_record(
            outbound_ids=[row.pk for row in rows],
            addresses=failed,
            reason="; ".join(lines[1:]) or lines[0],
        )
    return outcome
