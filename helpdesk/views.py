from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from helpdesk import health as health_report
from helpdesk.http import AuthenticatedHttpRequest


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Agents land in the staff portal, customers in their personal account."""
    return redirect("staff:dashboard" if request.user.is_agent else "portal:tickets")


@never_cache
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Load balancers and anonymous callers: "ok" (200) or "fail" (503), nothing more;
    monitoring with HEALTH_TOKEN and administrators: every check as JSON (issue 14)."""
    if not health_report.detail_allowed(request):
        ok = health_report.healthy()
        return HttpResponse(
            "ok" if ok else "fail",
            content_type="text/plain; charset=utf-8",
            status=200 if ok else 503,
        )
    report = health_report.report()
    return JsonResponse(report, status=503 if report["status"] == health_report.FAIL else 200)
