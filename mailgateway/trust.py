"""Who may be believed: the proofs a mail carries besides its From header (docs/mail-trust.md).

Anyone can write any From. An agent's mail is taken as his only with proof bound to him
and to the ticket: his own notification's signed reply address, the Message-ID of his own
notification echoed in In-Reply-To/References, or a DMARC/DKIM pass for his domain in an
Authentication-Results header our trusted MTA added. Reads only.
"""

from __future__ import annotations

import logging

import authres
from django.conf import settings

from accounts.models import User
from mailgateway.identity import agent_token
from mailgateway.outbound.sent import agent_notified
from mailgateway.parse import ParsedMail
from tickets.models import Ticket
from tickets.selectors import ticket_with_merged

logger = logging.getLogger("mailgateway")


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip().lower().rstrip(".")


def _aligned(domain: str, signer: str) -> bool:
    """Relaxed alignment (RFC 7489 3.1.1): the signing domain is the From domain or a
    parent of it (never a bare top-level domain)."""
    signer = signer.strip().lower().lstrip("@").rstrip(".")
    signer = signer.rpartition("@")[2]
    return bool(signer) and "." in signer and (domain == signer or domain.endswith("." + signer))


def trusted_results(parsed: ParsedMail) -> list[authres.AuthenticationResultsHeader]:
    """The Authentication-Results headers our trusted MTA added: from the top of the mail
    down to the first one another host wrote (anything below an untrusted hop may have
    been written by the sender himself). None when no authserv-id is configured."""
    trusted = {name.lower() for name in settings.MAIL_TRUSTED_AUTHSERV_IDS}
    found: list[authres.AuthenticationResultsHeader] = []
    if not trusted:
        return found
    for value in parsed.authentication_results:
        try:
            header = authres.AuthenticationResultsHeader.parse_value(value)
        except Exception:
            logger.info("unreadable Authentication-Results header: %.200s", value)
            break
        if (header.authserv_id or "").lower() not in trusted:
            break
        found.append(header)
    return found


def domain_authenticated(parsed: ParsedMail, address: str) -> bool:
    """A DMARC pass for the From domain, or a DKIM pass by an aligned signing domain, in a
    header of our trusted MTA. Per method only the top-most header that reports it counts:
    a lower one saying otherwise was not written by the MTA that checked last."""
    domain = _domain(address)
    if not domain or _domain(parsed.from_email) != domain:
        return False
    seen: set[str] = set()  # methods an upper header already reported
    for header in trusted_results(parsed):
        methods = {(result.method or "").lower() for result in header.results}
        for result in header.results:
            method = (result.method or "").lower()
            if method in seen:
                continue
            if (result.result or "").lower() != "pass":
                continue
            values = {f"{p.type}.{p.name}".lower(): str(p.value or "") for p in result.properties}
            if method == "dmarc" and values.get("header.from", "").lower().rstrip(".") == domain:
                return True
            if method == "dkim" and any(
                _aligned(domain, values.get(key, "")) for key in ("header.d", "header.i")
            ):
                return True
        seen |= methods
    return False


def agent_proof(
    parsed: ParsedMail, addresses: list[str], agent: User, ticket: Ticket
) -> str | None:
    """How an agent's mail proves it is his ("reply-address", "notification" or
    "authenticated"), or None."""
    numbers = {each.number for each in ticket_with_merged(ticket)}  # tokens of merged ones
    for address in addresses:
        token = agent_token(address)
        if token is not None and token[1] == agent.pk and token[0] in numbers:
            return "reply-address"
    if parsed.thread_ids and agent_notified(list(parsed.thread_ids), agent, ticket):
        return "notification"
    if domain_authenticated(parsed, agent.email):
        return "authenticated"
    return None


def customer_proof(parsed: ParsedMail, found_by: str, address: str) -> bool:
    """A customer's mail carries proof when it answers a Message-ID we sent or stored for
    the ticket, or went to its signed reply address (found by either), or its domain
    passed DMARC/DKIM at our trusted MTA. Found by the subject tag alone it has none."""
    return found_by in ("message-id", "reply-token") or domain_authenticated(parsed, address)
