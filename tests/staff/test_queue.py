"""Queues: filters that combine, sorts, pages without counting, rows without N+1 (R3, R10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import AgentFactory, CustomerFactory, open_ticket
from tickets import services
from tickets.models import Channel, Priority, Status, Ticket

pytestmark = pytest.mark.django_db


def queue(client, **params):
    response = client.get(reverse("staff:queue"), params)
    assert response.status_code == 200
    return response


def listed(response) -> list[int]:
    return [ticket.number for ticket in response.context["page"].items]


@pytest.fixture
def board(agent, customer, other_customer, department):
    """A small queue: one of each kind."""
    colleague = AgentFactory(name="Boris", departments=[department])
    new = open_ticket(customer, department, subject="New and unassigned")
    mine = open_ticket(customer, department, subject="Mine, urgent", priority=Priority.URGENT)
    services.ticket_assign(actor=agent, ticket=mine, assignee=agent)
    boris = open_ticket(other_customer, department, subject="Boris answered", channel=Channel.EMAIL)
    services.reply_add(actor=colleague, ticket=boris, body_text="Done?", status=Status.PENDING)
    solved = open_ticket(other_customer, department, subject="Solved")
    services.reply_add(actor=agent, ticket=solved, body_text="Fixed.", status=Status.SOLVED)
    return {"new": new, "mine": mine, "boris": boris, "solved": solved, "colleague": colleague}


def test_the_default_queue_is_every_ticket_still_needing_work(client, agent, board):
    client.force_login(agent)
    assert set(listed(queue(client))) == {
        board["new"].number,
        board["mine"].number,
        board["boris"].number,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"assignee": "me"}, ["mine"]),
        ({"assignee": "none"}, ["new"]),
        ({"status": "pending"}, ["boris"]),
        ({"status": "done"}, ["solved"]),
        ({"status": "any", "channel": "email"}, ["boris"]),
        ({"priority": "4"}, ["mine"]),
        ({"status": "any", "assignee": "me", "priority": "2"}, ["solved"]),
        ({"assignee": "me", "status": "new"}, ["mine"]),
        ({"assignee": "me", "status": "pending"}, []),
    ],
)
def test_filters_combine(client, agent, board, params, expected):
    client.force_login(agent)
    assert listed(queue(client, **params)) == [board[key].number for key in expected]


def test_a_named_agents_queue(client, agent, board):
    client.force_login(agent)
    assert listed(queue(client, assignee=board["colleague"].pk, status="any")) == [
        board["boris"].number
    ]


def test_a_requesters_tickets(client, agent, board, other_customer):
    client.force_login(agent)
    response = queue(client, requester=other_customer.pk, status="any")
    assert set(listed(response)) == {board["boris"].number, board["solved"].number}
    assert "Tickets of Jane Roe" in response.content.decode()


def test_sorts(client, agent, customer, department):
    now = timezone.now()
    old = open_ticket(customer, department, subject="Old, quiet")
    urgent = open_ticket(customer, department, subject="Urgent", priority=Priority.URGENT)
    latest = open_ticket(customer, department, subject="Latest")
    Ticket.objects.filter(pk=old.pk).update(
        created_at=now - timedelta(days=9), waiting_since=now - timedelta(days=9)
    )
    Ticket.objects.filter(pk=urgent.pk).update(
        created_at=now - timedelta(days=2), waiting_since=now - timedelta(days=2)
    )
    Ticket.objects.filter(pk=latest.pk).update(updated_at=now + timedelta(minutes=1))
    client.force_login(agent)
    n = lambda *tickets: [t.number for t in tickets]  # noqa: E731
    assert listed(queue(client, sort="activity")) == n(latest, urgent, old)
    assert listed(queue(client, sort="waiting")) == n(old, urgent, latest)
    assert listed(queue(client, sort="priority"))[0] == urgent.number
    assert listed(queue(client, sort="created")) == n(latest, urgent, old)


def test_a_row_shows_everything_an_agent_decides_by(client, agent, board):
    Ticket.objects.filter(pk=board["new"].pk).update(
        waiting_since=timezone.now() - timedelta(hours=5)
    )
    client.force_login(agent)
    html = queue(client, status="any").content.decode()
    for text in (
        f"#{board['new'].number}",
        "New and unassigned",
        "Иван Петров",  # requester
        "Technical support",  # department
        "Boris",  # assignee
        "Pending",
        "Urgent",
        "5\xa0hours",  # waiting time (no line break inside)
    ):
        assert text in html
    # The customer wrote last in "new"; an agent did in "boris".
    rows = {t.number: t.last_from_customer for t in queue(client).context["page"].items}
    assert rows[board["new"].number] is True
    assert rows[board["boris"].number] is False
    assert "the last message came from the customer" in html


def test_unassigned_open_tickets_offer_take_it(client, agent, board):
    client.force_login(agent)
    html = queue(client).content.decode()
    take = reverse("staff:ticket_take", args=[board["new"].number])
    assert f'formaction="{take}"' in html
    assert reverse("staff:ticket_take", args=[board["mine"].number]) not in html


def test_the_url_keeps_the_filters_for_the_next_page(
    client, agent, customer, department, monkeypatch
):
    monkeypatch.setattr("tickets.selectors.QUEUE_PAGE", 2)
    for index in range(3):
        open_ticket(customer, department, subject=f"Ticket {index}")
    client.force_login(agent)
    response = queue(client, assignee="none", sort="created")
    page = response.context["page"]
    assert page.has_next
    html = response.content.decode()
    assert f"?assignee=none&amp;sort=created&amp;after={page.next_cursor}" in html
    second = queue(client, assignee="none", sort="created", after=page.next_cursor)
    assert len(second.context["page"].items) == 1 and not second.context["page"].is_first
    assert not second.context["page"].has_next


def test_a_department_not_his_is_refused_and_nothing_leaks(
    client, agent, board, other_department, other_customer
):
    hidden = open_ticket(other_customer, other_department, subject="Sales only")
    client.force_login(agent)
    response = queue(client, department=other_department.pk, status="any")
    assert response.context["form"].errors["department"]
    assert hidden.number not in listed(response)
    assert "Sales only" not in response.content.decode()


def test_the_outsider_sees_none_of_the_tickets(client, agent_other_department, board):
    client.force_login(agent_other_department)
    response = queue(client, status="any")
    assert listed(response) == []
    assert "New and unassigned" not in response.content.decode()


def test_managers_filter_by_any_department(client, manager, board, other_department):
    sales = open_ticket(CustomerFactory(), other_department, subject="Sales")
    client.force_login(manager)
    assert listed(queue(client, department=other_department.pk)) == [sales.number]


def test_the_number_of_queries_does_not_grow_with_the_rows(
    client, agent, department, django_assert_num_queries
):
    def add(count):
        for index in range(count):
            ticket = open_ticket(CustomerFactory(), department, subject=f"Ticket {index}")
            services.ticket_assign(
                actor=agent, ticket=ticket, assignee=AgentFactory(departments=[department])
            )

    add(2)
    client.force_login(agent)
    # session, user, colleagues, the page of tickets, departments for two selects, the
    # navigation's count of rejected mail and whether he manages a department (issue 10),
    # the bell's count and the newest event the live poll starts from (issue 11);
    # the page's tags and custom field values,
    # the tag suggestions, the custom field columns and the bulk form's custom fields;
    # the saved views' sidebar: the views and one capped count for each of the four
    # default views (issue 9).
    with django_assert_num_queries(20):
        queue(client)
    add(10)
    with django_assert_num_queries(20):
        response = queue(client, assignee="", priority="2", channel="web", sort="waiting")
    assert len(response.context["page"].items) == 12


def test_a_former_agents_tickets_can_be_found_but_not_given_to_him(
    client, manager, customer, department
):
    former = AgentFactory(name="Frank Former", departments=[department])
    ticket = open_ticket(customer, department)
    services.ticket_assign(actor=manager, ticket=ticket, assignee=former)
    former.is_active = False
    former.save()
    client.force_login(manager)
    response = queue(client, assignee=former.pk)
    assert listed(response) == [ticket.number]
    assert "Former agents" in response.content.decode()
    # Bulk assignment offers active agents only.
    assert former not in response.context["bulk_form"].colleagues.values()
    assert "Frank Former" in str(response.context["form"]["assignee"])
    assert "Frank Former" not in str(response.context["bulk_form"]["assignee"])
