"""Searching: a parsed query and filters -> the tickets in the user's reach (R18, R10, R16).

Every result comes from `access.tickets_for()`; customers search only the subject and the
public text (never notes, not even in snippets). The full text goes to the database's own
index (tickets.search.backends); names, addresses, services, file names and numbers are
also found by substring (`meta`, a pg_trgm index on PostgreSQL), never message bodies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import STAFF_ROLES, User
from tickets import access
from tickets.fields.models import FieldDefinition, FieldKind, FieldValue, TicketTag
from tickets.fields.values import tag_key, value_column, value_parse
from tickets.keyset import SortKey
from tickets.models import (
    INTERNAL_KINDS,
    Attachment,
    Channel,
    Message,
    MessageKind,
    Priority,
    Status,
    Ticket,
)
from tickets.search.backends import COLUMNS, PUBLIC_COLUMNS, backend
from tickets.search.query import Query, Term
from tickets.selectors import QUEUE_SORTS, QueueFilters, staff_queue
from tickets.selectors.common import contains_any_case

# Terms counted for the relevance (subject matches); the rest only filter.
RANKED_TERMS = 5
SUBSTRING_MIN = 3

STATUS_WORDS = {"active": ("new", "open", "pending"), "done": ("solved", "closed"), "any": ()}


@dataclass(frozen=True)
class SearchFilters:
    """The search page's filters: the queue's, and who replied, organization and dates."""

    queue: QueueFilters
    replied_by: User | None = None
    organization: str = ""
    created_after: date | None = None
    created_before: date | None = None
    active_after: date | None = None
    active_before: date | None = None


@dataclass(frozen=True)
class Search:
    tickets: QuerySet[Ticket]
    errors: list[str]


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _term_sql(term: Term, columns: tuple[str, ...], substrings: bool) -> tuple[str, list]:
    sql, params = backend().matches(term.phrase, columns)
    if substrings and len(term.raw) >= SUBSTRING_MIN:
        sql = f"({sql} OR d.meta LIKE %s ESCAPE '\\')"
        params = [*params, _like(term.raw)]
    return sql, params


def _columns(user: User, query: Query) -> tuple[str, ...]:
    if query.in_notes:
        return ("notes",)
    return COLUMNS if user.is_agent else PUBLIC_COLUMNS


def _text_condition(user: User, query: Query) -> Q:
    """One subquery over the index: every word found, no excluded one, the requester."""
    columns = _columns(user, query)
    parts, params = [], []
    for term in query.terms:
        sql, term_params = _term_sql(term, columns, substrings=not query.in_notes)
        parts.append(f"NOT {sql}" if term.negated else sql)
        params.extend(term_params)
    for requester in query.requester:
        parts.append("d.requester LIKE %s ESCAPE '\\'")
        params.append(_like(requester))
    if not parts:
        return Q()
    # The SQL is ours (backends, fixed columns); every typed value is a parameter.
    where = " AND ".join(parts)
    sql = f"SELECT d.ticket_id FROM search_document d WHERE {where}"  # noqa: S608
    return Q(pk__in=RawSQL(sql, params))  # noqa: S611


def relevance(user: User, query: Query) -> RawSQL:
    """How many of the words are in the subject: the first sort key of a search."""
    terms = query.positive[:RANKED_TERMS]
    if not terms:
        return RawSQL("0", [], output_field=IntegerField())
    parts, params = [], []
    for term in terms:
        sql, term_params = backend().ticket_matches(
            term.phrase, ("subject",), '"tickets_ticket"."id"'
        )
        parts.append(f"(CASE WHEN {sql} THEN 1 ELSE 0 END)")
        params.extend(term_params)
    return RawSQL(" + ".join(parts), params, output_field=IntegerField())  # noqa: S611


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _choices(values: list[str], choices, extra: dict[str, tuple]) -> tuple[list, list[str]]:
    """Codes for typed values: a code, a number, or a label in English or the reader's language."""
    found: list[str | int] = []
    unknown: list[str] = []
    names = {str(code).casefold(): (code,) for code, _label in choices}
    names.update({str(label).casefold(): (code,) for code, label in choices})
    names.update(extra)
    for value in values:
        codes = names.get(value.casefold())
        if codes is None:
            unknown.append(value)
        else:
            found.extend(codes)
    return found, unknown


def _operator_conditions(user: User, query: Query, errors: list[str]) -> Q:
    condition = Q()
    checks: tuple[tuple[str, list[str], list[tuple[Any, Any]], dict[str, tuple]], ...] = (
        ("status", query.status, Status.choices, STATUS_WORDS),
        ("priority", query.priority, Priority.choices, {}),
        ("channel", query.channel, Channel.choices, {"e-mail": ("email",), "mail": ("email",)}),
    )
    for field_name, values, choices, extra in checks:
        if not values:
            continue
        codes, unknown = _choices(values, choices, extra)
        for value in unknown:
            errors.append(
                _("Unknown %(name)s: “%(value)s”.") % {"name": field_name, "value": value}
            )
        condition &= Q(**{f"{field_name}__in": codes})
    if query.department:
        departments = [
            department.pk
            for department in access.departments_for(user)
            for wanted in query.department
            if wanted in department.name.casefold()
            or wanted in department.local_name.casefold()
            or wanted == department.slug
        ]
        if not departments:
            errors.append(
                _("None of your departments matches “%(value)s”.")
                % {"value": ", ".join(query.department)}
            )
        condition &= Q(department__in=departments)
    for wanted in query.assignee:
        condition &= _assignee(user, wanted)
    if query.after:
        condition &= Q(created_at__gte=_day_start(query.after))
    if query.before:
        condition &= Q(created_at__lt=_day_start(query.before))
    if query.has_attachment:
        files = Attachment.objects.filter(message__ticket=OuterRef("pk"))
        if not user.is_agent:
            files = files.exclude(message__kind__in=INTERNAL_KINDS)
        condition &= Q(Exists(files))
    if query.tags:
        condition &= _tag_conditions(user, query.tags, errors)
    for key, wanted in query.fields:
        condition &= _field_condition(user, key, wanted, errors)
    return condition


