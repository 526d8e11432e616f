"""The search pages: the staff search (header box) and the customer's (portal box) (R18, P1)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import agent_required
from helpdesk.errors import NotPermitted
from helpdesk.http import AuthenticatedHttpRequest
from tickets import selectors
from tickets.fields import selectors as fields_selectors
from tickets.forms.staff import BulkActionForm
from tickets.keyset import keyset_page, query_without_cursor
from tickets.search import query as search_query
from tickets.search import saved
from tickets.search.forms import SavedViewForm, SearchForm
from tickets.search.selectors import SEARCH_SORTS, staff_search, ticket_by_number
from tickets.search.snippets import snippets_attach

# Parameters that make a search; any other (a cursor, the sort) does not.
CRITERIA = set(SearchForm.base_fields) - {"sort"}


@agent_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    colleagues = list(selectors.staff_colleagues(request.user, active_only=False))
    form = SearchForm(request.GET, user=request.user, colleagues=colleagues)
    filters = form.search_filters()
    query = search_query.parse(form.cleaned_data.get("q") or "")
    ticket = ticket_by_number(request.user, query)
    if ticket is not None and not request.GET.get("after"):
        return redirect("staff:ticket", ticket.number)
    asked = any(request.GET.get(name) for name in CRITERIA)
    page = None
    if asked:
        found = staff_search(request.user, query, filters, form.chosen_sort())
        for error in found.errors:
            messages.warning(request, error)
        page = keyset_page(
            found.tickets,
            SEARCH_SORTS[form.chosen_sort()],
            request.GET.get("after"),
            per_page=selectors.QUEUE_PAGE,
        )
        snippets_attach(request.user, page.items, query)
    filter_query = query_without_cursor(request.GET)
    context = {
        "nav": "search",
        "form": form,
        "filters": filters.queue,
        "page": page,
        "query": filter_query,
        "bulk_form": BulkActionForm(
            user=request.user, colleagues=colleagues, initial={"query": filter_query}
        ),
        "save_form": SavedViewForm(user=request.user, initial={"query": filter_query}),
        "views": saved.saved_views_counted(request.user, colleagues),
        "cap": selectors.staff.COUNT_CAP,
        "tag_suggestions": fields_selectors.tag_suggestions(request.user),
        "queue_fields": fields_selectors.queue_columns(request.user),
    }
    return render(request, "staff/search.html", context)


@agent_required
@require_POST
def saved_view_save(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST, user=request.user)
    back = reverse("staff:search") + "?" + form.data.get("query", "")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))  # ErrorList yields str
        return redirect(back)
    try:
        view = saved.saved_view_create(actor=request.user, **form.cleaned_data)
    except NotPermitted as error:
        messages.error(request, str(error))
        return redirect(back)
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(back)


@agent_required
@require_POST
def saved_view_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    view = get_object_or_404(saved.saved_views_for(request.user), pk=pk)
    try:
        saved.saved_view_delete(actor=request.user, view=view)
    except NotPermitted:
        messages.error(request, _("You may not delete this view."))
    else:
        messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect("staff:search")
