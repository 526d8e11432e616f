"""Turning the bytes of mail into text, whatever charset they claim or hide (R4).

Pure functions. Every decoder here returns text and never raises on bad input: what cannot
be decoded becomes U+FFFD, and what was worked around is reported as a defect.

Legacy Cyrillic charsets are all single-byte, so a mislabelled one decodes "successfully"
into nonsense. Real Russian, Ukrainian or Belarusian text is mostly lower-case; the same
bytes read in the wrong Cyrillic charset come out with the case scrambled. That gives a
cheap and reliable test between koi8-r, koi8-u, windows-1251, iso-8859-5 and cp866, which
statistical detectors often confuse on short strings such as a name or a subject.

The East Asian multi-byte charsets overlap even more: the same bytes are valid GBK, Big5,
EUC-KR and EUC-JP. What tells them apart is the language the reading gives: Japanese has
kana, Korean has Hangul syllables (and almost no Hanja) with spaces between words,
Chinese has the common Hanzi of its charset's first level. The common characters of each
are read from the charsets' own tables (the first levels of GB 2312, Big5, JIS X 0208 and
KS X 1001 list the frequent characters first), so no frequency table is copied here.
"""

from __future__ import annotations

import codecs
import functools
import re
from collections import Counter

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
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    # Japanese, Korean and Chinese mail programs write their vendors' supersets under the
    # standard names (NEC and IBM extensions of Shift_JIS, Unified Hangul, HKSCS).
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "euc-kr": "cp949",
    "ks_c_5601": "cp949",
    "x-windows-949": "cp949",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "iso-2022-jp": "iso2022_jp_2",
    "csiso2022jp": "iso2022_jp_2",
    "iso-2022-jp-1": "iso2022_jp_2",
    "iso-2022-jp-ms": "iso2022_jp_2",
    # Latin-1 and Turkish labels mean their Windows supersets (as browsers read them).
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "iso-8859-9": "cp1254",
    "latin5": "cp1254",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
    "ascii": "ascii",
    "us-ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
}
# A reading of the hinted charset (the one the mail's text is in) at least this clean is
# taken without trying the others: a wrong one scrambles case or glues scripts together.
HINT_QUALITY = 0.9
# A declared Cyrillic charset is overruled only when another reads clearly better.
MISLABEL_MARGIN = 0.3
# A text declared in a Latin charset with fewer 8-bit bytes than this (a ®, a ü) keeps its
# label: too little to judge.
FEW_8BIT = 4
# Other single-byte charsets an undeclared text is tried in (Central European, Greek,
# Turkish, Baltic), after the Cyrillic family and Western European.
OTHER_SINGLE_BYTE = ("cp1250", "iso8859-2", "cp1253", "iso8859-7", "cp1254", "cp1257")
# The labels mail programs put on text whatever its charset.
LATIN1_LABELS = ("cp1252", "iso8859-15")
SINGLE_BYTE = frozenset((*CYRILLIC_FAMILY, "cp1252", "iso8859-1", "iso8859-15", *OTHER_SINGLE_BYTE))
# East Asian multi-byte charsets, as Python names their supersets.
CJK_CODECS = ("gb18030", "big5hkscs", "cp932", "euc_jp", "cp949")
# The bytes of a text this long are enough to judge its charset.
SAMPLE_BYTES = 4096
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
    "el": _frequencies(
        "αοιετσνηυρπκμλςωγδάίόέθχήφύβώξζψ",
        (
            11.0, 9.0, 7.5, 7.5, 7.5, 5.5, 6.5, 5.0, 4.0, 4.5, 4.0, 4.0, 3.5, 3.0, 2.0,
            2.0, 1.8, 1.8, 2.0, 1.8, 1.7, 1.5, 1.2, 1.2, 1.0, 0.8, 0.8, 0.7, 0.6, 0.4,
            0.3, 0.1,
        ),
    ),
}  # fmt: skip


def _is_neutral(ch: str) -> bool:
    """East Asian punctuation (full stops, commas, brackets, full-width ASCII): neither a
    sign of text nor of mojibake."""
    return "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff5e"


def _is_cjk(ch: str) -> bool:
    return "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7a3"


def _ascii_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _is_latin_letter(ch: str) -> bool:
    return "\u00c0" <= ch <= "\u024f" and ch.isalpha()


_CYRILLIC_GREEK = re.compile(r"[\u0370-\u04ff]")
# Polish "Żół" has three accented letters in a row; no word of a Latin alphabet has more.
MAX_ACCENTED_RUN = 3


