"""What a mail says: raw bytes in, an immutable ParsedMail out. Pure: no database, no I/O.

The standard library reads the MIME structure with its `compat32` policy: measured on the
307 messages of the shared corpus it costs 0.85 ms a message against 6 ms for
`policy.default`, and it never raises on malformed input. Everything `compat32` leaves
undecoded (encoded words, RFC 2231 parameters, 8-bit bytes, charsets) is decoded here by
our own lenient functions (headers.py, charsets.py), which record each problem they
work around in `defects`. `parse()` never raises on a malformed mail.

Which parts are the body and which are attachments follows the algorithm of RFC 8621
(JMAP) section 4.1.4, as the Stalwart mail server does; every part that is not body text
is kept as an attachment, whatever its type (ARCHITECTURE.md, Attachments).
"""

from __future__ import annotations

import email
import re
from collections.abc import Callable
from datetime import UTC, datetime
from email.feedparser import BytesFeedParser
from email.message import Message as MimePart
from email.policy import Compat32
from email.utils import parsedate_to_datetime
from typing import cast

from mailgateway.charsets import (
    SAMPLE_BYTES,
    SINGLE_BYTE,
    charset_name,
    decode_bytes,
    detect,
    relabel,
)
from mailgateway.headers import (
    decode_header,
    decode_words,
    message_ids,
    parse_addresses,
    unfold,
)
from mailgateway.parsed import (
    BODY_TYPES,
    LAZY_MARK,
    DeliveryReport,
    Leaf,
    ParsedMail,
    WalkState,
)
from mailgateway.payloads import bodies, collect_attachments
from mailgateway.senders import ambiguous_sender

# Parser limits (MAIL.md, no-loss rule 4): beyond them the rest of the mail is not
# interpreted (the raw mail is always kept), and a defect says so.
MAX_DEPTH = 20
MAX_PARTS = 500
MAX_HEADER_BYTES = 256 * 1024
# Authentication-Results headers kept for the trust check (docs/mail-trust.md), top first.
MAX_AUTH_RESULTS = 20
MAX_AUTH_RESULTS_CHARS = 4000

# Mails this large have their long base64 runs decoded from the raw bytes (see parse()).
LAZY_MIN_BYTES = 1024 * 1024
# At least ~750 kB of consecutive base64 lines.
# Maximal runs of base64 characters and line breaks. No minimum length in the pattern: with
# one, the engine would rescan each long run from every position in it (quadratic time).
_BASE64_RUN = re.compile(rb"[A-Za-z0-9+/=\r\n]+")
TOO_DEEP = f"MIME nesting deeper than {MAX_DEPTH}: inner parts kept whole"
TOO_MANY = f"more than {MAX_PARTS} MIME parts: the rest ignored"
# The defects that say the mail was cut short: the pipeline notes them on the ticket.
LIMIT_DEFECTS = (TOO_DEEP, TOO_MANY)
INLINE_MEDIA = ("image/", "audio/", "video/")
# Header names the classifier reads (MAIL.md, loops and auto-replies); decoded once.
CLASSIFIER_HEADERS = (
    "auto-submitted",
    "precedence",
    "x-precedence",
    "x-autoreply",
    "x-autorespond",
    "x-autoreply-from",
    "x-mail-autoreply",
    "x-autoresponse",
    "x-auto-response-suppress",
    "x-loop",
    "list-id",
    "list-unsubscribe",
    "x-ms-exchange-inbox-rules-loop",
    "x-failed-recipients",
    "return-path",
    "x-helpdesk-loop",
    # Not the classifier's: the language of a new customer (mailgateway/language.py).
    "content-language",
)
OUR_HEADER_PREFIX = "x-helpdesk-"


class _RawHeaders(Compat32):
    """compat32, but header values come back as read (8-bit bytes as surrogates), never
    as `Header` objects: our own decoders take it from there."""

    def header_fetch_parse(self, name, value):
        return value


RAW_POLICY = _RawHeaders()