def _tag_conditions(user: User, tags: list[str], errors: list[str]) -> Q:
    """tag:NAME, each tag required; tags are the agents' own, never searched by customers."""
    if not user.is_agent:
        errors.append(_("Tags are for agents only."))
        return Q(pk__in=[])
    condition = Q()
    for name in tags:
        links = TicketTag.objects.filter(ticket=OuterRef("pk"), tag__key=tag_key(name.strip()))
        condition &= Q(Exists(links))
    return condition


def _field_condition(user: User, key: str, wanted: str, errors: list[str]) -> Q:
    """field:key=value over the fields of that key the user may read: an agent's
    departments' fields, a customer's fields shown to customers. Each field judges the
    value by its kind (a number, a date...); text fields match a part of the text."""
    fields = FieldDefinition.objects.filter(key=key, is_active=True)
    if user.is_agent:
        fields = fields.filter(department__in=access.departments_for(user))
    else:
        fields = fields.filter(visible_to_customer=True)
    found = list(fields)
    if not found:
        errors.append(_("No custom field has the key “%(key)s”.") % {"key": key})
        return Q(pk__in=[])
    matches = Q(pk__in=[])
    unticked = Q(pk__in=[])  # field:backup=no: the department's tickets without the tick
    problems = []
    for definition in found:
        if not wanted:
            matches |= Q(field=definition)
            continue
        try:
            value = value_parse(definition, wanted)
        except ValidationError as error:
            problems.extend(error.messages)
            continue
        if definition.kind == FieldKind.CHECKBOX and value is None:
            ticked = FieldValue.objects.filter(ticket=OuterRef("pk"), field=definition)
            unticked |= Q(department=definition.department_id) & ~Q(Exists(ticked))
        elif definition.kind == FieldKind.TEXT and isinstance(value, str):
            matches |= Q(field=definition) & contains_any_case("text", value)
        else:
            matches |= Q(field=definition, **{value_column(definition): value})
    if problems and len(problems) == len(found):
        errors.extend(dict.fromkeys(problems))
        return Q(pk__in=[])
    return Q(Exists(FieldValue.objects.filter(matches, ticket=OuterRef("pk")))) | unticked


def _assignee(user: User, wanted: str) -> Q:
    if wanted in {"me", "я", "ich", "мене"}:
        return Q(assignee=user)
    if wanted in {"none", "nobody", "никто", "niemand", "ніхто"}:
        return Q(assignee__isnull=True)
    agents = User.objects.filter(
        contains_any_case("name", wanted) | contains_any_case("email", wanted), role__in=STAFF_ROLES
    )
    return Q(assignee__in=agents)


def search(user: User, query: Query, tickets: QuerySet[Ticket] | None = None) -> Search:
    """The tickets matching the query among `tickets` (default: all the user may see)."""
    errors = list(query.errors)
    tickets = access.tickets_for(user) if tickets is None else tickets
    if query.in_notes and not user.is_agent:
        errors.append(_("Internal notes are for agents only."))
        return Search(tickets.none(), errors)
    tickets = tickets.filter(_text_condition(user, query))
    tickets = tickets.filter(_operator_conditions(user, query, errors))
    return Search(tickets, errors)


def ticket_by_number(user: User, query: Query) -> Ticket | None:
    """The ticket a query names by number alone (#123, 123), when it is in the user's reach."""
    if query.number is None:
        return None
    return access.tickets_for(user).filter(number=query.number).first()


SEARCH_SORTS: dict[str, tuple[SortKey, ...]] = {
    "relevance": (SortKey("search_rank", descending=True), *QUEUE_SORTS["activity"]),
    **QUEUE_SORTS,
}


def _filter_conditions(filters: SearchFilters) -> Q:
    condition = Q()
    if filters.replied_by is not None:
        replies = Message.objects.filter(
            ticket=OuterRef("pk"), kind=MessageKind.AGENT, author=filters.replied_by
        )
        condition &= Q(Exists(replies))
    if filters.organization:
        condition &= contains_any_case("organization__name", filters.organization)
    bounds = (
        ("created_at__gte", filters.created_after, 0),
        ("created_at__lt", filters.created_before, 1),
        ("updated_at__gte", filters.active_after, 0),
        ("updated_at__lt", filters.active_before, 1),
    )
    for lookup, day, days_after in bounds:
        if day is not None:
            condition &= Q(**{lookup: _day_start(day + timedelta(days=days_after))})
    return condition


def staff_search(user: User, query: Query, filters: SearchFilters, sort: str) -> Search:
    """An agent's search: the queue's filters, the page's, then the words; sorted by `sort`
    (SEARCH_SORTS), relevance being how many words are in the subject, then recency."""
    tickets = staff_queue(user, filters.queue).filter(_filter_conditions(filters))
    found = search(user, query, tickets)
    if sort == "relevance":
        return Search(found.tickets.annotate(search_rank=relevance(user, query)), found.errors)
    return found


def portal_search(user: User, query: Query) -> Search:
    """A customer's search through all his tickets: the words in subjects and public
    messages, most relevant first, then the latest activity."""
    found = search(user, query)
    ordered = found.tickets.annotate(search_rank=relevance(user, query)).order_by(
        "-search_rank", "-updated_at", "-pk"
    )
    return Search(ordered, found.errors)
