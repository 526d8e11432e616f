"""Form pieces shared by the apps' admin: secrets that are never shown back (issue 14),
texts written per language (issue 12)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from helpdesk.translations import other_languages, translations_clean


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


class TranslationsForm(forms.ModelForm):
    """A model form with one field per other language for each of the model's translated
    texts (`Model.TRANSLATED`, helpdesk/translations.py): "Name (Russian)", "Guidance
    (German)"... They are read from and written to the model's `translations`; a text left
    empty falls back to the default language's field where it is shown.

    Build one with `translations_form(Model)`: the admin needs the fields declared on the
    class to accept them in its fieldsets."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model = self._meta.model
        stored = translations_clean(getattr(self.instance, "translations", {}), model.TRANSLATED)
        for field_name in model.TRANSLATED:
            for code, _language in other_languages():
                name = translation_field(field_name, code)
                if name in self.fields:
                    self.fields[name].initial = stored.get(code, {}).get(field_name, "")

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        fields = self._meta.model.TRANSLATED
        versions: dict[str, dict[str, str]] = {}
        for field_name in fields:
            for code, _language in other_languages():
                text = cleaned.get(translation_field(field_name, code)) or ""
                versions.setdefault(code, {})[field_name] = text
        self.instance.translations = translations_clean(versions, fields)
        return cleaned


def translation_field(field_name: str, code: str) -> str:
    return f"{field_name}__{code}"


def translation_field_names(model: type[models.Model]) -> tuple[str, ...]:
    """The form fields of a model's translations, field by field, language by language."""
    return tuple(
        translation_field(field_name, code)
        for field_name in model.TRANSLATED  # type: ignore[attr-defined]
        for code, _language in other_languages()
    )


def translations_form(model: type[models.Model]) -> type[TranslationsForm]:
    """A TranslationsForm for `model` with its translation fields declared."""
    declared: dict[str, forms.Field] = {}
    for field_name in model.TRANSLATED:  # type: ignore[attr-defined]
        source = model._meta.get_field(field_name)
        assert isinstance(source, models.Field)
        for code, language in other_languages():
            declared[translation_field(field_name, code)] = forms.CharField(
                label=format_lazy("{} ({})", source.verbose_name, language),
                required=False,
                max_length=getattr(source, "max_length", None),
                widget=(
                    forms.Textarea(attrs={"rows": 3})
                    if isinstance(source, models.TextField)
                    else forms.TextInput()
                ),
            )
    meta = type("Meta", (), {"model": model, "exclude": ["translations"]})
    return type(
        f"{model.__name__}TranslationsForm", (TranslationsForm,), {"Meta": meta, **declared}
    )
