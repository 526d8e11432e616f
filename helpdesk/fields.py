"""Model fields of the project: secrets stored encrypted (issue 14, helpdesk/crypto.py)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from helpdesk import crypto


class EncryptedTextField(models.TextField):
    """Text that the database only ever holds as a Fernet token.

    Python code sees the plaintext; the column holds ciphertext (an empty value stays
    empty, so "not set" needs no key). Fernet tokens differ on every save, so the field
    cannot be filtered on by value. A token no configured key opens is an operator
    problem (a key removed before rotation): it raises rather than pass on garbage.
    """

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        try:
            return crypto.decrypt(value)
        except crypto.InvalidToken as exc:
            raise ImproperlyConfigured(
                f"{self.model.__name__}.{self.name}: no key of FIELD_ENCRYPTION_KEYS "
                "decrypts the stored value (was a key removed before rotation?)"
            ) from exc
