"""The language of a mail, for a customer the mail gateway creates (issue 12, R5, P8).

A new customer gets the language his first mail is written in, so that his
acknowledgement and every answer come in it: the mail's Content-Language header when it
names one of the interface's languages (settings.LANGUAGES), else the language py3langid
recognises in the subject and text, limited to those languages, when it is sure enough;
else None (the account gets the default language).
"""

from __future__ import annotations

import functools
import re

from django.conf import settings
from py3langid.langid import (  # type: ignore[import-untyped]  # no stubs or py.typed
    MODEL_FILE,
    LanguageIdentifier,
)

from mailgateway.parsed import ParsedMail

# Below this the guess is a coin toss among five languages ("ok", "thanks").
MIN_LETTERS = 12
MIN_CONFIDENCE = 0.7
# Enough text to tell the language; the rest only costs time.
SAMPLE_CHARS = 2000
_LETTER = re.compile(r"[^\W\d_]")
_QUOTED = re.compile(r"^\s*>.*$", re.MULTILINE)


def _ours() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def header_language(value: str) -> str | None:
    """ "ru-RU", "de, en", "uk_UA": the first tag of ours, by its primary subtag."""
    for tag in re.split(r"[,\s]+", value or ""):
        base = tag.strip().lower().replace("_", "-").split("-")[0]
        if base in _ours():
            return base
    return None


@functools.cache
def _identifier() -> LanguageIdentifier:
    """Loaded once per process (about a second): only a new sender's first mail needs it."""
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    known = set(identifier.nb_classes)
    identifier.set_languages([code for code in sorted(_ours()) if code in known])
    return identifier


def text_language(text: str) -> str | None:
    """The interface language the text is written in, or None when unsure."""
    sample = _QUOTED.sub("", text or "")[:SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return None
    language, confidence = _identifier().classify(sample)
    return language if confidence >= MIN_CONFIDENCE and language in _ours() else None


def mail_language(parsed: ParsedMail) -> str | None:
    """Content-Language first, then the text (subject and body) itself."""
    declared = header_language(parsed.header("content-language"))
    return declared or text_language(f"{parsed.subject}\n{parsed.text}")
