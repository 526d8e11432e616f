"""Decoding header values: RFC 2047 encoded words, raw 8-bit bytes, addresses (R4).

Pure and lenient. The standard library's strict decoders give up on what real mail
contains (an encoded word split inside a character, one glued to a word, a base64 word
without padding, an unknown charset, UTF-8 or windows-1251 bytes sent raw); these
functions decode all of it and record what they worked around as defects.
"""

from __future__ import annotations

import binascii
import inspect
import re
from email.utils import getaddresses

from mailgateway.charsets import charset_name, decode_bytes, decode_iso2022, has_iso2022

MAX_HEADER_CHARS = 64 * 1024
MAX_ADDRESSES = 500

_ENCODED_WORD = re.compile(r"=\?([^?\s]+?)(?:\*[^?\s]*)?\?([QqBb])\?(.*?)\?=", re.DOTALL)
_QP_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")
_FOLD = re.compile(r"\r?\n[ \t]")
_SPACE = re.compile(r"\s+")
_BARE_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_LENIENT = "strict" in inspect.signature(getaddresses).parameters


def raw_bytes(value: str) -> bytes:
    """The bytes of a header as read with surrogateescape (how compat32 keeps 8-bit bytes)."""
    return value.encode("ascii", "surrogateescape")


def has_8bit(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def unfold(value: str) -> str:
    return _FOLD.sub(" ", value).replace("\r", "").replace("\n", "")


def _q_decode(text: str) -> bytes:
    data = raw_bytes(text).replace(b"_", b" ")
    return _QP_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)


def _b_decode(text: str, defects: list[str]) -> bytes:
    cleaned = re.sub(r"[^A-Za-z0-9+/]", "", text)
    if len(cleaned) % 4 == 1:
        defects.append("base64 encoded word of impossible length: last character dropped")
        cleaned = cleaned[:-1]
    padded = cleaned + "=" * (-len(cleaned) % 4)
    if padded != text:
        defects.append("malformed base64 encoded word repaired")
    try:
        return binascii.a2b_base64(padded)
    except binascii.Error:
        defects.append("undecodable base64 encoded word kept as text")
        return raw_bytes(text)


def decode_words(value: str, defects: list[str], *, hint: str | None = None) -> str:
    """Unicode text of a header: encoded words decoded, raw bytes detected, folds removed.

    Adjacent encoded words in one charset are joined as bytes before decoding, so a
    character split between two words comes out whole; the whitespace between encoded
    words is dropped, as RFC 2047 says.
    """
    if not value:
        return ""
    if len(value) > MAX_HEADER_CHARS:
        defects.append("header value too long: truncated")
        value = value[:MAX_HEADER_CHARS]
    value = unfold(value)
    pieces: list[tuple[str | None, bytes | str]] = []  # (charset, bytes) or (None, text)
    position = 0
    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        if between and not (between.isspace() and pieces and pieces[-1][0] is not None):
            pieces.append((None, between))
        charset, encoding, text = match.groups()
        if " " in text:
            defects.append("spaces inside an encoded word")
        data = _q_decode(text) if encoding in "Qq" else _b_decode(text, defects)
        codec = charset_name(charset)
        if codec is None:
            defects.append(f"unknown charset {charset!r} in an encoded word: detected")
            codec = ""
        if pieces and pieces[-1][0] == codec and isinstance(pieces[-1][1], bytes):
            pieces[-1] = (codec, pieces[-1][1] + data)
        else:
            pieces.append((codec, data))
        position = match.end()
    tail = value[position:]
    if tail:
        pieces.append((None, tail))
    if len(pieces) == 1 and pieces[0][0] is None:
        return _decode_raw(value, defects, hint)
    out = []
    for codec, piece in pieces:
        if isinstance(piece, str):  # (None, text)
            out.append(_decode_raw(piece, defects, hint))
        else:
            out.append(decode_bytes(piece, codec or None, defects, hint=hint))
    return "".join(out)


