"""Keeps every ticket's SLA due times as the services change it (issue 10, R17).

An in-transaction subscriber of the event stream: the due times on the ticket never
disagree with its state, and queues sort and filter by them. Pending, solved and closed
stop the clock (the working time left is kept); new and open run it again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.db.models import F, Q
from django.utils.dateparse import parse_datetime

from tickets import events
from tickets.models import OPEN_STATUSES, EventVerb, MessageKind, Status, Ticket, TicketEvent
from tickets.sla import hours
from tickets.sla.models import Calendar, Policy, Target, TicketClock

STOPPED_STATUSES = (Status.PENDING, Status.SOLVED, Status.CLOSED)
TARGETS = tuple(Target.values)


def due_field(target: str) -> str:
    return f"{target}_due_at"


def schedule_of(calendar: Calendar | None) -> hours.Schedule | None:
    """The pure form of a calendar (None: round the clock)."""
    if calendar is None:
        return None
    try:
        zone = ZoneInfo(calendar.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    week = {
        int(day): tuple(tuple(pair) for pair in ranges) for day, ranges in calendar.hours.items()
    }
    holidays = tuple(
        hours.Holiday(h.first_day, h.last_day, h.yearly) for h in calendar.holidays.all()
    )
    return hours.Schedule(zone=zone, week=week, holidays=holidays)


def targets_of(policy: Policy | None) -> dict[str, int | None]:
    """What a clock records of the policy it runs on: each target's seconds, the calendar."""
    if policy is None:
        return {}
    return {
        **{target: policy.target_seconds(target) for target in TARGETS},
        "calendar": policy.calendar_id,
    }


def policy_for(ticket: Ticket) -> Policy | None:
    """The most specific active policy: organization and priority beat "any"."""
    return (
        Policy.objects.filter(department=ticket.department_id, is_active=True)
        .filter(Q(priority=ticket.priority) | Q(priority__isnull=True))
        .filter(Q(organization=ticket.organization_id) | Q(organization__isnull=True))
        .select_related("calendar")
        .order_by(F("organization").asc(nulls_last=True), F("priority").asc(nulls_last=True))
        .first()
    )


class Keeper:
    """One event's effect on one ticket's clock."""

    def __init__(self, ticket: Ticket, clock: TicketClock, now: datetime):
        self.ticket, self.clock, self.now = ticket, clock, now
        self.schedule = schedule_of(clock.policy.calendar) if clock.policy else None

    def due(self, target: str) -> datetime | None:
        return getattr(self.ticket, due_field(target))

    def set_due(self, target: str, value: datetime | None) -> None:
        setattr(self.ticket, due_field(target), value)

    def start(self, target: str, since: datetime | None = None) -> None:
        """Starts a target's clock at `since` (now); no target in the policy: no due time."""
        seconds = self.clock.policy.target_seconds(target) if self.clock.policy else None
        if seconds is None:
            self.set_due(target, None)
            self.clock.paused.pop(target, None)
        elif self.clock.stopped:
            self.clock.paused[target] = {"left": seconds, "due": None}
        else:
            self.set_due(target, self.add(since or self.now, seconds))

    def add(self, start: datetime, seconds: float) -> datetime | None:
        try:
            return hours.add_business(start, seconds, self.schedule)
        except hours.NoWorkingTime:
            return None

    def left(self, due: datetime) -> float:
        return hours.business_seconds(self.now, due, self.schedule)

    def met(self, target: str) -> None:
        self.set_due(target, None)
        self.clock.paused.pop(target, None)

    def stop(self) -> None:
        if self.clock.stopped:
            return
        for target in TARGETS:
            due = self.due(target)
            if due is not None:
                self.clock.paused[target] = {"left": self.left(due), "due": due.isoformat()}
                self.set_due(target, None)
        self.clock.stopped = True

    def run(self) -> None:
        if not self.clock.stopped:
            return
        self.clock.stopped = False
        for target, kept in list(self.clock.paused.items()):
            left, due = kept["left"], kept["due"]
            # Past due when it stopped: the same breach, not a new one.
            past = parse_datetime(due) if due else self.now
            self.set_due(target, self.add(self.now, left) if left > 0 else past)
        self.clock.paused = {}

    def adopt(self, policy: Policy | None) -> None:
        self.clock.policy = policy
        self.clock.targets = targets_of(policy)
        self.schedule = schedule_of(policy.calendar) if policy else None

    def repolicy(self, policy: Policy | None) -> None:
        """A new priority or department: the working time already spent counts against the
        new targets."""
        old = self.clock.policy
        # The targets the clock ran on: the policy may have changed since (policy_changed).
        had_targets = self.clock.targets or targets_of(old)
        dues = {t: self.due(t) for t in TARGETS}
        running = {t: due for t, due in dues.items() if due is not None}
        paused = dict(self.clock.paused)
        self.adopt(policy)
        self.clock.paused = {}
        for target in TARGETS:
            had = had_targets.get(target)
            if (
                target not in running
                and target not in paused
                and not (had is None and self._untouched(target))
            ):
                continue
            new = policy.target_seconds(target) if policy else None
            if new is None:
                self.set_due(target, None)
                continue
            if had is None:
                spent = hours.business_seconds(self.ticket.created_at, self.now, self.schedule)
            elif target in running:
                spent = had - self.left(running[target])
            else:
                spent = had - paused[target]["left"]
            left = new - spent
            was = running.get(target) or parse_datetime((paused.get(target) or {}).get("due") or "")
            # Already past due: the same breach, not a new one at this moment.
            due = was if left <= 0 and was and was <= self.now else self.add(self.now, max(left, 0))
            if self.clock.stopped:
                self.clock.paused[target] = {"left": left, "due": due.isoformat() if due else None}
            else:
                self.set_due(target, due)

    def _untouched(self, target: str) -> bool:
        """Without a policy before: which targets would be running had there been one."""
        if target == Target.FIRST_RESPONSE:
            return self.ticket.first_response_at is None
        if target == Target.RESOLUTION:
            return self.ticket.status not in (Status.SOLVED, Status.CLOSED)
        return False

    def settle(self) -> dict[str, datetime | None]:
        """Sets the clock's next check and the ticket's earliest due time in memory;
        returns the ticket's due fields (the bench's loader writes them itself)."""
        warn = timedelta(minutes=self.clock.policy.warn_minutes) if self.clock.policy else None
        moments = [due - warn for t in TARGETS if (due := self.due(t)) is not None and warn]
        moments += [due for t in TARGETS if (due := self.due(t)) is not None]
        self.clock.next_check_at = min(moments, default=None)
        dues = {due_field(t): self.due(t) for t in TARGETS}
        dues["sla_due_at"] = min((d for d in dues.values() if d is not None), default=None)
        self.ticket.sla_due_at = dues["sla_due_at"]
        return dues

    def save(self) -> None:
        dues = self.settle()
        self.clock.save()
        Ticket.objects.filter(pk=self.ticket.pk).update(**dues)


