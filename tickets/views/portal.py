"""The customer's personal account: his tickets and their conversations (P1, R7)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.decorators import customer_required
from tickets import access, selectors
from tickets.pagination import page_number, paginate


@customer_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    closed = request.GET.get("tab") == "closed"
    page = paginate(
        selectors.portal_tickets(request.user, closed=closed), page_number(request.GET.get("page"))
    )
    return render(request, "portal/ticket_list.html", {"page": page, "closed": closed})


@customer_required
def ticket_detail(request: HttpRequest, number: int) -> HttpResponse:
    ticket = access.ticket_for(request.user, number)
    timeline = selectors.ticket_timeline(request.user, ticket)
    return render(request, "portal/ticket_detail.html", {"ticket": ticket, "timeline": timeline})
