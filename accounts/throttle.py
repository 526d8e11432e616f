"""Throttling of sign-in, second-factor codes, password reset and sign-up (issue 14, P1).

A small limiter on Django's cache (Redis in production, so that every process sees the
same counts): each attempt is counted per *key* (an account's address, a user, a client
address) in a window; past the limit the key is locked, and each further lock of the
same key within a day lasts twice as long as the one before. Keys are hashed, so the
cache never holds addresses in clear, and they are counted whether or not an account
exists: the answer never tells.

A lock is lifted by `manage.py unlock_sign_in ADDRESS-OR-IP`.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext

# A lock's length doubles with each lock of the same key within this time; then it starts over.
STRIKES_MEMORY = 24 * 3600
# The longest lock, however often a key was locked.
LONGEST_LOCK = 24 * 3600


def client_address(request: HttpRequest) -> str:
    """The client's IP address, trusting exactly `TRUSTED_PROXY_COUNT` reverse proxies.

    Each proxy appends the address it received the request from to X-Forwarded-For, so
    the client is the N-th address from the right (our nearest proxy is REMOTE_ADDR).
    Addresses further left were written by the client itself and are never trusted.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [hop.strip() for hop in header.split(",") if hop.strip()]
    if not forwarded:
        return remote
    return forwarded[-min(proxies, len(forwarded))]


@dataclass(frozen=True)
class Limit:
    """`attempts` per key within `window` seconds; the first lock lasts `lock` seconds."""

    scope: str
    attempts: int
    window: int
    lock: int


def _key(scope: str, kind: str, value: str) -> str:
    digest = hashlib.sha256(f"{scope}:{value.strip().lower()}".encode()).hexdigest()[:40]
    return f"throttle:{kind}:{digest}"


def locked_until(limit: Limit, values: list[str]) -> float | None:
    """When the latest lock on any of these keys ends (a timestamp), or None."""
    now = time.time()
    ends = [cache.get(_key(limit.scope, "lock", value)) for value in values if value]
    ends = [end for end in ends if end and end > now]
    return max(ends) if ends else None


def hit(limit: Limit, values: list[str]) -> float | None:
    """Count one attempt for each key; returns when a lock it caused or found ends."""
    for value in values:
        if not value:
            continue
        count_key = _key(limit.scope, "count", value)
        if cache.add(count_key, 1, timeout=limit.window):
            count = 1
        else:
            try:
                count = cache.incr(count_key)
            except ValueError:  # expired in between
                cache.set(count_key, 1, timeout=limit.window)
                count = 1
        if count >= limit.attempts:
            strikes_key = _key(limit.scope, "strikes", value)
            if cache.add(strikes_key, 1, timeout=STRIKES_MEMORY):
                strikes = 1
            else:
                try:
                    strikes = cache.incr(strikes_key)
                except ValueError:
                    cache.set(strikes_key, 1, timeout=STRIKES_MEMORY)
                    strikes = 1
            seconds = min(limit.lock * 2 ** (strikes - 1), LONGEST_LOCK)
            cache.set(_key(limit.scope, "lock", value), time.time() + seconds, timeout=seconds)
            cache.delete(count_key)
    return locked_until(limit, values)


def forget(limit: Limit, values: list[str]) -> None:
    """Drop the count of failures (not the locks): a success by the account's owner."""
    cache.delete_many([_key(limit.scope, "count", value) for value in values if value])


def unlock(value: str) -> None:
    """Lift every lock and count on an address, user or IP (management command)."""
    keys = []
    for limit in all_limits():
        for kind in ("count", "strikes", "lock"):
            keys.append(_key(limit.scope, kind, value))
    cache.delete_many(keys)


def wait_message(until: float) -> str:
    """The translated answer to a locked attempt: how long to wait, nothing about accounts."""
    minutes = max(1, math.ceil((until - time.time()) / 60))
    return ngettext(
        "Too many attempts. For your security, please wait %(minutes)d minute and try again.",
        "Too many attempts. For your security, please wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def sign_in_account() -> Limit:
    return Limit(
        "sign-in",
        settings.ACCOUNTS_SIGNIN_FAILURES,
        settings.ACCOUNTS_LOCK_MINUTES * 60 * 4,
        settings.ACCOUNTS_LOCK_MINUTES * 60,
    )


def sign_in_address() -> Limit:
    return Limit(
        "sign-in-address",
        settings.ACCOUNTS_SIGNIN_ADDRESS_FAILURES,
        settings.ACCOUNTS_LOCK_MINUTES * 60 * 4,
        settings.ACCOUNTS_LOCK_MINUTES * 60,
    )


def mail_requests() -> Limit:
    """Password reset, new confirmation links and sign-up: mails we send on request."""
    return Limit(
        "mail-request",
        settings.ACCOUNTS_MAIL_REQUESTS_PER_HOUR + 1,
        3600,
        settings.ACCOUNTS_LOCK_MINUTES * 60,
    )


def all_limits() -> list[Limit]:
    return [sign_in_account(), sign_in_address(), mail_requests()]
