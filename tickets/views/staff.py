"""The staff portal: the tickets of the agent's departments (R3, R7, R10)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.decorators import agent_required
from tickets import access, selectors
from tickets.pagination import page_number, paginate


@agent_required
def dashboard(request: HttpRequest) -> HttpResponse:
    page = paginate(selectors.staff_tickets(request.user), page_number(request.GET.get("page")))
    return render(request, "staff/dashboard.html", {"page": page})


@agent_required
def ticket_detail(request: HttpRequest, number: int) -> HttpResponse:
    ticket = access.ticket_for(request.user, number)
    timeline = selectors.ticket_timeline(request.user, ticket)
    return render(request, "staff/ticket_detail.html", {"ticket": ticket, "timeline": timeline})
