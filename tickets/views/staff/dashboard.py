"""The agent's day at a glance: his tickets, the unassigned, the longest waiting (R3, R10)."""

from django.http import HttpResponse
from django.shortcuts import render

from accounts.decorators import agent_required
from helpdesk.http import AuthenticatedHttpRequest
from tickets import selectors
from tickets.search.saved import saved_views_counted


@agent_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "nav": "dashboard",
        "lists": selectors.staff_dashboard(request.user),
        "views": saved_views_counted(request.user),
        "cap": selectors.staff.COUNT_CAP,
    }
    return render(request, "staff/dashboard.html", context)