def quality(text: str) -> float:
    """How much a decoding looks like text, from -4 to 1, judged on its non-ASCII part.

    Letters of living alphabets count for it; symbols, box drawing, replacement
    characters and archaic Cyrillic letters count against it, and so do a capital letter
    inside a word, a Cyrillic or Greek letter glued to a Latin one, more accented Latin
    letters in a row than any language has (Greek or Russian read as Latin-1 is all
    accents), an ideograph inside a Latin word and control characters (all typical of a
    wrong table).
    """
    good = bad = run = 0
    previous = ""
    for index, ch in enumerate(text):
        if ch < "\x80":
            if ch < " " and ch not in "\t\n\r\x0c":
                bad += 4  # control characters: a reading of the wrong width (UTF-16)
            previous = ch
            run = 0
            continue
        if _is_neutral(ch):
            previous = ch
            continue
        if ch.isalpha() and not _RARE_CYRILLIC.match(ch):
            good += 1
            if ch.isupper() and previous.isalpha() and previous.islower():
                bad += 2
            following = text[index + 1 : index + 2]
            if "\u0370" <= ch <= "\u04ff" and (
                (previous.isascii() and previous.isalpha())
                or (following.isascii() and following.isalpha())
            ):
                bad += 2
            run = run + 1 if _is_latin_letter(ch) else 0
            if run > MAX_ACCENTED_RUN:
                bad += 2
            if _is_cjk(ch) and _ascii_letter(previous) and _ascii_letter(following):
                bad += 4  # one ideograph inside a Latin word: a Latin text misread
        else:
            bad += 4
            run = 0
        previous = ch
    total = good + bad / 4
    return (good - bad) / total if total else 1.0


def letter_fit(text: str) -> float:
    """How common the Cyrillic and Greek letters are in the language they fit best
    (Russian, Ukrainian, Belarusian, Greek): their mean frequency, 0 to about 0.7."""
    letters = Counter(_CYRILLIC_GREEK.findall(text.lower()))
    if not letters:
        return 0.0
    total = sum(letters.values())
    return max(
        sum(frequencies.get(ch, 0.0) * count for ch, count in letters.items()) / total / 10
        for frequencies in LETTER_FREQUENCIES.values()
    )


def _common(codec: str, leads: range, trails: tuple[range, ...]) -> frozenset[str]:
    """The characters a charset encodes in the given rows: the first levels of the East
    Asian standards hold their language's frequent characters."""
    pairs = bytes(
        byte for lead in leads for trail in trails for second in trail for byte in (lead, second)
    )
    return frozenset(pairs.decode(codec, errors="ignore"))


_TRAILS_94 = (range(0xA1, 0xFF),)
COMMON_HANZI_SIMPLIFIED = _common("gb2312", range(0xB0, 0xD8), _TRAILS_94)
COMMON_HANZI_TRADITIONAL = _common(
    "big5", range(0xA4, 0xC7), (range(0x40, 0x7F), range(0xA1, 0xFF))
)
COMMON_KANJI = _common("euc_jp", range(0xB0, 0xD0), _TRAILS_94)
COMMON_HANGUL = _common("euc_kr", range(0xB0, 0xC9), _TRAILS_94)
KANA = frozenset(chr(code) for code in range(0x3041, 0x3100))
# A common CJK character weighs less than a common Cyrillic letter: two bytes of any
# Cyrillic or Greek word also read as some common character of some CJK charset.
CJK_WEIGHT = 0.5
# A Korean text has a space every few syllables; a Chinese or Japanese one hardly any.
SPACED = 6


def cjk_fit(text: str) -> float:
    """How well a reading fits Japanese, Korean or Chinese, 0 to 1: the share of its
    non-ASCII characters that are common in the language it fits best."""
    n = kana = kanji = hangul = simplified = traditional = 0
    for ch in text:
        if ch < "\x80" or _is_neutral(ch):
            continue
        n += 1
        if ch in KANA:
            kana += 1
        elif ch in COMMON_HANGUL:
            hangul += 1
        else:
            kanji += ch in COMMON_KANJI
            simplified += ch in COMMON_HANZI_SIMPLIFIED
            traditional += ch in COMMON_HANZI_TRADITIONAL
    if not n:
        return 0.0
    japanese = (kana + kanji) / n
    if kana * 10 < n and n > 8:
        japanese /= 2  # Japanese prose is never without kana
    chinese = max(simplified, traditional) / n
    if text.count(" ") * SPACED > n:
        japanese, chinese = japanese / 2, chinese / 2
    return max(japanese, hangul / n, chinese)


