"""What processing one inbound mail decided: its status, the ticket and message it made,
and the reactions (hooks) to run once it is recorded."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    hooks: list = field(default_factory=list)
