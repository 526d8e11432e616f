"""The mail gateway's own endpoint: its health as JSON for monitoring (MAIL.md rule 7)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseForbidden, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from helpdesk.health import detail_allowed
from mailgateway.selectors import OK, gateway_checks, mail_health


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse | HttpResponseForbidden:
    """Counts of mail pending too long, failed, quarantined, and failing mailboxes; the
    listener refusing mail, the storage nearly full, mail waiting for retry (issue 18).
    For monitoring with HEALTH_TOKEN and administrators only (issue 14)."""
    if not detail_allowed(request):
        return HttpResponseForbidden()
    counts = mail_health()
    checks = gateway_checks()
    fine = not any(counts.values()) and all(c["state"] == OK for c in checks.values())
    return JsonResponse({**counts, **checks, "status": "ok" if fine else "attention"})