TRACKED = (
    EventVerb.OPENED,
    EventVerb.MESSAGE_ADDED,
    EventVerb.REPLIED,
    EventVerb.STATUS_CHANGED,
    EventVerb.CLOSED,
    EventVerb.REOPENED,
    EventVerb.PRIORITY_CHANGED,
    EventVerb.MOVED,
    EventVerb.MERGED_FROM,
)


@events.subscribe(*TRACKED, phase=events.IN_TRANSACTION, name="sla.clock")
def ticket_clock_keep(event: TicketEvent) -> None:
    """Moves the ticket's due times for what the event says happened."""
    ticket = event.ticket
    clock = TicketClock.objects.select_related("policy__calendar").filter(ticket=ticket).first()
    if clock is None:
        clock = TicketClock(ticket=ticket)
    keeper = Keeper(ticket, clock, event.created_at)
    clock_step(keeper, event, policy_for)
    keeper.save()


def clock_step(
    keeper: Keeper, event: TicketEvent, policy_for: Callable[[Ticket], Policy | None]
) -> None:
    """The event's effect on the clock, in memory; `policy_for` finds a ticket's policy
    (the bench's loader passes one that reads no database)."""
    ticket, clock = keeper.ticket, keeper.clock
    verb = event.verb
    if verb == EventVerb.OPENED:
        keeper.adopt(policy_for(ticket))
        keeper.start(Target.FIRST_RESPONSE, ticket.created_at)
        keeper.start(Target.RESOLUTION, ticket.created_at)
    elif verb == EventVerb.REPLIED:
        if clock.first_response_seconds is None:
            _measure(keeper, Target.FIRST_RESPONSE)
            clock.first_responder = event.actor
        keeper.met(Target.FIRST_RESPONSE)
        keeper.met(Target.NEXT_RESPONSE)
    elif verb == EventVerb.MESSAGE_ADDED:
        from_customer = event.message and event.message.kind == MessageKind.CUSTOMER
        # An auto-reply or out-of-office is nobody waiting for an answer.
        from_customer = from_customer and not event.after.get("automatic")
        waiting = keeper.due(Target.NEXT_RESPONSE) or Target.NEXT_RESPONSE in clock.paused
        if ticket.first_response_at is not None and from_customer and not waiting:
            keeper.start(Target.NEXT_RESPONSE)
    elif verb == EventVerb.MERGED_FROM:
        # A merged ticket's customer was still waiting (issue 11): once answered before,
        # the target now owes him the next response, from when he started waiting.
        since = parse_datetime(event.after.get("waiting") or "")
        running = keeper.due(Target.NEXT_RESPONSE) or Target.NEXT_RESPONSE in clock.paused
        if since is not None and ticket.first_response_at is not None and not running:
            keeper.start(Target.NEXT_RESPONSE, since)
    elif verb in (EventVerb.PRIORITY_CHANGED, EventVerb.MOVED):
        keeper.repolicy(policy_for(ticket))
    else:
        _status(keeper, event.after.get("status"))


