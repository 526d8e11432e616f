"""The content of a mail's leaves: decoded payloads, the text and HTML bodies, the
attachments (every part that is not body text, whatever its type) and the files inside
Outlook's winmail.dat."""

from __future__ import annotations

import binascii
import html as html_lib
import mimetypes
import re
from email.message import Message as MimePart
from typing import cast

import tnefparse
from striprtf.striprtf import rtf_to_text

from mailgateway.charsets import charset_name, decode_bytes
from mailgateway.headers import decode_header, has_8bit, raw_bytes
from mailgateway.html import html_to_text, sanitize
from mailgateway.parsed import (
    BODY_TYPES,
    LAZY_MARK,
    MAX_DECODED_BYTES,
    REPORT_NAMES,
    TNEF_TYPES,
    Leaf,
    ParsedAttachment,
    WalkState,
    type_extension,
)


def payload(leaf: Leaf, state: WalkState) -> bytes:
    part = leaf.part
    if part.is_multipart():  # message/rfc822, delivery-status: the part's own bytes
        try:
            inner = cast("list[MimePart]", part.get_payload())
            if leaf.content_type == "message/rfc822" and len(inner) == 1:
                return inner[0].as_bytes()
            return b"\n".join(block.as_bytes() for block in inner)
        except Exception as exc:  # a broken inner message: keep what can be written
            state.defects.append(f"inner message could not be rewritten: {exc}")
            return str(part).encode("utf-8", "surrogateescape")
    if state.lazy:
        lazy = _lazy_payload(part, state)
        if lazy is not None:
            return lazy
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload
    value = part.get_payload()
    return value.encode("utf-8", "surrogateescape") if isinstance(value, str) else b""


def _lazy_payload(part: MimePart, state: WalkState) -> bytes | None:
    value = part.get_payload()
    if not isinstance(value, str) or not value.startswith(LAZY_MARK.decode()):
        return None
    if str(part.get("content-transfer-encoding", "")).strip().lower() != "base64":
        return None
    number, _newline, rest = value[len(LAZY_MARK) :].partition("\n")
    try:
        index = int(number.strip())
        start, end = state.lazy[index]
    except (ValueError, IndexError):
        return None
    state.lazy_used.add(index)
    region = memoryview(state.raw)[start:end]
    if rest.strip():  # base64 after the run: decode it as one with the run
        return binascii.a2b_base64(bytes(region) + rest.encode("ascii", "replace"))
    return binascii.a2b_base64(region)


def leaf_text(leaf: Leaf, state: WalkState) -> str:
    data = payload(leaf, state)
    return decode_bytes(data, leaf.part.get_content_charset(), state.defects, hint=state.hint)


def bodies(state: WalkState) -> tuple[str, str | None]:
    texts = []
    for leaf in state.text_body:
        if leaf.content_type == "text/plain":
            texts.append(leaf_text(leaf, state).replace("\r\n", "\n").strip("\n"))
        elif leaf.content_type == "text/html":
            texts.append(html_to_text(leaf_text(leaf, state)))
    html = None
    if any(leaf.content_type == "text/html" for leaf in state.html_body):
        chunks = []
        for leaf in state.html_body:
            if leaf.content_type == "text/html":
                chunks.append(leaf_text(leaf, state))
            elif leaf.content_type == "text/plain":
                chunks.append(f"<pre>{html_lib.escape(leaf_text(leaf, state))}</pre>")
        html = sanitize("\n".join(chunks))
    text = "\n\n".join(t for t in texts if t.strip())
    if has_8bit(text):
        text = raw_bytes(text).decode("utf-8", "replace")
    return text, html


def collect_attachments(
    state: WalkState, html: str | None
) -> tuple[tuple[ParsedAttachment, ...], tuple[str, ...]]:
    chosen = {id(leaf): leaf for leaf in state.attachments}
    for leaf in state.text_body + state.html_body:
        if leaf.content_type not in BODY_TYPES:
            chosen[id(leaf)] = leaf  # inline images: shown in place, stored as files
    kept, dropped = [], []
    for leaf in sorted(chosen.values(), key=lambda leaf: leaf.index):
        content = payload(leaf, state)
        state.decoded += len(content)
        label = leaf.filename or leaf.content_type
        if state.decoded > MAX_DECODED_BYTES:
            state.defects.append(f"decoded size over the limit: {label} left out")
            dropped.append(label)
            continue
        content_id = str(leaf.part.get("content-id") or "").strip().strip("<>").strip()
        kept.append(
            ParsedAttachment(
                filename=leaf.filename,
                content_type=leaf.content_type,
                content=content,
                content_id=content_id,
                inline=bool(content_id and html and f"cid:{content_id}" in html),
                fallback_name="" if leaf.filename else fallback_name(leaf, state),
            )
        )
        if _is_tnef(leaf):
            kept.extend(_tnef_files(content, state))
    return tuple(kept), tuple(dropped)


