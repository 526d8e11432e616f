"""HTML of mail: sanitized for showing to agents, and turned into plain text.

Mail HTML is hostile input. `sanitize()` keeps formatting, links and inline images (cid:)
and removes scripts, styles that could escape the message, event handlers, forms and
remote content other than links.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from html.parser import HTMLParser

import bleach
import tinycss2
from bleach.css_sanitizer import CSSSanitizer

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "center", "cite", "code", "col",
        "colgroup", "dd", "del", "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4",
        "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "q", "s",
        "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "tt", "u", "ul",
    }
)  # fmt: skip
# bleach's attribute callables: (tag, attribute name, value) -> keep it?
AttributeFilter = Callable[[str, str, str], bool]

ALLOWED_ATTRIBUTES = {
    "*": ["style", "title", "dir", "lang", "align"],
    "a": ["href", "name"],
    "img": ["src", "alt", "width", "height"],
    "td": ["colspan", "rowspan", "valign", "width"],
    "th": ["colspan", "rowspan", "valign", "width"],
    "table": ["border", "cellpadding", "cellspacing", "width"],
    "font": ["color", "face", "size"],
    "blockquote": ["type", "cite"],
    "ol": ["start", "type"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "cid", "tel"})
ALLOWED_CSS = frozenset(
    {
        "color", "background-color", "font-weight", "font-style", "font-size", "font-family",
        "text-align", "text-decoration", "margin", "margin-left", "margin-right", "margin-top",
        "margin-bottom", "padding", "padding-left", "border", "border-left", "width",
        "vertical-align", "white-space",
    }
)  # fmt: skip
MAX_HTML_CHARS = 2 * 1024 * 1024

_INVISIBLE = re.compile(
    r"<(script|style|head|title|xml|template|noscript)\b[^>]*>.*?</\1\s*>|<!--.*?-->",
    re.IGNORECASE | re.DOTALL,
)
# Colour functions are the only CSS functions a mail keeps: url() loads remote content
# (tracking), expression() ran script in old browsers, var() and calc() serve neither.
CSS_FUNCTIONS = frozenset({"rgb", "rgba", "hsl", "hsla"})


def _css_value_safe(tokens) -> bool:
    for token in tokens:
        if token.type == "url":
            return False
        if token.type == "function" and (
            token.lower_name not in CSS_FUNCTIONS or not _css_value_safe(token.arguments)
        ):
            return False
        if token.type in ("() block", "[] block", "{} block") and not _css_value_safe(
            token.content
        ):
            return False
    return True


class _MailCSS(CSSSanitizer):
    """bleach's CSS sanitizer keeps any value of an allowed property; this one also drops
    declarations whose value loads or computes something."""

    def sanitize_css(self, style: str) -> str:
        declarations = tinycss2.parse_declaration_list(style)
        safe = [d for d in declarations if d.type == "declaration" and _css_value_safe(d.value)]
        return super().sanitize_css(" ".join(tinycss2.serialize([d]) for d in safe))


_CSS = _MailCSS(allowed_css_properties=ALLOWED_CSS)


def _img_src(tag: str, name: str, value: str) -> bool:
    if name == "src":
        # Only our own inline images: remote ones track the reader.
        return value.lower().startswith("cid:")
    return name in ALLOWED_ATTRIBUTES["img"]


def sanitize(html: str) -> str:
    """Safe HTML to show inside our page."""
    html = _INVISIBLE.sub("", html[:MAX_HTML_CHARS])
    attributes: dict[str, list[str] | AttributeFilter] = {**ALLOWED_ATTRIBUTES, "img": _img_src}
    return bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=attributes,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        css_sanitizer=_CSS,
    ).strip()


def _own_img_src(tag: str, name: str, value: str) -> bool:
    if name == "src":
        return value.startswith("/files/") or value.lower().startswith("cid:")
    return name in ALLOWED_ATTRIBUTES["img"]


def rebalance(html: str) -> str:
    """Sanitizes again for showing, closing what a cut left open; images only from our
    attachment view (the inline cid: images, rewritten to it). The content of scripts and
    styles goes too, should anything but sanitize() have written the HTML."""
    attributes: dict[str, list[str] | AttributeFilter] = {
        **ALLOWED_ATTRIBUTES,
        "img": _own_img_src,
    }
    return bleach.clean(
        _INVISIBLE.sub("", html[:MAX_HTML_CHARS]),
        tags=ALLOWED_TAGS,
        attributes=attributes,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        css_sanitizer=_CSS,
    )


_BLOCK = frozenset(
    {
        "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
        "table", "hr", "ul", "ol", "pre", "dl", "dt", "dd", "section", "article", "header",
        "footer", "address", "center", "form",
    }
)  # fmt: skip
_SKIP = frozenset({"script", "style", "head", "title", "xml", "template", "noscript"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.pre = 0
        self.quote = 0

    def _newline(self) -> None:
        self.out.append("\n")

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip += 1
        elif tag == "pre":
            self.pre += 1
        if tag in _BLOCK:
            self._newline()
        if tag == "blockquote":
            self.quote += 1
        if tag == "li":
            self.out.append("- ")
        if tag in ("td", "th"):
            self.out.append(" ")

    def handle_startendtag(self, tag, attrs):
        if tag in ("br", "hr"):
            self._newline()

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
        if tag in _BLOCK:
            self._newline()

    def handle_data(self, data):
        if self.skip:
            return
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
        if self.quote and data.strip():
            data = "> " * self.quote + data.lstrip() if self.out and self.out[-1] == "\n" else data
        self.out.append(data)

    def text(self) -> str:
        text = "".join(self.out).replace("\xa0", " ")
        lines = [line.rstrip() for line in text.split("\n")]
        lines = [line.lstrip() if not line.startswith(">") else line for line in lines]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML body (for search, previews and HTML-only mail)."""
    parser = _TextExtractor()
    # html.parser is lenient; should it still choke, the text read so far is kept.
    with contextlib.suppress(Exception):
        parser.feed(html[:MAX_HTML_CHARS])
        parser.close()
    return parser.text()
