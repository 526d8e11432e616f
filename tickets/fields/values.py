"""Typed values of custom fields and tag names: parsing what people type, and showing it.

Pure functions, no database writes: the services (tickets/fields/services.py), the forms
and the search all read input through them, so a value is judged the same way everywhere.
Each parser raises `ValidationError` with a message for the person who typed it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from tickets.fields.models import TAG_MAX_LENGTH, FieldDefinition, FieldKind, FieldValue

TEXT_MAX_LENGTH = 500
NUMBER_MAX = Decimal("99999999999999")  # 14 digits before the point (the column's room)
NUMBER_PLACES = 4
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")
TRUE_WORDS = {"1", "true", "yes", "on", "да", "ja", "так", "այո"}
FALSE_WORDS = {"0", "false", "no", "off", "нет", "nein", "ні", "ոչ"}
# Characters no tag may hold: markup, quotes, the separator, control characters.
TAG_FORBIDDEN = re.compile(r"[<>&\"'`,;\\\x00-\x1f\x7f]")

# What a typed value is: str (text, choice), Decimal, date, bool; None when empty.
Typed = str | Decimal | date | bool | None


def tag_name_clean(raw: str) -> str:
    """A tag as typed -> its stored name: trimmed, inner spaces collapsed."""
    name = " ".join(str(raw or "").split())
    if not name:
        raise ValidationError(_("A tag cannot be empty."))
    if len(name) > TAG_MAX_LENGTH:
        raise ValidationError(
            _("A tag has at most %(count)d characters (this one has %(length)d).")
            % {"count": TAG_MAX_LENGTH, "length": len(name)}
        )
    if TAG_FORBIDDEN.search(name):
        raise ValidationError(
            _("Tags cannot contain markup, quotes, commas or semicolons: “%(name)s”.")
            % {"name": name[:TAG_MAX_LENGTH]}
        )
    return name


def tag_key(name: str) -> str:
    return name.casefold()


def tag_names_split(raw: str) -> list[str]:
    """What an agent types in a tag box: tags separated by commas (or new lines)."""
    return [part for part in re.split(r"[,\n]", raw or "") if part.strip()]


def _text(field: FieldDefinition, raw: Any) -> str | None:
    value = str(raw).strip()
    if len(value) > TEXT_MAX_LENGTH:
        raise ValidationError(
            _("%(field)s: at most %(count)d characters.")
            % {"field": field.name, "count": TEXT_MAX_LENGTH}
        )
    if "\x00" in value:
        raise ValidationError(
            _("%(field)s: the text holds a null character.") % {"field": field.name}
        )
    return value or None


def _number(field: FieldDefinition, raw: Any) -> Decimal | None:
    if isinstance(raw, bool):
        raise ValidationError(_("%(field)s: enter a number.") % {"field": field.name})
    text = str(raw).strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationError(
            _("%(field)s: “%(value)s” is not a number.")
            % {"field": field.name, "value": str(raw)[:50]}
        )
    if abs(value) > NUMBER_MAX:
        raise ValidationError(_("%(field)s: the number is too large.") % {"field": field.name})
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -NUMBER_PLACES:
        raise ValidationError(
            _("%(field)s: at most %(count)d digits after the point.")
            % {"field": field.name, "count": NUMBER_PLACES}
        )
    return value


def _choice(field: FieldDefinition, raw: Any) -> str | None:
    value = str(raw).strip()
    if not value:
        return None
    for choice in field.choice_list:
        if choice.casefold() == value.casefold():
            return choice
    raise ValidationError(
        _("%(field)s: “%(value)s” is not one of the choices (%(choices)s).")
        % {"field": field.name, "value": value[:50], "choices": ", ".join(field.choice_list)}
    )


def _date(field: FieldDefinition, raw: Any) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    value = str(raw).strip()
    if not value:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValidationError(
        _("%(field)s: “%(value)s” is not a date (like 2026-01-31).")
        % {"field": field.name, "value": value[:50]}
    )


def _flag(field: FieldDefinition, raw: Any) -> bool | None:
    """A checkbox is ticked (True) or not (None, no value stored): "no" is not ticked."""
    if isinstance(raw, bool):
        return True if raw else None
    value = str(raw).strip().casefold()
    if not value:
        return None
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return None
    raise ValidationError(
        _("%(field)s: “%(value)s” is neither yes nor no.")
        % {"field": field.name, "value": value[:50]}
    )


PARSERS = {
    FieldKind.TEXT: _text,
    FieldKind.NUMBER: _number,
    FieldKind.CHOICE: _choice,
    FieldKind.DATE: _date,
    FieldKind.CHECKBOX: _flag,
}


def value_parse(field: FieldDefinition, raw: Any) -> Typed:
    """Whatever was typed (or a form's cleaned value) -> the field's typed value, or None."""
    if raw is None:
        return None
    return PARSERS[FieldKind(field.kind)](field, raw)


COLUMNS = {
    FieldKind.TEXT: "text",
    FieldKind.CHOICE: "text",
    FieldKind.NUMBER: "number",
    FieldKind.DATE: "date",
    FieldKind.CHECKBOX: "flag",
}


def value_column(field: FieldDefinition) -> str:
    return COLUMNS[FieldKind(field.kind)]


def value_read(row: FieldValue) -> Typed:
    value = getattr(row, value_column(row.field))
    return None if value == "" else value


def value_json(value: Typed) -> Any:
    """How the audit trail stores a value: JSON (numbers and dates as text)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def value_display(value: Typed) -> str:
    """A value as people read it, in their language and date format."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal):
        return formats.number_format(value.normalize())
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)
