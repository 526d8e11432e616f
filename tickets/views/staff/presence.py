"""Collision warning: who else has this ticket open, and what happened since the page loaded."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts.decorators import agent_required
from helpdesk.http import AuthenticatedHttpRequest
from tickets import access, selectors
from tickets.services.presence import PRESENCE_POLL_SECONDS, presence_touch


@never_cache
@agent_required
def ticket_presence(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """Polled by the ticket page (htmx, every PRESENCE_POLL_SECONDS): a heartbeat and news."""
    ticket = access.ticket_for(request.user, number)
    seen = request.GET.get("seen", "")
    context = {
        "ticket": ticket,
        "viewers": presence_touch(
            actor=request.user, ticket=ticket, composing=request.GET.get("composing") == "1"
        ),
        "news": selectors.ticket_events_since(
            ticket, int(seen) if seen.isdigit() else 0, exclude=request.user
        ),
        "seen": seen,
        "poll_seconds": PRESENCE_POLL_SECONDS,
    }
    return render(request, "staff/_presence.html", context)
