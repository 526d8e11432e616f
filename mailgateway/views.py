"""The mail gateway's own endpoint: its health as JSON for monitoring (MAIL.md rule 7)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseForbidden, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from helpdesk.health import detail_allowed
from mailgateway.selectors import mail_health


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse | HttpResponseForbidden:
    """Counts of mail pending too long, failed, quarantined, and failing mailboxes; for
    monitoring with HEALTH_TOKEN and administrators only (issue 14)."""
    if not detail_allowed(request):
        return HttpResponseForbidden()
    counts = mail_health()
    counts["status"] = "ok" if not any(counts.values()) else "attention"
    return JsonResponse(counts)
