"""The health report (issue 14): a registry of checks, and who may read their detail.

Load balancers and anonymous callers learn nothing but ok or fail; monitoring with
HEALTH_TOKEN (and a signed-in administrator) gets every check with its numbers. An app
adds its own checks with `@register("name")` in a module its AppConfig.ready() imports
(mailgateway/health.py). A check returns a dict of what it measured, with "state" set to
"attention" when something needs a person; raising means it failed. Only critical checks
decide the bare answer (and run for it); the others only show in the detail.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest

from helpdesk.celery import app as celery_app

logger = logging.getLogger(__name__)

OK, ATTENTION, FAIL = "ok", "attention", "fail"


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[], dict]
    critical: bool


_checks: dict[str, Check] = {}


def register(name: str, *, critical: bool = False) -> Callable:
    """Adds a check to the report; critical ones decide the load balancers' ok/fail."""

    def decorator(function: Callable[[], dict]) -> Callable[[], dict]:
        _checks[name] = Check(name=name, run=function, critical=critical)
        return function

    return decorator


def _run(check: Check) -> dict:
    try:
        result = {"state": OK, **check.run()}
    except Exception as exc:
        logger.warning("health check %s failed: %s", check.name, exc)
        result = {"state": FAIL, "error": str(exc)[:200]}
    return {**result, "critical": check.critical}


def healthy() -> bool:
    """The bare answer: every critical check passes."""
    return all(_run(check)["state"] != FAIL for check in _checks.values() if check.critical)


def report() -> dict:
    """Every check with its detail; status fail (a critical check failed), attention
    (another check failed or needs a person) or ok."""
    started = time.monotonic()
    checks = {name: _run(check) for name, check in _checks.items()}
    if any(c["state"] == FAIL and c["critical"] for c in checks.values()):
        status = FAIL
    elif any(c["state"] != OK for c in checks.values()):
        status = ATTENTION
    else:
        status = OK
    ms = round((time.monotonic() - started) * 1000)
    return {"status": status, "checks": checks, "ms": ms}


def detail_allowed(request: HttpRequest) -> bool:
    """Monitoring with HEALTH_TOKEN (bearer header or ?token=), or an administrator."""
    if getattr(request, "user", None) is not None and request.user.is_staff:
        return True
    expected = settings.HEALTH_TOKEN
    if not expected:
        return False
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        given = request.GET.get("token", "")
    return hmac.compare_digest(given.strip().encode(), expected.encode())


# --- The checks of the project package ---------------------------------------------------


@register("database", critical=True)
def database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


@register("broker", critical=True)
def broker() -> dict:
    if celery_app.conf.task_always_eager:
        return {"mode": "eager"}
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)
    return {}


@register("cache")
def cache_check() -> dict:
    key = "helpdesk:health"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not keep a value")
    return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}
