"""An SMTP/LMTP listener that Postfix or Exim deliver to (MAIL.md no-loss rule 1).

It answers 250 only after the raw mail and its row are committed, 451 (4.3.0) when they
could not be (the MTA keeps the mail and retries), 452 (4.3.1) when a disk or quota is
full, 552 (5.3.4) for mail over MAIL_MAX_MESSAGE_MB and, unless told to accept any
recipient, 550 (5.1.1) for an address that is none of our departments'. Our own trouble
never answers 5xx (issue 18): any failure to store, expected or not, is a one-line 4xx
after rolling back, so the sending server retries and the SMTP dialogue stays in step.
Database work runs in a thread pool: the event loop never blocks on it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import AnyStr

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections
from django.utils import timezone

from mailgateway.addresses import is_bounce_address, is_ours, our_addresses
from mailgateway.errors import TemporaryStoreError
from mailgateway.models import Source
from mailgateway.selectors import LISTENER_REFUSING_KEY
from mailgateway.store import inbound_store, is_no_space

logger = logging.getLogger("mailgateway")

TOO_BIG = "552 5.3.4 Message too big for this system"
TRY_LATER = "451 4.3.0 The message could not be stored; please try again later"
NO_SPACE = "452 4.3.1 Insufficient system storage; please try again later"
TEMPORARY = "451 4.3.0 Temporary failure; please try again later"
# A refusal shows in the health checks for this long, unless a mail is stored meanwhile.
LISTENER_REFUSING_SECONDS = 3600


def _in_thread(function, *args, **kwargs):
    close_old_connections()
    try:
        return function(*args, **kwargs)
    finally:
        close_old_connections()


def _refused(*, reason: str) -> None:
    """Remembers that the listener answered 4xx, for the health checks (issue 18). In the
    cache: the database may be what fails. Other processes see it when CACHE_URL is Redis."""
    try:
        cache.set(
            LISTENER_REFUSING_KEY,
            {"since": timezone.now().isoformat(), "reason": reason[:500]},
            LISTENER_REFUSING_SECONDS,
        )
    except Exception as exc:  # the cache may be down too: health is best effort
        logger.warning("could not record the listener's refusal: %s", exc)


def _stored() -> None:
    try:
        if cache.get(LISTENER_REFUSING_KEY) is not None:
            cache.delete(LISTENER_REFUSING_KEY)
    except Exception as exc:
        logger.warning("could not clear the listener's refusal: %s", exc)


def _recipient_known(address: str) -> bool:
    return is_ours(address, our_addresses()) or is_bounce_address(address)


def _store(raw: bytes, source: Source, sender: str, recipients: list[str]) -> int:
    mail, _created = inbound_store(
        raw=raw,
        source=source,
        source_id=f"{source}-{uuid.uuid4().hex}",
        envelope_sender=sender,
        envelope_recipients=recipients,
    )
    _stored()
    return mail.pk


class InboundHandler:
    """aiosmtpd handler: checks recipients, stores each message before answering."""

    def __init__(self, *, lmtp: bool = False, accept_any_recipient: bool = False) -> None:
        self.source = Source.LMTP if lmtp else Source.SMTP
        self.lmtp = lmtp
        self.accept_any_recipient = accept_any_recipient

    async def handle_RCPT(self, server, session: Session, envelope: Envelope, address, options):
        if not self.accept_any_recipient:
            try:
                known = await asyncio.to_thread(_in_thread, _recipient_known, address)
            except Exception as exc:  # our trouble, never the sender's: try again later
                logger.error("listener could not check a recipient: %s", exc)
                await asyncio.to_thread(_refused, reason=f"{type(exc).__name__}: {exc}")
                return TEMPORARY
            if not known:
                return "550 5.1.1 No such recipient here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session: Session, envelope: Envelope):
        raw = envelope.original_content or b""
        recipients = list(envelope.rcpt_tos)
        if len(raw) > settings.MAIL_MAX_MESSAGE_SIZE:
            return TOO_BIG
        try:
            mail_id = await asyncio.to_thread(
                _in_thread, _store, raw, self.source, envelope.mail_from or "", recipients
            )
        except TemporaryStoreError as exc:
            logger.error("listener could not store a mail: %s", exc)
            await asyncio.to_thread(_refused, reason=str(exc))
            reply = NO_SPACE if exc.no_space else TRY_LATER
        except Exception as exc:  # unexpected: still ours, so still temporary
            logger.exception("listener could not store a mail")
            await asyncio.to_thread(_refused, reason=f"{type(exc).__name__}: {exc}")
            reply = NO_SPACE if is_no_space(exc) else TRY_LATER
        else:
            reply = f"250 2.0.0 Stored as {mail_id}"
        if self.lmtp:  # LMTP answers once per recipient
            return "\r\n".join([reply] * max(1, len(recipients)))
        return reply

    async def handle_exception(self, error: Exception) -> str:
        """Whatever else goes wrong is ours: one 4xx line, never aiosmtpd's default
        `500 Error: (<class>) <text>` spread over several lines (issue 18)."""
        logger.error("listener: unexpected %s: %s", type(error).__name__, error)
        await asyncio.to_thread(_refused, reason=f"{type(error).__name__}: {error}")
        return NO_SPACE if is_no_space(error) else TEMPORARY


class _Replies(SMTP):
    """Our enhanced status code for "too big", where aiosmtpd words it its own way."""

    async def push(self, status: AnyStr) -> None:
        if isinstance(status, str) and status.startswith("552 Error"):
            await super().push(TOO_BIG)
        else:
            await super().push(status)


class HelpdeskSMTP(_Replies, SMTP):
    pass


class HelpdeskLMTP(_Replies, LMTP):
    pass


class ListenerController(Controller):
    def __init__(self, handler: InboundHandler, *, hostname: str, port: int) -> None:
        self.lmtp = handler.lmtp
        super().__init__(
            handler,
            hostname=hostname,
            port=port,
            data_size_limit=settings.MAIL_MAX_MESSAGE_SIZE,
            decode_data=False,
            ready_timeout=10,
        )

    def factory(self):
        server = HelpdeskLMTP if self.lmtp else HelpdeskSMTP
        return server(self.handler, **self.SMTP_kwargs)
