"""`{% mail_body message %}`: a message's body as the conversation pages show it.

Sanitized HTML (sanitized when the mail arrived, and again here) with its inline cid:
images pointing at the permission-checked attachment view, or plain text with its links
made clickable; in both, the quoted history folded into a <details> element, never
removed. Remote images are never loaded (they track the reader): an image with
alternative text becomes a small placeholder showing that text, one without (a tracking
pixel) is dropped. Links in a mail open in a new tab.

`message|listed_attachments` is the message's attachments minus the images its HTML
already shows in place. Both read `message.attachments.all()`: prefetch it.
`{% parsed_mail_body parsed %}` shows a mail that is not (yet) a ticket message, such
as a rejected one, from its ParsedMail; its inline images become placeholders.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django import template
from django.core.cache import cache
from django.template import Context
from django.urls import reverse
from django.utils.translation import get_language

from helpdesk.csp import allow_mail_styles
from mailgateway.html import (
    content_id_key,
    html_to_text,
    referenced_cids,
    sanitize_for_page,
    start_tags,
)
from mailgateway.parse import ParsedMail
from mailgateway.quotes import quote_start, split_quoted
from tickets.models import Attachment, Message

register = template.Library()

CACHE_SECONDS = 24 * 3600

# Where a block (or a line) begins: the places the quoted history may be cut off.
BLOCK_TAGS = frozenset(
    {"div", "p", "br", "hr", "blockquote", "table", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
)
_LANDMARKS = BLOCK_TAGS | {"img"}
_MARK = "\ue000"  # a private-use character: marks those places in the text
_IMAGE = "\ue001"  # and one that stands for an image


def inline_urls(attachments: Iterable[Attachment]) -> dict[str, str]:
    """Content-ID -> the attachment view's address, for the message's own attachments."""
    return {
        content_id_key(a.content_id): reverse("files:attachment", args=[a.pk])
        for a in attachments
        if a.content_id
    }


def _blockquote_start(html: str, tags: list[tuple[int, str]]) -> int | None:
    """The first <blockquote>, if it follows some text of its own."""
    offset = next((offset for offset, tag in tags if tag == "blockquote"), None)
    if offset is None or not html_to_text(html[:offset]).strip():
        return None
    return offset


def _quote_header_start(html: str, tags: list[tuple[int, str]]) -> int | None:
    """Where a quoted mail's header ("On ... wrote:", "From: ... Sent: ...", "-----Original
    Message-----") begins, at the start of a block, after some text of the reply's own.

    The text is read once, with a mark where each block begins; mail.quotes finds the
    header in it, and the earliest mark with only blank text up to the header is the cut.
    """
    offsets = [offset for offset, tag in tags if tag != "img"]
    if not offsets:
        return None
    marked, previous = [], 0
    for offset, tag in tags:
        # An image counts as content: a signature's logo stays with the reply.
        marked += [_unmarked(html[previous:offset]), _IMAGE if tag == "img" else _MARK]
        previous = offset
    marked.append(_unmarked(html[previous:]))
    text = html_to_text("".join(marked))
    lines = text.split("\n")
    start = quote_start([line.replace(_MARK, "").replace(_IMAGE, "") for line in lines])
    if start is None:
        return None
    line_at = sum(len(line) + 1 for line in lines[:start])
    header_at = line_at + len(lines[start]) - len(lines[start].lstrip(_MARK + " "))
    # The cut: the first mark after the reply's last character (nothing but blanks between).
    reply_end = len(text[:header_at].rstrip(_MARK + " \t\n"))
    cut = text.find(_MARK, reply_end, header_at + 1)
    if reply_end == 0 or cut == -1:
        return None
    return offsets[text.count(_MARK, 0, cut)]


def _unmarked(html: str) -> str:
    return html.replace(_MARK, "").replace(_IMAGE, "")


def split_quoted_html(html: str) -> tuple[str, str]:
    """The reply and the quoted history of an HTML body, cut before the first <blockquote>
    that follows some text, or before a quoted mail's header, whichever comes first. The
    halves are sanitized for the page on their own, so neither leaves a tag open."""
    tags = [(offset, tag) for offset, tag, _ in start_tags(html, _LANDMARKS)]
    cuts = [cut for cut in (_blockquote_start(html, tags), _quote_header_start(html, tags)) if cut]
    if not cuts:
        return html, ""
    cut = min(cuts)
    return html[:cut], html[cut:]


def _html_context(html: str, urls: dict[str, str]) -> dict:
    """Sanitizing a large mail again takes a while, and a body never changes: the result
    is cached under a digest of everything it depends on."""
    facts = f"{get_language()}|{sorted(urls.items())}|".encode()
    key = "mail_body:" + hashlib.sha256(facts + html.encode()).hexdigest()
    shown = cache.get(key)
    if shown is None:
        reply, quoted = split_quoted_html(html)
        shown = (sanitize_for_page(reply, urls), sanitize_for_page(quoted, urls))
        cache.set(key, shown, CACHE_SECONDS)
    return {"html": shown[0], "quoted_html": shown[1]}


def _text_context(text: str) -> dict:
    reply, quoted = split_quoted(text)
    return {"reply": reply, "quoted": quoted}


@register.inclusion_tag("includes/_mail_body.html", takes_context=True)
def mail_body(context: Context, message: Message) -> dict:
    if message.body_html:
        allow_mail_styles(context.get("request"))
        return _html_context(message.body_html, inline_urls(message.attachments.all()))
    return _text_context(message.body_text)


@register.inclusion_tag("includes/_mail_body.html", takes_context=True)
def parsed_mail_body(context: Context, parsed: ParsedMail) -> dict:
    """A mail that is no ticket message: its attachments have no address to show them."""
    if parsed.html:
        allow_mail_styles(context.get("request"))
        return _html_context(parsed.html, {})
    return _text_context(parsed.text)


@register.filter
def listed_attachments(message: Message) -> list[Attachment]:
    """The attachments to list under the message: not the images its HTML shows in place."""
    attachments = list(message.attachments.all())
    if not message.body_html:
        return attachments
    shown = referenced_cids(message.body_html)
    return [
        a
        for a in attachments
        if not (a.is_image and a.content_id and content_id_key(a.content_id) in shown)
    ]