# A Content-Description longer than this is a sentence, not a name.
MAX_DESCRIPTION_NAME = 80


def fallback_name(leaf: Leaf, state: WalkState) -> str:
    """A useful name for a part sent without one (issue 12): a report's kind, an attached
    mail's subject, the part's Content-Description; "" leaves it to its type."""
    ctype = leaf.content_type
    if ctype in REPORT_NAMES:
        return REPORT_NAMES[ctype]
    part = leaf.part
    if ctype == "message/rfc822":
        inner = cast("MimePart", part.get_payload(0)) if part.is_multipart() else None
        subject = decode_header(inner.get("subject") if inner else "", state.defects)
        return f"{subject[:MAX_DESCRIPTION_NAME].strip()}.eml" if subject.strip() else ""
    description = decode_header(part.get("content-description"), state.defects, hint=state.hint)
    if not description or len(description) > MAX_DESCRIPTION_NAME:
        return ""
    extension = type_extension(ctype)
    if ctype == "application/octet-stream" or "." in description[-6:]:
        return description  # it names the file already ("report.xlsx")
    return f"{description}{extension}"


def _is_tnef(leaf: Leaf) -> bool:
    return leaf.content_type in TNEF_TYPES or (leaf.filename or "").lower() == "winmail.dat"


_RTF_CODEPAGE = re.compile(rb"\\ansicpg(\d+)")


def _tnef_body(tnef: tnefparse.TNEF, state: WalkState) -> tuple[str, str | None] | None:
    """The message text Outlook put inside winmail.dat: its HTML, plain text or RTF (read
    as text; RTF that wraps HTML gives that HTML's text)."""
    try:
        if tnef.htmlbody:
            html = _tnef_text(tnef.htmlbody, state)
            return html_to_text(html), sanitize(html)
        if tnef.body:
            return _tnef_text(tnef.body, state).replace("\r\n", "\n").strip("\n"), None
        rtf = tnef.rtfbody
        if rtf and rtf.lstrip().startswith(b"{\\rtf"):
            codepage = _RTF_CODEPAGE.search(rtf[:2000])
            encoding = charset_name(f"cp{codepage.group(1).decode()}") if codepage else None
            text = rtf_to_text(
                rtf.decode("latin-1"), encoding=encoding or "cp1252", errors="replace"
            )
            return text.replace("\r\n", "\n").strip(), None
    except Exception as exc:  # an unreadable body: the winmail.dat itself is kept
        state.defects.append(f"the text in winmail.dat could not be read: {type(exc).__name__}")
    return None


def _tnef_text(value: str | bytes, state: WalkState) -> str:
    text = value if isinstance(value, str) else decode_bytes(value, None, state.defects)
    return text.replace("\x00", "")


def _tnef_files(data: bytes, state: WalkState) -> list[ParsedAttachment]:
    """The files inside Outlook's winmail.dat, as attachments of their own (the winmail.dat
    itself is kept too)."""
    try:
        tnef = tnefparse.TNEF(data)
    except Exception as exc:  # a broken TNEF stream: the winmail.dat is still kept
        state.defects.append(f"winmail.dat could not be opened: {type(exc).__name__}")
        return []
    if state.tnef_body is None:
        state.tnef_body = _tnef_body(tnef, state)
    files = []
    for item in tnef.attachments:
        try:
            name = item.long_filename() or item.name or None
            content = bytes(item.data or b"")
        except Exception:  # one unreadable file in it: the others are still taken
            state.defects.append("a file in winmail.dat could not be read")
            continue
        if isinstance(name, bytes):
            name = decode_bytes(name, None, state.defects, hint=state.hint)
        state.decoded += len(content)
        if state.decoded > MAX_DECODED_BYTES:
            state.defects.append("decoded size over the limit: winmail.dat files left out")
            break
        guessed = mimetypes.guess_type(name or "")[0] or "application/octet-stream"
        files.append(ParsedAttachment(filename=name, content_type=guessed, content=content))
    return files
