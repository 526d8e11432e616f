"""The workspace (issue 11): one form for assignee, status, priority and department; the
composer keeps its mode; a closed ticket's reply box says at once what is possible."""

from __future__ import annotations

import pytest
from django.urls import reverse

from helpdesk.errors import NotPermitted
from tests.factories import AgentFactory
from tests.staff.conftest import seen
from tickets import services
from tickets.models import EventVerb, Priority, Status, Ticket
from tickets.services.bulk import ticket_update

pytestmark = pytest.mark.django_db


def update(client, ticket, **data):
    return client.post(reverse("staff:ticket_update", args=[ticket.number]), data)


def test_one_save_changes_assignee_status_and_priority_each_with_its_event(
    client, agent, ticket, department
):
    boris = AgentFactory(name="Boris", departments=[department])
    client.force_login(agent)
    response = update(
        client,
        ticket,
        assignee=boris.pk,
        status=Status.PENDING,
        priority=Priority.URGENT,
        department=department.pk,
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status, ticket.priority) == (boris, "pending", 4)
    verbs = list(ticket.events.order_by("id").values_list("verb", flat=True))
    assert verbs[-3:] == [EventVerb.PRIORITY_CHANGED, EventVerb.STATUS_CHANGED, EventVerb.ASSIGNED]


def test_unchanged_values_write_nothing(client, agent, ticket, department):
    client.force_login(agent)
    events = ticket.events.count()
    update(
        client, ticket, assignee="", status="", priority=ticket.priority, department=department.pk
    )
    assert ticket.events.count() == events


def test_a_move_comes_last_and_sends_the_agent_back_to_the_queue(
    client, agent, ticket, other_department
):
    client.force_login(agent)
    response = update(client, ticket, priority=Priority.HIGH, department=other_department.pk)
    assert response["Location"] == reverse("staff:queue")
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.department) == (Priority.HIGH, other_department)


@pytest.mark.parametrize(
    "data",
    [
        {"status": "new"},
        {"status": "<script>"},
        {"priority": "99"},
        {"priority": "высокий"},
        {"department": "999999"},
        {"assignee": "999999"},
        {"assignee": "1; DROP TABLE"},
    ],
)
def test_bad_values_change_nothing_and_say_why(client, agent, ticket, data):
    client.force_login(agent)
    events = ticket.events.count()
    response = update(client, ticket, **{"priority": Priority.URGENT, **data})
    assert response.status_code == 200
    assert 'class="notice error" role="alert"' in response.content.decode()
    assert ticket.events.count() == events
    assert Ticket.objects.get(pk=ticket.pk).priority == Priority.NORMAL


def test_a_refused_change_undoes_the_others(agent, agent_other_department, ticket):
    """All or nothing: the priority set before a refused assignment is rolled back."""
    with pytest.raises(NotPermitted):
        ticket_update(
            actor=agent,
            ticket=ticket,
            changes={"priority": Priority.URGENT, "assign": agent_other_department},
        )
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL
    assert not ticket.events.filter(verb=EventVerb.PRIORITY_CHANGED).exists()


def test_an_agent_of_another_department_gets_404(client, agent_other_department, ticket):
    client.force_login(agent_other_department)
    assert update(client, ticket, priority=Priority.URGENT).status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).priority == Priority.NORMAL


def test_the_page_has_one_form_with_one_save(client, agent, ticket):
    client.force_login(agent)
    html = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert html.count("Save changes") == 1
    assert reverse("staff:ticket_update", args=[ticket.number]) in html


# --- The composer ---------------------------------------------------------------------


def test_after_a_note_the_composer_stays_on_internal_note(client, agent, ticket):
    client.force_login(agent)
    response = client.post(
        reverse("staff:ticket_reply", args=[ticket.number]),
        {"kind": "note", "body": "Первая заметка", "seen": seen(ticket)},
    )
    assert "?kind=note#message-" in response["Location"]
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert 'value="note" id="id_kind_1" checked' in page
    assert 'value="reply" id="id_kind_0" checked' not in page


def test_after_a_reply_the_composer_is_on_public_reply(client, agent, ticket):
    client.force_login(agent)
    response = client.post(
        reverse("staff:ticket_reply", args=[ticket.number]),
        {"kind": "reply", "body": "Ответ", "seen": seen(ticket)},
    )
    assert "kind=note" not in response["Location"]
    page = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert 'value="reply" id="id_kind_0" checked' in page


def test_a_closed_ticket_says_before_any_typing_that_a_reply_needs_reopening(client, agent, ticket):
    services.ticket_close(actor=agent, ticket=ticket)
    client.force_login(agent)
    html = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert "This ticket is closed: a public reply needs it reopened first." in html
    assert "Reopen to reply" in html
    assert 'value="reply" id="id_kind_0" disabled' in html
    assert 'value="note" id="id_kind_1" checked' in html
    # A note is still possible there.
    response = client.post(
        reverse("staff:ticket_reply", args=[ticket.number]),
        {"kind": "note", "body": "Закрыт, но запишу.", "seen": seen(ticket)},
    )
    assert response.status_code == 302


def test_an_open_ticket_has_no_closed_notice(client, agent, ticket):
    client.force_login(agent)
    html = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert "reply-closed" not in html
