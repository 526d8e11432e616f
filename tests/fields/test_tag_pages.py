"""Tags in the staff portal (issue 11): the workspace's tag box, the queue's column and
filter, bulk actions, and the query language's tag:."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import open_ticket
from tickets.fields.selectors import ticket_tags
from tickets.fields.services import ticket_tags_add
from tickets.models import EventVerb

pytestmark = pytest.mark.django_db


def names(ticket) -> list[str]:
    return [tag.name for tag in ticket_tags(ticket)]


def test_the_workspace_sets_the_tags_typed_in_the_box(client, agent, ticket):
    client.force_login(agent)
    url = reverse("staff:ticket_tags", args=[ticket.number])
    response = client.post(url, {"tags": "vip,  сервер , VIP"})
    assert response.status_code == 302
    assert names(ticket) == ["vip", "сервер"]
    page = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert 'value="vip, сервер"' in page
    assert '<datalist id="tag-suggestions">' in page
    client.post(url, {"tags": ""})
    assert names(ticket) == []
    assert ticket.events.filter(verb=EventVerb.TAGS_CHANGED).count() == 2


@pytest.mark.parametrize("hostile", ["<script>alert(1)</script>", "x" * 500])
def test_the_workspace_refuses_a_hostile_tag_with_a_clear_message(client, agent, ticket, hostile):
    """Issue 11, bad input: the page comes back with the reason, escaped; nothing changed."""
    ticket_tags_add(actor=agent, ticket=ticket, names=["vip"])
    client.force_login(agent)
    response = client.post(
        reverse("staff:ticket_tags", args=[ticket.number]), {"tags": f"dns, {hostile}"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "<script>alert(1)</script>" not in html
    assert names(ticket) == ["vip"]


def test_the_queue_shows_tags_and_filters_by_one_in_any_case(client, agent, customer, department):
    tagged = open_ticket(customer, department, subject="Tagged one")
    other = open_ticket(customer, department, subject="Plain one")
    ticket_tags_add(actor=agent, ticket=tagged, names=["Billing-Dispute"])
    client.force_login(agent)
    html = client.get(reverse("staff:queue")).content.decode()
    assert '<a class="tag" href="?tag=Billing-Dispute">Billing-Dispute</a>' in html
    response = client.get(reverse("staff:queue"), {"tag": "billing-dispute"})
    numbers = [t.number for t in response.context["page"].items]
    assert numbers == [tagged.number]
    assert other.number not in numbers


def test_bulk_actions_add_and_remove_tags(client, agent, customer, department):
    first = open_ticket(customer, department, subject="One")
    second = open_ticket(customer, department, subject="Two")
    client.force_login(agent)
    tickets = [first.number, second.number]
    bulk = reverse("staff:queue_bulk")
    client.post(bulk, {"ticket": tickets, "action": "tag_add", "tags": "vip, dns"})
    assert names(first) == names(second) == ["dns", "vip"]
    client.post(bulk, {"ticket": tickets, "action": "tag_remove", "tags": "DNS"})
    assert names(first) == names(second) == ["vip"]


def test_a_bulk_action_with_a_hostile_tag_changes_nothing(client, agent, ticket):
    client.force_login(agent)
    response = client.post(
        reverse("staff:queue_bulk"),
        {"ticket": [ticket.number], "action": "tag_add", "tags": "ok, <img src=x>"},
    )
    assert response.status_code == 302
    assert names(ticket) == []
    errors = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("markup" in error for error in errors)


def test_bulk_tags_on_a_ticket_of_another_department_are_refused(
    client, agent, ticket, sales_ticket
):
    client.force_login(agent)
    client.post(
        reverse("staff:queue_bulk"),
        {"ticket": [ticket.number, sales_ticket.number], "action": "tag_add", "tags": "vip"},
    )
    assert names(ticket) == ["vip"]
    assert names(sales_ticket) == []


def test_search_finds_tickets_by_tag_and_by_the_tag_as_a_word(client, agent, customer, department):
    """tag:NAME in the query language; the index picks tags up in the same transaction."""
    tagged = open_ticket(customer, department, subject="Printer jam")
    open_ticket(customer, department, subject="Other printer")
    ticket_tags_add(actor=agent, ticket=tagged, names=["Hardware"])
    client.force_login(agent)
    for q in ("tag:hardware", "tag:HARDWARE printer", "hardware"):
        response = client.get(reverse("staff:search"), {"q": q})
        assert [t.number for t in response.context["page"].items] == [tagged.number], q


def test_saved_views_keep_a_tag_filter(client, agent, customer, department):
    tagged = open_ticket(customer, department, subject="Printer jam")
    ticket_tags_add(actor=agent, ticket=tagged, names=["hardware"])
    client.force_login(agent)
    client.post(reverse("staff:saved_view_save"), {"name": "Hardware", "query": "q=tag%3Ahardware"})
    client.post(reverse("staff:saved_view_save"), {"name": "Hardware 2", "query": "tag=hardware"})
    views = {c.view.name: c.count for c in client.get(reverse("staff:search")).context["views"]}
    assert views["Hardware"] == 1
    assert views["Hardware 2"] == 1


def test_customers_cannot_search_by_tag(client, agent, customer, ticket):
    ticket_tags_add(actor=agent, ticket=ticket, names=["difficult-customer"])
    client.force_login(customer)
    for q in ("tag:difficult-customer", "difficult"):
        response = client.get(reverse("portal:tickets"), {"q": q})
        assert ticket.subject not in response.content.decode(), q
