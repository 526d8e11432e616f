"""Form pieces shared by the apps' admin: secrets that are never shown back (issue 14)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _


class SecretInput(forms.PasswordInput):
    """An empty password input, whatever is stored, with a "set / not set" note beside it.

    The stored value only decides the note; it is never written into the page."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs={"autocomplete": "new-password", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        state = _("set") if value else _("not set")
        css = "is-set" if value else "is-not-set"
        field = super().render(name, None, attrs, renderer)
        return format_html(
            '{} <span class="stored-state {}" id="{}_state">{}</span>',
            field,
            css,
            (attrs or {}).get("id", name),
            state,
        )


class SecretField(forms.CharField):
    """A secret typed in by an administrator; left empty, the form keeps the stored one."""

    widget = SecretInput

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and not settings.FIELD_ENCRYPTION_KEYS:
            raise ValidationError(
                _("Secrets are stored encrypted: set FIELD_ENCRYPTION_KEYS first (README)."),
                code="no_key",
            )
        return value
