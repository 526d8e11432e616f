"""How our mail recognises itself: signed Message-IDs, reply tokens and the loop header.

Shared by both halves of the gateway: outbound mail is stamped with these, inbound mail
is checked against them (MAIL.md, loops rule 1 and thread rule 9). Tokens are lower-case
hex so that they survive mail systems that fold the case of addresses. The signed
Message-IDs live in tickets.mail, below the ticket services, which stamp an agent's reply
with one before any mail is composed (issue 16); this module re-exports them.
"""

from __future__ import annotations

import hmac
import re

from tickets.mail import message_id_new as message_id_new  # re-exported: the gateway's API
from tickets.mail import message_id_ticket as message_id_ticket
from tickets.mail import sign as _sign

LOOP_HEADER = "X-Helpdesk-Loop"

_REPLY_TOKEN = re.compile(r"^t(\d+)-([0-9a-f]+)$", re.IGNORECASE)


def instance_id() -> str:
    """Names this installation in the loop header; stable as long as SECRET_KEY is."""
    return _sign("instance")


def reply_token(ticket_number: int) -> str:
    """The signed token of a ticket, for the plus-address of Reply-To: support+t1042-ab12..."""
    return f"t{ticket_number}-{_sign(f'reply.{ticket_number}')}"


def reply_address(address: str, ticket_number: int) -> str:
    """support@example.com -> support+t1042-<signature>@example.com"""
    local, _, domain = address.rpartition("@")
    return f"{local}+{reply_token(ticket_number)}@{domain}"


def reply_token_ticket(address: str) -> int | None:
    """The ticket number from the signed token in a plus-address, or None."""
    match = _REPLY_TOKEN.match(_plus_part(address))
    if not match:
        return None
    number, signature = match.groups()
    if not hmac.compare_digest(signature.lower(), _sign(f"reply.{number}")):
        return None
    return int(number)


_AGENT_TOKEN = re.compile(r"^t(\d+)-a(\d+)-([0-9a-f]+)$", re.IGNORECASE)
_BOUNCE_TOKEN = re.compile(r"^o(\d+)-([0-9a-f]+)$", re.IGNORECASE)


def _plus_part(address: str) -> str:
    local = (address or "").rpartition("@")[0]
    return local.rpartition("+")[2] if "+" in local else ""


def agent_reply_address(address: str, ticket_number: int, agent_id: int) -> str:
    """The Reply-To of one agent's notification about one ticket (docs/mail-trust.md 1, 3):
    support@example.com -> support+t1042-a17-<signature>@example.com. Only that agent's
    own notification carries it, so a reply sent to it proves who wrote."""
    local, _, domain = address.rpartition("@")
    signature = _sign(f"agent.{ticket_number}.{agent_id}")
    return f"{local}+t{ticket_number}-a{agent_id}-{signature}@{domain}"


def agent_token(address: str) -> tuple[int, int] | None:
    """(ticket number, agent id) from a signed agent reply address, or None."""
    match = _AGENT_TOKEN.match(_plus_part(address))
    if not match:
        return None
    number, agent_id, signature = match.groups()
    if not hmac.compare_digest(signature.lower(), _sign(f"agent.{number}.{agent_id}")):
        return None
    return int(number), int(agent_id)


def bounce_address(address: str, outbound_id: int) -> str:
    """The VERP envelope sender of one outgoing mail (docs/mail-trust.md rule 8):
    bounces@example.com -> bounces+o311-<signature>@example.com."""
    local, _, domain = address.rpartition("@")
    return f"{local}+o{outbound_id}-{_sign(f'bounce.{outbound_id}')}@{domain}"


def bounce_outbound_id(address: str) -> int | None:
    """The outgoing mail a signed VERP address was the envelope sender of, or None."""
    match = _BOUNCE_TOKEN.match(_plus_part(address))
    if not match:
        return None
    outbound_id, signature = match.groups()
    if not hmac.compare_digest(signature.lower(), _sign(f"bounce.{outbound_id}")):
        return None
    return int(outbound_id)
