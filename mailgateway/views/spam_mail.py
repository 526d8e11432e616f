"""The spam list of the staff portal (issue 12, P7): mail a filter found to be spam in an
agent's departments, one mail parsed again, "Not spam" (files it the normal way) and
"Delete" (off the list; the raw mail stays stored)."""

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
from mailgateway.models import InboundStatus
from mailgateway.services import inbound_not_spam, inbound_spam_delete
from tickets import access
from tickets.keyset import keyset_page

SPAM_PAGE = 50


@agent_required
def spam_mail_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Newest first, a page at a time (keyset: the cost does not grow with the depth)."""
    page = keyset_page(
        selectors.spam_mail_for(request.user),
        selectors.REJECTED_SORT,
        request.GET.get("after"),
        per_page=SPAM_PAGE,
    )
    return render(request, "staff/spam_mail_list.html", {"nav": "rejected", "page": page})


@agent_required
def spam_mail_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mail = selectors.spam_mail_get(request.user, pk)
    parsed = selectors.rejected_mail_parsed(mail)
    context = {"nav": "rejected", "mail": mail, "parsed": parsed}
    return render(request, "staff/spam_mail_detail.html", context)


@agent_required
@require_POST
def spam_mail_not_spam(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mail = selectors.spam_mail_get(request.user, pk)
    try:
        mail = inbound_not_spam(actor=request.user, mail=mail)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("staff:spam_mail_list")
    if mail.ticket is not None and access.can_see(request.user, mail.ticket):
        messages.success(
            request, _("Not spam: filed as ticket #%(number)s.") % {"number": mail.ticket.number}
        )
        return redirect("staff:ticket", mail.ticket.number)
    if mail.status == InboundStatus.REJECTED:
        messages.info(request, _("Not spam: the department rejected it (see rejected mail)."))
    else:
        messages.info(
            request, _("Not spam: the mail was filed. %(reason)s") % {"reason": mail.last_error}
        )
    return redirect("staff:spam_mail_list")


@agent_required
@require_POST
def spam_mail_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mail = selectors.spam_mail_get(request.user, pk)
    try:
        inbound_spam_delete(actor=request.user, mail=mail)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The spam mail was deleted."))
    return redirect("staff:spam_mail_list")
