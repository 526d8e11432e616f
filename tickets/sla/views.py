"""The manager's desk in the staff portal (issue 10): escalations with acknowledge, and the
SLA configuration (calendars, policies) of the departments he manages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import agent_required
from helpdesk.errors import ServiceError
from helpdesk.http import AuthenticatedHttpRequest
from tickets.keyset import keyset_page
from tickets.sla import selectors, services
from tickets.sla.escalation import escalation_acknowledge
from tickets.sla.forms import CalendarForm, PolicyForm
from tickets.sla.scope import is_manager, managed_departments

ESCALATION_PAGE = 50


def manager_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Managers' pages: signed-in staff who manage a department; others get 403."""

    @agent_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_manager(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@manager_required
def escalation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    show_all = request.GET.get("show") == "all"
    page = keyset_page(
        selectors.escalations_for(request.user, open_only=not show_all),
        selectors.ESCALATION_SORT,
        request.GET.get("after"),
        per_page=ESCALATION_PAGE,
    )
    context = {"nav": "escalations", "page": page, "show_all": show_all}
    return render(request, "sla/escalations.html", context)


@manager_required
@require_POST
def escalation_ack(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    escalation = selectors.escalation_get(request.user, pk)
    escalation_acknowledge(actor=request.user, escalation=escalation)
    messages.success(
        request, _("Escalation of #%(number)s acknowledged.") % {"number": escalation.ticket.number}
    )
    return redirect("sla:escalations")


@manager_required
def settings_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "nav": "sla",
        "policies": selectors.policies_for(request.user),
        "calendars": selectors.calendars(),
        "history": selectors.config_history(request.user),
    }
    return render(request, "sla/settings.html", context)


def _calendar_form_page(request: AuthenticatedHttpRequest, calendar) -> HttpResponse:
    if calendar is not None and not services.calendar_editable(request.user, calendar):
        raise PermissionDenied
    form = CalendarForm(request.POST or None, instance=calendar)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.calendar_save(
                actor=request.user,
                calendar=calendar,
                name=data["name"],
                time_zone=data["time_zone"],
                hours=data["hours"],
                holidays=data["holidays"],
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Calendar saved."))
            return redirect("sla:settings")
    context = {"nav": "sla", "form": form, "calendar": calendar}
    return render(request, "sla/calendar_form.html", context)


@manager_required
def calendar_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _calendar_form_page(request, None)


@manager_required
def calendar_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _calendar_form_page(request, selectors.calendar_get(pk))


def _policy_form_page(request: AuthenticatedHttpRequest, policy) -> HttpResponse:
    before = selectors.policy_get(request.user, policy.pk) if policy else None
    form = PolicyForm(
        request.POST or None, instance=policy, departments=managed_departments(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_save(actor=request.user, policy=form.instance, before=before)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("SLA policy saved."))
            return redirect("sla:settings")
    return render(request, "sla/policy_form.html", {"nav": "sla", "form": form, "policy": policy})


@manager_required
def policy_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _policy_form_page(request, None)


@manager_required
def policy_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _policy_form_page(request, selectors.policy_get(request.user, pk))


@manager_required
@require_POST
def policy_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_get(request.user, pk)
    services.policy_delete(actor=request.user, policy=policy)
    messages.success(request, _("SLA policy deleted."))
    return redirect("sla:settings")
