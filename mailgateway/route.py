"""Where a mail belongs: its department (R9) and the ticket it continues (R6, MAIL.md rule 9).

Reads only. The department comes from the address the mail was delivered to; the thread
from, in this order, the Message-IDs it answers, a signed reply token in a recipient
address, a `[#number]` subject tag. Whether the sender may add to that ticket is not decided
here: `tickets.access.may_write()` decides it for every channel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from accounts.models import User, normalize_email
from mailgateway.addresses import base_address
from mailgateway.identity import agent_token, message_id_ticket, reply_token_ticket
from mailgateway.models import InboundMail
from mailgateway.parse import ParsedMail
from tickets.models import Department, Message, Ticket
from tickets.selectors import merge_target

SUBJECT_TAG = re.compile(r"\[#(\d{1,9})\]")
MAX_THREAD_IDS = 100


def delivery_addresses(mail: InboundMail, parsed: ParsedMail) -> list[str]:
    """Where the mail was sent, most reliable first: envelope, Delivered-To and
    X-Original-To, then To and Cc."""
    found = [*mail.envelope_recipients, *parsed.delivered_to, *parsed.to, *parsed.cc]
    return list(dict.fromkeys(normalize_email(a) for a in found if a))


def department_for(
    addresses: list[str], ours: dict[str, Department], default: Department | None
) -> Department | None:
    """The department of the first of our addresses the mail went to, else the default."""
    for address in addresses:
        department = ours.get(address) or ours.get(base_address(address))
        if department is not None and department.is_active:
            return department
    return default


@dataclass(frozen=True)
class Thread:
    ticket: Ticket
    found_by: str  # "message-id", "reply-token" or "subject"


def _ticket_by_number(number: int | None) -> Ticket | None:
    """The ticket of a number we gave out; a merged ticket's mail goes to the ticket it was
    merged into (issue 11)."""
    if number is None:
        return None
    ticket = Ticket.objects.select_related("department").filter(number=number).first()
    return merge_target(ticket) if ticket is not None else None


def thread_for_ids(message_ids: tuple[str, ...] | list[str]) -> Ticket | None:
    """The ticket of the first Message-ID that is one we sent (signed) or stored.

    One query for all the stored ones, however long the References header is. A message
    split into a new ticket (R14) leaves its thread to the copy there; a merged ticket's
    messages are in the ticket it was merged into, which its signed Message-IDs lead to.
    """
    stored: dict[str, Ticket] = {}
    unsigned = [mid for mid in message_ids if message_id_ticket(mid) is None]
    if unsigned:
        rows = (
            Message.objects.filter(message_id__in=unsigned[:MAX_THREAD_IDS], split_to=None)
            .select_related("ticket__department")
            .order_by("-id")
        )
        stored = {row.message_id: row.ticket for row in rows}  # the first stored wins
    for message_id in message_ids:
        ticket = _ticket_by_number(message_id_ticket(message_id)) or stored.get(message_id)
        if ticket is not None:
            return merge_target(ticket)
    return None


def thread_find(parsed: ParsedMail, addresses: list[str]) -> Thread | None:
    """MAIL.md rule 9: In-Reply-To, then References; reply token; subject tag. First hit wins."""
    ticket = thread_for_ids(parsed.thread_ids)
    if ticket is not None:
        return Thread(ticket, "message-id")
    for address in addresses:
        agent_reply = agent_token(address)
        number = agent_reply[0] if agent_reply else reply_token_ticket(address)
        ticket = _ticket_by_number(number)
        if ticket is not None:
            return Thread(ticket, "reply-token")
    match = SUBJECT_TAG.search(parsed.subject)
    ticket = _ticket_by_number(int(match.group(1))) if match else None
    if ticket is not None:
        return Thread(ticket, "subject")
    return None


def user_for(address: str) -> User | None:
    """The account of an address, matched case-insensitively (addresses are stored
    lower-cased: accounts.models.normalize_email)."""
    return User.objects.filter(email=normalize_email(address)).first()
