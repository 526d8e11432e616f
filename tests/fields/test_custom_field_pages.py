"""Custom fields in the pages (issue 11): the workspace, the queue's columns, bulk actions,
search with field:key=value, and the portal that shows customers only the visible ones."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import open_ticket
from tests.fields.conftest import make_field
from tickets import services
from tickets.fields.models import FieldValue
from tickets.fields.selectors import ticket_fields
from tickets.fields.services import ticket_fields_set
from tickets.models import EventVerb

pytestmark = pytest.mark.django_db


def values(ticket) -> dict:
    return {entry.field.key: entry.value for entry in ticket_fields(ticket)}


def post_fields(client, ticket, fields, **typed):
    data = {f"field_{fields[key].pk}": value for key, value in typed.items()}
    return client.post(reverse("staff:ticket_fields", args=[ticket.number]), data)


def test_the_workspace_shows_and_saves_the_departments_fields(client, agent, ticket, fields):
    client.force_login(agent)
    page = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    for field in fields.values():
        assert f'name="field_{field.pk}"' in page
    response = post_fields(
        client,
        ticket,
        fields,
        plan="Gold",
        cores="4",
        os="Windows",
        since="2026-01-31",
        backup="on",
    )
    assert response.status_code == 302
    assert values(ticket)["cores"] == Decimal("4")
    assert values(ticket)["backup"] is True
    page = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert 'value="2026-01-31"' in page and 'value="4"' in page
    assert '<option value="Windows" selected>' in page
    assert ticket.events.filter(verb=EventVerb.FIELDS_CHANGED).count() == 1


def test_a_wrong_type_in_the_workspace_is_a_clear_error_and_nothing_changes(
    client, agent, ticket, fields
):
    client.force_login(agent)
    response = post_fields(client, ticket, fields, plan="Gold", cores="<b>four</b>")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cores: “&lt;b&gt;four&lt;/b&gt;” is not a number." in html
    assert not FieldValue.objects.filter(ticket=ticket).exists()


def test_fields_of_another_department_are_not_on_the_page_nor_accepted(
    client, agent, ticket, other_department
):
    foreign = make_field(other_department, "contract", name="Contract")
    client.force_login(agent)
    page = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert "Contract" not in page
    client.post(
        reverse("staff:ticket_fields", args=[ticket.number]), {f"field_{foreign.pk}": "C-1"}
    )
    assert not FieldValue.objects.exists()


def test_the_queue_shows_the_fields_chosen_as_columns(client, agent, ticket, fields):
    ticket_fields_set(
        actor=agent, ticket=ticket, values={fields["plan"]: "Gold", fields["cores"]: "4"}
    )
    client.force_login(agent)
    html = client.get(reverse("staff:queue")).content.decode()
    assert '<th scope="col">Plan</th>' in html  # in_queue
    assert '<th scope="col">Cores</th>' not in html
    assert '<td class="custom-field-cell">Gold</td>' in html


def test_bulk_sets_a_field_where_it_belongs_and_says_where_it_does_not(
    client, agent, ticket, fields, customer, other_department, department
):
    second = open_ticket(customer, department, subject="Second")
    moved = open_ticket(customer, department, subject="Moved away later")
    agent.memberships.create(department=other_department)
    services.ticket_move(actor=agent, ticket=moved, department=other_department)
    client.force_login(agent)
    response = client.post(
        reverse("staff:queue_bulk"),
        {
            "ticket": [ticket.number, second.number, moved.number],
            "action": "field",
            "custom_field": fields["cores"].pk,
            "field_value": "16",
        },
    )
    assert values(ticket)["cores"] == values(second)["cores"] == Decimal("16")
    assert not FieldValue.objects.filter(ticket=moved).exists()
    errors = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(f"#{moved.number}" in e and "does not belong" in e for e in errors)


def test_bulk_refuses_a_wrong_type_before_changing_anything(client, agent, ticket, fields):
    client.force_login(agent)
    response = client.post(
        reverse("staff:queue_bulk"),
        {
            "ticket": [ticket.number],
            "action": "field",
            "custom_field": fields["since"].pk,
            "field_value": "yesterday-ish",
        },
    )
    errors = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("is not a date" in e for e in errors)
    assert not FieldValue.objects.exists()


def test_search_by_field_value_of_each_kind(client, agent, customer, department, fields):
    hit = open_ticket(customer, department, subject="Hit")
    miss = open_ticket(customer, department, subject="Miss")
    ticket_fields_set(
        actor=agent,
        ticket=hit,
        values={
            fields["plan"]: "Gold VPS",
            fields["cores"]: "4",
            fields["os"]: "Linux",
            fields["since"]: "2026-01-31",
            fields["backup"]: True,
        },
    )
    ticket_fields_set(actor=agent, ticket=miss, values={fields["cores"]: "8"})
    client.force_login(agent)
    for q in (
        "field:plan=gold",
        "field:cores=4",
        "field:cores=4.0",
        "field:os=linux",
        "field:since=31.01.2026",
        "field:backup=yes",
        "field:plan",
    ):
        response = client.get(reverse("staff:search"), {"q": q})
        assert [t.number for t in response.context["page"].items] == [hit.number], q


def test_search_with_a_wrong_type_or_unknown_field_says_so(client, agent, ticket, fields):
    client.force_login(agent)
    response = client.get(reverse("staff:search"), {"q": "field:cores=many"})
    assert response.context["page"].items == []
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("is not a number" in w for w in warnings)
    response = client.get(reverse("staff:search"), {"q": "field:nosuch=1"})
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("nosuch" in w for w in warnings)


def test_an_agent_cannot_search_the_fields_of_another_department(
    client, agent_other_department, agent, ticket, fields
):
    ticket_fields_set(actor=agent, ticket=ticket, values={fields["plan"]: "Gold"})
    client.force_login(agent_other_department)
    response = client.get(reverse("staff:search"), {"q": "field:plan=gold"})
    assert response.context["page"].items == []


def test_customers_see_visible_fields_read_only_and_never_hidden_ones(
    client, agent, customer, ticket, fields
):
    """Issue 11: a field not shown to customers never reaches the portal, not even its name."""
    ticket_fields_set(
        actor=agent,
        ticket=ticket,
        values={fields["plan"]: "Gold VPS", fields["secret"]: "difficult customer"},
    )
    client.force_login(customer)
    html = client.get(reverse("portal:ticket", args=[ticket.number])).content.decode()
    assert "Gold VPS" in html and "Plan" in html
    assert "difficult customer" not in html and "Internal rating" not in html
    assert 'name="field_' not in html


def test_customers_search_only_visible_fields(client, agent, customer, ticket, fields):
    ticket_fields_set(
        actor=agent,
        ticket=ticket,
        values={fields["plan"]: "Gold", fields["secret"]: "difficult"},
    )
    client.force_login(customer)
    found = client.get(reverse("portal:tickets"), {"q": "field:plan=gold"}).content.decode()
    assert ticket.subject in found
    for q in ("field:secret=difficult", "difficult"):
        html = client.get(reverse("portal:tickets"), {"q": q}).content.decode()
        assert ticket.subject not in html, q


def test_an_unticked_checkbox_is_no_value_and_found_by_no(
    client, agent, customer, department, fields
):
    ticked = open_ticket(customer, department, subject="Ticked")
    unticked = open_ticket(customer, department, subject="Unticked")
    ticket_fields_set(actor=agent, ticket=ticked, values={fields["backup"]: "yes"})
    client.force_login(agent)
    # Saving the workspace's fields unchanged, the box unticked: nothing changes.
    post_fields(client, unticked, fields, plan="")
    assert not unticked.events.filter(verb=EventVerb.FIELDS_CHANGED).exists()
    response = client.get(reverse("staff:search"), {"q": "field:backup=no"})
    assert [t.number for t in response.context["page"].items] == [unticked.number]
    post_fields(client, ticked, fields)  # unticked in the form: the tick goes
    assert values(ticked)["backup"] is None
