"""Reports of the manager's desk (W3, W4, issue 10): aggregation in the database.

Every figure is read within a `Scope`: a date range, the departments the reader may see,
and optionally one agent and one channel. Durations are working seconds measured by the
SLA clock (tickets/sla/clock.py), so they count business hours where a calendar applies.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Aggregate, Avg, Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from accounts.models import Organization, User
from tickets.models import (
    Department,
    EventVerb,
    Message,
    MessageKind,
    Rating,
    RatingScore,
    Status,
    Ticket,
    TicketEvent,
)
from tickets.sla.models import TicketClock

LAST_COMMENTS = 3


@dataclass(frozen=True)
class Scope:
    start: date
    end: date  # inclusive
    departments: QuerySet[Department]
    agent: User | None = None
    channel: str = ""

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def tickets(self) -> QuerySet[Ticket]:
        tickets = Ticket.objects.filter(department__in=self.departments)
        return tickets.filter(channel=self.channel) if self.channel else tickets

    def within(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.since, f"{field}__lt": self.until})


class Median(Aggregate):
    """PostgreSQL's median (percentile_cont); other databases compute it from the values."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def median(queryset: QuerySet, field: str) -> float | None:
    values = queryset.exclude(**{f"{field}__isnull": True})
    if connection.vendor == "postgresql":
        return values.aggregate(m=Median(F(field)))["m"]
    found = list(values.values_list(field, flat=True))
    return statistics.median(found) if found else None


@dataclass
class AgentRow:
    agent: User
    answered: int = 0
    solved: int = 0
    messages: int = 0
    first_response_median: float | None = None
    first_response_avg: float | None = None
    resolution_median: float | None = None
    ratings: int = 0
    good: int = 0
    comments: tuple[str, ...] = ()
    time_spent: int = 0  # minutes noted on replies and notes (issue 11)

    @property
    def good_percent(self) -> float | None:
        return round(100 * self.good / self.ratings, 1) if self.ratings else None


def agent_rows(scope: Scope, agents: list[User]) -> list[AgentRow]:
    """Per agent: tickets answered and solved, messages, response and resolution times,
    satisfaction (W3, W4), time spent (issue 11). A handful of grouped queries, whatever
    the number of tickets."""
    rows = {agent.pk: AgentRow(agent) for agent in agents}
    tickets = scope.tickets()
    replies = Message.objects.filter(
        scope.within("created_at"), kind=MessageKind.AGENT, ticket__in=tickets, author__in=rows
    )
    for found in replies.values("author").annotate(
        messages=Count("id"), answered=Count("ticket", distinct=True)
    ):
        rows[found["author"]].messages = found["messages"]
        rows[found["author"]].answered = found["answered"]
    worked = Message.objects.filter(
        scope.within("created_at"),
        kind__in=[MessageKind.AGENT, MessageKind.NOTE],
        ticket__in=tickets,
        author__in=rows,
        time_spent__isnull=False,
    )
    for found in worked.values("author").annotate(minutes=Sum("time_spent")):
        rows[found["author"]].time_spent = found["minutes"] or 0
    solves = TicketEvent.objects.filter(
        scope.within("created_at"),
        verb__in=[EventVerb.STATUS_CHANGED, EventVerb.CLOSED],
        after__status=Status.SOLVED,
        ticket__in=tickets,
        actor__in=rows,
    )
    for found in solves.values("actor").annotate(solved=Count("ticket", distinct=True)):
        rows[found["actor"]].solved = found["solved"]
    clocks = TicketClock.objects.filter(ticket__in=tickets)
    first = clocks.filter(scope.within("ticket__first_response_at"))
    for found in (
        first.filter(first_responder__in=rows)
        .values("first_responder")
        .annotate(avg=Avg("first_response_seconds"))
    ):
        rows[found["first_responder"]].first_response_avg = found["avg"]
    ratings = Rating.objects.filter(scope.within("created_at"), ticket__in=tickets, agent__in=rows)
    for found in ratings.values("agent").annotate(
        count=Count("id"), good=Count("id", filter=Q(score=RatingScore.GOOD))
    ):
        rows[found["agent"]].ratings = found["count"]
        rows[found["agent"]].good = found["good"]
    for row in rows.values():
        if not (row.messages or row.solved or row.ratings):
            continue  # time noted on notes alone needs no medians
        mine = first.filter(first_responder=row.agent)
        row.first_response_median = median(mine, "first_response_seconds")
        solved = clocks.filter(scope.within("ticket__solved_at"), resolver=row.agent)
        row.resolution_median = median(solved, "resolution_seconds")
        commented = ratings.filter(agent=row.agent).exclude(comment="")
        row.comments = tuple(
            commented.order_by("-created_at").values_list("comment", flat=True)[:LAST_COMMENTS]
        )
    return [
        row for row in rows.values() if row.messages or row.solved or row.ratings or row.time_spent
    ]


