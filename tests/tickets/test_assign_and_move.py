"""Assignment and moving between departments (R10, R11; issue 2)."""

import pytest

from tests.factories import AgentFactory, open_ticket
from tickets import access, services
from tickets.models import EventVerb

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(customer, department):
    return open_ticket(customer, department)


def test_agent_assigns_a_colleague_of_the_department(agent, department, ticket):
    colleague = AgentFactory(name="Boris", departments=[department])
    services.ticket_assign(actor=agent, ticket=ticket, assignee=colleague)
    ticket.refresh_from_db()
    assert ticket.assignee == colleague
    event = ticket.events.get(verb=EventVerb.ASSIGNED)
    assert event.before == {"id": None, "name": ""}
    assert event.after == {"id": colleague.pk, "name": "Boris"}


def test_assignee_must_work_in_the_department(agent, agent_other_department, ticket):
    with pytest.raises(services.NotPermitted):
        services.ticket_assign(actor=agent, ticket=ticket, assignee=agent_other_department)


def test_customers_and_deactivated_agents_cannot_be_assigned(agent, customer, department, ticket):
    former = AgentFactory(departments=[department], is_active=False)
    for person in (customer, former):
        with pytest.raises(services.NotPermitted):
            services.ticket_assign(actor=agent, ticket=ticket, assignee=person)


def test_unassigning_puts_the_ticket_back_in_the_queue(agent, ticket):
    services.ticket_assign(actor=agent, ticket=ticket, assignee=agent)
    services.ticket_assign(actor=agent, ticket=ticket, assignee=None)
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_managers_may_assign_anyone_who_works_the_department(manager, agent, ticket):
    services.ticket_assign(actor=manager, ticket=ticket, assignee=agent)
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_agent_moves_a_ticket_out_of_his_view(agent, other_department, ticket):
    services.ticket_assign(actor=agent, ticket=ticket, assignee=agent)
    services.ticket_move(actor=agent, ticket=ticket, department=other_department)
    ticket.refresh_from_db()
    assert ticket.department == other_department
    assert ticket.assignee is None  # he does not work in Sales
    assert not access.can_see(agent, ticket)
    event = ticket.events.get(verb=EventVerb.MOVED)
    assert event.before["department"] == "Technical support"
    assert event.after == {"department": "Sales", "assignee": {"id": None, "name": ""}}


def test_moving_keeps_an_assignee_who_works_in_both(department, other_department, ticket):
    both = AgentFactory(departments=[department, other_department])
    services.ticket_assign(actor=both, ticket=ticket, assignee=both)
    services.ticket_move(actor=both, ticket=ticket, department=other_department)
    ticket.refresh_from_db()
    assert ticket.assignee == both


def test_agent_of_another_department_cannot_move_it(
    agent_other_department, other_department, ticket
):
    with pytest.raises(services.NotPermitted):
        services.ticket_move(
            actor=agent_other_department, ticket=ticket, department=other_department
        )


def test_a_ticket_cannot_move_to_an_inactive_department(agent, other_department, ticket):
    other_department.is_active = False
    other_department.save()
    with pytest.raises(services.ActionNotAllowed):
        services.ticket_move(actor=agent, ticket=ticket, department=other_department)
