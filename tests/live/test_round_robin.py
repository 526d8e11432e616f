"""Round-robin (issue 11; the "Expected" paragraph of MISSION.md: automatic assignment).

New tickets of a department with round-robin go, in turn, to its agents who are signed in
recently and not away, below the cap of open tickets; fair over 100 tickets.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from itertools import pairwise

import pytest
from django.utils import timezone

from tests.factories import AgentFactory, open_ticket
from tests.helpers import committed
from tickets import services
from tickets.live.models import Notification, NotificationKind
from tickets.live.round_robin import round_robin_pick
from tickets.models import EventVerb, Status, Ticket

pytestmark = pytest.mark.django_db


def test_a_hundred_tickets_are_shared_fairly_and_in_turn(round_robin, online, customer):
    """Issue 11: fairness over 100 tickets: 34/33/33, and nobody gets two in a row."""
    agents = [online(round_robin, name=f"Агент {n}") for n in range(3)]
    order = []
    for n in range(100):
        ticket = open_ticket(customer, round_robin, subject=f"Заявка {n}")
        order.append(ticket.assignee_id)
    counts = Counter(order)
    assert sorted(counts.values()) == [33, 33, 34]
    assert set(counts) == {agent.pk for agent in agents}
    assert all(a != b for a, b in pairwise(order))


def test_the_least_loaded_agent_gets_the_next_ticket(round_robin, online, customer):
    busy, free = online(round_robin), online(round_robin)
    for _ in range(3):
        ticket = open_ticket(customer, round_robin)
        services.ticket_assign(actor=busy, ticket=ticket, assignee=busy)
    # Whatever the turn says, the agent with fewer open tickets comes first.
    assert open_ticket(customer, round_robin).assignee == free
    assert open_ticket(customer, round_robin).assignee == free


def test_away_unseen_inactive_and_outside_agents_get_nothing(
    round_robin, online, customer, other_department
):
    online(round_robin, is_away=True)
    online(round_robin, last_seen_at=timezone.now() - timedelta(hours=1))
    online(round_robin, last_seen_at=None)
    online(round_robin, is_active=False)
    online(other_department)
    ticket = open_ticket(customer, round_robin)
    assert ticket.assignee is None
    assert ticket.status == Status.NEW


def test_an_agent_at_the_cap_gets_no_more(round_robin, online, customer):
    round_robin.round_robin_cap = 2
    round_robin.save()
    only = online(round_robin)
    tickets = [open_ticket(customer, round_robin) for _ in range(4)]
    assert [t.assignee_id for t in tickets] == [only.pk, only.pk, None, None]
    # Solving one frees a place.
    services.ticket_set_status(actor=only, ticket=tickets[0], status=Status.SOLVED)
    assert open_ticket(customer, round_robin).assignee == only


def test_a_department_without_round_robin_leaves_tickets_in_the_queue(department, online, customer):
    online(department)
    assert open_ticket(customer, department).assignee is None


def test_the_assignment_is_an_audited_event_of_the_helpdesk_and_rings_the_bell(
    round_robin, online, customer
):
    anna = online(round_robin, name="Anna")
    with committed():
        ticket = open_ticket(customer, round_robin)
    event = ticket.events.get(verb=EventVerb.ASSIGNED)
    assert event.actor is None and event.after["id"] == anna.pk
    assert Notification.objects.get(user=anna).kind == NotificationKind.ASSIGNED
    round_robin.refresh_from_db()
    assert round_robin.round_robin_last == anna


def test_an_automatic_mail_is_left_unassigned(round_robin, online, customer):
    online(round_robin)
    ticket = services.ticket_open_mail(
        actor=customer,
        requester=customer,
        department=round_robin,
        subject="Out of office",
        body_text="I am away until Monday.",
        mail=services.MailThreading(automatic=True),
    )
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_pick_returns_nobody_without_candidates(round_robin):
    AgentFactory(departments=[round_robin])  # never seen
    assert round_robin_pick(round_robin) is None
