"""From a parsed mail to what the ticket services take: the sender's address, the text,
HTML and files of the message, its threading headers and trust. Pure: no database."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from mailgateway.errors import SenderError
from mailgateway.parse import ParsedMail
from tickets.services import MailThreading
from tickets.uploads import NewAttachment, clean_filename, judge_content_type


def sender_address(parsed: ParsedMail) -> str:
    sender = parsed.from_email or (parsed.reply_to[0] if parsed.reply_to else "")
    try:
        validate_email(sender)
    except ValidationError:
        raise SenderError(
            _("The mail has no usable sender address (%(address)s).") % {"address": sender or "-"}
        ) from None
    return sender


def ticket_content(parsed: ParsedMail) -> tuple[str, str, list[NewAttachment]]:
    attachments = [
        NewAttachment(
            filename=clean_filename(a.storage_name()),
            content_type=judge_content_type(a.content, a.content_type)[:255],
            size=a.size,
            sha256=a.sha256,
            content=io.BytesIO(a.content),
            content_id=a.content_id[:255],
        )
        for a in parsed.attachments
    ]
    text = parsed.text
    if not text.strip() and not parsed.html and not attachments:
        text = parsed.subject or _("(The mail has no text.)")
    return text, parsed.html or "", attachments


def mail_threading(
    parsed: ParsedMail, *, sender_verified: bool = True, automatic: bool = False
) -> MailThreading:
    return MailThreading(
        message_id=parsed.message_id,
        in_reply_to=parsed.in_reply_to,
        references=" ".join(parsed.references),
        sender_verified=sender_verified,
        automatic=automatic,
    )
