"""The ticket's controls: assignee, status, priority, department (R10, R11).

Plain forms that also answer htmx: the page swaps its head, timeline and controls
without reloading, and keeps what the agent is typing in the reply box.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.decorators import agent_required
from helpdesk.errors import ServiceError
from helpdesk.http import AuthenticatedHttpRequest
from tickets import access, services
from tickets.forms.staff import AssignForm, MoveForm, PriorityForm, StatusForm
from tickets.models import Ticket
from tickets.views.staff.workspace import render_workspace


def _apply(
    request: AuthenticatedHttpRequest,
    ticket: Ticket,
    form: forms.Form,
    change: Callable[[dict], object],
) -> HttpResponse:
    """Runs one service with the form's values; errors come back on the ticket's page."""
    if not form.is_valid():
        errors = [str(error) for field_errors in form.errors.values() for error in field_errors]
        return render_workspace(request, ticket, control_error=" ".join(errors))
    try:
        change(form.cleaned_data)
    except ServiceError as error:
        return render_workspace(request, ticket, control_error=str(error))
    return redirect("staff:ticket", ticket.number)


@agent_required
@require_POST
def ticket_take(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """Take it: the agent assigns the ticket to himself, from the queue or the ticket."""
    ticket = access.ticket_for(request.user, number)
    return _apply(
        request,
        ticket,
        forms.Form(request.POST),
        lambda data: services.ticket_assign(
            actor=request.user, ticket=ticket, assignee=request.user
        ),
    )


@agent_required
@require_POST
def ticket_assign(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = access.ticket_for(request.user, number)
    return _apply(
        request,
        ticket,
        AssignForm(request.POST, ticket=ticket),
        lambda data: services.ticket_assign(
            actor=request.user, ticket=ticket, assignee=data["assignee"]
        ),
    )


@agent_required
@require_POST
def ticket_status(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = access.ticket_for(request.user, number)
    return _apply(
        request,
        ticket,
        StatusForm(request.POST),
        lambda data: services.ticket_set_status(
            actor=request.user, ticket=ticket, status=data["status"]
        ),
    )


@agent_required
@require_POST
def ticket_priority(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = access.ticket_for(request.user, number)
    return _apply(
        request,
        ticket,
        PriorityForm(request.POST),
        lambda data: services.ticket_set_priority(
            actor=request.user, ticket=ticket, priority=data["priority"]
        ),
    )


@agent_required
@require_POST
def ticket_reopen(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = access.ticket_for(request.user, number)
    return _apply(
        request,
        ticket,
        forms.Form(request.POST),
        lambda data: services.ticket_reopen(actor=request.user, ticket=ticket),
    )


@agent_required
@require_POST
def ticket_move(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """Moves the ticket (R11); if it leaves the agent's departments he is told so and sent
    back to the queue, since the ticket is no longer his to see."""
    ticket = access.ticket_for(request.user, number)
    response = _apply(
        request,
        ticket,
        MoveForm(request.POST),
        lambda data: services.ticket_move(
            actor=request.user, ticket=ticket, department=data["department"]
        ),
    )
    if response.status_code != 302 or access.can_work(request.user, ticket):
        return response
    messages.info(
        request,
        _("Ticket #%(number)s is now in %(department)s, which you do not work in.")
        % {"number": ticket.number, "department": ticket.department.name},
    )
    if request.htmx:
        return HttpResponseClientRedirect(redirect("staff:queue").url)
    return redirect("staff:queue")