def _decode_raw(text: str, defects: list[str], hint: str | None) -> str:
    if "\x1b" in text and not has_8bit(text) and has_iso2022(text.encode("ascii")):
        defects.append("raw ISO-2022-JP in a header")
        return decode_iso2022(text.encode("ascii"), defects)
    if not has_8bit(text):
        return text
    defects.append("raw 8-bit bytes in a header")
    return decode_bytes(raw_bytes(text), None, defects, hint=hint)


def decode_header(value: str | None, defects: list[str], *, hint: str | None = None) -> str:
    """A header as one line of Unicode text, whitespace collapsed."""
    return _SPACE.sub(" ", decode_words(value or "", defects, hint=hint)).strip()


def parse_addresses(
    values: list[str], defects: list[str], *, hint: str | None = None
) -> list[tuple[str, str]]:
    """(name, address) pairs: addresses lower-cased, names decoded to Unicode.

    Addresses are split on the raw header, before decoding, so that a comma inside an
    encoded display name cannot split one person into two.
    """
    pairs: list[tuple[str, str]] = []
    values = [_iso2022_decoded(unfold(v), defects) for v in values if v]
    raw = [_addresses_outside_words(v[:MAX_HEADER_CHARS], defects) for v in values]
    try:
        found = _getaddresses(raw)
    except (RecursionError, ValueError, IndexError):
        defects.append("unparseable address list: addresses picked out of it")
        found = [("", address) for address in _BARE_ADDRESS.findall(" ".join(raw))]
    for name, address in found:
        if not name and "@" not in address and not address.startswith("<"):
            name, address = address, ""  # "From: Whomever": a name without an address
        address = _decode_address(address, defects, hint)
        name = decode_header(name, defects, hint=hint)
        if not address and not name:
            continue
        if name.lower() == address:
            name = ""
        pairs.append((name, address))
        if len(pairs) >= MAX_ADDRESSES:
            defects.append(f"more than {MAX_ADDRESSES} addresses in a header: the rest ignored")
            break
    return pairs


def _iso2022_decoded(value: str, defects: list[str]) -> str:
    """Raw ISO-2022-JP in an address header is decoded before the addresses are split: its
    escape sequences hold "(" and "$", which the address parser reads as syntax."""
    if "\x1b" not in value or has_8bit(value) or not has_iso2022(value.encode("ascii")):
        return value
    defects.append("raw ISO-2022-JP in a header")
    return decode_iso2022(value.encode("ascii"), defects)


def _addresses_outside_words(value: str, defects: list[str]) -> str:
    """A header whose addresses are themselves inside encoded words ("Name <address>" all
    encoded, as some mail programs write it) is decoded before it is split."""
    if "=?" not in value or "@" in _ENCODED_WORD.sub("", value):
        return value
    decoded = decode_words(value, [])
    if "@" not in decoded:
        return value
    defects.append("addresses inside an encoded word")
    return decoded


def _getaddresses(values: list[str]) -> list[tuple[str, str]]:
    # Python 3.11.10+ and 3.12.6+ reject malformed lists unless strict=False: we want
    # whatever can be recovered.
    if _LENIENT:
        return getaddresses(values, strict=False)
    return getaddresses(values)


def _decode_address(address: str, defects: list[str], hint: str | None) -> str:
    address = address.strip().strip("<>").strip()
    if _ENCODED_WORD.search(address) or has_8bit(address):
        address = decode_words(address, defects, hint=hint)
    return "".join(address.split()).lower()


def message_ids(value: str | None) -> list[str]:
    """Message-IDs in a header (In-Reply-To, References), in order, with their angle brackets."""
    if not value:
        return []
    value = unfold(value)
    found = re.findall(r"<[^<>\s]+>", value)
    if found:
        return found
    # Some mailers write ids without brackets.
    return [f"<{token}>" for token in value.split() if "@" in token]
