"""The ticket's controls: take it, assignee, status, priority, department, reopen (R10, R11),
tags and custom fields (issue 11).

One view serves them all. Each control names the form that parses its value and the
change it makes in the bulk actions' table (`services.bulk.TICKET_ACTIONS`), so the
ticket page and the queue's bulk actions run the same services. Plain forms that also
answer htmx: the page swaps its head, timeline and controls without reloading, and keeps
what the agent is typing in the reply box.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.decorators import agent_required
from helpdesk.errors import ServiceError
from helpdesk.http import AuthenticatedHttpRequest
from tickets import access, services
from tickets.forms.staff import (
    ACTION_FIELDS,
    AssignForm,
    FieldsForm,
    MoveForm,
    PriorityForm,
    RequesterLanguageForm,
    StatusForm,
    TagsForm,
    WorkspaceForm,
)
from tickets.models import Ticket
from tickets.services.bulk import TICKET_ACTIONS, ticket_update
from tickets.views.staff.workspace import render_workspace


@dataclass(frozen=True)
class Control:
    action: str  # its change in TICKET_ACTIONS
    form: Callable[[QueryDict, Ticket], forms.Form]
    takes: bool = False  # "Take it": the value is the agent himself


def _no_value(data: QueryDict, ticket: Ticket) -> forms.Form:
    return forms.Form(data)


CONTROLS = {
    "take": Control("assign", _no_value, takes=True),
    "assign": Control("assign", lambda data, ticket: AssignForm(data, ticket=ticket)),
    "status": Control("status", lambda data, ticket: StatusForm(data)),
    "priority": Control("priority", lambda data, ticket: PriorityForm(data)),
    "move": Control("move", lambda data, ticket: MoveForm(data)),
    "reopen": Control("reopen", _no_value),
    "tags": Control("tags", lambda data, ticket: TagsForm(data)),
    "fields": Control("fields", lambda data, ticket: FieldsForm(data, ticket=ticket)),
}


@agent_required
@require_POST
def ticket_control(request: AuthenticatedHttpRequest, number: int, control: str) -> HttpResponse:
    """Runs one control's service with its form's value; errors come back on the page."""
    ticket = access.ticket_for(request.user, number)
    spec = CONTROLS[control]
    form = spec.form(request.POST, ticket)
    if not form.is_valid():
        errors = [str(error) for field_errors in form.errors.values() for error in field_errors]
        return render_workspace(request, ticket, control_error=" ".join(errors))
    field = ACTION_FIELDS.get(spec.action, "")  # "": the action takes no value
    value = request.user if spec.takes else form.cleaned_data.get(field)
    try:
        TICKET_ACTIONS[spec.action](request.user, ticket, value)
    except ServiceError as error:
        return render_workspace(request, ticket, control_error=str(error))
    if not access.can_work(request.user, ticket):
        return _moved_away(request, ticket)
    return redirect("staff:ticket", ticket.number)


@agent_required
@require_POST
def ticket_update_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """The one form of the ticket's controls (issue 11): every change it carries, at once;
    a refusal changes nothing and comes back on the page."""
    ticket = access.ticket_for(request.user, number)
    form = WorkspaceForm(request.POST, ticket=ticket)
    if not form.is_valid():
        errors = [str(error) for field_errors in form.errors.values() for error in field_errors]
        return render_workspace(request, ticket, control_error=" ".join(errors))
    try:
        ticket_update(actor=request.user, ticket=ticket, changes=form.changes())
    except ServiceError as error:
        ticket.refresh_from_db()
        return render_workspace(request, ticket, control_error=str(error))
    if not access.can_work(request.user, ticket):
        return _moved_away(request, ticket)
    return redirect("staff:ticket", ticket.number)


def _moved_away(request: AuthenticatedHttpRequest, ticket: Ticket) -> HttpResponse:
    """Moved out of the agent's departments (R11): he is told so and sent back to the
    queue, since the ticket is no longer his to see."""
    messages.info(
        request,
        _("Ticket #%(number)s is now in %(department)s, which you do not work in.")
        % {"number": ticket.number, "department": ticket.department.local_name},
    )
    if request.htmx:
        return HttpResponseClientRedirect(redirect("staff:queue").url)
    return redirect("staff:queue")


@agent_required
@require_POST
def requester_language(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """The requester card's language switch (issue 12): his mail and pages follow it."""
    ticket = access.ticket_for(request.user, number)
    form = RequesterLanguageForm(request.POST)
    if not form.is_valid():
        return render_workspace(request, ticket, control_error=_("Unknown language."))
    try:
        services.requester_language_set(
            actor=request.user, ticket=ticket, language=form.cleaned_data["language"]
        )
    except ServiceError as error:
        return render_workspace(request, ticket, control_error=str(error))
    return redirect("staff:ticket", ticket.number)
