"""Reads about people that pages and middleware share."""

from __future__ import annotations

from django.core.cache import cache
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

# How long the answer of has_two_factor is kept; a change of a device forgets it
# (accounts/signals.py), so this only bounds what the cache holds.
TWO_FACTOR_CACHE_SECONDS = 24 * 3600


def _two_factor_key(user_id: int) -> str:
    return f"accounts:two-factor:{user_id}"


def has_two_factor(user: User, *, cached: bool = True) -> bool:
    """Whether the person signs in with a confirmed authenticator app (issue 14).

    Every page of a session without a verified second factor asks: the answer is kept
    in the cache (Redis in production, shared by every process) rather than queried.
    """
    key = _two_factor_key(user.pk)
    if cached:
        answer = cache.get(key)
        if answer is not None:
            return answer
    answer = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    cache.set(key, answer, timeout=TWO_FACTOR_CACHE_SECONDS)
    return answer


def forget_two_factor_of(user_id: int) -> None:
    cache.delete(_two_factor_key(user_id))
