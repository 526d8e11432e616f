"""Reads of the staff portal: dashboard, queues, workspace (R3, R7, R10)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    Case,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from accounts.models import STAFF_ROLES, Role, Service, User
from tickets import access
from tickets.fields.selectors import with_tags_and_fields
from tickets.fields.values import tag_key
from tickets.keyset import SortKey
from tickets.models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    Department,
    Status,
    Ticket,
    TicketEvent,
)
from tickets.selectors.common import LIST_RELATED, contains_any_case

# Counters stop counting here and show "99+": the cost of a count must not grow with the
# table (ARCHITECTURE.md, Scale).
COUNT_CAP = 100
# Tickets on a page of the queue and of the search results.
QUEUE_PAGE = 50
DASHBOARD_ROWS = 8
REQUESTER_OTHER_TICKETS = 8

# The last public message came from the customer (he is waiting for us), read from two
# columns of the ticket itself, without a join.
LAST_FROM_CUSTOMER = Q(last_customer_activity_at__isnull=False) & (
    Q(last_agent_activity_at__isnull=True)
    | Q(last_customer_activity_at__gt=F("last_agent_activity_at"))
)

QUEUE_SORTS: dict[str, tuple[SortKey, ...]] = {
    "activity": (SortKey("updated_at", descending=True), SortKey("id", descending=True)),
    "waiting": (SortKey("waiting_since", nullable=True), SortKey("id")),
    "priority": (
        SortKey("priority", descending=True),
        SortKey("updated_at", descending=True),
        SortKey("id", descending=True),
    ),
    "created": (SortKey("created_at", descending=True), SortKey("id", descending=True)),
    # SLA (issue 10): the earliest running due time first; tickets without one last.
    "due": (SortKey("sla_due_at", nullable=True), SortKey("id")),
}

# "active" is every status still needing work; then one status alone, or everything.
QUEUE_STATUSES: dict[str, tuple[str, ...] | None] = {
    "active": OPEN_STATUSES,
    "done": DONE_STATUSES,
    "any": None,
    **{status: (status,) for status in Status.values},
}


def capped_count(queryset: QuerySet) -> int:
    """At most COUNT_CAP: SELECT COUNT(*) FROM (SELECT ... LIMIT 100), never a full count."""
    return queryset[:COUNT_CAP].count()


def with_list_facts(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """What a row of a staff list shows: the related names and who wrote last."""
    return tickets.select_related(*LIST_RELATED).annotate(
        last_from_customer=Case(When(LAST_FROM_CUSTOMER, then=Value(True)), default=Value(False))
    )


@dataclass(frozen=True)
class DashboardList:
    tickets: list[Ticket]
    count: int | None  # capped at COUNT_CAP; None where a count means nothing


def staff_dashboard(user: User) -> dict[str, DashboardList]:
    """The agent's day at a glance: his tickets, the unassigned, the longest waiting, the latest."""
    scope = access.tickets_for(user)
    open_tickets = scope.filter(status__in=OPEN_STATUSES)
    counted = {
        "mine": open_tickets.filter(assignee=user).order_by("-updated_at", "-id"),
        "unassigned": open_tickets.filter(assignee__isnull=True).order_by("-updated_at", "-id"),
        "waiting": open_tickets.filter(waiting_since__isnull=False).order_by("waiting_since", "id"),
    }
    lists = {
        key: DashboardList(
            tickets=list(with_list_facts(tickets)[:DASHBOARD_ROWS]), count=capped_count(tickets)
        )
        for key, tickets in counted.items()
    }
    recent = scope.order_by("-updated_at", "-id")
    lists["recent"] = DashboardList(
        tickets=list(with_list_facts(recent)[:DASHBOARD_ROWS]), count=None
    )
    return lists


@dataclass(frozen=True)
class QueueFilters:
    """A queue: every filter combines with the others; None or empty means "any"."""

    department: Department | None = None
    status: str = "active"
    assignee: User | None = None
    unassigned: bool = False
    priority: int | None = None
    channel: str = ""
    requester: User | None = None
    sort: str = "activity"
    sla: str = ""  # "overdue", or due within this many hours
    rating: str = ""  # good, bad, or "rated"
    tag: str = ""  # a tag's name, any case (issue 11)


