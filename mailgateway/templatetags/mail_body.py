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
import html as html_lib
import re
from collections.abc import Iterable

from django import template
from django.core.cache import cache
from django.template import Context
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from helpdesk.csp import allow_mail_styles
from mailgateway.html import html_to_text, rebalance
from mailgateway.parse import ParsedMail
from mailgateway.quotes import quote_start, split_quoted
from tickets.models import Attachment, Message

register = template.Library()

CACHE_SECONDS = 24 * 3600

_CID = re.compile(r'src="cid:([^"]+)"', re.IGNORECASE)
_QUOTE_START = re.compile(r"<blockquote\b", re.IGNORECASE)
# A start tag as bleach writes it: attribute values quoted, and a ">" may sit inside quotes.
_ATTRIBUTES = r"""(?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*)"""
_IMG = re.compile(rf"<img\b{_ATTRIBUTES}/?>", re.IGNORECASE)
_LINK = re.compile(rf"<a\b{_ATTRIBUTES}>", re.IGNORECASE)
# Where a block (or a line) begins: the places the quoted history may be cut off.
_BLOCK_START = re.compile(r"<(?:div|p|br|hr|blockquote|table|pre|h[1-6])\b", re.IGNORECASE)
_MARK = "\ue000"  # a private-use character: marks those places in the text
_IMAGE = "\ue001"  # and one that stands for an image
_IMG_START = re.compile(r"<img\b", re.IGNORECASE)
_ATTR = re.compile(r"""([^\s"'=/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")


def _attributes(attrs: str) -> dict[str, str]:
    """The attributes of a start tag, by lower-case name, their values unescaped."""
    found: dict[str, str] = {}
    for match in _ATTR.finditer(attrs):
        name, value = match.group(1).lower(), match.group(2) or ""
        if value[:1] in ('"', "'"):
            value = value[1:-1]
        found.setdefault(name, html_lib.unescape(value))
    return found


def _cid_key(content_id: str) -> str:
    return content_id.strip().strip("<>").strip().lower()


def inline_urls(attachments: Iterable[Attachment]) -> dict[str, str]:
    """Content-ID -> the attachment view's address, for the message's own attachments."""
    return {
        _cid_key(a.content_id): reverse("files:attachment", args=[a.pk])
        for a in attachments
        if a.content_id
    }


def inline_images(html: str, urls: dict[str, str]) -> str:
    """cid: references become links to the attachment view (which checks access); a
    reference to no attachment of this message keeps no address at all."""

    def replace(match: re.Match) -> str:
        url = urls.get(_cid_key(match.group(1)))
        return f'src="{url}"' if url else 'src=""'

    return _CID.sub(replace, html)


def referenced_cids(html: str) -> set[str]:
    return {_cid_key(cid) for cid in _CID.findall(html)}


def _blockquote_start(html: str) -> int | None:
    """The first <blockquote> that follows some text of its own."""
    match = _QUOTE_START.search(html)
    if match is None or not html_to_text(html[: match.start()]).strip():
        return None
    return match.start()


def _quote_header_start(html: str) -> int | None:
    """Where a quoted mail's header ("On ... wrote:", "From: ... Sent: ...", "-----Original
    Message-----") begins, at the start of a block, after some text of the reply's own.

    The text is read once, with a mark where each block begins; mail.quotes finds the
    header in it, and the earliest mark with only blank text up to the header is the cut.
    """
    offsets = [match.start() for match in _BLOCK_START.finditer(html)]
    if not offsets:
        return None
    marked, previous = [], 0
    for offset in offsets:
        marked += [_unmarked(html[previous:offset]), _MARK]
        previous = offset
    marked.append(_unmarked(html[previous:]))
    # An image counts as content: a signature's logo stays with the reply.
    text = html_to_text(_IMG_START.sub(_IMAGE + "<img", "".join(marked)))
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
    that follows some text, or before a quoted mail's header, whichever comes first; each
    half sanitized again, so that neither leaves a tag open (and whatever wrote body_html,
    nothing unsafe reaches the page)."""
    cuts = [cut for cut in (_blockquote_start(html), _quote_header_start(html)) if cut]
    if not cuts:
        return rebalance(html), ""
    cut = min(cuts)
    return rebalance(html[:cut]), rebalance(html[cut:])


def _shown_image(match: re.Match, allowed: set[str]) -> str:
    """An image of our own stays; any other becomes its alternative text, or nothing."""
    attributes = _attributes(match.group("attrs"))
    if attributes.get("src") in allowed:
        return match.group(0)
    alt = " ".join(attributes.get("alt", "").split())
    if not alt:
        return ""
    return (
        f'<span class="image-blocked" title="{escape(_("Image not loaded"))}">{escape(alt)}</span>'
    )


def _new_tab_link(match: re.Match) -> str:
    attrs = match.group("attrs")
    if "href" not in _attributes(attrs):
        return match.group(0)
    return f'<a{attrs} target="_blank" rel="noopener noreferrer nofollow">'


def finish_html(html: str, allowed_images: set[str]) -> SafeString:
    """Sanitized HTML made ready to show: foreign images out, links to a new tab."""
    html = _IMG.sub(lambda match: _shown_image(match, allowed_images), html)
    return mark_safe(_LINK.sub(_new_tab_link, html))  # sanitized by rebalance()


def _html_context(html: str, urls: dict[str, str]) -> dict:
    """Sanitizing a large mail again takes a while (bleach: ~0.2 s for 100 kB), and a
    body never changes: the result is cached under a digest of everything it depends on."""
    facts = f"{get_language()}|{sorted(urls.items())}|".encode()
    key = "mail_body:" + hashlib.sha256(facts + html.encode()).hexdigest()
    shown = cache.get(key)
    if shown is None:
        reply, quoted = split_quoted_html(inline_images(html, urls))
        allowed = set(urls.values())
        shown = (str(finish_html(reply, allowed)), str(finish_html(quoted, allowed)))
        cache.set(key, shown, CACHE_SECONDS)
    # Made safe above (finish_html of rebalance()d HTML).
    return {"html": mark_safe(shown[0]), "quoted_html": mark_safe(shown[1])}


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
        if not (a.is_image and a.content_id and _cid_key(a.content_id) in shown)
    ]