def _status(keeper: Keeper, status: str | None) -> None:
    if status in (Status.SOLVED, Status.CLOSED):
        if keeper.clock.resolution_seconds is None:
            _measure(keeper, Target.RESOLUTION)
            keeper.clock.resolver = keeper.ticket.assignee
        keeper.met(Target.FIRST_RESPONSE)
        keeper.met(Target.NEXT_RESPONSE)
    if status in STOPPED_STATUSES:
        keeper.stop()
    elif status in (Status.NEW, Status.OPEN):
        keeper.run()


def _measure(keeper: Keeper, target: str) -> None:
    """Records the working time the target took and whether it was met (reports, W3)."""
    clock = keeper.clock
    due, kept = keeper.due(target), clock.paused.get(target)
    left = keeper.left(due) if due is not None else kept["left"] if kept else None
    total = clock.policy.target_seconds(target) if clock.policy else None
    if total is not None and left is not None:
        seconds = total - left  # pauses excluded
        setattr(clock, f"{target}_met", left >= 0)
    else:
        seconds = hours.business_seconds(keeper.ticket.created_at, keeper.now, keeper.schedule)
    setattr(clock, f"{target}_seconds", max(int(seconds), 0))


def _clock_start(ticket: Ticket, now: datetime) -> None:
    """A clock for a ticket from before the SLA: its due times as if it had been kept since
    the ticket was opened (an overdue ticket is overdue, and escalates)."""
    keeper = Keeper(ticket, TicketClock(ticket=ticket), now)
    policy = policy_for(ticket)
    keeper.adopt(policy)
    if policy is not None:
        starts = {
            Target.FIRST_RESPONSE: ticket.created_at if ticket.first_response_at is None else None,
            Target.NEXT_RESPONSE: ticket.waiting_since if ticket.first_response_at else None,
            Target.RESOLUTION: ticket.created_at if ticket.is_open else None,
        }
        for target, since in starts.items():
            seconds = policy.target_seconds(target)
            if since is not None and seconds is not None:
                keeper.set_due(target, keeper.add(since, seconds))
    if ticket.status in STOPPED_STATUSES:
        keeper.stop()
    keeper.save()


def ticket_clock_refresh(ticket: Ticket, now: datetime) -> bool:
    """Brings one ticket's clock up to date with the policies as they are now: a ticket
    without a clock gets one; a clock whose policy changed, went or was outranked takes
    the new targets, the working time already spent counting against them. False when
    there was nothing to change (so a retried batch changes nothing twice)."""
    clock = TicketClock.objects.select_related("policy__calendar").filter(ticket=ticket).first()
    if clock is None:
        _clock_start(ticket, now)
        return True
    policy = policy_for(ticket)
    if clock.policy_id == (policy.pk if policy else None) and clock.targets == targets_of(policy):
        return False
    keeper = Keeper(ticket, clock, now)
    keeper.repolicy(policy)
    keeper.save()
    return True


def clocks_refresh(ids: list[int], now: datetime) -> int:
    """Refreshes these tickets' clocks in one transaction, each under its row lock as the
    services take it; returns how many changed."""
    with transaction.atomic():
        tickets = Ticket.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
        return sum(ticket_clock_refresh(ticket, now) for ticket in tickets)


def open_ticket_ids(
    *,
    departments: list[int] | None = None,
    after: int = 0,
    batch: int = 500,
    clockless: bool = False,
) -> list[int]:
    """The next batch of open tickets (keyset on the id), of some departments or all."""
    tickets = Ticket.objects.filter(status__in=OPEN_STATUSES, pk__gt=after)
    if departments is not None:
        tickets = tickets.filter(department__in=departments)
    if clockless:
        tickets = tickets.filter(sla_clock__isnull=True)
    return list(tickets.order_by("pk").values_list("pk", flat=True)[:batch])