def staff_queue(user: User, filters: QueueFilters) -> QuerySet[Ticket]:
    """The tickets of a queue, within the user's reach; ordered by keyset_page (QUEUE_SORTS)."""
    tickets = access.tickets_for(user)
    if filters.department is not None:
        tickets = tickets.filter(department=filters.department)
    statuses = QUEUE_STATUSES.get(filters.status, OPEN_STATUSES)
    if statuses is not None:
        tickets = tickets.filter(status__in=statuses)
    if filters.unassigned:
        tickets = tickets.filter(assignee__isnull=True)
    elif filters.assignee is not None:
        tickets = tickets.filter(assignee=filters.assignee)
    if filters.priority is not None:
        tickets = tickets.filter(priority=filters.priority)
    if filters.channel:
        tickets = tickets.filter(channel=filters.channel)
    if filters.requester is not None:
        tickets = tickets.filter(requester=filters.requester)
    if filters.sla == "overdue":
        tickets = tickets.filter(sla_due_at__lte=timezone.now())
    elif filters.sla.isdigit():
        tickets = tickets.filter(sla_due_at__lte=timezone.now() + timedelta(hours=int(filters.sla)))
    if filters.rating == "rated":
        tickets = tickets.filter(rating__isnull=False)
    elif filters.rating:
        tickets = tickets.filter(rating__score=filters.rating)
    if filters.tag:
        tickets = tickets.filter(tag_links__tag__key=tag_key(filters.tag))
    return with_tags_and_fields(with_list_facts(tickets))


def staff_tickets_by_number(user: User, numbers: list[int]) -> list[Ticket]:
    """The tickets of a bulk action that are within the user's reach, in number order."""
    return list(
        access.tickets_for(user)
        .filter(number__in=numbers)
        .select_related("department", "assignee")
        .order_by("number")
    )


def staff_colleagues(user: User, *, active_only: bool = True) -> QuerySet[User]:
    """Agents of the user's departments (every agent for managers); former ones on request,
    to find the tickets they left behind."""
    staff = User.objects.filter(role__in=STAFF_ROLES)
    if active_only:
        staff = staff.filter(is_active=True)
    if not user.sees_all_departments:
        departments = access.departments_for(user).values("pk")
        staff = staff.filter(memberships__department__in=departments).distinct()
    return staff.order_by("-is_active", "name", "email")


def assignable_agents(ticket: Ticket) -> QuerySet[User]:
    """Who may take the ticket: active agents who are members of its department."""
    return (
        User.objects.filter(
            is_active=True, role__in=STAFF_ROLES, memberships__department=ticket.department_id
        )
        .distinct()
        .order_by("name", "email")
    )


def active_departments() -> QuerySet[Department]:
    """Where a ticket may be moved: any active department (R11)."""
    return Department.objects.filter(is_active=True).order_by("name")


@dataclass(frozen=True)
class RequesterCard:
    requester: User
    services: list[Service]
    other_tickets: list[Ticket]
    more_tickets: bool


def requester_card(user: User, ticket: Ticket) -> RequesterCard:
    """Who asks: organization, products and services, his other tickets within the user's reach."""
    requester = ticket.requester
    owned = Q(customer=requester)
    if requester.organization_id:
        owned |= Q(organization_id=requester.organization_id)
    others = list(
        access.tickets_for(user)
        .filter(requester=requester)
        .exclude(pk=ticket.pk)
        .order_by("-updated_at", "-id")[: REQUESTER_OTHER_TICKETS + 1]
    )
    return RequesterCard(
        requester=requester,
        services=list(Service.objects.filter(owned, is_active=True).order_by("name")),
        other_tickets=others[:REQUESTER_OTHER_TICKETS],
        more_tickets=len(others) > REQUESTER_OTHER_TICKETS,
    )


def ticket_last_event_id(ticket: Ticket) -> int:
    """The audit trail's latest line: every message and change writes one."""
    latest = TicketEvent.objects.filter(ticket=ticket).order_by("-id").values_list("id", flat=True)
    return latest.first() or 0


def ticket_events_since(ticket: Ticket, after_id: int, *, exclude: User) -> list[TicketEvent]:
    """What others did to the ticket after the page was loaded (the collision warning)."""
    return list(
        TicketEvent.objects.filter(ticket=ticket, id__gt=after_id)
        .exclude(actor=exclude)
        .select_related("actor", "message__author")
        .prefetch_related("message__attachments")
        .order_by("id")
    )


def customer_search(query: str, *, limit: int = 10) -> list[User]:
    """Active customers whose name or e-mail contains the query, for an agent on the phone.

    "иван" finds "Иван Петров" on SQLite too (contains_any_case).
    """
    query = " ".join(query.split())
    matches = contains_any_case("email", query) | contains_any_case("name", query)
    return list(
        User.objects.filter(matches, role=Role.CUSTOMER, is_active=True)
        .select_related("organization")
        .order_by("name", "email")[:limit]
    )
