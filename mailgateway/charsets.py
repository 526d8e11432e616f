"""Turning the bytes of mail into text, whatever charset they claim or hide (R4).

Pure functions. Every decoder here returns text and never raises on bad input: what cannot
be decoded becomes U+FFFD, and what was worked around is reported as a defect.

Legacy Cyrillic charsets are all single-byte, so a mislabelled one decodes "successfully"
into nonsense. Real Russian, Ukrainian or Belarusian text is mostly lower-case; the same
bytes read in the wrong Cyrillic charset come out with the case scrambled. That gives a
cheap and reliable test between koi8-r, koi8-u, windows-1251, iso-8859-5 and cp866, which
statistical detectors often confuse on short strings such as a name or a subject.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# Codec names as codecs.lookup() spells them (charset_name() returns those).
CYRILLIC_FAMILY = ("cp1251", "koi8-r", "koi8-u", "iso8859-5", "cp866", "mac-cyrillic")
# Names mail programs use that Python does not know, and placeholders meaning "unknown".
CHARSET_ALIASES = {
    "unknown-8bit": "",
    "x-unknown": "",
    "unknown": "",
    "x-user-defined": "",
    "default": "",
    "ks_c_5601-1987": "cp949",
    "x-mac-cyrillic": "mac-cyrillic",
    "win-1251": "cp1251",
    "windows-1251-cyrillic": "cp1251",
    "cp-1251": "cp1251",
    "x-cp1251": "cp1251",
    "utf8": "utf-8",
    "x-utf8": "utf-8",
    "utf-8-sig": "utf-8",
    "iso-8859-8-i": "iso8859-8",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "ascii": "ascii",
    "us-ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
}
# A declared Cyrillic charset is overruled only when another reads clearly better.
MISLABEL_MARGIN = 0.3
# A single-byte reading this good is taken without asking the statistical detector.
CONFIDENT = 1.5
SINGLE_BYTE = frozenset((*CYRILLIC_FAMILY, "cp1252", "iso8859-1", "iso8859-15"))
# Below this many 8-bit bytes a statistical detector guesses wildly.
DETECTOR_MIN_BYTES = 16
# Charsets whose text is not ASCII-compatible (an all-ASCII byte string is not ASCII text).
WIDE_CODECS = ("utf-16", "utf-32", "utf-7")
# Cyrillic letters of no living Russian, Ukrainian or Belarusian word: typical mojibake.
# (Ukrainian ґ U+0491 and Belarusian ў U+045E are letters of those words.)
_RARE_CYRILLIC = re.compile(
    r"[\u0400\u0402\u0403\u0405\u0408-\u040d\u040f\u0450\u0452\u0453\u0455\u0458-\u045d"
    r"\u045f\u0460-\u048f\u0492-\u04ff]"
)


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


def _frequencies(letters: str, per_cent: tuple[float, ...]) -> dict[str, float]:
    return dict(zip(letters, per_cent, strict=True))


# How often each letter occurs in text of each language, in per cent (approximate): the
# right Cyrillic table gives common letters, a wrong one gives rare ones (ч, й, ю, ж...).
LETTER_FREQUENCIES = {
    "ru": _frequencies(
        "оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё",
        (
            10.97, 8.45, 8.01, 7.35, 6.70, 6.26, 5.47, 4.73, 4.54, 4.40, 3.49, 3.21, 2.98,
            2.81, 2.62, 2.01, 1.90, 1.74, 1.70, 1.65, 1.59, 1.44, 1.21, 0.97, 0.94, 0.73,
            0.64, 0.48, 0.36, 0.32, 0.26, 0.04, 0.04,
        ),
    ),
    "uk": _frequencies(
        "оанитвіерсклудмпязьгбчйхжцшюїєщфґ",
        (
            9.40, 7.20, 6.50, 6.10, 5.50, 5.30, 5.70, 4.90, 4.70, 4.20, 3.80, 3.60, 3.50,
            3.30, 3.10, 2.90, 2.40, 2.30, 1.70, 1.60, 1.60, 1.40, 1.30, 1.20, 1.00, 0.90,
            0.80, 0.80, 0.70, 0.50, 0.50, 0.30, 0.02,
        ),
    ),
    "be": _frequencies(
        "аноіертсылквдмуцяўпзбьгчйжхшюэёф",
        (
            9.00, 6.60, 6.60, 5.80, 5.50, 4.80, 4.40, 4.40, 4.20, 3.80, 3.60, 3.20, 3.20,
            3.10, 3.00, 2.90, 2.80, 2.20, 2.20, 2.20, 1.70, 1.60, 1.50, 1.40, 1.20, 1.00,
            0.90, 0.80, 0.60, 0.50, 0.40, 0.20,
        ),
    ),
}  # fmt: skip


def quality(text: str) -> float:
    """How much a decoding looks like text, from -4 to 1, judged on its non-ASCII part.

    Letters of living alphabets count for it; symbols, box drawing, replacement
    characters and archaic Cyrillic letters count against it, and so do a capital letter
    inside a word and a Cyrillic letter glued to a Latin one (both typical of a wrong table).
    """
    good = bad = 0
    previous = ""
    for index, ch in enumerate(text):
        if ch < "\x80":
            previous = ch
            continue
        if ch.isalpha() and not _RARE_CYRILLIC.match(ch):
            good += 1
            if ch.isupper() and previous.isalpha() and previous.islower():
                bad += 2
            following = text[index + 1 : index + 2]
            if "\u0400" <= ch <= "\u04ff" and (
                (previous.isascii() and previous.isalpha())
                or (following.isascii() and following.isalpha())
            ):
                bad += 2
        else:
            bad += 4
        previous = ch
    total = good + bad / 4
    return (good - bad) / total if total else 1.0


def letter_fit(text: str) -> float:
    """How common the Cyrillic letters are in the language they fit best (Russian,
    Ukrainian or Belarusian): their mean frequency, 0 to about 0.7 (0 if none)."""
    letters = [ch.lower() for ch in text if "\u0400" <= ch <= "\u04ff"]
    if not letters:
        return 0.0
    return max(
        sum(frequencies.get(ch, 0.0) for ch in letters) / len(letters) / 10
        for frequencies in LETTER_FREQUENCIES.values()
    )


def text_score(text: str) -> float:
    return quality(text) + 2 * letter_fit(text)


def _score(data: bytes, charset: str) -> float:
    return text_score(data.decode(charset, errors="replace"))


def best_reading(data: bytes, charsets: tuple[str | None, ...]) -> str:
    """The charset among these whose reading of the bytes looks most like text; on a tie,
    the one named first (the declared or hinted charset goes first)."""
    candidates = list(dict.fromkeys(name for name in charsets if name))
    return max((_score(data, name), -index, name) for index, name in enumerate(candidates))[2]


def looks_mostly_utf8(data: bytes, *, declared: bool = False) -> bool:
    """UTF-8 with a character cut somewhere (a truncated header), not a legacy charset.

    Declared UTF-8 keeps its label while at least half its characters decode; undeclared
    bytes need three good characters for each bad one.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = sum(1 for ch in text if ord(ch) > 127) - bad
    if declared:
        return bad <= non_ascii
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
    if hint and hint not in ("ascii", "utf-8", *SINGLE_BYTE):
        return hint  # a multi-byte legacy charset (Japanese, Chinese) the mail declares
    single = best_reading(data, (hint, *CYRILLIC_FAMILY, "cp1252"))
    if _score(data, single) >= CONFIDENT or (
        sum(1 for byte in data if byte > 127) < DETECTOR_MIN_BYTES
    ):
        return single
    best = from_bytes(data[:65536]).best()
    guess = charset_name(best.encoding) if best is not None else None
    if guess and _score(data, guess) > _score(data, single):
        return guess
    return single


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
            if looks_mostly_utf8(data, declared=True):
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
        best = best_reading(data, (name, *CYRILLIC_FAMILY))
        # Switch only on a clear verdict: a shouted all-capitals line stays as declared.
        if best != name and _score(data, best) - _score(data, name) > MISLABEL_MARGIN:
            defects.append(f"text labelled {declared} is {best}")
            name = best
        return data.decode(name, errors="replace")
    try:
        return data.decode(name)
    except UnicodeDecodeError:
        defects.append(f"invalid {declared} sequences replaced")
        return data.decode(name, errors="replace")
