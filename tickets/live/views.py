"""Live updates, the bell, Take next and the away switch (issue 11, W2)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import agent_required
from helpdesk.http import AuthenticatedHttpRequest
from tickets import access
from tickets.live import selectors, services
from tickets.live.models import Notification
from tickets.models import EventVerb, TicketEvent


def _int(value: str | None) -> int:
    """A non-negative id in ASCII digits ("１２" and "1e9" are not), else 0."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 19 else 0


def _news_item(event: TicketEvent) -> dict:
    ticket = event.ticket
    if event.verb == EventVerb.OPENED:
        what = _("New ticket #%(number)s") % {"number": ticket.number}
    else:
        what = _("The customer wrote on #%(number)s") % {"number": ticket.number}
    return {
        "number": ticket.number,
        "what": what,
        "subject": ticket.subject,
        "url": reverse("staff:ticket", args=[ticket.number]),
    }


@never_cache
@require_GET
@agent_required
def live_poll(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Polled by every staff page: "anything newer than `after` in my departments?".

    204 when nothing is new and the bell's count is the one the page shows; else JSON
    with the news (new tickets, customers' messages), the newest event id and the count.
    """
    services.agent_seen(actor=request.user)
    after = _int(request.GET.get("after"))
    news = selectors.live_news(request.user, after)
    unread = selectors.unread_count(request.user)
    if not news and request.GET.get("unread", "") == str(unread):
        return HttpResponse(status=204)
    return JsonResponse(
        {
            "after": news[-1].pk if news else after,
            "unread": unread,
            "unread_label": f"{selectors.UNREAD_CAP - 1}+"
            if unread >= selectors.UNREAD_CAP
            else str(unread),
            "news": [_news_item(event) for event in news],
        }
    )


@require_GET
@agent_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "nav": "notifications",
        "notifications": selectors.notifications_for(request.user),
        "poll_seconds": settings.LIVE_POLL_SECONDS,
    }
    return render(request, "live/notifications.html", context)


@require_POST
@agent_required
def notification_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Marks one notification read and opens its ticket (if the agent still sees it)."""
    notification: Notification | None = selectors.notification_for(request.user, pk)
    if notification is None:
        return redirect("live:notifications")
    services.notifications_read(actor=request.user, ids=[notification.pk])
    if not access.can_see(request.user, notification.ticket):
        messages.info(request, _("That ticket is no longer in your departments."))
        return redirect("live:notifications")
    return redirect("staff:ticket", notification.ticket.number)


@require_POST
@agent_required
def notifications_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.notifications_read(actor=request.user)
    return redirect("live:notifications")


@require_POST
@agent_required
def take_next(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Take next": the most urgent, then oldest, unassigned ticket of his departments."""
    ticket = services.ticket_take_next(actor=request.user)
    if ticket is None:
        messages.info(request, _("No unassigned ticket is waiting in your departments."))
        return redirect("staff:dashboard")
    return redirect("staff:ticket", ticket.number)


@require_POST
@agent_required
def away(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The away switch: away agents get no tickets by round-robin."""
    is_away = request.POST.get("away") == "1"
    services.agent_away_set(actor=request.user, away=is_away)
    if is_away:
        messages.info(request, _("You are away: round-robin gives you no new tickets."))
    else:
        messages.success(request, _("You are back: round-robin gives you tickets again."))
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/staff/") else "live:notifications")
