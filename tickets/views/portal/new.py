"""A new ticket, with help to write it well and an offer to add to a similar one (P2-P4)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import customer_required
from tickets import access, selectors, services
from tickets.forms.portal import AddToTicketForm, NewTicketForm
from tickets.models import DONE_STATUSES
from tickets.views.portal.tickets import after_message


def _hints(request: HttpRequest, form: NewTicketForm) -> selectors.WritingHints:
    data = form.cleaned_data
    return selectors.portal_writing_hints(
        request.user,
        subject=data["subject"],
        description=data["description"],
        category=data["category"],
        has_attachments=form.has_attachments,
        has_service=data["service"] is not None,
    )


def _form_page(request, form, *, hints=None, confirm=False, status=200) -> HttpResponse:
    context = {
        "form": form,
        "categories": selectors.portal_categories(),
        "hints": hints,
        "confirm": confirm,
        "held": form.hold_uploads() if form.is_bound else [],
        "nav": "new",
    }
    return render(request, "portal/ticket_new.html", context, status=status)


@customer_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    """Opens a ticket (P2). Hints the customer has not seen yet come back first, non-blocking:
    "Send anyway" (or sending again) opens the ticket as written."""
    if request.method != "POST":
        return _form_page(request, NewTicketForm(user=request.user))
    if "add_to" in request.POST:
        return _add_to_ticket(request)
    form = NewTicketForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _form_page(request, form)
    hints = _hints(request, form)
    seen = set(request.POST.get("hints_seen", "").split())
    if hints and not request.POST.get("confirmed") and not hints.codes <= seen:
        return _form_page(request, form, hints=hints, confirm=True)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            ticket = services.ticket_open_web(
                actor=request.user,
                subject=data["subject"],
                body_text=data["description"],
                category=data["category"],
                service=data["service"],
                attachments=form.new_attachments(),
            )
    except services.ServiceError as error:
        form.add_error(None, error.message)
        return _form_page(request, form)
    messages.success(
        request,
        _("Thank you! Your ticket #%(number)s is open; we answer here and by mail.")
        % {"number": ticket.number},
    )
    return redirect("portal:ticket", ticket.number)


def _add_to_ticket(request: HttpRequest) -> HttpResponse:
    """The new ticket's text goes into the customer's similar ticket instead (P4)."""
    try:
        number = int(request.POST["add_to"])
    except ValueError as error:
        raise Http404 from error
    ticket = access.ticket_for(request.user, number)
    form = AddToTicketForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        page_form = NewTicketForm(request.POST, user=request.user)
        page_form.is_valid()
        page_form.held = form.hold_uploads()
        return _form_page(request, page_form)
    was_done = ticket.status in DONE_STATUSES
    with transaction.atomic():
        message = services.message_add_web(
            actor=request.user,
            ticket=ticket,
            body_text=form.body_text(),
            attachments=form.new_attachments(),
        )
    return after_message(request, ticket, message, was_done=was_done)


@customer_required
@require_POST
def ticket_hints(request: HttpRequest) -> HttpResponse:
    """The writing hints, live while the customer types (htmx, debounced)."""
    category = selectors.portal_categories().filter(pk=_int(request.POST.get("category"))).first()
    hints = selectors.portal_writing_hints(
        request.user,
        subject=request.POST.get("subject", "")[:1000],
        description=request.POST.get("description", "")[:20000],
        category=category,
        has_attachments=request.POST.get("has_files") == "1",
        has_service=bool(_int(request.POST.get("service"))),
    )
    return render(request, "portal/_writing_hints.html", {"hints": hints, "live": True})


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None
