"""My tickets, one ticket's conversation, writing into it, closing it (P1, P4, P5, R7, R8)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import customer_required
from helpdesk.http import AuthenticatedHttpRequest
from tickets import access, selectors, services
from tickets.fields.selectors import ticket_fields
from tickets.forms.portal import RatingForm, ReplyForm
from tickets.held_uploads import HeldUpload
from tickets.models import DONE_STATUSES, Ticket
from tickets.pagination import page_number, paginate
from tickets.search import query as search_query
from tickets.search import selectors as search_selectors

SEARCH_MAX = 100


@customer_required
def ticket_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open or solved-and-closed tickets, newest activity first; or a search through all."""
    closed = request.GET.get("tab") == "closed"
    search = " ".join(request.GET.get("q", "").split())[:SEARCH_MAX]
    found = None
    if search:
        parsed = search_query.parse(search)
        ticket = search_selectors.ticket_by_number(request.user, parsed)
        if ticket is not None:
            return redirect("portal:ticket", ticket.number)
        found = search_selectors.portal_search(request.user, parsed)
        for error in found.errors:
            messages.warning(request, error)
    tickets = selectors.portal_ticket_list(
        request.user, closed=closed, found=found.tickets if found else None
    )
    page = paginate(tickets, page_number(request.GET.get("page")))
    query = urlencode(
        [(k, v) for k, v in (("tab", "closed" if closed else ""), ("q", search)) if v]
    )
    context = {"page": page, "closed": closed, "search": search, "query": query, "nav": "tickets"}
    return render(request, "portal/ticket_list.html", context)


def _ticket_page(
    request: AuthenticatedHttpRequest,
    ticket: Ticket,
    *,
    reply_form: ReplyForm | None = None,
    held: list[HeldUpload] | None = None,
) -> HttpResponse:
    rating = services.ticket_rating(ticket)
    context = {
        "ticket": ticket,
        "conversation": selectors.ticket_messages(request.user, ticket),
        "related": selectors.portal_related_tickets(request.user, ticket),
        "links": selectors.ticket_links(request.user, ticket),
        "reply_form": reply_form or ReplyForm(user=request.user),
        "held": held or [],
        "reopens": ticket.status in DONE_STATUSES and access.reopen_window_open(ticket),
        "opens_new": not access.reopen_window_open(ticket),
        "rating": rating,
        "can_rate": services.rating_open(ticket, rating),
        "rating_form": RatingForm(
            initial={"score": rating.score, "comment": rating.comment} if rating else None
        ),
        "nav": "tickets",
        # Only the custom fields an administrator marked as shown to customers (issue 11).
        "custom_fields": ticket_fields(ticket, for_customer=True),
    }
    return render(request, "portal/ticket_detail.html", context)


@customer_required
def ticket_detail(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """The whole conversation, oldest first, without internal notes (R7, R8, R16). A merged
    ticket's page sends the customer to the ticket it was merged into (issue 11)."""
    ticket = access.ticket_for(request.user, number)
    target = access.merge_target_for(request.user, ticket)
    if target is not None:
        return redirect("portal:ticket", target.number)
    return _ticket_page(request, ticket)


@customer_required
@require_POST
def ticket_reply(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """Writing into a ticket; a solved or closed one reopens, or a linked one opens (P4).
    Into a merged ticket: the message goes to the ticket it was merged into (issue 11)."""
    ticket = access.ticket_for(request.user, number)
    ticket = access.merge_target_for(request.user, ticket) or ticket
    form = ReplyForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _ticket_page(request, ticket, reply_form=form, held=form.hold_uploads())
    was_done = ticket.status in DONE_STATUSES
    try:
        message = services.message_add_web(
            actor=request.user,
            ticket=ticket,
            body_text=form.cleaned_data["body"],
            attachments=form.new_attachments(),
        )
    except services.ServiceError as error:
        messages.error(request, error.message)
        return redirect("portal:ticket", number)
    return after_message(request, ticket, message, was_done=was_done)


def after_message(request: AuthenticatedHttpRequest, ticket: Ticket, message, *, was_done: bool):
    """Says where the message went and shows it."""
    if message.ticket_id != ticket.pk:
        messages.info(
            request,
            _(
                "Ticket #%(old)s was closed too long ago to reopen, so your message opened a "
                "new ticket, #%(new)s, linked to it."
            )
            % {"old": ticket.number, "new": message.ticket.number},
        )
        return redirect("portal:ticket", message.ticket.number)
    if was_done:
        messages.success(request, _("Your message was added and the ticket is open again."))
    else:
        messages.success(request, _("Your message was added."))
    return redirect(reverse("portal:ticket", args=[ticket.number]) + f"#message-{message.pk}")


@customer_required
def ticket_close(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """The customer says the problem is solved (P5), after a confirmation step."""
    ticket = access.ticket_for(request.user, number)
    if ticket.is_closed:
        return redirect("portal:ticket", number)
    if request.method == "POST":
        try:
            services.ticket_close(actor=request.user, ticket=ticket)
        except services.ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The ticket is closed. Thank you for letting us know!"))
        return redirect("portal:ticket", number)
    context = {"ticket": ticket, "reopen_days": settings.TICKET_REOPEN_DAYS, "nav": "tickets"}
    return render(request, "portal/ticket_close.html", context)
