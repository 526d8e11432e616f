"""The event stream: what the services changed, told to whatever reacts to it (issue 16).

Every service that changes a ticket records a `TicketEvent` (the audit trail) and publishes
it here, through `publish()`. Reactions subscribe in one of two phases:

- `IN_TRANSACTION`: called at once, inside the service's transaction, in the order they
  subscribed. An exception rolls the whole change back. For what must hold the moment the
  change is visible: the search index, SLA due times.
- `AFTER_COMMIT`: called by a Celery task once the change is committed: mail notifications,
  live updates, webhooks. A failure never undoes the change; the task retries. Each
  (event, subscriber) pair is written as an `EventDelivery` row in the service's own
  transaction, so a crash between the commit and the task loses nothing (a beat sweep
  enqueues what is left). The handler runs in a transaction that also deletes its delivery
  row: what it writes to the database happens exactly once. What it does outside (an HTTP
  call) happens at least once, so such handlers must tolerate a repeat.

The verbs and their payloads are listed in docs/events.md. Subscribers register from their
app's `ready()`, so `subscribers()` is the full list once Django is set up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tickets.models import EventDelivery, TicketEvent

logger = logging.getLogger(__name__)

IN_TRANSACTION = "in_transaction"
AFTER_COMMIT = "after_commit"
PHASES = (IN_TRANSACTION, AFTER_COMMIT)

# A delivery still pending this long after it was last enqueued is enqueued again.
REQUEUE_AFTER = timedelta(minutes=5)

Handler = Callable[[TicketEvent], None]


@dataclass(frozen=True)
class Subscriber:
    name: str
    handler: Handler
    phase: str
    verbs: frozenset[str]
    # An after-commit reaction that is often switched off (webhooks: none registered) says
    # so here: while it answers False, no delivery row and no task is made for it.
    when: Callable[[], bool] | None = None

    def wants(self, verb: str) -> bool:
        return not self.verbs or verb in self.verbs

    def is_on(self) -> bool:
        return self.when is None or self.when()


_subscribers: dict[str, Subscriber] = {}


def subscribe(
    *verbs: str, phase: str, name: str = "", when: Callable[[], bool] | None = None
) -> Callable[[Handler], Handler]:
    """Registers the decorated function for these verbs (none: every verb) in one phase.

    The name (default: module.function) is what a pending delivery stores, so renaming an
    after-commit subscriber orphans its pending deliveries: keep names stable. `when`: a
    cheap check (no query on the common path) that the reaction is switched on at all.
    """
    if phase not in PHASES:
        raise ValueError(f"unknown phase {phase!r}")

    def register(handler: Handler) -> Handler:
        key = name or f"{handler.__module__}.{handler.__qualname__}"
        _subscribers[key] = Subscriber(key, handler, phase, frozenset(str(v) for v in verbs), when)
        return handler

    return register


def unsubscribe(name: str) -> None:
    _subscribers.pop(name, None)


def subscribers(phase: str | None = None) -> list[Subscriber]:
    return [s for s in _subscribers.values() if phase is None or s.phase == phase]


def publish(event: TicketEvent) -> None:
    """Runs the in-transaction subscribers and records the after-commit deliveries.

    Must be called inside the service's transaction (the services' `@transaction.atomic`).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events are published inside the service's transaction")
    for subscriber in subscribers(IN_TRANSACTION):
        if subscriber.wants(event.verb):
            subscriber.handler(event)
    later = [s for s in subscribers(AFTER_COMMIT) if s.wants(event.verb) and s.is_on()]
    if later:
        deliveries = EventDelivery.objects.bulk_create(
            [EventDelivery(event=event, subscriber=s.name) for s in later]
        )
        ids = [d.pk for d in deliveries]
        transaction.on_commit(lambda: deliveries_enqueue(ids))


def deliveries_enqueue(delivery_ids: Iterable[int]) -> None:
    """Queues a task per pending delivery (after commit, beat's requeue, the admin's retry)."""
    from tickets.tasks import deliver_event

    for delivery_id in delivery_ids:
        deliver_event.delay(delivery_id)


def deliver(delivery_id: int) -> bool:
    """Runs one pending after-commit delivery; True when it ran (or was already done).

    The row is locked (skipped if another worker holds it), the handler runs and the row
    is deleted in one transaction; on failure the handler's writes roll back, the row stays
    with its attempt counted, and the exception propagates for the task to retry.
    """
    try:
        with transaction.atomic():
            delivery = (
                # Only the delivery row is locked: PostgreSQL refuses FOR UPDATE on the
                # nullable side of the outer joins (the event's actor and message).
                EventDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("event__ticket", "event__actor", "event__message")
                .filter(pk=delivery_id)
                .first()
            )
            if delivery is None:
                return True
            subscriber = _subscribers.get(delivery.subscriber)
            if subscriber is None:
                logger.error("no subscriber %r for delivery %s", delivery.subscriber, delivery_id)
                raise LookupError(delivery.subscriber)
            subscriber.handler(delivery.event)
            delivery.delete()
            return True
    except Exception as exc:
        EventDelivery.objects.filter(pk=delivery_id).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise


def deliveries_requeue(now: datetime | None = None) -> int:
    """Enqueues pending deliveries whose task was lost (beat, every minute)."""
    now = now or timezone.now()
    stale = list(
        EventDelivery.objects.filter(queued_at__lt=now - REQUEUE_AFTER)
        .order_by("queued_at")
        .values_list("pk", flat=True)[:1000]
    )
    if stale:
        EventDelivery.objects.filter(pk__in=stale).update(queued_at=now)
        deliveries_enqueue(stale)
    return len(stale)
