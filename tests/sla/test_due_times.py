"""The services keep a ticket's SLA due times (issue 10, R17): opened, answered, pending
pauses the clock, the customer's answer restarts it, priority and department changes."""

import pytest

from tests.factories import open_ticket
from tests.sla.conftest import moscow
from tickets import services
from tickets.models import Priority, Status
from tickets.sla.models import Policy, TicketClock

pytestmark = pytest.mark.django_db


def fresh(ticket):
    ticket.refresh_from_db()
    return ticket


def test_a_new_ticket_gets_its_first_response_and_resolution_due_times(
    clock, policy, customer, department
):
    clock(moscow(2026, 3, 6, 17, 0))  # Friday 17:00
    ticket = open_ticket(customer, department)
    assert ticket.first_response_due_at == moscow(2026, 3, 9, 10, 0)
    assert ticket.resolution_due_at == moscow(2026, 3, 10, 17, 0)
    assert ticket.next_response_due_at is None
    assert fresh(ticket).sla_due_at == moscow(2026, 3, 9, 10, 0)


def test_without_a_policy_a_ticket_has_no_due_times(customer, department):
    ticket = fresh(open_ticket(customer, department))
    assert ticket.first_response_due_at is ticket.sla_due_at is None


def test_the_most_specific_policy_applies(
    clock, policy, office, customer, other_customer, department, organization, agent
):
    """A contract's policy first, then the priority's, then the department's for any."""
    Policy.objects.create(
        department=department, priority=Priority.URGENT, calendar=office, first_response_minutes=30
    )
    customer.organization = organization
    customer.save()
    Policy.objects.create(
        department=department, organization=organization, calendar=office, first_response_minutes=60
    )
    clock(moscow(2026, 3, 4, 10, 0))
    normal = open_ticket(customer, department)
    # An agent takes the call and sets the priority as he opens it.
    urgent = open_ticket(other_customer, department, priority=Priority.URGENT, actor=agent)
    plain = open_ticket(other_customer, department)
    assert normal.first_response_due_at == moscow(2026, 3, 4, 11, 0), "the contract's policy"
    assert urgent.first_response_due_at == moscow(2026, 3, 4, 10, 30), "the priority's policy"
    assert plain.first_response_due_at == moscow(2026, 3, 4, 12, 0), "the department's policy"


def test_an_answer_meets_the_first_response_and_the_customer_starts_the_next(
    clock, policy, customer, department, agent
):
    clock(moscow(2026, 3, 4, 10, 0))
    ticket = open_ticket(customer, department)
    clock(moscow(2026, 3, 4, 11, 0))
    services.reply_add(actor=agent, ticket=ticket, body_text="Смотрим.")
    ticket = fresh(ticket)
    assert ticket.first_response_due_at is None and ticket.next_response_due_at is None
    measured = TicketClock.objects.get(ticket=ticket)
    assert (measured.first_response_seconds, measured.first_response_met) == (3600, True)
    clock(moscow(2026, 3, 4, 16, 0))
    services.message_add_web(actor=customer, ticket=ticket, body_text="Всё ещё не работает")
    assert fresh(ticket).next_response_due_at == moscow(2026, 3, 5, 11, 0)
    clock(moscow(2026, 3, 4, 16, 30))
    services.reply_add(actor=agent, ticket=ticket, body_text="Перезапустили.")
    assert fresh(ticket).next_response_due_at is None


def test_pending_pauses_the_clock_and_the_customers_answer_restarts_it(
    clock, policy, customer, department, agent
):
    """Resolution: 18 working hours. Opened Wed 10:00; pending at Wed 12:00 (2 h spent,
    16 left); the customer answers Mon 10:00: due 16 working hours later, Tue 17:00."""
    clock(moscow(2026, 3, 4, 10, 0))
    ticket = open_ticket(customer, department)
    clock(moscow(2026, 3, 4, 12, 0))
    services.reply_add(
        actor=agent, ticket=ticket, body_text="Пришлите логи.", status=Status.PENDING
    )
    ticket = fresh(ticket)
    assert ticket.resolution_due_at is None and ticket.sla_due_at is None
    clock(moscow(2026, 3, 9, 10, 0))
    services.message_add_web(actor=customer, ticket=ticket, body_text="Вот логи.")
    ticket = fresh(ticket)
    assert ticket.status == Status.OPEN
    assert ticket.resolution_due_at == moscow(2026, 3, 10, 17, 0)
    assert ticket.next_response_due_at == moscow(2026, 3, 9, 14, 0)


def test_solving_stops_the_clock_and_records_the_resolution(
    clock, policy, customer, department, agent
):
    clock(moscow(2026, 3, 4, 10, 0))
    ticket = open_ticket(customer, department)
    clock(moscow(2026, 3, 5, 10, 0))  # 9 working hours later: 8 on Wednesday, 1 on Thursday
    services.reply_add(actor=agent, ticket=ticket, body_text="Готово.", status=Status.SOLVED)
    ticket = fresh(ticket)
    assert ticket.resolution_due_at is None
    measured = TicketClock.objects.get(ticket=ticket)
    assert (measured.resolution_seconds, measured.resolution_met) == (9 * 3600, True)


def test_a_higher_priority_counts_the_time_spent_against_its_shorter_target(
    clock, policy, office, customer, department, agent
):
    Policy.objects.create(
        department=department, priority=Priority.URGENT, calendar=office, first_response_minutes=90
    )
    clock(moscow(2026, 3, 4, 10, 0))
    ticket = open_ticket(customer, department)
    clock(moscow(2026, 3, 4, 11, 0))
    services.ticket_set_priority(actor=agent, ticket=ticket, priority=Priority.URGENT)
    assert fresh(ticket).first_response_due_at == moscow(2026, 3, 4, 11, 30)
    assert ticket.resolution_due_at is None, "the urgent policy has no resolution target"


def test_moving_to_a_department_without_a_policy_clears_the_due_times(
    clock, policy, customer, department, other_department, agent
):
    clock(moscow(2026, 3, 4, 10, 0))
    ticket = open_ticket(customer, department)
    services.ticket_move(actor=agent, ticket=ticket, department=other_department)
    ticket = fresh(ticket)
    assert ticket.first_response_due_at is ticket.resolution_due_at is ticket.sla_due_at is None
