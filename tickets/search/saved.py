"""Saved views: a search with its filters under a name (issue 9, R18).

Personal views belong to their owner; a manager or an administrator shares a view with a
department, and every agent of that department sees it; the default views (no owner, no
department) are everyone's. Each shows a count that stops at COUNT_CAP ("99+").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from helpdesk.errors import NotPermitted
from tickets import access, selectors
from tickets.keyset import query_without_cursor
from tickets.models import Department
from tickets.search import query as search_query
from tickets.search.forms import SearchForm
from tickets.search.models import SavedView
from tickets.search.selectors import staff_search

# The default views (data migration 0003): names translated when shown.
DEFAULT_VIEWS = (
    (gettext_noop("My open tickets"), "assignee=me&status=active"),
    (gettext_noop("Unassigned in my departments"), "assignee=none&status=active"),
    (gettext_noop("Waiting on customer"), "status=pending"),
    (gettext_noop("Recently solved"), "status=solved&period=7d&sort=activity"),
)
QUERY_MAX = 2000


@dataclass(frozen=True)
class CountedView:
    view: SavedView
    count: int
    deletable: bool


def saved_view_deletable(user: User, view: SavedView) -> bool:
    """Its owner deletes a personal view; a manager or an administrator a shared one."""
    if view.owner_id is not None:
        return view.owner_id == user.pk
    return view.department_id is not None and user.sees_all_departments


def saved_views_for(user: User) -> QuerySet[SavedView]:
    """The defaults, the user's own, and those shared with his departments."""
    shared = Q(department__in=access.departments_for(user)) if user.is_agent else Q(pk__in=[])
    defaults = Q(owner__isnull=True, department__isnull=True)
    return SavedView.objects.filter(defaults | Q(owner=user) | shared).select_related("department")


def saved_views_counted(user: User, colleagues: list[User] | None = None) -> list[CountedView]:
    """The user's views with their counts, each one capped query ("99+"): the sidebar of
    the queue, the search and the dashboard. `colleagues`: the page's, when it has them."""
    if colleagues is None:
        colleagues = list(selectors.staff_colleagues(user, active_only=False))
    counted = []
    for view in saved_views_for(user):
        form = SearchForm(QueryDict(view.query), user=user, colleagues=colleagues)
        filters = form.search_filters()
        query = search_query.parse(form.cleaned_data.get("q") or "")
        found = staff_search(user, query, filters, "activity")
        count = selectors.capped_count(found.tickets)
        counted.append(CountedView(view, count, saved_view_deletable(user, view)))
    return counted


def _clean_query(raw: str) -> str:
    return query_without_cursor(QueryDict(raw))[:QUERY_MAX]


@transaction.atomic
def saved_view_create(
    *, actor: User, name: str, query: str, department: Department | None = None
) -> SavedView:
    if not actor.is_agent:
        raise NotPermitted()
    if department is not None and not (
        actor.sees_all_departments and access.can_work_department(actor, department)
    ):
        raise NotPermitted(_("Only managers and administrators share views with a department."))
    return SavedView.objects.create(
        name=name.strip()[:100],
        query=_clean_query(query),
        owner=None if department is not None else actor,
        department=department,
    )


@transaction.atomic
def saved_view_delete(*, actor: User, view: SavedView) -> None:
    if not saved_view_deletable(actor, view):
        raise NotPermitted()
    view.delete()
