"""Queues: the tickets of the agent's departments, filtered and sorted, and bulk actions."""

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.decorators import agent_required
from helpdesk.http import AuthenticatedHttpRequest
from tickets import access, selectors
from tickets.fields import selectors as fields_selectors
from tickets.forms.staff import BulkActionForm, QueueFilterForm
from tickets.keyset import keyset_page, query_without_cursor
from tickets.search.saved import saved_views_counted
from tickets.services.bulk import BulkOutcome, tickets_bulk_apply


@agent_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    colleagues = list(selectors.staff_colleagues(request.user, active_only=False))
    form = QueueFilterForm(request.GET, user=request.user, colleagues=colleagues)
    filters = form.filters()
    page = keyset_page(
        selectors.staff_queue(request.user, filters),
        selectors.QUEUE_SORTS[filters.sort],
        request.GET.get("after"),
        per_page=selectors.QUEUE_PAGE,
    )
    query = query_without_cursor(request.GET)
    context = {
        "nav": "queue",
        "form": form,
        "filters": filters,
        "page": page,
        "query": query,
        "bulk_form": BulkActionForm(
            user=request.user, colleagues=colleagues, initial={"query": query}
        ),
        "tag_suggestions": fields_selectors.tag_suggestions(request.user),
        "queue_fields": fields_selectors.queue_columns(request.user),
        "views": saved_views_counted(request.user, colleagues),
        "cap": selectors.staff.COUNT_CAP,
    }
    return render(request, "staff/queue.html", context)


def _report(
    request: AuthenticatedHttpRequest, outcomes: list[BulkOutcome], missing: list[int]
) -> None:
    changed = [outcome for outcome in outcomes if outcome.ok]
    if changed:
        messages.success(
            request,
            ngettext("%(count)d ticket changed.", "%(count)d tickets changed.", len(changed))
            % {"count": len(changed)},
        )
    for outcome in outcomes:
        if not outcome.ok:
            messages.error(request, f"#{outcome.ticket.number}: {outcome.error}")
    for number in missing:
        messages.error(
            request,
            _("#%(number)s: not found in your departments.") % {"number": number},
        )
    mine = set(access.departments_for(request.user).values_list("pk", flat=True))
    gone = [o.ticket.number for o in changed if o.ticket.department_id not in mine]
    if gone:
        messages.info(
            request,
            _("Moved out of your departments, no longer in your queue: %(numbers)s.")
            % {"numbers": ", ".join(f"#{number}" for number in gone)},
        )


@agent_required
@require_POST
def queue_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    colleagues = list(selectors.staff_colleagues(request.user))
    form = BulkActionForm(request.POST, user=request.user, colleagues=colleagues)
    # Back to the list the tickets were ticked in: the queue or a search.
    listing = "staff:search" if request.POST.get("list") == "search" else "staff:queue"
    back = reverse(listing) + "?" + query_without_cursor(QueryDict(request.POST.get("query", "")))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    numbers = form.cleaned_data["ticket"]
    tickets = selectors.staff_tickets_by_number(request.user, numbers)
    outcomes = tickets_bulk_apply(
        actor=request.user,
        tickets=tickets,
        action=form.cleaned_data["action"],
        value=form.cleaned_data["value"],
    )
    found = {ticket.number for ticket in tickets}
    _report(request, outcomes, [number for number in numbers if number not in found])
    return redirect(back)
