"""Tickets for customers: an agent opens one for a caller, existing customer or new."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.decorators import agent_required
from helpdesk.errors import ServiceError
from tickets import selectors
from tickets.forms.staff import CustomerSearchForm, TicketForCustomerForm
from tickets.services import ticket_open_phone


@agent_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    form = TicketForCustomerForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"customer_email": request.GET.get("email", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = ticket_open_phone(
                actor=request.user,
                customer_email=data["customer_email"],
                customer_name=data["customer_name"],
                organization=data["organization"],
                department=data["department"],
                subject=data["subject"],
                body_text=data["body"],
                priority=data["priority"],
                attachments=data["attachments"],
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Ticket #%(number)s opened for %(name)s.")
                % {"number": ticket.number, "name": ticket.requester.display_name},
            )
            return redirect("staff:ticket", ticket.number)
    search = CustomerSearchForm(initial={"q": request.GET.get("email", "")})
    return render(request, "staff/ticket_new.html", {"nav": "new", "form": form, "search": search})


@agent_required
def customer_search(request: HttpRequest) -> HttpResponse:
    """Customers by name or e-mail, for the new-ticket form (htmx fills the list as he types)."""
    form = CustomerSearchForm(request.GET)
    customers = selectors.customer_search(form.cleaned_data["q"]) if form.is_valid() else []
    template = "staff/_customer_results.html" if request.htmx else "staff/customer_search.html"
    return render(request, template, {"nav": "new", "search": form, "customers": customers})
