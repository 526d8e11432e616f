"""Split a customer's message into a new ticket (R14), merge a ticket into another (issue 11).

Both answer from the ticket's page: a refusal comes back on it, translated; a split
opens the new ticket (or, when it went to a department the agent does not work in, says
so), a merge opens the target.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import agent_required
from helpdesk.errors import ServiceError
from helpdesk.http import AuthenticatedHttpRequest
from tickets import access, services
from tickets.forms.staff import MergeForm, SplitForm
from tickets.views.staff.workspace import render_workspace


def _errors(form: forms.Form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@agent_required
@require_POST
def ticket_split(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = access.ticket_for(request.user, number)
    form = SplitForm(request.POST, ticket=ticket)
    if not form.is_valid():
        return render_workspace(request, ticket, control_error=_errors(form))
    data = form.cleaned_data
    try:
        new = services.ticket_split(
            actor=request.user,
            ticket=ticket,
            message=data["message"],
            department=data["department"],
            subject=data["subject"],
        )
    except ServiceError as error:
        return render_workspace(request, ticket, control_error=str(error))
    text = _("The message is now ticket #%(new)s, split from #%(old)s.")
    messages.success(request, text % {"new": new.number, "old": ticket.number})
    if not access.can_work(request.user, new):
        messages.info(
            request,
            _("Ticket #%(number)s is in %(department)s, which you do not work in.")
            % {"number": new.number, "department": new.department.name},
        )
        return redirect("staff:ticket", ticket.number)
    return redirect("staff:ticket", new.number)


@agent_required
@require_POST
def ticket_merge(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = access.ticket_for(request.user, number)
    form = MergeForm(request.POST, user=request.user)
    if not form.is_valid():
        return render_workspace(request, ticket, control_error=_errors(form))
    try:
        target = services.ticket_merge(
            actor=request.user,
            source=ticket,
            target=form.cleaned_data["merge_into"],
            confirm_organizations=form.cleaned_data["confirm_organizations"],
        )
    except ServiceError as error:
        return render_workspace(request, ticket, control_error=str(error))
    messages.success(
        request,
        _("Ticket #%(source)s was merged into #%(target)s.")
        % {"source": ticket.number, "target": target.number},
    )
    return redirect("staff:ticket", target.number)
