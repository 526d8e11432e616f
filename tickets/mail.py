"""What the tickets app knows about the mail sent about its tickets (issue 16).

Below both the ticket services and the mail gateway, so that neither imports the other
for these facts:

- the kinds of outgoing mail, and which of them carry a ticket message to the customer
  (their delivery is shown beside the message in the staff timeline);
- the signed Message-ID an agent's reply gets in `reply_add`, before any mail is composed:
  the reply keeps it, the mail that carries it uses it, and answers to that mail thread
  back to the ticket (MAIL.md thread rule 9); a delivery report proves it is about mail
  of ours by returning one (docs/mail-trust.md rule 8).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings

SIGNATURE_CHARS = 12

_MESSAGE_ID = re.compile(r"^<?hd\.(\d+)\.([0-9a-f]{8,32})\.([0-9a-f]+)@([^>\s]+)>?$", re.IGNORECASE)


class MailKind:
    """The kinds of outgoing mail (OutboundMail.kind; templates/emails/<kind>-*.txt)."""

    REPLY = "reply"
    ACKNOWLEDGEMENT = "acknowledgement"
    SOLVED = "solved"
    REJECTED = "rejected"
    AGENT_NEW_TICKET = "agent_new_ticket"
    AGENT_CUSTOMER_REPLY = "agent_customer_reply"
    AGENT_ASSIGNED = "agent_assigned"
    AGENT_DIGEST = "agent_digest"
    OVERSIZE = "oversize"
    # Mail from the agent's address without proof was filed as a note (docs/mail-trust.md).
    AGENT_UNVERIFIED = "agent_unverified"
    # To a department's managers (issue 10): an SLA escalation, a bad rating.
    MANAGER_ESCALATION = "manager_escalation"
    MANAGER_BAD_RATING = "manager_bad_rating"


# Mail to customers about a message: its delivery status is shown beside the message.
CUSTOMER_KINDS = frozenset({MailKind.REPLY, MailKind.ACKNOWLEDGEMENT})


def sign(value: str) -> str:
    """The installation's signature of a value (keyed by SECRET_KEY), lower-case hex."""
    key = f"helpdesk-mail:{settings.SECRET_KEY}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:SIGNATURE_CHARS]


def message_id_new(ticket_number: int) -> str:
    """A Message-ID for a mail we send about a ticket: <hd.1042.9c1e...sig@domain>."""
    nonce = secrets.token_hex(8)
    signature = sign(f"{ticket_number}.{nonce}")
    return f"<hd.{ticket_number}.{nonce}.{signature}@{settings.HELPDESK_MAIL_DOMAIN}>"


def message_id_root(ticket_number: int) -> str:
    """The stable root of a ticket's mail thread when no mail of the customer started it
    (a ticket opened on the web or by phone, issue 12): the same signed Message-ID every
    time, <hd.1042.<16 hex>.<signature>@domain>. The acknowledgement carries it as its own
    Message-ID; every later mail of the ticket references it first."""
    nonce = sign(f"root.{ticket_number}")[:16]
    signature = sign(f"{ticket_number}.{nonce}")
    return f"<hd.{ticket_number}.{nonce}.{signature}@{settings.HELPDESK_MAIL_DOMAIN}>"


def message_id_ticket(message_id: str) -> int | None:
    """The ticket number of a Message-ID we signed, or None for anyone else's."""
    match = _MESSAGE_ID.match((message_id or "").strip())
    if not match:
        return None
    number, nonce, signature, _domain = match.groups()
    if not hmac.compare_digest(signature.lower(), sign(f"{number}.{nonce.lower()}")):
        return None
    return int(number)