@dataclass
class DayRow:
    day: date
    opened: int
    solved: int
    backlog: int


def department_days(scope: Scope) -> list[DayRow]:
    """Tickets in and out per day and the backlog (open at the day's end)."""
    tickets = scope.tickets()
    opened = dict(
        tickets.filter(scope.within("created_at"))
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("id"))
    )
    solved = dict(
        tickets.filter(scope.within("solved_at"))
        .annotate(day=TruncDate("solved_at"))
        .values_list("day")
        .annotate(n=Count("id"))
    )
    backlog = (
        tickets.filter(created_at__lt=scope.since)
        .filter(Q(solved_at__isnull=True) | Q(solved_at__gte=scope.since))
        .count()
    )
    days, day = [], scope.start
    while day <= scope.end:
        backlog += opened.get(day, 0) - solved.get(day, 0)
        days.append(DayRow(day, opened.get(day, 0), solved.get(day, 0), max(backlog, 0)))
        day += timedelta(days=1)
    return days


@dataclass
class Compliance:
    target: str
    measured: int
    met: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.met / self.measured, 1) if self.measured else None


def sla_compliance(scope: Scope) -> list[Compliance]:
    """Of the tickets opened in the range with a target, how many met it."""
    clocks = TicketClock.objects.filter(
        ticket__in=scope.tickets().filter(scope.within("created_at"))
    )
    found = clocks.aggregate(
        fr=Count("pk", filter=Q(first_response_met__isnull=False)),
        fr_met=Count("pk", filter=Q(first_response_met=True)),
        res=Count("pk", filter=Q(resolution_met__isnull=False)),
        res_met=Count("pk", filter=Q(resolution_met=True)),
    )
    return [
        Compliance("first_response", found["fr"], found["fr_met"]),
        Compliance("resolution", found["res"], found["res_met"]),
    ]


def busiest_hours(scope: Scope) -> list[int]:
    """Tickets opened per hour of the day (0-23), in the reader's time zone."""
    counts = dict(
        scope.tickets()
        .filter(scope.within("created_at"))
        .annotate(hour=ExtractHour("created_at"))
        .values_list("hour")
        .annotate(n=Count("id"))
    )
    return [counts.get(hour, 0) for hour in range(24)]


@dataclass
class OrganizationRow:
    organization: Organization
    tickets: int
    ratings: int
    good: int

    @property
    def good_percent(self) -> float | None:
        return round(100 * self.good / self.ratings, 1) if self.ratings else None


def organization_rows(scope: Scope, limit: int = 50) -> list[OrganizationRow]:
    """Per organization: tickets opened in the range and their satisfaction."""
    found = (
        scope.tickets()
        .filter(scope.within("created_at"), organization__isnull=False)
        .values("organization")
        .annotate(
            n=Count("id"),
            ratings=Count("rating"),
            good=Count("rating", filter=Q(rating__score=RatingScore.GOOD)),
        )
        .order_by("-n")[:limit]
    )
    names = Organization.objects.in_bulk([row["organization"] for row in found])
    return [
        OrganizationRow(names[row["organization"]], row["n"], row["ratings"], row["good"])
        for row in found
    ]
