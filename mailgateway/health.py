"""Named health checks of the mail gateway (MAIL.md rule 7; issue 18).

Each check returns `(name, value, healthy)`, so that any health view can list them: the
admin's mail health, /mail/health/ and /health/. What they watch: a listener that answers
4xx (it could not store mail), a storage that is nearly full, and mail waiting for a retry.

The listener is a process of its own: it records its refusals in Django's cache, which
other processes see when CACHE_URL points at Redis (as docker-compose sets it).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

logger = logging.getLogger("mailgateway")

LISTENER_KEY = "mailgateway:listener:refusing"
# A refusal is reported for this long unless a later mail is stored.
LISTENER_MEMORY_SECONDS = 3600

Check = tuple[str, object, bool]


def listener_refused(*, reason: str) -> None:
    """The listener answered 4xx because it could not store a mail."""
    try:
        cache.set(
            LISTENER_KEY,
            {"since": timezone.now().isoformat(), "reason": reason[:500]},
            LISTENER_MEMORY_SECONDS,
        )
    except Exception as exc:  # the cache may be down too: health is best effort
        logger.warning("could not record the listener's refusal: %s", exc)


def listener_stored() -> None:
    """A mail was stored again: the listener no longer refuses."""
    try:
        if cache.get(LISTENER_KEY) is not None:
            cache.delete(LISTENER_KEY)
    except Exception as exc:
        logger.warning("could not clear the listener's refusal: %s", exc)


def listener_check() -> Check:
    """("listener", "ok" or "refusing since ...: reason", healthy?)."""
    try:
        refused = cache.get(LISTENER_KEY)
    except Exception:
        refused = None
    if refused is None:
        return "listener", "ok", True
    return "listener", f"refusing since {refused['since']}: {refused['reason']}", False


def storage_paths() -> list[Path]:
    """Where mail lands on this machine's disks: the media folder (attachments) and, for
    SQLite, the database file's folder. A remote database or S3 reports its own space."""
    paths = []
    if not settings.MEDIA_S3_BUCKET:
        paths.append(Path(settings.MEDIA_ROOT))
    if connection.vendor == "sqlite":
        paths.append(Path(str(settings.DATABASES["default"]["NAME"])).parent)
    return paths


def free_percent(path: Path) -> float:
    while not path.exists() and path != path.parent:
        path = path.parent
    usage = shutil.disk_usage(path)
    return 100.0 * usage.free / usage.total if usage.total else 100.0


def storage_check() -> Check:
    """("storage", lowest free percentage, healthy?): under STORAGE_MIN_FREE_PERCENT is
    "nearly full"."""
    lowest = min((free_percent(path) for path in storage_paths()), default=100.0)
    return "storage_free_percent", round(lowest, 1), lowest >= settings.STORAGE_MIN_FREE_PERCENT


def checks() -> list[Check]:
    """The checks that need no database (the others are counts: selectors.mail_health)."""
    return [listener_check(), storage_check()]
