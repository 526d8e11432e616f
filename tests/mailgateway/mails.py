"""Mails composed by the tests with the standard library: exact bytes, exact expectations."""

from __future__ import annotations

from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid


def plain(
    *,
    body: str = "Since this morning the server does not answer.",
    subject: str = "Server down",
    sender: str = "Ivan Petrov <ivan@example.ru>",
    to: str = "support@helpdesk.example",
    charset: str = "utf-8",
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
) -> bytes:
    """A single text/plain mail, its body encoded in `charset`."""
    message = MIMEText(body, "plain", charset)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(1700000000, localtime=False)
    message["Message-ID"] = message_id or make_msgid(domain="example.ru")
    for name, value in (headers or {}).items():
        message[name] = value
    return message.as_bytes()


def raw(head: str, body: bytes = b"Hello\n", *, encoding: str = "utf-8") -> bytes:
    """A mail written by hand: `head` lines (in `encoding`, raw 8-bit allowed) and a body."""
    return head.strip("\n").replace("\n", "\r\n").encode(encoding) + b"\r\n\r\n" + body


def with_attachments(
    *,
    text: str = "See the attached files.",
    files: list[tuple[str, str, bytes]] = (),
    sender: str = "ivan@example.ru",
    to: str = "support@helpdesk.example",
    subject: str = "Files",
) -> bytes:
    """multipart/mixed with a text part and (filename, content type, bytes) attachments."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.ru")
    message.set_content(text)
    for filename, content_type, data in files:
        maintype, subtype = content_type.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


__all__ = [
    "MIMEApplication",
    "MIMEBase",
    "MIMEMultipart",
    "MIMEText",
    "plain",
    "raw",
    "with_attachments",
]
