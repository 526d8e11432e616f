"""HTML of mail: sanitized for storing and for showing, and turned into plain text.

Mail HTML is hostile input. `sanitize()` keeps formatting, links and inline images (cid:)
and removes scripts, styles that could escape the message, event handlers, forms and
remote content other than links. `sanitize_for_page()` sanitizes again for showing: inline
images get the address of our attachment view, other images become a placeholder, links
open in a new tab.

Everything is done by bleach's Cleaner (its attribute callables decide which attributes
stay) and by html5lib filters on the Cleaner's token stream (they change what stays): no
regular expression rewrites HTML before or after it, and only the Cleaner's own output is
marked safe.
"""

from __future__ import annotations

import contextlib
import html as html_lib
import re
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from html.parser import HTMLParser
from itertools import accumulate

import bleach
import tinycss2
from bleach.css_sanitizer import CSSSanitizer
from bleach.html5lib_shim import Filter
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "center", "cite", "code", "col",
        "colgroup", "dd", "del", "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4",
        "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "q", "s",
        "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "tt", "u", "ul",
    }
)  # fmt: skip
# Elements whose content is not for reading: they go with everything inside them. The
# Cleaner lets them through (a stripped tag would leave its content as text) for
# _DropInvisible to remove whole.
INVISIBLE_TAGS = frozenset({"script", "style", "head", "title", "xml", "template", "noscript"})
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
# What a link in a mail gets: a new tab that cannot reach back into our page.
NEW_TAB = {(None, "target"): "_blank", (None, "rel"): "noopener noreferrer nofollow"}

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


def _image_sources(*prefixes: str) -> Callable[[str, str, str], bool]:
    """The attribute callable of <img>: its usual attributes, and a source only with one
    of these prefixes (remote images track the reader)."""

    def allowed(tag: str, name: str, value: str) -> bool:
        if name == "src":
            return value.lower().startswith(prefixes)
        return name in ALLOWED_ATTRIBUTES["img"]

    return allowed


class _DropInvisible(Filter):
    """Removes scripts, styles and the like with all they contain. The tree walker's
    stream is balanced (every start tag has its end tag), so a depth count is exact."""

    def __iter__(self) -> Iterator[dict]:
        depth = 0
        for token in super().__iter__():
            if token.get("name") in INVISIBLE_TAGS and token["type"] in ("StartTag", "EndTag"):
                depth += 1 if token["type"] == "StartTag" else -1
            elif not depth:
                yield token


def content_id_key(content_id: str) -> str:
    """A Content-ID as cid: references and attachments are matched on."""
    return content_id.strip().strip("<>").strip().lower()


class _ShowOnPage(Filter):
    """Inline images point at our attachment view; any other image becomes its
    alternative text, or nothing (a tracking pixel); links open in a new tab."""

    def __init__(self, source, images: Mapping[str, str]) -> None:
        super().__init__(source)
        self.images = images
        self.own = frozenset(images.values())

    def __iter__(self) -> Iterator[dict]:
        for token in super().__iter__():
            if token["type"] not in ("StartTag", "EmptyTag"):
                yield token
            elif token["name"] == "img":
                yield from self._image(token)
            else:
                if token["name"] == "a" and (None, "href") in token["data"]:
                    token["data"].update(NEW_TAB)
                yield token

    def _image(self, token: dict) -> Iterator[dict]:
        attributes = token["data"]
        source = attributes.get((None, "src"), "")
        if source.lower().startswith("cid:"):
            source = self.images.get(content_id_key(html_lib.unescape(source[4:])), "")
        if source in self.own:
            attributes[(None, "src")] = source
            yield token
            return
        # Attribute values come as written (entities kept): the text is their meaning.
        alt = " ".join(html_lib.unescape(attributes.get((None, "alt"), "")).split())
        if alt:
            blocked = {(None, "class"): "image-blocked", (None, "title"): _("Image not loaded")}
            yield {"type": "StartTag", "name": "span", "namespace": None, "data": blocked}
            yield {"type": "Characters", "data": alt}
            yield {"type": "EndTag", "name": "span", "namespace": None}


def _cleaner(image_prefixes: tuple[str, ...], *filters) -> bleach.Cleaner:
    """A new Cleaner each time: a Cleaner is not thread-safe."""
    return bleach.Cleaner(
        tags=ALLOWED_TAGS | INVISIBLE_TAGS,
        attributes={**ALLOWED_ATTRIBUTES, "img": _image_sources(*image_prefixes)},
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        css_sanitizer=_CSS,
        filters=[_DropInvisible, *filters],
    )


def sanitize(html: str) -> str:
    """Safe HTML to store: only inline (cid:) images keep a source."""
    return _cleaner(("cid:",)).clean(html[:MAX_HTML_CHARS]).strip()


def sanitize_for_page(html: str, images: Mapping[str, str] | None = None) -> SafeString:
    """Sanitizes again for showing (whatever wrote the HTML), closing what a cut of it
    left open. `images` maps Content-ID keys to the addresses of the message's own
    attachments: only those images are shown."""
    show = partial(_ShowOnPage, images=images or {})
    return mark_safe(_cleaner(("cid:", "/files/"), show).clean(html[:MAX_HTML_CHARS]))


_IMG = frozenset({"img"})


class _StartTags(HTMLParser):
    def __init__(self, html: str, names: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.names = names
        self.found: list[tuple[int, str, dict[str, str | None]]] = []
        # Where each line starts: the parser tells positions as (line, column).
        self.line_starts = [0, *accumulate(len(line) + 1 for line in html.split("\n"))]

    def handle_starttag(self, tag, attrs):
        if tag in self.names:
            line, column = self.getpos()
            self.found.append((self.line_starts[line - 1] + column, tag, dict(attrs)))


def start_tags(html: str, names: frozenset[str]) -> list[tuple[int, str, dict[str, str | None]]]:
    """The start tags of these names in the HTML, read as a browser would: each with its
    offset in the string and its attributes (values unescaped)."""
    html = html[:MAX_HTML_CHARS]
    parser = _StartTags(html, names)
    # html.parser is lenient; should it still choke, the tags read so far are kept.
    with contextlib.suppress(Exception):
        parser.feed(html)
        parser.close()
    return parser.found


def referenced_cids(html: str) -> set[str]:
    """The Content-ID keys the HTML's images refer to (cid:...)."""
    sources = [attributes.get("src") or "" for _, _, attributes in start_tags(html, _IMG)]
    return {content_id_key(src[4:]) for src in sources if src.lower().startswith("cid:")}


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
