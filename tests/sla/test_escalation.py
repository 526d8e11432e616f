"""Escalation (issue 10, R17): a due time that comes close or passes reaches the
department's managers at once, by mail and in the app, exactly once."""

import email

import pytest

from accounts.models import DepartmentMembership, MembershipRole
from mailgateway.outbound.models import OutboundMail
from tests.factories import AgentFactory, open_ticket
from tests.sla.conftest import moscow
from tickets import services
from tickets.models import EventVerb, Priority, TicketEvent
from tickets.sla.escalation import escalation_acknowledge, escalations_scan
from tickets.sla.models import Escalation, Level, Target, TicketClock

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(department):
    """The support desk's manager (a membership with the role manager)."""
    lead = AgentFactory(name="Лидия Руководитель", language="en")
    DepartmentMembership.objects.create(
        user=lead, department=department, role=MembershipRole.MANAGER
    )
    return lead


def scan(django_capture_on_commit_callbacks, now):
    with django_capture_on_commit_callbacks(execute=True):
        return escalations_scan(now=now)


def test_nothing_is_escalated_before_its_time(clock, policy, customer, department):
    clock(moscow(2026, 3, 4, 10, 0))
    open_ticket(customer, department)
    assert escalations_scan(now=moscow(2026, 3, 4, 11, 29)) == 0
    assert not Escalation.objects.exists()


def test_a_due_time_close_by_warns_and_a_passed_one_escalates_once(
    clock, policy, customer, department, lead, django_capture_on_commit_callbacks
):
    clock(moscow(2026, 3, 4, 10, 0))
    ticket = open_ticket(customer, department)  # first response due 12:00, warned from 11:30
    assert scan(django_capture_on_commit_callbacks, moscow(2026, 3, 4, 11, 31)) == 1
    assert scan(django_capture_on_commit_callbacks, moscow(2026, 3, 4, 11, 45)) == 0
    assert scan(django_capture_on_commit_callbacks, moscow(2026, 3, 4, 12, 1)) == 1
    assert scan(django_capture_on_commit_callbacks, moscow(2026, 3, 4, 12, 2)) == 0
    assert list(Escalation.objects.order_by("id").values_list("target", "level")) == [
        (Target.FIRST_RESPONSE, Level.WARNING),
        (Target.FIRST_RESPONSE, Level.BREACH),
    ]
    events = TicketEvent.objects.filter(ticket=ticket, verb=EventVerb.ESCALATED)
    assert [e.after["level"] for e in events.order_by("id")] == [Level.WARNING, Level.BREACH]
    ticket.refresh_from_db()
    assert ticket.escalated_at == moscow(2026, 3, 4, 12, 1)
    sent = OutboundMail.objects.filter(kind="manager_escalation").order_by("id")
    assert [row.recipients for row in sent] == [[lead.email], [lead.email]]


def test_the_mail_to_the_manager_says_what_is_overdue_and_since_when(
    clock, policy, customer, department, lead, django_capture_on_commit_callbacks
):
    clock(moscow(2026, 3, 4, 10, 0))
    ticket = open_ticket(customer, department, subject="Не работает почта")
    scan(django_capture_on_commit_callbacks, moscow(2026, 3, 4, 12, 1))
    row = OutboundMail.objects.get(kind="manager_escalation")
    assert row.subject == f"Escalation, overdue: [#{ticket.number}] Не работает почта"
    text = email.message_from_bytes(bytes(row.mime)).get_payload()[0]
    body = text.get_payload(decode=True).decode()
    assert "Overdue: First response was due at" in body, body


def test_an_answer_in_time_means_no_escalation(
    clock, policy, customer, department, agent, django_capture_on_commit_callbacks
):
    clock(moscow(2026, 3, 4, 10, 0))
    ticket = open_ticket(customer, department)
    clock(moscow(2026, 3, 4, 11, 0))
    services.reply_add(actor=agent, ticket=ticket, body_text="Смотрим.")
    assert scan(django_capture_on_commit_callbacks, moscow(2026, 3, 4, 12, 5)) == 0


def test_a_breach_raises_the_priority_and_reassigns_through_the_services(
    clock, policy, customer, department, agent, django_capture_on_commit_callbacks
):
    lead_agent = AgentFactory(name="Старший", departments=[department])
    policy.raise_priority = True
    policy.reassign_to = lead_agent
    policy.save()
    clock(moscow(2026, 3, 4, 10, 0))
    ticket = open_ticket(customer, department)
    assert scan(django_capture_on_commit_callbacks, moscow(2026, 3, 4, 12, 1)) == 1
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH and ticket.assignee == lead_agent
    verbs = list(
        TicketEvent.objects.filter(ticket=ticket).order_by("id").values_list("verb", flat=True)
    )
    assert verbs[-3:] == [EventVerb.ESCALATED, EventVerb.PRIORITY_CHANGED, EventVerb.ASSIGNED]
    assert scan(django_capture_on_commit_callbacks, moscow(2026, 3, 4, 12, 30)) == 0, (
        "the new priority's targets do not escalate the same breach again"
    )
    assert ticket.priority == Priority.HIGH


def test_the_scan_reads_only_clocks_that_are_due(clock, policy, customer, department):
    clock(moscow(2026, 3, 4, 10, 0))
    open_ticket(customer, department)
    assert TicketClock.objects.filter(next_check_at__lte=moscow(2026, 3, 4, 11, 29)).count() == 0
    assert TicketClock.objects.filter(next_check_at__lte=moscow(2026, 3, 4, 11, 30)).count() == 1


def test_a_manager_acknowledges_an_escalation_once(clock, policy, customer, department, lead):
    clock(moscow(2026, 3, 4, 10, 0))
    open_ticket(customer, department)
    escalations_scan(now=moscow(2026, 3, 4, 12, 1))
    escalation = Escalation.objects.get()
    clock(moscow(2026, 3, 4, 12, 10))
    escalation_acknowledge(actor=lead, escalation=escalation)
    escalation.refresh_from_db()
    assert escalation.acknowledged_by == lead
    assert escalation.acknowledged_at == moscow(2026, 3, 4, 12, 10)


def test_an_agent_who_does_not_manage_the_department_cannot_acknowledge(
    clock, policy, customer, department, agent
):
    clock(moscow(2026, 3, 4, 10, 0))
    open_ticket(customer, department)
    escalations_scan(now=moscow(2026, 3, 4, 12, 1))
    with pytest.raises(services.NotPermitted):
        escalation_acknowledge(actor=agent, escalation=Escalation.objects.get())
