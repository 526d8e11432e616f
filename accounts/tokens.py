"""The links of account mails: confirm an address, reset a password, accept an invitation.

Django's PasswordResetTokenGenerator signs a user's state with a timestamp; each kind of
link has its own salt (a reset link cannot be used as an invitation) and the hash covers
what the link changes, so that it works once:

- a reset or an invitation sets the password (Django's hash covers password and
  last login);
- a confirmation sets `email_verified` (our hash adds it).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from accounts.models import User


class LinkTokenGenerator(PasswordResetTokenGenerator):
    """A PasswordResetTokenGenerator with its own salt and lifetime."""

    def __init__(self, key_salt: str, timeout: Callable[[], int]) -> None:
        super().__init__()
        self.key_salt = key_salt
        self.timeout = timeout

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{super()._make_hash_value(user, timestamp)}{user.email_verified}{user.is_active}"

    def check_token(self, user: User | None, token: str | None) -> bool:
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return self._num_seconds(self._now()) - timestamp <= self.timeout()


verification_tokens = LinkTokenGenerator(
    "accounts.verify-email", lambda: settings.PASSWORD_RESET_TIMEOUT
)
password_reset_tokens = LinkTokenGenerator(
    "accounts.password-reset", lambda: settings.PASSWORD_RESET_TIMEOUT
)
invitation_tokens = LinkTokenGenerator(
    "accounts.invitation", lambda: settings.ACCOUNTS_INVITATION_TIMEOUT
)


def uid_encode(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_from_link(uidb64: str, token: str, tokens: LinkTokenGenerator) -> User | None:
    """The active user a link names, if its token is valid, unused and not expired."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    return user if tokens.check_token(user, token) else None
