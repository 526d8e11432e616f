"""Reading canned responses: the staff list and the composer's picker (R15)."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from tickets.canned import access
from tickets.canned.models import CannedResponse
from tickets.models import Ticket

LIST_MAX = 200
PICKER_MAX = 20


def _matching(responses: QuerySet[CannedResponse], query: str) -> QuerySet[CannedResponse]:
    for word in query.casefold().split():
        responses = responses.filter(search_text__contains=word)
    return responses


def canned_list(user: User, *, query: str = "", folder: str = "") -> list[CannedResponse]:
    """The responses the user may see, most used first, grouped by folder in the template."""
    responses = _matching(access.responses_for(user), query)
    if folder:
        responses = responses.filter(folder=folder)
    responses = responses.select_related("department", "owner").prefetch_related(
        "variants", "attachments"
    )
    return sorted(responses[:LIST_MAX], key=lambda response: response.folder.casefold())


def canned_folders(user: User) -> list[str]:
    """The folder names the user's responses use, for the editor's suggestions and the filter."""
    names = access.responses_for(user).exclude(folder="").values_list("folder", flat=True)
    return sorted(set(names), key=str.casefold)


def canned_for_picker(user: User, ticket: Ticket, query: str) -> list[CannedResponse]:
    """What the composer offers on this ticket: usable ones matching the query, most used first."""
    responses = _matching(access.responses_for_ticket(user, ticket), query)
    return list(responses.only("pk", "title", "folder", "usage_count")[:PICKER_MAX])
