"""The ticket life cycle of ARCHITECTURE.md: allowed transitions, refused ones, audit events."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import AgentFactory, open_ticket
from tickets import services
from tickets.models import EventVerb, Priority, Status, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(customer, department):
    return open_ticket(customer, department)


def last_event(ticket):
    return ticket.events.order_by("-id").first()


@pytest.mark.parametrize("status", [Status.OPEN, Status.PENDING, Status.SOLVED, Status.CLOSED])
def test_agent_may_set_any_status_but_new(agent, ticket, status):
    services.ticket_set_status(actor=agent, ticket=ticket, status=status)
    ticket.refresh_from_db()
    assert ticket.status == status
    event = last_event(ticket)
    assert event.actor == agent
    assert event.before == {"status": "new"} and event.after == {"status": status}


def test_a_ticket_cannot_go_back_to_new(agent, ticket):
    services.ticket_set_status(actor=agent, ticket=ticket, status=Status.OPEN)
    with pytest.raises(services.ActionNotAllowed):
        services.ticket_set_status(actor=agent, ticket=ticket, status=Status.NEW)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_a_closed_ticket_is_read_only(agent, ticket, department):
    services.ticket_set_status(actor=agent, ticket=ticket, status=Status.CLOSED)
    for change in (
        lambda: services.ticket_set_status(actor=agent, ticket=ticket, status=Status.OPEN),
        lambda: services.ticket_set_priority(actor=agent, ticket=ticket, priority=Priority.HIGH),
        lambda: services.ticket_assign(actor=agent, ticket=ticket, assignee=agent),
        lambda: services.ticket_move(actor=agent, ticket=ticket, department=department),
        lambda: services.ticket_close(actor=agent, ticket=ticket),
    ):
        with pytest.raises(services.ActionNotAllowed):
            change()


def test_solved_and_closed_times_are_recorded(agent, customer, ticket):
    services.ticket_set_status(actor=agent, ticket=ticket, status=Status.SOLVED)
    ticket.refresh_from_db()
    solved_at = ticket.solved_at
    assert solved_at is not None
    services.ticket_close(actor=customer, ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.closed_at is not None and ticket.solved_at == solved_at
    assert last_event(ticket).verb == EventVerb.CLOSED
    assert last_event(ticket).actor == customer


def test_customer_closes_his_ticket(customer, ticket):
    services.ticket_close(actor=customer, ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.waiting_since is None


def test_another_customer_cannot_close_it(other_customer, ticket):
    with pytest.raises(services.NotPermitted):
        services.ticket_close(actor=other_customer, ticket=ticket)


def test_only_solved_or_closed_tickets_reopen(agent, ticket):
    with pytest.raises(services.ActionNotAllowed):
        services.ticket_reopen(actor=agent, ticket=ticket)


def test_agent_reopens_a_closed_ticket(agent, customer, ticket):
    services.ticket_close(actor=customer, ticket=ticket)
    services.ticket_reopen(actor=agent, ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.closed_at is None
    assert last_event(ticket).verb == EventVerb.REOPENED


def test_customer_reopens_only_within_the_window(customer, ticket, settings):
    settings.TICKET_REOPEN_DAYS = 10
    services.ticket_close(actor=customer, ticket=ticket)
    Ticket.objects.filter(pk=ticket.pk).update(closed_at=timezone.now() - timedelta(days=11))
    ticket.refresh_from_db()
    with pytest.raises(services.ActionNotAllowed):
        services.ticket_reopen(actor=customer, ticket=ticket)
    Ticket.objects.filter(pk=ticket.pk).update(closed_at=timezone.now() - timedelta(days=9))
    services.ticket_reopen(actor=customer, ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_setting_the_same_status_writes_no_event(agent, ticket):
    services.ticket_set_status(actor=agent, ticket=ticket, status=Status.OPEN)
    count = ticket.events.count()
    services.ticket_set_status(actor=agent, ticket=ticket, status=Status.OPEN)
    assert ticket.events.count() == count


def test_priority_change_is_audited(agent, ticket):
    services.ticket_set_priority(actor=agent, ticket=ticket, priority=Priority.URGENT)
    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT
    event = last_event(ticket)
    assert event.verb == EventVerb.PRIORITY_CHANGED
    assert event.before == {"priority": Priority.NORMAL} and event.after == {"priority": 4}


def test_solved_tickets_close_themselves_after_the_configured_days(agent, ticket, settings):
    settings.TICKET_AUTOCLOSE_DAYS = 7
    services.ticket_set_status(actor=agent, ticket=ticket, status=Status.SOLVED)
    recent = open_ticket(ticket.requester, ticket.department)
    services.ticket_set_status(actor=agent, ticket=recent, status=Status.SOLVED)
    Ticket.objects.filter(pk=ticket.pk).update(solved_at=timezone.now() - timedelta(days=8))
    assert services.tickets_close_solved() == 1
    ticket.refresh_from_db()
    recent.refresh_from_db()
    assert ticket.status == Status.CLOSED and recent.status == Status.SOLVED
    event = last_event(ticket)
    assert event.verb == EventVerb.CLOSED and event.actor is None


def test_the_beat_task_runs_the_auto_close(agent, ticket, settings):
    from tickets.tasks import close_solved_tickets

    services.ticket_set_status(actor=agent, ticket=ticket, status=Status.SOLVED)
    Ticket.objects.filter(pk=ticket.pk).update(solved_at=timezone.now() - timedelta(days=30))
    assert close_solved_tickets.delay().get() == 1


def test_a_deactivated_agent_can_no_longer_change_tickets(ticket, department):
    former = AgentFactory(departments=[department], is_active=False)
    with pytest.raises(services.NotPermitted):
        services.ticket_set_status(actor=former, ticket=ticket, status=Status.OPEN)
