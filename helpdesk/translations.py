"""Content written per language (issue 12, R5, P8): one design for every translatable text.

A model with texts people read in their own language (department names and signatures,
categories and their guidance, the kinds of customers' services) keeps its ordinary
fields in the default language (`settings.LANGUAGE_CODE`) and one JSON field,
`translations`, with the other languages' versions:

    {"ru": {"name": "Техподдержка", "guidance": "..."}, "de": {"name": "Technik"}}

`translated(obj, "name")` gives the text in the active language (the viewer's: the
middleware activates it on the web, mail composes inside `translation.override` of the
recipient's language), falling back to the default-language field when that language has
none. The models expose it as `local_<field>` properties, which templates use.

Canned responses keep their own per-language variants (tickets.canned), chosen by the
same rule: the customer's language, else the default text.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def language_base(code: str | None) -> str:
    """ "ru-RU" and "ru" are the same language here; unknown codes are the default."""
    base = (code or "").lower().replace("_", "-").split("-")[0]
    known = {language for language, _name in settings.LANGUAGES}
    return base if base in known else settings.LANGUAGE_CODE


def other_languages() -> list[tuple[str, Any]]:
    """The interface's languages other than the default: one translation each."""
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def translated(obj: Any, field: str, language: str | None = None) -> str:
    """The field in `language` (default: the active one), else in the default language."""
    default = str(getattr(obj, field) or "")
    language = language_base(language or translation.get_language())
    if language == settings.LANGUAGE_CODE:
        return default
    versions = getattr(obj, "translations", None)
    version = versions.get(language) if isinstance(versions, dict) else None
    text = version.get(field) if isinstance(version, dict) else None
    return text if isinstance(text, str) and text.strip() else default


def translations_clean(value: Any, fields: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """Only known languages and fields with text are kept: what an edit form stores."""
    if not isinstance(value, dict):
        return {}
    cleaned: dict[str, dict[str, str]] = {}
    for code, _name in other_languages():
        versions = value.get(code)
        if not isinstance(versions, dict):
            continue
        kept = {
            field: str(versions[field]).strip()
            for field in fields
            if isinstance(versions.get(field), str) and versions[field].strip()
        }
        if kept:
            cleaned[code] = kept
    return cleaned


def TranslationsField() -> models.JSONField:
    return models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_("The texts in the other languages; empty ones fall back to the default."),
    )
