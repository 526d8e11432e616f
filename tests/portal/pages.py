"""Checks that pages of the portal and the account area share (P8: labels, no broken text)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

LINK = re.compile(r"https?://\S+")


class _Fields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict] = []
        self.labelled: set[str] = set()
        self._label_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self._label_depth += 1
            if attrs.get("for"):
                self.labelled.add(attrs["for"])
        elif tag in ("input", "select", "textarea"):
            if attrs.get("type") in ("hidden", "submit", "button"):
                return
            if "aria-hidden" in attrs:
                return
            attrs["_wrapped"] = self._label_depth > 0
            self.fields.append(attrs)

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_depth -= 1


def unlabelled_fields(html: str) -> list[str]:
    """The form fields of a page that no <label> names (P8: a label on every field)."""
    parser = _Fields()
    parser.feed(html)
    return [
        field.get("name", "?")
        for field in parser.fields
        if not field["_wrapped"]
        and field.get("id") not in parser.labelled
        and not field.get("aria-label")
    ]


def mail_links(message) -> list[str]:
    """The links in a mail's plain-text body."""
    return LINK.findall(message.body)
