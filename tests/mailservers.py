"""A real SMTP server for tests (aiosmtpd): it keeps the raw bytes of every mail it receives.

It can be told to answer with a temporary or permanent error, or be stopped and started
again, to test what the helpdesk does when the mail server fails.
"""

from __future__ import annotations

import asyncio
import base64
import email
import socket
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=policy.default)


@dataclass
class SinkHandler:
    received: list[Received] = field(default_factory=list)
    # An SMTP answer to give instead of accepting, e.g. "451 4.3.0 Try later".
    answer: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    # With tokens, the server requires AUTH XOAUTH2 with one of them (Microsoft 365, Gmail).
    tokens: set[str] | None = None
    authenticated_users: list[str] = field(default_factory=list)

    async def auth_XOAUTH2(self, server, args):
        if len(args) < 2:
            return AuthResult(success=False, handled=False)
        fields = dict(
            part.split("=", 1) for part in base64.b64decode(args[1]).decode().split("\x01") if part
        )
        token = fields.get("auth", "").removeprefix("Bearer ")
        if self.tokens is not None and token in self.tokens:
            self.authenticated_users.append(fields.get("user", ""))
            return AuthResult(success=True)
        return AuthResult(
            success=False, handled=False, message="535 5.7.3 Authentication unsuccessful"
        )

    # Seconds to stall before answering RCPT TO: a sender caught mid-transaction.
    stall_rcpt: float = 0.0
    # Greylisting for these recipients: a (sender, recipient) pair not seen before gets
    # 451 once, then 250 (their domain greylists; the others accept at once).
    greylist: set[str] = field(default_factory=set)
    greylist_seen: set[tuple[str, str]] = field(default_factory=set)
    # Answers to RCPT TO for some recipients, e.g. {"gone@x.example": "550 5.1.1 Unknown"}.
    rcpt_answers: dict[str, str] = field(default_factory=dict)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.stall_rcpt:
            await asyncio.sleep(self.stall_rcpt)
        if address.lower() in self.rcpt_answers:
            return self.rcpt_answers[address.lower()]
        if address.lower() in self.greylist:
            pair = (envelope.mail_from or "", address.lower())
            if pair not in self.greylist_seen:
                self.greylist_seen.add(pair)
                return "451 4.7.1 Greylisted: please try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def mailbox(self, address: str) -> list[Received]:
        """The mails this server accepted for one recipient."""
        return [r for r in self.received if address.lower() in (a.lower() for a in r.rcpt_tos)]

    async def handle_DATA(self, server, session, envelope):
        if self.answer:
            return self.answer
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
            )
        return "250 2.0.0 OK: queued"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """An SMTP server on 127.0.0.1 that records what it receives."""

    def __init__(self, *, tokens: set[str] | None = None) -> None:
        self.handler = SinkHandler(tokens=tokens)
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        required = self.handler.tokens is not None
        auth = {"auth_required": True, "auth_require_tls": False} if required else {}
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **auth)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def answer_with(self, answer: str | None) -> None:
        self.handler.answer = answer
