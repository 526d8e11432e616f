"""Staff pages of canned responses (R15) and the composer's picker. Thin: forms, services."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import agent_required
from helpdesk.errors import ServiceError
from helpdesk.http import AuthenticatedHttpRequest
from tickets import access as ticket_access
from tickets.canned import access, selectors, services
from tickets.canned.files import file_ref
from tickets.canned.forms import CannedResponseForm, CannedSearchForm, PickerForm
from tickets.canned.models import CannedResponse
from tickets.canned.placeholders import placeholder_help


@agent_required
def canned_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CannedSearchForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {"q": "", "folder": ""}
    responses = selectors.canned_list(request.user, query=data["q"], folder=data["folder"])
    context = {
        "nav": "canned",
        "form": form,
        "responses": responses,
        "folders": selectors.canned_folders(request.user),
        "manageable": {r.pk for r in responses if access.can_manage(request.user, r)},
        "may_create": bool(access.scopes_for(request.user)),
        "cap": selectors.LIST_MAX,
    }
    return render(request, "canned/list.html", context)


def _editor(request: AuthenticatedHttpRequest, response: CannedResponse | None) -> HttpResponse:
    """Create (response None) or edit; errors of the form and of the service shown on it."""
    form = CannedResponseForm(
        request.POST or None, request.FILES or None, user=request.user, response=response
    )
    if request.method == "POST" and form.is_valid():
        try:
            if response is None:
                saved = services.canned_response_create(
                    actor=request.user,
                    content=form.content(),
                    attachments=form.cleaned_data["attachments"],
                )
            else:
                saved = services.canned_response_update(
                    actor=request.user,
                    response=response,
                    content=form.content(),
                    attachments_add=form.cleaned_data["attachments"],
                    attachments_remove=form.removed_files(),
                )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Canned response “%(title)s” saved.") % {"title": saved.title}
            )
            return redirect("canned:list")
    context = {
        "nav": "canned",
        "form": form,
        "response": response,
        "placeholders": placeholder_help(),
        "folders": selectors.canned_folders(request.user),
    }
    return render(request, "canned/form.html", context)


@agent_required
def canned_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _editor(request, None)


@agent_required
def canned_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _editor(request, access.response_to_manage(request.user, pk))


@agent_required
def canned_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    response = access.response_to_manage(request.user, pk)
    if request.method == "POST":
        services.canned_response_delete(actor=request.user, response=response)
        messages.success(
            request, _("Canned response “%(title)s” deleted.") % {"title": response.title}
        )
        return redirect("canned:list")
    return render(request, "canned/delete.html", {"nav": "canned", "response": response})


@agent_required
def canned_picker(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """The composer's list for this ticket (htmx/fetch): matching responses, most used first."""
    ticket = ticket_access.ticket_for(request.user, number)
    form = PickerForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    responses = selectors.canned_for_picker(request.user, ticket, query)
    return render(
        request,
        "canned/_picker_options.html",
        {"ticket": ticket, "responses": responses, "query": query},
    )


@agent_required
@require_POST
def canned_use(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    """The response filled in for this ticket, to insert at the cursor; counts the use."""
    ticket = ticket_access.ticket_for(request.user, number)
    response = access.response_for(request.user, pk)
    try:
        filled = services.canned_response_use(actor=request.user, response=response, ticket=ticket)
    except ServiceError as error:
        return JsonResponse({"error": str(error)}, status=403)
    files = [file_ref(request.user, attachment) for attachment in filled.attachments]
    return JsonResponse(
        {
            "text": filled.text,
            "language": filled.language,
            "files": [
                {"id": ref.attachment_id, "token": ref.token, "name": ref.filename} for ref in files
            ],
        }
    )
