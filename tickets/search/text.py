"""Words of any language, reduced to the one form that the index and the queries share (R4, R18).

Both databases index and search the terms made here, so that they find the same tickets:
PostgreSQL stores them as a `tsvector` written term by term (its own parser never sees the
text), SQLite hands them to FTS5, whose tokenizer keeps each of them whole.

A word is folded (NFKC, case folded in every script, ё read as е) and stemmed by its
script: Cyrillic by Snowball's Russian stemmer, repeated until it settles (Петрова ->
Петров -> Петр), then a light Ukrainian suffix strip (серверів -> сервер), since Snowball
has no Ukrainian; Latin by Snowball's English and then German stemmers (invoices -> invoic,
Rechnungen -> rechnung), so a word is found whichever of the two languages it is in;
Armenian by Snowball's Armenian stemmer. Chinese and Japanese have no spaces between
words: each of their characters is a term, and a query's run of them is searched as a
phrase. Digits stay as they are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]  # it ships no stubs or py.typed

WORD = re.compile(r"[^\W_]+")
CJK = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
ARMENIAN = re.compile(r"[\u0531-\u058f]")
LATIN = re.compile(r"[a-z\u00c0-\u024f]")

# Ukrainian endings the Russian stemmer leaves (it knows no і, ї, є), longest first.
UKRAINIAN_ENDINGS = (
    *("ями", "ові", "еві", "ів", "їв", "ою", "ею", "єю", "ої", "ій", "ім"),
    *("і", "ї", "є"),
)
UKRAINIAN_STEM_MIN = 3
RUSSIAN_STEM_MIN = 4
# Longer "words" (hashes, base64) are not words: left out (tsvector takes 2 KB a term).
MAX_WORD = 100

_russian = snowballstemmer.stemmer("russian")
_english = snowballstemmer.stemmer("english")
_german = snowballstemmer.stemmer("german")
_armenian = snowballstemmer.stemmer("armenian")


def fold(text: str) -> str:
    """The case-free, compatibility-normalised form: ПЁТР, Пётр and петр agree."""
    return unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")


def _cyrillic_stem(word: str) -> str:
    word = _russian.stemWord(word)
    # Again while it shortens to a real stem: Петрова -> петров -> петр, but иван -> ива only.
    for _round in range(2):
        stemmed = _russian.stemWord(word)
        if stemmed == word or len(stemmed) < RUSSIAN_STEM_MIN:
            break
        word = stemmed
    for ending in UKRAINIAN_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= UKRAINIAN_STEM_MIN:
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=262144)
def stem(word: str) -> str:
    """The term of one folded word."""
    if word.isdigit():
        return word
    if CYRILLIC.search(word):
        return _cyrillic_stem(word)
    if ARMENIAN.search(word):
        return _armenian.stemWord(word)
    if LATIN.search(word):
        return _german.stemWord(_english.stemWord(word))
    return word


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, folded word) of every word of the text, each CJK character a word."""
    for match in WORD.finditer(text):
        start = match.start()
        piece = match.group()
        if CJK.search(piece):
            run_start = 0
            for offset, char in enumerate(piece):
                if CJK.match(char):
                    if run_start < offset:
                        yield from _folded(piece[run_start:offset], start + run_start)
                    yield start + offset, start + offset + 1, char
                    run_start = offset + 1
            if run_start < len(piece):
                yield from _folded(piece[run_start:], start + run_start)
        else:
            yield from _folded(piece, start)


def _folded(word: str, start: int) -> Iterator[tuple[int, int, str]]:
    # Folding may split a word ("¼" -> "1⁄4"): each part is a word of its own.
    for part in WORD.findall(fold(word)):
        if len(part) <= MAX_WORD:
            yield start, start + len(word), part


def terms(text: str) -> list[str]:
    """The terms of a text, in order (positions matter for phrases)."""
    return [stem(word) for _start, _end, word in word_spans(text)]


def prefix_term(word: str) -> str:
    """What a prefix search ("serv*") looks for: the stem when it begins the word."""
    stemmed = stem(word)
    return stemmed if word.startswith(stemmed) else word
