"""What processing one inbound mail decided: its status, and the ticket and message it made.

Reactions to the ticket's changes are subscribers of the event stream (tickets/events.py);
notices about mail that made no ticket are sent where the pipeline decides (notices.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from mailgateway.models import InboundMail, InboundStatus
from tickets.models import Department, Message, Ticket


@dataclass
class Outcome:
    status: InboundStatus
    reason: str = ""
    ticket: Ticket | None = None
    message: Message | None = None
    department: Department | None = None
    duplicate_of: InboundMail | None = None


FINISH_FIELDS = [
    "status", "last_error", "error_kind", "attempts", "processed_at", "ticket", "message",
    "department", "duplicate_of", "classification", "from_email", "subject",
]  # fmt: skip


def outcome_record(mail: InboundMail, outcome: Outcome) -> None:
    """Records the outcome on the (locked) row, in the transaction that made the ticket
    message (MAIL.md no-loss rule 5)."""
    mail.status = outcome.status
    mail.last_error = outcome.reason
    mail.error_kind = ""
    mail.attempts += 1
    mail.processed_at = timezone.now()
    mail.ticket = outcome.ticket
    mail.message = outcome.message
    mail.department = outcome.department or mail.department
    mail.duplicate_of = outcome.duplicate_of
    mail.save(update_fields=FINISH_FIELDS)
