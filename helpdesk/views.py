import logging
import time

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from helpdesk.celery import app as celery_app

logger = logging.getLogger(__name__)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Agents land in the staff portal, customers in their personal account."""
    return redirect("staff:dashboard" if request.user.is_agent else "portal:tickets")


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_broker() -> str:
    if celery_app.conf.task_always_eager:
        return "eager"
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)
    return "ok"


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database and the broker answer, 503 otherwise."""
    started = time.monotonic()
    checks: dict[str, str] = {}
    healthy = True
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        try:
            checks[name] = check()
        except Exception as exc:
            logger.warning("health check %s failed: %s", name, exc)
            checks[name] = "unavailable"
            healthy = False
    checks["status"] = "ok" if healthy else "unavailable"
    checks["ms"] = str(round((time.monotonic() - started) * 1000))
    return JsonResponse(checks, status=200 if healthy else 503)