def text_score(text: str) -> float:
    return quality(text) + 2 * max(letter_fit(text), CJK_WEIGHT * cjk_fit(text))


# The most a language's letter frequencies add to a reading's quality (2 x Greek alpha).
MAX_FIT_BONUS = 2 * max(max(table.values()) for table in LETTER_FREQUENCIES.values()) / 10
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")
_NEUTRAL = re.compile(r"[\u3000-\u303f\uff01-\uff5e]")


def _reading(data: bytes, charset: str) -> str | None:
    """The sample's text in a charset; None when one character in twenty or more does not
    decode (then it is not this charset)."""
    text = data[:SAMPLE_BYTES].decode(charset, errors="replace")
    return None if text.count("\ufffd") * 20 > len(text) else text


# Some of quality()'s penalties, counted by regular expressions (each match is one
# penalty quality() gives too, so the count never exceeds its own).
_LOWER = (
    "a-z\u00df-\u00f6\u00f8-\u00ff\u0430-\u044f\u0451\u0454\u0456\u0457\u0491\u045e\u03ac-\u03ce"
)
_UPPER = (
    "\u00c0-\u00d6\u00d8-\u00de\u0410-\u042f\u0401\u0404\u0406\u0407\u0490\u040e"
    "\u0391-\u03a9\u0386\u0388-\u038f"
)
_COMMON_CYRILLIC_GREEK = (
    "\u0410-\u044f\u0401\u0451\u0404\u0454\u0406\u0456\u0407\u0457\u0490\u0491\u040e"
    "\u045e\u0391-\u03a9\u03ac-\u03ce\u0386\u0388-\u038f"
)
_CASE_SCRAMBLE = re.compile(f"(?<=[{_LOWER}])[{_UPPER}]")
_GLUED = re.compile(
    f"(?<=[A-Za-z])[{_COMMON_CYRILLIC_GREEK}]|[{_COMMON_CYRILLIC_GREEK}](?=[A-Za-z])"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_CJK = re.compile(r"[\u3040-\u9fff\uac00-\ud7a3]")


def _upper_bound(text: str) -> float:
    """At least what text_score() gives, counted by regular expressions alone: the
    quality with the penalties they can count, plus the most the letter frequencies of
    the reading's script can add. Most wrong readings are ruled out by it cheaply."""
    bonus = MAX_FIT_BONUS if _CYRILLIC_GREEK.search(text) else 0.0
    if _CJK.search(text):
        bonus = max(bonus, 2 * CJK_WEIGHT)
    non_ascii = len(_NON_ASCII.findall(text))
    good = len(_NON_ASCII_LETTER.findall(text)) - len(_RARE_CYRILLIC.findall(text))
    bad = 4 * (non_ascii - good - len(_NEUTRAL.findall(text)) + len(_CONTROL.findall(text)))
    bad += 2 * (len(_CASE_SCRAMBLE.findall(text)) + len(_GLUED.findall(text)))
    total = good + bad / 4
    return ((good - bad) / total if total else 1.0) + bonus


@functools.lru_cache(maxsize=512)
def _score(data: bytes, charset: str) -> float:
    text = _reading(data, charset)
    return -4.0 if text is None else text_score(text)


def best_reading(data: bytes, charsets: tuple[str | None, ...]) -> str:
    """The charset among these whose reading of the bytes looks most like text; on a tie,
    the one named first (the declared or hinted charset goes first).

    Each reading is scored in full only while its cheap upper bound can still beat the
    best so far: the result is the same as scoring all, at a fraction of the cost.
    """
    data = data[:SAMPLE_BYTES]
    candidates = list(dict.fromkeys(name for name in charsets if name))
    bounds = []
    for index, name in enumerate(candidates):
        text = _reading(data, name)
        bounds.append((-4.0 if text is None else _upper_bound(text), -index, name))
    best: tuple[float, int, str] = (-5.0, 0, candidates[0] if candidates else "utf-8")
    for bound, index, name in sorted(bounds, reverse=True):
        if (bound, index) < best[:2]:
            break
        best = max(best, (_score(data, name), index, name))
    return best[2]


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


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def wide_charset(data: bytes) -> str | None:
    """UTF-16 or UTF-32 (or UTF-8 with a byte order mark), by its mark or, without one,
    by the zero bytes of its Latin text; None for anything else."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    sample = data[:SAMPLE_BYTES]
    if len(sample) < 4 or sample.count(0) * 4 < len(sample):
        return None
    if len(data) % 4 == 0:
        if not any(sample[3::4]) and all(sample[0::4]):
            return "utf-32-le"
        if not any(sample[0::4]) and all(sample[3::4]):
            return "utf-32-be"
    if len(data) % 2 == 0:
        odd, even = sample[1::2].count(0), sample[0::2].count(0)
        if odd > even * 4:
            return "utf-16-le"
        if even > odd * 4:
            return "utf-16-be"
    return None


def decode_wide(data: bytes, name: str) -> str:
    """UTF-16/32 text: a byte order mark decides the order; without one, the order whose
    reading looks like text (RFC 2781 prefers big-endian on a tie)."""
    if name in ("utf-16", "utf-32") and not data.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        guessed = wide_charset(data)
        if guessed and guessed.startswith(name):
            name = guessed
        else:
            name = best_reading(data, (f"{name}-be", f"{name}-le"))
    return data.decode(name, errors="replace")


# ISO-2022-JP: escape sequences switch between ASCII (or JIS-Roman), JIS X 0208 and
# half-width katakana. Mail programs put Microsoft's extensions (circled numbers, NEC and
# IBM kanji) in it too, which Python's codecs refuse; read through Shift_JIS (cp932),
# which has them all, every ISO-2022-JP text comes out whole.
_ISO2022_ESCAPE = re.compile(rb"\x1b(\(B|\(J|\(I|\$@|\$B|\$\(D|\$\(Q|\$\(O|\$A|\$\(C|&@)")
_ISO2022_OTHER = (b"\x1b$A", b"\x1b$(C", b"\x1b$(D", b"\x1b.A", b"\x1b.F")


def has_iso2022(data: bytes) -> bool:
    return b"\x1b$" in data or b"\x1b(" in data


def _jis_to_sjis(first: int, second: int) -> bytes:
    lead = ((first + 1) >> 1) + (0x70 if first <= 0x5E else 0xB0)
    trail = second + 0x1F + (second >= 0x60) if first % 2 else second + 0x7E
    return bytes((lead, trail))


def decode_iso2022(data: bytes, defects: list[str]) -> str:
    if any(escape in data for escape in _ISO2022_OTHER):
        return data.decode("iso2022_jp_2", errors="replace")  # Chinese, Korean, Latin sets
    out: list[str] = []
    mode = b"(B"
    position = 0
    for match in [*_ISO2022_ESCAPE.finditer(data), None]:
        end = match.start() if match else len(data)
        chunk = data[position:end]
        if mode in (b"$@", b"$B", b"$(Q", b"$(O") and chunk:
            chunk = chunk.replace(b"\r", b"").replace(b"\n", b"")
            sjis = b"".join(
                _jis_to_sjis(chunk[i], chunk[i + 1])
                if 0x21 <= chunk[i] <= 0x7E and 0x21 <= chunk[i + 1] <= 0x7E
                else b"\xff\xff"
                for i in range(0, len(chunk) - 1, 2)
            )
            text = sjis.decode("cp932", errors="replace")
            if len(chunk) % 2 or "\ufffd" in text:
                defects.append("invalid ISO-2022-JP sequences replaced")
                text += "\ufffd" * (len(chunk) % 2)
            out.append(text)
        elif mode == b"(I":
            out.append(bytes(b | 0x80 for b in chunk).decode("cp932", errors="replace"))
        else:
            out.append(chunk.decode("ascii", errors="replace"))
        if match:
            mode = match.group(1)
            position = match.end()
    return "".join(out)


def detect(data: bytes, hint: str | None = None) -> str:
    """A codec for bytes whose charset is not declared (or declared wrongly).

    UTF-8 first (it is what nearly everything is), then a byte order mark or the zero
    bytes of UTF-16/32, then the declared multi-byte charset when it reads the bytes, then
    the reading that looks most like text among the legacy charsets, the hinted one first.
    """
    wide = wide_charset(data)
    if wide:
        return wide
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if looks_mostly_utf8(data):
        return "utf-8"
    if hint and hint not in ("ascii", "utf-8", *SINGLE_BYTE) and _score(data, hint) > -4:
        return hint  # a multi-byte legacy charset (Japanese, Chinese) the mail declares
    if hint and hint != "ascii":
        reading = _reading(data, hint)
        if reading is not None and quality(reading) >= HINT_QUALITY:
            return hint  # the charset of the mail's text reads these bytes cleanly
    candidates: tuple[str | None, ...] = (hint, *CYRILLIC_FAMILY, "cp1252", *OTHER_SINGLE_BYTE)
    if hint not in SINGLE_BYTE and _has_pairs(data):
        # A mail whose text is in a single-byte charset has no East Asian headers: a short
        # Cyrillic word also reads as two or three common Hanzi.
        candidates = (hint, *CYRILLIC_FAMILY, "cp1252", *CJK_CODECS, *OTHER_SINGLE_BYTE)
    if _looks_utf16(data):
        candidates += ("utf-16-le", "utf-16-be")
    return best_reading(data, candidates)


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a byte order mark or zero bytes (Cyrillic, CJK): the high byte of
    each character repeats (one script block), the low one varies."""
    sample = data[:SAMPLE_BYTES]
    if len(sample) < 16 or len(data) % 2:
        return False
    even, odd = len(set(sample[0::2])), len(set(sample[1::2]))
    return min(even, odd) * 2 < max(even, odd)


_HIGH_PAIR = re.compile(rb"[\x80-\xff]{2}")


def _has_pairs(data: bytes) -> bool:
    """Two 8-bit bytes in a row somewhere: a multi-byte charset is possible (each of its
    texts has such pairs; a German text with a ü here and there has none)."""
    return _HIGH_PAIR.search(data, 0, SAMPLE_BYTES) is not None


def relabel(data: bytes, name: str) -> str:
    """The charset of 8-bit bytes labelled with a single-byte charset: the label, unless
    another charset reads them clearly better (mail programs label nearly anything
    iso-8859-1, and koi8-r and windows-1251 are swapped often)."""
    candidates: tuple[str, ...] = (name, *CYRILLIC_FAMILY)
    if name not in (*CYRILLIC_FAMILY, *LATIN1_LABELS):
        return name  # a label chosen on purpose (Polish, Greek): trusted
    if name not in CYRILLIC_FAMILY:
        # A Latin text with a sign or two (a ® is a Cyrillic letter elsewhere) keeps its
        # label; a whole text of 8-bit bytes may be something else.
        if sum(byte > 127 for byte in data[:SAMPLE_BYTES]) < FEW_8BIT:
            return name
        candidates = (name, *CYRILLIC_FAMILY, "cp1252", *OTHER_SINGLE_BYTE)
        if _has_pairs(data):
            candidates += CJK_CODECS
    best = best_reading(data, candidates)
    # Switch only on a clear verdict: a shouted all-capitals line stays as declared.
    if best != name and _score(data, best) - _score(data, name) > MISLABEL_MARGIN:
        return best
    return name


def decode_bytes(
    data: bytes, declared: str | None, defects: list[str], *, hint: str | None = None
) -> str:
    """Text from bytes in a declared charset, detecting it when missing, unknown or wrong."""
    if not data:
        return ""
    name = charset_name(declared)
    if name and name.startswith(WIDE_CODECS):
        if name.startswith("utf-7"):
            return data.decode(name, errors="replace")
        return decode_wide(data, name)
    if (name and name.startswith("iso2022_jp")) or (not name and has_iso2022(data)):
        if data.isascii():
            return decode_iso2022(data, defects)
        name = None if name is None else ""  # 8-bit bytes: not ISO-2022-JP after all
        defects.append(f"text labelled {declared} has 8-bit bytes")
    if data.isascii():
        if b"\x00" in data:  # undeclared UTF-16 or UTF-32 of Latin or Cyrillic text
            wide = wide_charset(data)
            if not wide and _looks_utf16(data):
                wide = best_reading(data, ("utf-16-le", "utf-16-be"))
            if wide:
                return data.decode(wide, errors="replace")
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
    if name in SINGLE_BYTE:
        try:
            data.decode("utf-8")
            defects.append(f"text labelled {declared} is utf-8")
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        best = relabel(data, name)
        if best != name:
            defects.append(f"text labelled {declared} is {best}")
        return data.decode(best, errors="replace")
    try:
        return data.decode(name)
    except UnicodeDecodeError:
        pass
    best = detect(data, None)
    if best != name and _score(data, best) - _score(data, name) > MISLABEL_MARGIN:
        defects.append(f"text labelled {declared} is {best}")
        return data.decode(best, errors="replace")
    defects.append(f"invalid {declared} sequences replaced")
    return data.decode(name, errors="replace")
