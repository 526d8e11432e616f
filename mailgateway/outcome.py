"""What processing one inbound mail decided: its status, and the ticket and message it made.

Reactions to the ticket's changes are subscribers of the event stream (tickets/events.py);
notices about mail that made no ticket are sent where the pipeline decides (notices.py)."""

from __future__ import annotations

from dataclasses import dataclass

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
