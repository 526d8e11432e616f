"""Mail a department rejected (registered customers only, unknown senders, reports that
prove nothing), for its agents in the staff portal: the list, one mail parsed again, and
opening a ticket from it where that is allowed (issue 5, senders; issue 16; P7, R10)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import agent_required
from helpdesk.errors import ServiceError
from helpdesk.http import AuthenticatedHttpRequest
from mailgateway import selectors
from mailgateway.services import inbound_accept, inbound_accept_refusal
from tickets import access
from tickets.keyset import keyset_page

REJECTED_PAGE = 50


@agent_required
def rejected_mail_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Newest first, a page at a time (keyset: the cost does not grow with the depth)."""
    page = keyset_page(
        selectors.rejected_mail_for(request.user),
        selectors.REJECTED_SORT,
        request.GET.get("after"),
        per_page=REJECTED_PAGE,
    )
    return render(request, "staff/rejected_mail_list.html", {"nav": "rejected", "page": page})


@agent_required
def rejected_mail_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mail = selectors.rejected_mail_get(request.user, pk)
    parsed = selectors.rejected_mail_parsed(mail)
    refusal = inbound_accept_refusal(mail, parsed)
    context = {"nav": "rejected", "mail": mail, "parsed": parsed, "refusal": refusal}
    return render(request, "staff/rejected_mail_detail.html", context)


@agent_required
@require_POST
def rejected_mail_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Open a ticket from it: the sender becomes a customer if need be."""
    mail = selectors.rejected_mail_get(request.user, pk)
    try:
        ticket = inbound_accept(actor=request.user, mail=mail)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("staff:rejected_mail", mail.pk)
    if not access.can_see(request.user, ticket):
        # The same mail came in twice, and its other copy opened a ticket elsewhere.
        elsewhere = _("This mail is already ticket #%(number)s in another department.")
        messages.info(request, elsewhere % {"number": ticket.number})
        return redirect("staff:rejected_mail_list")
    messages.success(
        request,
        _("Ticket #%(number)s opened for %(name)s.")
        % {"number": ticket.number, "name": ticket.requester.display_name},
    )
    return redirect("staff:ticket", ticket.number)
