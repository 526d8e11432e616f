"""The event stream (issue 16): in-transaction subscribers share the service's fate,
after-commit ones run once the change is committed, exactly once, and survive failures."""

import pytest

from tests.factories import open_ticket
from tickets import events
from tickets.models import EventDelivery, EventVerb, Priority, TicketEvent
from tickets.services import ticket_set_priority

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(customer, department):
    return open_ticket(customer, department)


@pytest.fixture
def subscribed(monkeypatch):
    """Registers test subscribers, alone (the apps' own are set aside), and removes them
    afterwards."""
    monkeypatch.setattr(events, "_subscribers", {})
    names = []

    def register(handler, *verbs, phase):
        name = f"test.{handler.__name__}"
        events.subscribe(*verbs, phase=phase, name=name)(handler)
        names.append(name)

    yield register
    for name in names:
        events.unsubscribe(name)


def test_an_in_transaction_subscriber_sees_the_event_and_its_failure_rolls_back(
    subscribed, ticket, agent
):
    seen = []

    def index(event):
        seen.append((event.verb, event.after))
        if event.after.get("priority") == Priority.URGENT:
            raise RuntimeError("the index is broken")

    subscribed(index, EventVerb.PRIORITY_CHANGED, phase=events.IN_TRANSACTION)
    ticket_set_priority(actor=agent, ticket=ticket, priority=Priority.HIGH)
    assert seen == [(EventVerb.PRIORITY_CHANGED, {"priority": Priority.HIGH})]
    with pytest.raises(RuntimeError):
        ticket_set_priority(actor=agent, ticket=ticket, priority=Priority.URGENT)
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH, "the failed subscriber undid the change"
    assert not TicketEvent.objects.filter(ticket=ticket, after__priority=Priority.URGENT).exists()


def test_an_after_commit_subscriber_runs_only_once_the_change_is_committed(
    subscribed, ticket, agent, django_capture_on_commit_callbacks
):
    seen = []
    subscribed(lambda e: seen.append(e.verb), EventVerb.PRIORITY_CHANGED, phase=events.AFTER_COMMIT)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_set_priority(actor=agent, ticket=ticket, priority=Priority.HIGH)
        assert seen == [], "not before the commit"
        assert EventDelivery.objects.count() == 1, "the pending delivery is in the transaction"
    assert seen == [EventVerb.PRIORITY_CHANGED]
    assert not EventDelivery.objects.exists()


def test_a_failing_after_commit_subscriber_never_undoes_the_change_and_is_retried(
    subscribed, ticket, agent
):
    calls = []

    def webhook(event):
        calls.append(event.pk)
        TicketEvent.objects.filter(pk=event.pk).update(after={"written": "by the handler"})
        if len(calls) == 1:
            raise ConnectionError("the receiver is down")

    subscribed(webhook, phase=events.AFTER_COMMIT)
    ticket_set_priority(actor=agent, ticket=ticket, priority=Priority.HIGH)
    delivery = EventDelivery.objects.get()
    with pytest.raises(ConnectionError):
        events.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and "the receiver is down" in delivery.last_error
    assert TicketEvent.objects.get(pk=delivery.event_id).after == {"priority": Priority.HIGH}, (
        "the failed handler's writes rolled back"
    )
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert events.deliver(delivery.pk) is True
    assert events.deliver(delivery.pk) is True, "a repeated task finds nothing left to do"
    assert len(calls) == 2 and not EventDelivery.objects.exists()


def test_a_lost_task_is_enqueued_again_by_the_sweep(subscribed, ticket, agent):
    seen = []
    subscribed(lambda e: seen.append(e.pk), phase=events.AFTER_COMMIT)
    ticket_set_priority(actor=agent, ticket=ticket, priority=Priority.HIGH)
    assert seen == [], "the commit never happened here, so no task ran"
    delivery = EventDelivery.objects.get()
    assert events.deliveries_requeue() == 0, "not stale yet"
    later = delivery.queued_at + events.REQUEUE_AFTER * 2
    assert events.deliveries_requeue(now=later) == 1
    assert seen == [delivery.event_id] and not EventDelivery.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_publishing_outside_a_transaction_is_a_mistake(ticket):
    event = TicketEvent(ticket=ticket, verb=EventVerb.MOVED)
    with pytest.raises(RuntimeError):
        events.publish(event)
