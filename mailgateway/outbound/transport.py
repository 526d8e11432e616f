"""Handing rendered mail to Django's e-mail backend.

The outbox keeps every mail as the exact bytes rendered when it was queued (MAIL.md rule
8: render before commit, the task only sends). Backends that transmit MIME (SMTP, and the
file, console and memory backends) get those bytes unchanged. API providers of
django-anymail take a message's parts, so for them the bytes are read back into an
EmailMultiAlternatives with the same headers, bodies and attachments.
"""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage as MimeMessage

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address

# {recipient: (SMTP code, reply)} of the recipients the server refused while it took the
# mail for the others (smtplib's sendmail() result, which Django's backend drops).
Refused = dict[str, tuple[int, bytes]]

# Headers the provider sets itself from the message's fields.
_FIELD_HEADERS = {
    "subject",
    "from",
    "to",
    "cc",
    "bcc",
    "reply-to",
    "content-type",
    "content-transfer-encoding",
    "mime-version",
}


class RawMime:
    """What Django's backends get from message(): our bytes, in the line endings asked for."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        return self.raw.replace(b"\r\n", b"\n").replace(b"\n", linesep.encode())

    def as_string(self, unixfrom: bool = False, linesep: str = "\n") -> str:
        return self.as_bytes(linesep=linesep).decode("ascii", "replace")

    def get_charset(self) -> None:
        return None


def _fill(message: EmailMultiAlternatives, mime: MimeMessage) -> None:
    """Copies the parts of a parsed mail onto a Django message."""
    text = mime.get_body(("plain",))
    html = mime.get_body(("html",))
    message.subject = str(mime["Subject"] or "")
    message.body = text.get_content() if text is not None else ""
    message.to = [str(a) for a in mime.get_all("To", [])]
    message.cc = [str(a) for a in mime.get_all("Cc", [])]
    message.reply_to = [str(a) for a in mime.get_all("Reply-To", [])]
    message.extra_headers = {
        name: str(value) for name, value in mime.items() if name.lower() not in _FIELD_HEADERS
    }
    if html is not None:
        message.attach_alternative(html.get_content(), "text/html")
    for part in mime.iter_attachments():
        message.attach(part.get_filename(), part.get_content(), part.get_content_type())


def _parse(raw: bytes) -> MimeMessage:
    return email.message_from_bytes(raw, policy=policy.default)


class RawEmail(EmailMultiAlternatives):
    """A mail already rendered: MIME backends send its bytes unchanged to the envelope's
    recipients. With `inspectable`, its parts are filled in too, for a backend that keeps
    the message to be looked at (Django's in-memory backend); parsing costs a few ms."""

    def __init__(
        self, raw: bytes, *, sender: str, recipients: list[str], inspectable: bool = False
    ) -> None:
        super().__init__()
        if inspectable:
            _fill(self, _parse(raw))
        self.from_email = sender
        self.raw = raw
        self.envelope_recipients = list(recipients)

    def message(self) -> RawMime:
        return RawMime(self.raw)

    def recipients(self) -> list[str]:
        return self.envelope_recipients


def parts_email(raw: bytes) -> EmailMultiAlternatives:
    """The same mail as parts, for API backends (django-anymail): they take the recipients
    and the sender from the To, Cc and From fields."""
    mime = _parse(raw)
    message = EmailMultiAlternatives(from_email=str(mime["From"]))
    _fill(message, mime)
    return message


def uses_mime(connection) -> bool:
    return not type(connection).__module__.startswith("anymail.")


def keeps_messages(connection) -> bool:
    """Django's in-memory backend keeps the message objects for inspection (mail.outbox)."""
    return type(connection).__module__ == "django.core.mail.backends.locmem"


def send_raw(raw: bytes, *, sender: str, recipients: list[str], connection=None) -> Refused:
    """Sends one rendered mail; raises what the backend raises (smtplib errors for SMTP).

    Returns the recipients an SMTP server refused while it accepted the mail for the
    others (issue 18): they must not be counted as sent. Other backends refuse nothing
    one by one."""
    connection = connection or get_connection(fail_silently=False)
    message: EmailMessage
    if uses_mime(connection):
        message = RawEmail(
            raw, sender=sender, recipients=recipients, inspectable=keeps_messages(connection)
        )
    else:
        message = parts_email(raw)
    message.connection = connection
    if not isinstance(connection, SMTPBackend):
        if not message.send(fail_silently=False):
            raise RuntimeError("the mail backend accepted nothing")
        return {}
    opened = connection.open()
    refused: Refused = {}
    smtp = connection.connection
    assert smtp is not None, "open() connected"
    send = smtp.sendmail

    def keeping_refused(*args, **kwargs):
        refused.update(send(*args, **kwargs))
        return refused

    # This connection's own sendmail, for this one mail (the finally block restores it).
    smtp.sendmail = keeping_refused  # type: ignore[method-assign]
    try:
        if not message.send(fail_silently=False):
            raise RuntimeError("the mail backend accepted nothing")
    finally:
        del smtp.sendmail  # the method of the class again
        if opened:
            connection.close()
    # Django hands smtplib the addresses sanitized (IDN domains in punycode): map back.
    envelope = {sanitize_address(a, settings.DEFAULT_CHARSET): a for a in recipients}
    return {envelope.get(address, address): reply for address, reply in refused.items()}
