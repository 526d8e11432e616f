"""The agent's day at a glance: his tickets, the unassigned, the longest waiting (R3, R10)."""

from django.http import HttpResponse
from django.shortcuts import render

from accounts.decorators import agent_required
from helpdesk.http import AuthenticatedHttpRequest
from tickets import selectors


@agent_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    lists = selectors.staff_dashboard(request.user)
    return render(
        request,
        "staff/dashboard.html",
        {"nav": "dashboard", "lists": lists, "cap": selectors.staff.COUNT_CAP},
    )
