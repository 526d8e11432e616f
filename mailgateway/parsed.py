"""What the parser returns (ParsedMail and its parts), and the state of one walk through a
mail's MIME structure, shared by the walk (parse.py) and the payloads (payloads.py)."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message as MimePart

from tickets.uploads import clean_filename

# Past this many decoded bytes a mail's further attachments are left out (MAIL.md rule 4).
MAX_DECODED_BYTES = 100 * 1024 * 1024
# Long base64 runs of a large mail are replaced by this mark and decoded from the raw
# bytes only when their part is read (see parse()).
LAZY_MARK = b"HELPDESK-LAZY-BASE64-"
TNEF_TYPES = ("application/ms-tnef", "application/vnd.ms-tnef")
# The parts of reports, named for what they hold.
REPORT_NAMES = {
    "message/delivery-status": "delivery-status.txt",
    "message/global-delivery-status": "delivery-status.txt",
    "message/disposition-notification": "disposition-notification.txt",
    "message/feedback-report": "feedback-report.txt",
    "text/rfc822-headers": "headers.txt",
    "message/rfc822-headers": "headers.txt",
}
BODY_TYPES = ("text/plain", "text/html")


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str | None  # as sent; None when the mail gives no name
    content_type: str
    content: bytes = field(repr=False)
    content_id: str = ""
    inline: bool = False  # an image the HTML body shows in place (cid:)
    # A name for a part the mail gives none: from its Content-Description, the subject of
    # an attached mail (<subject>.eml) or its kind of report (delivery-status.txt).
    fallback_name: str = ""

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def storage_name(self) -> str:
        """The name to keep and show: the sent one, sanitised (no path, control or bidi
        characters), or one made from the type."""
        if self.filename:
            return clean_filename(self.filename)
        if self.fallback_name:
            return clean_filename(self.fallback_name)
        if self.content_type == "message/rfc822":
            return "message.eml"
        return f"{type_stem(self.content_type)}{type_extension(self.content_type)}"


def type_extension(content_type: str) -> str:
    return mimetypes.guess_extension(content_type, strict=False) or ".bin"


def type_stem(content_type: str) -> str:
    """image.gif, document.html, audio.mp3: what a person calls a file of that type."""
    maintype = content_type.split("/", 1)[0]
    if maintype in ("image", "audio", "video"):
        return maintype
    if maintype == "text" or (
        maintype == "application" and content_type != "application/octet-stream"
    ):
        return "document"
    return "attachment"


@dataclass(frozen=True)
class DeliveryReport:
    """One recipient line of a delivery status notification (RFC 3464)."""

    recipient: str
    action: str
    status: str


@dataclass(frozen=True)
class ParsedMail:
    from_email: str = ""
    from_name: str = ""
    # Why the From header names nobody for sure ("" when it names one person): two From
    # headers, a group, several addresses, an address in the display name, no address
    # (docs/mail-trust.md rule 7). Such mail comes from an "unknown sender".
    sender_problem: str = ""
    # The Authentication-Results headers as received, top (latest hop) first.
    authentication_results: tuple[str, ...] = ()
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    reply_to: tuple[str, ...] = ()
    delivered_to: tuple[str, ...] = ()
    to_names: tuple[tuple[str, str], ...] = ()  # (address, name) for To and Cc
    subject: str = ""
    date: datetime | None = None
    message_id: str = ""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    text: str = ""
    html: str | None = None
    attachments: tuple[ParsedAttachment, ...] = ()
    dropped: tuple[str, ...] = ()  # attachments left out (limits), for a visible note
    headers: tuple[tuple[str, str], ...] = ()  # the classifier's headers, decoded
    content_type: str = "text/plain"
    report_type: str = ""
    part_types: frozenset[str] = frozenset()
    delivery_reports: tuple[DeliveryReport, ...] = ()
    returned_message_ids: tuple[str, ...] = ()
    defects: tuple[str, ...] = ()

    def header(self, name: str) -> str:
        name = name.lower()
        return next((value for key, value in self.headers if key == name), "")

    def has_header(self, name: str) -> bool:
        name = name.lower()
        return any(key == name for key, _value in self.headers)

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """In-Reply-To first, then References newest first (MAIL.md rule 9a)."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        ids += [mid for mid in reversed(self.references) if mid not in ids]
        return tuple(ids)


@dataclass
class Leaf:
    part: MimePart
    index: int
    content_type: str
    disposition: str
    filename: str | None


@dataclass
class WalkState:
    defects: list[str] = field(default_factory=list)
    leaves: list[Leaf] = field(default_factory=list)
    text_body: list[Leaf] = field(default_factory=list)
    html_body: list[Leaf] = field(default_factory=list)
    attachments: list[Leaf] = field(default_factory=list)
    count: int = 0
    decoded: int = 0
    hint: str | None = None
    report_type: str = ""
    # The message text inside a winmail.dat: (text, HTML or None), when it has one.
    tnef_body: tuple[str, str | None] | None = None
    part_types: set[str] = field(default_factory=set)
    reports: list[DeliveryReport] = field(default_factory=list)
    returned_ids: list[str] = field(default_factory=list)
    raw: bytes = b""
    lazy: list[tuple[int, int]] = field(default_factory=list)
    lazy_used: set[int] = field(default_factory=set)
