"""Turning the bytes of mail into text, whatever charset they claim or hide (R4).

Pure functions. Every decoder here returns text and never raises on bad input: what cannot
be decoded becomes U+FFFD, and what was worked around is reported as a defect.

Legacy Cyrillic charsets are all single-byte, so a mislabelled one decodes "successfully"
into nonsense. Real Russian, Ukrainian or Bulgarian text is mostly lower-case; the same
bytes read in the wrong Cyrillic charset come out with the case scrambled. That gives a
cheap and reliable test between koi8-r, windows-1251, iso-8859-5 and cp866, which
statistical detectors often confuse on short strings such as a name or a subject.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

CYRILLIC_FAMILY = ("cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp866", "mac_cyrillic")
# Names mail programs use that Python does not know, and placeholders meaning "unknown".
CHARSET_ALIASES = {
    "unknown-8bit": "",
    "x-unknown": "",
    "unknown": "",
    "x-user-defined": "",
    "default": "",
    "ks_c_5601-1987": "cp949",
    "x-mac-cyrillic": "mac_cyrillic",
    "win-1251": "cp1251",
    "windows-1251-cyrillic": "cp1251",
    "cp-1251": "cp1251",
    "x-cp1251": "cp1251",
    "utf8": "utf-8",
    "x-utf8": "utf-8",
    "utf-8-sig": "utf-8",
    "iso-8859-8-i": "iso8859_8",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "ascii": "ascii",
    "us-ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
}
# A declared Cyrillic charset is overruled only when it reads as scrambled case (below)
# and another reads as ordinary text (above).
MISLABEL_BELOW = 0.4
MISLABEL_ABOVE = 0.7
# Below this many 8-bit bytes a statistical detector guesses wildly.
DETECTOR_MIN_BYTES = 16
# Charsets whose text is not ASCII-compatible (an all-ASCII byte string is not ASCII text).
WIDE_CODECS = ("utf-16", "utf-32", "utf-7", "utf_16", "utf_32", "utf_7")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_CYRILLIC_LOWER = re.compile(r"[\u0430-\u045f]")


def charset_name(declared: str | None) -> str | None:
    """Python's codec name for a declared charset; "" for a placeholder; None if unknown."""
    name = (declared or "").strip().strip("\"'").lower()
    if not name:
        return ""
    name = CHARSET_ALIASES.get(name, name)
    if not name:
        return ""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def cyrillic_score(text: str) -> float:
    """The share of Cyrillic letters that are lower-case: high for real text, low for mojibake."""
    letters = _CYRILLIC.findall(text)
    if len(letters) < 3:
        return -1.0
    return len(_CYRILLIC_LOWER.findall(text)) / len(letters)


def _best_cyrillic(data: bytes, first: str) -> str:
    """Among the Cyrillic charsets, the one whose reading of the bytes looks like text."""
    candidates = [first, *(c for c in CYRILLIC_FAMILY if c != first)]
    scored = []
    for name in candidates:
        text = data.decode(name, errors="replace")
        scored.append((cyrillic_score(text) - text.count("\ufffd"), -candidates.index(name), name))
    return max(scored)[2]


def looks_mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a character cut somewhere (a truncated header), not a legacy charset."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = sum(1 for ch in text if ord(ch) > 127) - bad
    return non_ascii > 0 and bad * 3 <= non_ascii


def detect(data: bytes, hint: str | None = None) -> str:
    """A codec for bytes whose charset is not declared (or declared wrongly)."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if looks_mostly_utf8(data):
        return "utf-8"
    if hint and hint not in ("ascii", "utf-8"):
        return _best_cyrillic(data, hint) if hint in CYRILLIC_FAMILY else hint
    if sum(1 for byte in data if byte > 127) < DETECTOR_MIN_BYTES:
        # Too little for a statistical detector: Cyrillic if it reads as Cyrillic text.
        cyrillic = _best_cyrillic(data, "cp1251")
        if cyrillic_score(data.decode(cyrillic, "replace")) >= MISLABEL_ABOVE:
            return cyrillic
        return "cp1252"
    best = from_bytes(data[:65536]).best()
    guess = charset_name(best.encoding) if best is not None else None
    guess = guess or "cp1251"
    if guess in CYRILLIC_FAMILY or cyrillic_score(data.decode(guess, "replace")) >= 0:
        return _best_cyrillic(data, guess if guess in CYRILLIC_FAMILY else "cp1251")
    return guess


def decode_bytes(
    data: bytes, declared: str | None, defects: list[str], *, hint: str | None = None
) -> str:
    """Text from bytes in a declared charset, detecting it when missing, unknown or wrong."""
    if not data:
        return ""
    name = charset_name(declared)
    if name and name.startswith(WIDE_CODECS):
        return data.decode(name, errors="replace")
    if data.isascii():
        return data.decode("ascii")
    if name is None:
        defects.append(f"unknown charset {declared!r}: detected")
        name = ""
    if name in ("", "ascii"):
        if name == "ascii":
            defects.append("8-bit bytes in us-ascii text: charset detected")
        name = detect(data, hint)
        return data.decode(name, errors="replace")
    if name == "utf-8":
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            if looks_mostly_utf8(data):
                defects.append("invalid UTF-8 sequences replaced")
                return data.decode("utf-8", errors="replace")
            name = detect(data, hint)
            defects.append(f"text labelled utf-8 is {name}")
            return data.decode(name, errors="replace")
    if name in CYRILLIC_FAMILY:
        try:
            data.decode("utf-8")
            defects.append(f"text labelled {declared} is utf-8")
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        text = data.decode(name, errors="replace")
        best = _best_cyrillic(data, name)
        if best != name:
            # Switch only on a clear verdict: a shouted all-capitals line stays as declared.
            other = data.decode(best, errors="replace")
            if cyrillic_score(text) < MISLABEL_BELOW and cyrillic_score(other) >= MISLABEL_ABOVE:
                defects.append(f"text labelled {declared} is {best}")
                return other
        return text
    try:
        return data.decode(name)
    except UnicodeDecodeError:
        defects.append(f"invalid {declared} sequences replaced")
        return data.decode(name, errors="replace")
