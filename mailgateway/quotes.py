"""Quoted history in replies: found so the page can fold it away, never deleted.

`split_quoted(text)` returns (reply, quoted) with reply + quoted holding every line of
the text. The history starts at the first of: an attribution line ("On ... wrote:",
"... пишет:", "Am ... schrieb:"), an "Original Message" separator, an Outlook header block
(From: then Sent:/Date: a few lines on), or a trailing block of "> " lines.
"""

from __future__ import annotations

import re

WROTE = (
    r"wrote|writes|schrieb|a écrit|escribió|ha scritto|schreef|napisał|escreveu|skrev|"
    r"kirjoitti|пишет|написал|написала|написал\(а\)|написав|писал|пише|написала\(в\)|"
    r"написав\(ла\)|գրել է"
)
_ATTRIBUTION = re.compile(rf"^.{{0,400}}\b({WROTE})\s*:?\s*$", re.IGNORECASE)
# "Am 13.12.2017 21:11 schrieb "John Doe <j@example.com>":" and "---- On ... wrote ----"
_ATTRIBUTION_LONG = re.compile(
    rf"^[\s-]*(on|am|le|el|il|op|em)\b.{{0,300}}\b({WROTE})\b.{{0,200}}(:|-{{2,}})\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION_START = re.compile(
    r"^\s*(on|am|le|el|il|op|em|w dniu|den|в|во|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|"
    r"\d{1,2}\s+\w+\.?\s+\d{4}|[^\W\d_]{2,3},\s)",
    re.IGNORECASE,
)
# Yandex, Mail.ru: "26.06.2014, 14:41, "Alexander L" <abc@example.com>:"
_ATTRIBUTION_ADDRESS = re.compile(r"^\s*(\d|\w{2,3},).{0,300}@[^\s>]+>?\s*:\s*$")
# No attribution line is longer (the patterns below are not tried on longer lines).
MAX_ATTRIBUTION = 400
# mail.ru: "Четверг, 3 декабря 2026, 9:15 +03:00 от Иван Петров <ivan@example.ru>:" (and
# Ukrainian "від"): a date, the word "from", an address, a colon.
_ATTRIBUTION_FROM = re.compile(
    r"^.{0,200}\d.{0,200}\s(от|від|von|from)\s[^:]{0,200}@[^\s>]+>?\s*:\s*$", re.IGNORECASE
)
# "Jürgen Müller <j@example.de> schrieb am Do., 3. Dez. 2026, 09:15:": the address first.
_ATTRIBUTION_ADDRESS_FIRST = re.compile(
    rf"^.{{0,200}}@[^\s>]+>?\s+({WROTE})\b.{{0,100}}:\s*$", re.IGNORECASE
)
_SEPARATOR = re.compile(
    r"^\s*[-_=]{2,}\s*(original message|исходное сообщение|ursprüngliche nachricht|"
    r"message d'origine|mensaje original|reply above this line|"
    r"ответьте выше этой строки)\s*[-_=]{2,}\s*$",
    re.IGNORECASE,
)
# "-------- Oprindelig besked --------", "---------- Forwarded message ---------"
_DASHED_TITLE = re.compile(r"^\s*-{4,}\s*[^-\s][^-]{2,40}-{4,}\s*$")
_RULE = re.compile(r"^\s*_{10,}\s*$")
_HEADER_FROM = re.compile(r"^\s*\*?(from|от|від|von|de|da|van|od)\s*:\*?\s*\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*\*?(sent|date|to|subject|отправлено|надіслано|дата|кому|тема|gesendet|an|betreff|"
    r"envoyé|objet|enviado|asunto)\s*:",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"^\s*>")


def _attribution_at(lines: list[str], i: int) -> bool:
    """An attribution line, possibly wrapped over two or three lines."""
    line = lines[i]
    if _ATTRIBUTION_ADDRESS.match(line) or _ATTRIBUTION_LONG.match(line):
        return True
    # Cheap checks first: these two patterns need an address and a final colon.
    if (
        "@" in line
        and line.rstrip().endswith(":")
        and len(line) <= MAX_ATTRIBUTION
        and (_ATTRIBUTION_FROM.match(line) or _ATTRIBUTION_ADDRESS_FIRST.match(line))
    ):
        return True
    for span in (1, 2, 3):
        if not all(line.strip() for line in lines[i : i + span]):
            break  # a wrapped attribution has no blank line inside
        joined = " ".join(line.strip() for line in lines[i : i + span])
        if _ATTRIBUTION.match(joined) and (span == 1 or _ATTRIBUTION_START.match(lines[i])):
            if span == 1 and not _ATTRIBUTION_START.match(lines[i]) and len(joined) > 200:
                continue
            return True
    return False


def _header_block_at(lines: list[str], i: int) -> bool:
    """A forwarded or quoted mail's headers: From, Sent/Date, To, Subject in some order."""
    if not (_HEADER_FROM.match(lines[i]) or _HEADER_NEXT.match(lines[i])):
        return False
    block = [line for line in lines[i : i + 6] if line.strip()][:5]
    headers = [line for line in block if _HEADER_FROM.match(line) or _HEADER_NEXT.match(line)]
    return len(headers) >= 3 and any(_HEADER_FROM.match(line) for line in headers)


def _trailing_quote_at(lines: list[str], i: int) -> bool:
    if not _QUOTE.match(lines[i]):
        return False
    return all(_QUOTE.match(line) or not line.strip() for line in lines[i:])


def quote_start(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if _SEPARATOR.match(line) or _DASHED_TITLE.match(line):
            return i
        if _attribution_at(lines, i) or _header_block_at(lines, i):
            return i
        if _RULE.match(line) and any(_HEADER_FROM.match(n) for n in lines[i + 1 : i + 3]):
            return i
        if _trailing_quote_at(lines, i):
            return i
    return None


def _top_quote_end(lines: list[str]) -> int | None:
    """A quote above the answer (an attribution, then "> " lines, then the new text)."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not _attribution_at(lines, first):
        return None
    end = first + 1
    while end < len(lines) and (_QUOTE.match(lines[end]) or not lines[end].strip()):
        end += 1
    if end == first + 1 or end >= len(lines):
        return None
    return end


def split_quoted(text: str) -> tuple[str, str]:
    """(the new text, the quoted history); the history is "" when there is none.

    Nothing is dropped: every line is in one of the two. A quote above the answer is
    returned as the history too (the page shows it folded).
    """
    lines = (text or "").split("\n")
    start = quote_start(lines)
    if start is not None and "\n".join(lines[:start]).strip():
        return "\n".join(lines[:start]).rstrip(), "\n".join(lines[start:])
    top = _top_quote_end(lines)
    if top is not None:
        return "\n".join(lines[top:]).strip("\n"), "\n".join(lines[:top]).rstrip()
    return text or "", ""
