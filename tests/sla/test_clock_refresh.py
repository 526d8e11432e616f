"""Open tickets follow their SLA policy when it changes, and tickets from before the SLA get
a clock (issue 10, R17): a policy changed, added or deleted in the staff portal moves the
due times of the department's open tickets (a task, in batches); `sla_start_clocks` starts
the clocks of open tickets that have none."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import open_ticket
from tests.helpers import committed
from tests.sla.conftest import moscow
from tickets import services
from tickets.models import Status, Ticket
from tickets.sla import clock as sla_clock
from tickets.sla import services as sla_services
from tickets.sla.models import Policy, TicketClock
from tickets.sla.tasks import clocks_refresh

pytestmark = pytest.mark.django_db


def fresh(ticket):
    ticket.refresh_from_db()
    return ticket


def change(actor, policy: Policy, **fields) -> None:
    before = Policy.objects.get(pk=policy.pk)
    for name, value in fields.items():
        setattr(policy, name, value)
    with committed():
        sla_services.policy_save(actor=actor, policy=policy, before=before)


def test_a_longer_first_response_target_moves_the_open_tickets_due_time(
    clock, policy, customer, department, admin_user
):
    clock(moscow(2026, 3, 4, 10, 0))  # Wednesday
    ticket = open_ticket(customer, department)
    assert ticket.first_response_due_at == moscow(2026, 3, 4, 12, 0)
    clock(moscow(2026, 3, 4, 11, 0))
    change(admin_user, policy, first_response_minutes=180)
    ticket = fresh(ticket)
    assert ticket.first_response_due_at == moscow(2026, 3, 4, 13, 0), "1 h spent of 3"
    assert ticket.sla_due_at == moscow(2026, 3, 4, 13, 0)
    assert TicketClock.objects.get(ticket=ticket).targets["first_response"] == 180 * 60


def test_a_shorter_target_already_spent_makes_the_ticket_overdue_now(
    clock, policy, customer, department, admin_user
):
    clock(moscow(2026, 3, 4, 10, 0))
    ticket = open_ticket(customer, department)
    clock(moscow(2026, 3, 4, 11, 30))
    change(admin_user, policy, first_response_minutes=60)
    assert fresh(ticket).first_response_due_at == moscow(2026, 3, 4, 11, 30)


def test_a_paused_ticket_keeps_its_pause_with_the_new_target(
    clock, policy, customer, department, agent, admin_user
):
    """Resolution 18 working hours; 2 h spent before pending; now 20 h: 18 h left."""
    clock(moscow(2026, 3, 4, 10, 0))
    ticket = open_ticket(customer, department)
    clock(moscow(2026, 3, 4, 12, 0))
    services.reply_add(actor=agent, ticket=ticket, body_text="Ждём ответа", status=Status.PENDING)
    change(admin_user, policy, resolution_minutes=20 * 60)
    ticket = fresh(ticket)
    assert ticket.resolution_due_at is None, "still paused"
    clock(moscow(2026, 3, 5, 9, 0))
    services.message_add_web(actor=customer, ticket=ticket, body_text="Вот логи")
    assert fresh(ticket).resolution_due_at == moscow(2026, 3, 6, 18, 0)


def test_deleting_the_policy_clears_the_due_times(clock, policy, customer, department, admin_user):
    clock(moscow(2026, 3, 4, 10, 0))
    ticket = open_ticket(customer, department)
    with committed():
        sla_services.policy_delete(actor=admin_user, policy=policy)
    ticket = fresh(ticket)
    assert ticket.sla_due_at is ticket.first_response_due_at is ticket.resolution_due_at is None


def test_a_new_policy_gives_the_open_tickets_due_times(
    clock, office, customer, department, admin_user
):
    clock(moscow(2026, 3, 4, 10, 0))
    ticket = open_ticket(customer, department)
    assert ticket.sla_due_at is None
    clock(moscow(2026, 3, 4, 11, 0))
    with committed():
        sla_services.policy_save(
            actor=admin_user,
            policy=Policy(department=department, calendar=office, first_response_minutes=120),
            before=None,
        )
    assert fresh(ticket).first_response_due_at == moscow(2026, 3, 4, 12, 0), "since it opened"


def test_a_policy_change_leaves_other_departments_and_closed_tickets_alone(
    clock, policy, office, customer, department, other_department, agent, admin_user
):
    Policy.objects.create(department=other_department, calendar=office, first_response_minutes=60)
    clock(moscow(2026, 3, 4, 10, 0))
    elsewhere = open_ticket(customer, other_department)
    solved = open_ticket(customer, department)
    services.reply_add(actor=agent, ticket=solved, body_text="Готово", status=Status.SOLVED)
    change(admin_user, policy, first_response_minutes=30, resolution_minutes=60)
    assert fresh(elsewhere).first_response_due_at == moscow(2026, 3, 4, 11, 0)
    assert fresh(solved).sla_due_at is None


def test_a_refresh_that_runs_again_changes_nothing(clock, policy, customer, department):
    clock(moscow(2026, 3, 4, 10, 0))
    ticket = open_ticket(customer, department)
    Policy.objects.filter(pk=policy.pk).update(first_response_minutes=60)
    assert clocks_refresh([department.pk]) == 1
    clock(moscow(2026, 3, 4, 10, 30))
    assert clocks_refresh([department.pk]) == 0
    assert fresh(ticket).first_response_due_at == moscow(2026, 3, 4, 11, 0)


def test_the_refresh_goes_through_every_batch(clock, policy, customer, department):
    clock(moscow(2026, 3, 4, 10, 0))
    tickets = [open_ticket(customer, department) for _ in range(5)]
    Policy.objects.filter(pk=policy.pk).update(first_response_minutes=60)
    clocks_refresh(None, 0, 2)
    assert {fresh(t).first_response_due_at for t in tickets} == {moscow(2026, 3, 4, 11, 0)}


def _from_before_the_sla(ticket: Ticket) -> Ticket:
    TicketClock.objects.filter(ticket=ticket).delete()
    Ticket.objects.filter(pk=ticket.pk).update(
        first_response_due_at=None,
        next_response_due_at=None,
        resolution_due_at=None,
        sla_due_at=None,
    )
    return fresh(ticket)


def test_the_command_starts_clocks_for_tickets_from_before_the_sla(
    clock, policy, customer, department, agent
):
    clock(moscow(2026, 3, 2, 10, 0))  # Monday
    overdue = _from_before_the_sla(open_ticket(customer, department, subject="Старый"))
    answered = open_ticket(customer, department)
    services.reply_add(actor=agent, ticket=answered, body_text="Смотрим")
    clock(moscow(2026, 3, 2, 11, 0))
    services.message_add_web(actor=customer, ticket=answered, body_text="А теперь?")
    answered = _from_before_the_sla(answered)
    pending = open_ticket(customer, department)
    services.reply_add(actor=agent, ticket=pending, body_text="Ждём", status=Status.PENDING)
    pending = _from_before_the_sla(pending)
    clock(moscow(2026, 3, 4, 10, 0))
    out = StringIO()
    call_command("sla_start_clocks", stdout=out)
    assert "3 tickets looked at, 3 clocks started" in out.getvalue()
    overdue = fresh(overdue)
    assert overdue.first_response_due_at == moscow(2026, 3, 2, 12, 0), "overdue since Monday"
    assert overdue.resolution_due_at == moscow(2026, 3, 4, 10, 0), "18 working hours"
    assert fresh(answered).next_response_due_at == moscow(2026, 3, 2, 15, 0)
    assert fresh(answered).first_response_due_at is None
    assert fresh(pending).sla_due_at is None
    assert TicketClock.objects.get(ticket=pending).stopped
    # The escalation scan finds the overdue one.
    assert TicketClock.objects.get(ticket=overdue).next_check_at is not None
    out = StringIO()
    call_command("sla_start_clocks", stdout=out)
    assert "0 tickets looked at, 0 clocks" in out.getvalue()
    call_command("sla_start_clocks", "--all", stdout=out)
    assert "3 tickets looked at, 0 clocks started or changed." in out.getvalue()


def test_a_started_clock_is_kept_by_the_services_afterwards(
    clock, policy, customer, department, agent
):
    clock(moscow(2026, 3, 4, 10, 0))
    ticket = _from_before_the_sla(open_ticket(customer, department))
    sla_clock.clocks_refresh([ticket.pk], moscow(2026, 3, 4, 10, 30))
    clock(moscow(2026, 3, 4, 11, 0))
    services.reply_add(actor=agent, ticket=ticket, body_text="Смотрим")
    measured = TicketClock.objects.get(ticket=ticket)
    assert (measured.first_response_seconds, measured.first_response_met) == (3600, True)
    assert fresh(ticket).first_response_due_at is None