class _CutPart(MimePart):
    """A container (multipart/*, message/*) nested past the parser's depth: read as one
    opaque part whose payload is its inner text, its headers untouched, so that writing it
    out again (as_bytes) gives back the original bytes."""

    def get_content_type(self) -> str:
        return "application/octet-stream"


class _DepthLimitedParser(BytesFeedParser):
    """The standard library's parser, cut at a depth before it recurses.

    The feed parser reads every nested multipart or message/* part with one more nested
    generator: a mail nested 1,000 levels deep ends in a RecursionError, and each line
    passes through every level (quadratic time). The parser decides whether a part is a
    container right after reading its headers (_parse_headers); past the depth limit the
    part is made opaque there, before any recursive call. Beyond the limit each line then
    costs the same: linear time.
    """

    # The feed parser's own state, which typeshed does not declare.
    _msgstack: list[MimePart]
    _cur: MimePart

    def __init__(self, *, max_depth: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.max_depth = max_depth
        self.cut = False

    def _parse_headers(self, lines):
        super()._parse_headers(lines)  # type: ignore[misc]  # private, absent from typeshed
        # _msgstack holds the part being read and its ancestors: its length is the depth.
        if len(self._msgstack) > self.max_depth and self._cur.get_content_maintype() in (
            "multipart",
            "message",
        ):
            self._cur.__class__ = _CutPart
            self.cut = True


def message_from_bytes(raw: bytes, *, max_depth: int | None = None) -> tuple[MimePart, bool]:
    """(the MIME tree, whether it was cut) of any bytes, never nested past the limit."""
    parser = _DepthLimitedParser(
        max_depth=(MAX_DEPTH + 1) if max_depth is None else max_depth, policy=RAW_POLICY
    )
    parser.feed(raw)
    return parser.close(), parser.cut


def parse(raw: bytes, *, envelope_recipients: tuple[str, ...] | list[str] = ()) -> ParsedMail:
    """Everything the gateway needs from a mail. Never raises on malformed input.

    Long base64 bodies (a 20 MB attachment) are not fed through the line-based MIME parser,
    which would hold several copies of them as text: each run of base64 lines is replaced
    by a short placeholder before parsing and decoded straight from the raw bytes after.
    Should a placeholder end up anywhere else (inside a forwarded message), the mail is
    parsed again the plain way.
    """
    lazy = _lazy_regions(raw) if len(raw) >= LAZY_MIN_BYTES else []
    if lazy:
        mail = _parse(raw, envelope_recipients, lazy)
        if mail is not None:
            return mail
    mail = _parse(raw, envelope_recipients, [])
    assert mail is not None, "without placeholders a mail is never parsed again"
    return mail


def _lazy_regions(raw: bytes) -> list[tuple[int, int]]:
    """Long base64 bodies: each starts after its part's blank line, ends at a line end."""
    regions = []
    for match in _BASE64_RUN.finditer(raw):
        start, end = match.span()
        if end - start < LAZY_MIN_BYTES // 2:
            continue
        head = raw[start : start + 300]
        blank = max(head.find(b"\n\r\n"), head.find(b"\n\n"))
        if blank >= 0:
            start += head.index(b"\n", blank + 1) + 1
        elif start and raw[start - 1 : start] != b"\n":
            start = raw.index(b"\n", start) + 1
        end = raw.rfind(b"\n", start, end) + 1
        if end - start > LAZY_MIN_BYTES // 2:
            regions.append((start, end))
    return regions


def _without_regions(raw: bytes, regions: list[tuple[int, int]]) -> bytes:
    pieces, position = [], 0
    for index, (start, end) in enumerate(regions):
        pieces += [raw[position:start], LAZY_MARK + str(index).encode() + b"\r\n"]
        position = end
    pieces.append(raw[position:])
    return b"".join(pieces)


def _parse(raw: bytes, envelope_recipients, lazy: list[tuple[int, int]]) -> ParsedMail | None:
    source = _without_regions(raw, lazy) if lazy else raw
    repairs: list[str] = []
    message, cut = message_from_bytes(_repair(source, repairs))
    state = WalkState(raw=raw, lazy=lazy)
    state.defects.extend(repairs)
    state.defects.extend(type(d).__name__ for d in message.defects)
    if cut:
        state.defects.append(TOO_DEEP)
    state.hint = _charset_hint(message)
    _walk(message, state, depth=0, multipart_type="mixed", in_alternative=False)
    text, html = bodies(state)
    attachments, dropped = collect_attachments(state, html)
    if not text.strip() and not html and state.tnef_body:
        text, html = state.tnef_body  # Outlook's winmail.dat holds the only text
    if len(state.lazy_used) != len(lazy):
        return None  # a placeholder outside a base64 part: parse the plain way
    defects = state.defects
    header_names = {k.lower() for k in message}
    if sum(len(k) + len(v) for k, v in message.items()) > MAX_HEADER_BYTES:
        defects.append("headers larger than the limit: long values truncated")

    def one(name: str) -> str:
        return decode_header(message.get(name, ""), defects, hint=state.hint)

    def addresses(*names: str) -> list[tuple[str, str]]:
        values = [v for name in names for v in (message.get_all(name) or [])]
        return parse_addresses(values, defects, hint=state.hint)

    from_pairs = addresses("from")
    from_name, from_email = _sender(message, from_pairs, addresses, defects, state.hint)
    sender_problem = ambiguous_sender(message.get_all("from") or [], from_pairs)
    to = addresses("to")
    cc = addresses("cc")
    delivered = [a.strip().lower() for a in envelope_recipients if a.strip()]
    delivered += [a for _n, a in addresses("delivered-to", "x-original-to")]
    classifier = tuple((name, one(name)) for name in CLASSIFIER_HEADERS if name in header_names)
    references = message_ids(message.get("references"))
    in_reply_to = message_ids(message.get("in-reply-to"))
    msg_ids = message_ids(message.get("message-id"))
    if len(msg_ids) > 1:
        defects.append("several Message-IDs: the first kept")
    return ParsedMail(
        from_email=from_email,
        from_name=from_name,
        sender_problem=sender_problem,
        authentication_results=tuple(
            unfold(str(v))[:MAX_AUTH_RESULTS_CHARS]
            for v in (message.get_all("authentication-results") or [])[:MAX_AUTH_RESULTS]
        ),
        to=_unique(a for _n, a in to if a),
        cc=_unique(a for _n, a in cc if a),
        reply_to=_unique(a for _n, a in addresses("reply-to") if a),
        delivered_to=_unique(a for a in delivered if a),
        to_names=tuple((a, n) for n, a in to + cc if a),
        subject=one("subject"),
        date=_date(message.get("date"), defects),
        message_id=msg_ids[0] if msg_ids else "",
        in_reply_to=in_reply_to[0] if in_reply_to else "",
        references=tuple(references[-100:]),
        text=text,
        html=html,
        attachments=attachments,
        dropped=dropped,
        headers=classifier,
        content_type=message.get_content_type(),
        report_type=state.report_type,
        part_types=frozenset(state.part_types),
        delivery_reports=tuple(state.reports),
        returned_message_ids=tuple(state.returned_ids),
        defects=tuple(dict.fromkeys(defects)),
    )


# Where the sender is read from when From names nobody, in order (a defect says so).
SENDER_FALLBACKS = ("sender", "reply-to", "return-path")
# "Doe, John <j@example.com>", "j@x.example <j@example.com>": one address in angle
# brackets at the end, whatever stands before it.
_ONE_BRACKETED = re.compile(r"^(?P<name>[^<>]*)<(?P<address>[^<>@\s]+@[^<>\s]+)>\s*$")


def _sender(
    message: MimePart,
    from_pairs: list[tuple[str, str]],
    addresses: Callable[[str], list[tuple[str, str]]],
    defects: list[str],
    hint: str | None,
) -> tuple[str, str]:
    """(name, address) of who sent the mail: the From header's, read as a person would
    when its display name holds a comma or an address, else the first of Sender, Reply-To
    and Return-Path that has one. Whether the sender is certain is ambiguous_sender()'s
    question: this only recovers what the mail says."""
    values = message.get_all("from") or []
    if len(values) > 1:
        defects.append("several From headers: the first kept")
    with_address = [pair for pair in from_pairs if pair[1]]
    first = parse_addresses(values[:1], [], hint=hint)
    if first and (len(first) > 1 or not first[0][1]):
        match = _ONE_BRACKETED.match(unfold(str(values[0])).strip())
        if match:
            name = decode_header(match.group("name").strip().strip('"'), defects, hint=hint)
            defects.append("From display name with a comma or an address read whole")
            return name, match.group("address").lower()
    if with_address:
        return with_address[0]
    for header in SENDER_FALLBACKS:
        found = [pair for pair in addresses(header) if pair[1]]
        if found:
            defects.append(f"no From address: the sender taken from {header.title()}")
            return found[0]
    defects.append("no From address")
    return from_pairs[0] if from_pairs else ("", "")


_HEADER_LINE = re.compile(rb"^(From |[\041-\071\073-\176]+:)")
_SEMICOLON_MISSING = re.compile(
    rb"^(content-type:[ \t]*multipart/[\w.+-]+)([ \t]*\r?\n?[ \t]+boundary=)",
    re.IGNORECASE | re.MULTILINE,
)


# How many lines after a line that is not a header may show it was a fold that lost its
# leading space (a header follows) rather than the first line of a body.
FOLD_LOOKAHEAD = 2


def _repair_header_block(raw: bytes, defects: list[str]) -> bytes:
    """The top-level header block as its writer meant it: a line that is neither a header
    nor a fold is joined to the header before it when headers follow it (a fold that lost
    its leading space), else it starts the body (the blank line before it is missing)."""
    head = raw[:MAX_HEADER_BYTES]
    lines = head.split(b"\n")
    joined = False
    for index, line in enumerate(lines[1:-1], start=1):
        if not line.strip(b"\r"):
            break  # the blank line: the end of the header block
        if _HEADER_LINE.match(line) or line[:1] in (b" ", b"\t"):
            continue
        following = []
        for ahead in lines[index + 1 : index + 1 + FOLD_LOOKAHEAD]:
            if not ahead.strip(b"\r"):
                break
            following.append(ahead)
        if any(_HEADER_LINE.match(ahead) for ahead in following):
            defects.append("a folded header line without its leading space joined")
            lines[index] = b" " + line
            joined = True
            continue
        defects.append("no blank line between the headers and the body")
        lines[index] = (b"\r\n" if line.endswith(b"\r") else b"\n") + line
        return b"\n".join(lines) + raw[len(head) :]
    return b"\n".join(lines) + raw[len(head) :] if joined else raw


def _repair(raw: bytes, defects: list[str]) -> bytes:
    """Repairs what the MIME parser cannot work around: a first line that is not a header
    (the parser would take every header for body text), a header block broken by folds
    without their space or without the blank line before the body, and a top-level
    multipart Content-Type whose boundary parameter lacks its semicolon."""
    first, _nl, rest = raw.partition(b"\n")
    if first.strip() and not _HEADER_LINE.match(first) and _HEADER_LINE.match(rest):
        raw = b"X-Malformed-Header: " + raw
    raw = _repair_header_block(raw, defects)
    end = raw.find(b"\n\n")
    end = len(raw) if end < 0 else end
    head = raw[:end]
    if b"boundary=" not in head.lower():
        return raw
    fixed = _SEMICOLON_MISSING.sub(rb"\1;\2", head)
    return raw if fixed == head else fixed + raw[end:]


def _unique(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _charset_hint(message: MimePart) -> str | None:
    """The charset the mail declares for its text: the best guess for raw 8-bit headers."""
    for part in message.walk():
        if part.get_content_maintype() == "text":
            name = charset_name(part.get_content_charset())
            data = None if part.is_multipart() else part.get_payload(decode=True)
            if not isinstance(data, bytes) or data.isascii():
                data = b""
            if name in SINGLE_BYTE and data:
                return relabel(data[:SAMPLE_BYTES], name)  # what the text turns out to be
            if name and name not in ("ascii", "utf-8"):
                return name
            if name == "" and data:  # no charset declared: what its 8-bit text is
                found = detect(data[:SAMPLE_BYTES])
                return None if found == "utf-8" else found
            return None
    return None


def _date(value: str | None, defects: list[str]) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(str(value).strip())
    except (TypeError, ValueError, IndexError):
        defects.append("unreadable Date header")
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _content_type(part: MimePart, state: WalkState) -> str:
    ctype = part.get_content_type()
    raw = part.get("content-type")
    if raw is not None and "/" not in str(raw).split(";", 1)[0]:
        state.defects.append(f"invalid Content-Type {str(raw)[:60]!r}")
    return ctype


def _filename(part: MimePart, state: WalkState) -> str | None:
    for param, header in (("filename", "content-disposition"), ("name", "content-type")):
        value = part.get_param(param, header=header)
        if value is None:
            continue
        if isinstance(value, tuple):  # RFC 2231: (charset, language, latin-1 text)
            charset, _language, text = value
            data = text.encode("latin-1", "surrogateescape") if text else b""
            name = decode_bytes(data, charset or None, state.defects, hint=state.hint)
        else:
            text = email.utils.unquote(str(value))
            name = decode_words(text, state.defects, hint=state.hint)
        name = name.strip()
        if name:
            return name
    return None


def _walk(
    part: MimePart, state: WalkState, *, depth: int, multipart_type: str, in_alternative: bool
) -> None:
    ctype = _content_type(part, state)
    state.part_types.add(ctype)
    if ctype == "multipart/report":
        state.report_type = str(part.get_param("report-type") or "").lower()
    children = part.get_payload() if ctype.startswith("multipart/") else None
    if isinstance(children, list) and part.is_multipart():
        if depth >= MAX_DEPTH:
            state.defects.append(TOO_DEEP)
            _leaf(part, state, ctype, multipart_type)
            return
        subtype = ctype.split("/", 1)[1]
        _parse_structure(
            children, state, depth, subtype, in_alternative or subtype == "alternative"
        )
        _leftovers(part, state)
        return
    _leaf(part, state, ctype, multipart_type)


def _leftovers(part: MimePart, state: WalkState) -> None:
    """Text outside a multipart's parts is a notice to be ignored (RFC 2046), unless the
    multipart is broken (a boundary missing, no parts at all): then it is content the
    sender's MIME structure lost, kept as a text attachment, never dropped."""
    children = part.get_payload()
    broken = (
        bool(part.defects)
        or not children
        or any(isinstance(child, MimePart) and child.defects for child in children)
    )
    for text, keep in ((part.preamble, broken), (part.epilogue, broken)):
        if keep and text and text.strip():
            leftover = MimePart(policy=RAW_POLICY)
            leftover.set_payload(text)
            leftover["Content-Type"] = "text/plain"
            state.defects.append("text outside the MIME parts kept as an attachment")
            state.attachments.append(_make_leaf(leftover, state, "text/plain"))


def _parse_structure(
    parts: list[MimePart | str],
    state: WalkState,
    depth: int,
    multipart_type: str,
    in_alternative: bool,
    text_ok: bool = True,
    html_ok: bool = True,
) -> None:
    """RFC 8621, 4.1.4: which parts are the text body, the HTML body, the attachments.

    `text_ok`/`html_ok` false stand for the RFC's null textBody/htmlBody lists.
    """
    text_len, html_len = len(state.text_body), len(state.html_body)
    for i, part in enumerate(parts):
        if not isinstance(part, MimePart):
            continue
        state.count += 1
        if state.count > MAX_PARTS:
            state.defects.append(TOO_MANY)
            return
        ctype = _content_type(part, state)
        if ctype.startswith("multipart/") and part.is_multipart():
            state.part_types.add(ctype)
            if ctype == "multipart/report":
                state.report_type = str(part.get_param("report-type") or "").lower()
            if depth + 1 >= MAX_DEPTH:
                state.defects.append(TOO_DEEP)
                state.attachments.append(_make_leaf(part, state, ctype))
                continue
            subtype = ctype.split("/", 1)[1]
            _parse_structure(
                cast("list[MimePart | str]", part.get_payload()),
                state,
                depth + 1,
                subtype,
                in_alternative or subtype == "alternative",
                text_ok,
                html_ok,
            )
            _leftovers(part, state)
            continue
        state.part_types.add(ctype)
        leaf = _make_leaf(part, state, ctype)
        _report_part(leaf, state, multipart_type)
        is_media = ctype.startswith(INLINE_MEDIA)
        is_inline = (
            leaf.disposition != "attachment"
            and (ctype in BODY_TYPES or is_media)
            and (i == 0 or (multipart_type != "related" and (is_media or not leaf.filename)))
        )
        if not is_inline:
            state.attachments.append(leaf)
            continue
        if multipart_type == "alternative":
            if ctype == "text/plain":
                state.text_body.append(leaf)
            elif ctype == "text/html":
                state.html_body.append(leaf)
            else:
                state.attachments.append(leaf)
            continue
        if in_alternative:
            if ctype == "text/plain":
                html_ok = False
            if ctype == "text/html":
                text_ok = False
        if text_ok:
            state.text_body.append(leaf)
        if html_ok:
            state.html_body.append(leaf)
        if (not text_ok or not html_ok) and is_media:
            state.attachments.append(leaf)
    if multipart_type == "alternative" and text_ok and html_ok:
        # Only an HTML alternative: it is the text too; only a plain one: the HTML too.
        if len(state.text_body) == text_len and len(state.html_body) != html_len:
            state.text_body.extend(state.html_body[html_len:])
        if len(state.html_body) == html_len and len(state.text_body) != text_len:
            state.html_body.extend(state.text_body[text_len:])


def _leaf(part: MimePart, state: WalkState, ctype: str, multipart_type: str) -> None:
    """A mail that is a single part: its text is the body, anything else an attachment."""
    leaf = _make_leaf(part, state, ctype)
    _report_part(leaf, state, multipart_type)
    if ctype in BODY_TYPES and leaf.disposition != "attachment":
        state.text_body.append(leaf)
        state.html_body.append(leaf)
    else:
        state.attachments.append(leaf)


def _make_leaf(part: MimePart, state: WalkState, ctype: str) -> Leaf:
    disposition = (part.get_content_disposition() or "").lower()
    leaf = Leaf(part, len(state.leaves), ctype, disposition, _filename(part, state))
    state.leaves.append(leaf)
    return leaf


def _report_part(leaf: Leaf, state: WalkState, multipart_type: str) -> None:
    """Bounces and receipts: the recipients' status and the Message-ID of the returned mail."""
    ctype = leaf.content_type
    if ctype == "message/delivery-status":
        blocks = cast("list[MimePart] | str", leaf.part.get_payload())
        if isinstance(blocks, list):
            for block in blocks[1:] or blocks:
                recipient = str(
                    block.get("final-recipient") or block.get("original-recipient") or ""
                )
                recipient = recipient.rpartition(";")[2].strip().strip("<>").lower()
                state.reports.append(
                    DeliveryReport(
                        recipient=recipient,
                        action=str(block.get("action") or "").strip().lower(),
                        status=str(block.get("status") or "").strip().split(" ", 1)[0],
                    )
                )
    elif ctype in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
        if multipart_type == "report" or state.report_type:
            inner = cast("MimePart", leaf.part.get_payload(0)) if leaf.part.is_multipart() else None
            if inner is None:
                decoded = cast("bytes | None", leaf.part.get_payload(decode=True))
                inner, _cut = message_from_bytes(decoded or b"")
            state.returned_ids.extend(message_ids(inner.get("message-id")))
    elif ctype == "message/disposition-notification":
        blocks = cast("list[MimePart] | str", leaf.part.get_payload())
        if isinstance(blocks, list):
            for block in blocks:
                state.returned_ids.extend(message_ids(block.get("original-message-id")))
