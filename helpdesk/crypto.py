"""Secrets at rest (issue 14): Fernet encryption with the keys of FIELD_ENCRYPTION_KEYS.

The first key encrypts; every key decrypts (MultiFernet), so a new key goes first and
the old ones stay listed until `manage.py rotate_encryption_keys` has re-encrypted every
secret with the new one (README, "Security"). Ciphertext is a Fernet token: URL-safe
base64 text that carries the time it was made and an HMAC, so a wrong key or a changed
value is detected instead of decrypting to garbage.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["InvalidToken", "decrypt", "development_key", "encrypt", "is_encrypted"]


def development_key(secret_key: str) -> str:
    """A Fernet key derived from SECRET_KEY, for a laptop and the tests only (settings.py)."""
    digest = hashlib.sha256(b"helpdesk field encryption\x00" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is not set: secrets cannot be stored or read. Generate a "
            "key with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        )
    try:
        return MultiFernet([Fernet(key.encode("ascii")) for key in keys])
    except (ValueError, UnicodeEncodeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a key that is not 32 url-safe base64-encoded bytes"
        ) from exc


def fernet() -> MultiFernet:
    """The keys of the settings: the first encrypts, all decrypt."""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The plaintext; InvalidToken when no key of the settings made this token."""
    return fernet().decrypt(token.encode("ascii")).decode("utf-8")


def is_encrypted(value: str) -> bool:
    """Whether one of our keys made this value (the data migration skips those)."""
    try:
        decrypt(value)
    except (InvalidToken, UnicodeEncodeError):
        return False
    return True
