"""`{% mail_body message %}`: a message's body as the conversation page shows it.

Sanitized HTML (sanitized when the mail arrived) with its inline cid: images pointing at
the permission-checked attachment view, or plain text; in both, the quoted history
folded into a <details> element, never removed.
"""

from __future__ import annotations

import re

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from mailgateway.html import html_to_text, rebalance
from mailgateway.quotes import split_quoted
from tickets.models import Message

register = template.Library()

_CID = re.compile(r'src="cid:([^"]+)"', re.IGNORECASE)
_QUOTE_START = re.compile(r"<blockquote\b", re.IGNORECASE)


def inline_images(html: str, attachments) -> str:
    """cid: references become links to the attachment view (which checks access)."""
    urls = {
        a.content_id.strip("<>").lower(): reverse("files:attachment", args=[a.pk])
        for a in attachments
        if a.content_id
    }

    def replace(match: re.Match) -> str:
        url = urls.get(match.group(1).strip("<>").lower())
        return f'src="{url}"' if url else 'src=""'

    return _CID.sub(replace, html)


def split_quoted_html(html: str) -> tuple[str, str]:
    """The HTML before the first <blockquote> that follows some text of its own, and the
    rest; each half sanitized again, so that neither leaves a tag open (and whatever wrote
    body_html, nothing unsafe reaches the page)."""
    match = _QUOTE_START.search(html)
    if match is None or not html_to_text(html[: match.start()]).strip():
        return rebalance(html), ""
    return rebalance(html[: match.start()]), rebalance(html[match.start() :])


@register.inclusion_tag("includes/_mail_body.html")
def mail_body(message: Message) -> dict:
    if message.body_html:
        html = inline_images(message.body_html, message.attachments.all())
        reply, quoted = split_quoted_html(html)
        return {"html": mark_safe(reply), "quoted_html": mark_safe(quoted)}
    reply, quoted = split_quoted(message.body_text)
    return {"reply": reply, "quoted": quoted}
