"""Rating the answer (W4): from the ticket page, or through the signed link of a mail."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.decorators import customer_required
from accounts.models import User
from helpdesk.http import AuthenticatedHttpRequest
from tickets import access, services
from tickets.forms.portal import RatingForm
from tickets.models import Ticket


def _rating_page(
    request: HttpRequest, ticket: Ticket, *, actor: User, via_link: bool, done_url: str
) -> HttpResponse:
    rating = services.ticket_rating(ticket)
    initial = {
        "score": request.GET.get("score") or (rating.score if rating else None),
        "comment": rating.comment if rating else "",
    }
    form = RatingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_set(actor=actor, ticket=ticket, via_link=via_link, **form.cleaned_data)
        except services.ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you for your rating!"))
        return redirect(done_url)
    context = {
        "ticket": ticket,
        "form": form,
        "rating": rating,
        "can_rate": services.rating_open(ticket, rating),
        "via_link": via_link,
        "rating_action": request.path,
        "nav": "tickets",
    }
    return render(request, "portal/rate.html", context)


@customer_required
def ticket_rate(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = access.ticket_for(request.user, number)
    done_url = reverse("portal:ticket", args=[number]) + "#rating"
    return _rating_page(request, ticket, actor=request.user, via_link=False, done_url=done_url)


def ticket_rate_link(request: HttpRequest, token: str) -> HttpResponse:
    """The rating page of the solved-ticket mail: the signed link is the key, no sign-in."""
    ticket = access.ticket_for_rating_link(token)
    if not request.user.is_authenticated:
        # The page speaks the language of the customer the mail went to.
        translation.activate(ticket.requester.language)
        request.LANGUAGE_CODE = translation.get_language()
        timezone.activate(ZoneInfo(ticket.requester.time_zone))
    return _rating_page(
        request, ticket, actor=ticket.requester, via_link=True, done_url=request.path
    )
