"""Tags on tickets (issue 11): normalised, case-insensitive, no markup; events; access."""

from __future__ import annotations

import pytest

from helpdesk.errors import ActionNotAllowed, NotPermitted
from tests.factories import open_ticket
from tickets import services
from tickets.fields.models import Tag, TicketTag
from tickets.fields.selectors import tag_suggestions, ticket_tags
from tickets.fields.services import (
    TAGS_PER_TICKET_MAX,
    ticket_tags_add,
    ticket_tags_remove,
    ticket_tags_set,
)
from tickets.models import EventVerb, Status

pytestmark = pytest.mark.django_db


def names(ticket) -> list[str]:
    return [tag.name for tag in ticket_tags(ticket)]


def test_tags_are_trimmed_and_one_tag_whatever_the_case(agent, ticket):
    """Issue 11: "  VIP " and "vip" are one tag, stored as first typed."""
    ticket_tags_set(actor=agent, ticket=ticket, names=["  VIP  ", "vip", "Сервер   упал"])
    assert names(ticket) == ["VIP", "Сервер упал"]
    assert Tag.objects.count() == 2
    ticket_tags_add(actor=agent, ticket=ticket, names=["Vip", "СЕРВЕР УПАЛ"])
    assert TicketTag.objects.filter(ticket=ticket).count() == 2


def test_setting_tags_records_one_event_with_what_changed(agent, ticket):
    ticket_tags_set(actor=agent, ticket=ticket, names=["vip", "billing"])
    ticket_tags_set(actor=agent, ticket=ticket, names=["vip", "hardware"])
    event = ticket.events.filter(verb=EventVerb.TAGS_CHANGED).latest("id")
    assert event.actor == agent
    assert set(event.before["tags"]) == {"vip", "billing"}
    assert event.after["added"] == ["hardware"] and event.after["removed"] == ["billing"]


def test_nothing_changed_writes_no_event(agent, ticket):
    ticket_tags_set(actor=agent, ticket=ticket, names=["vip"])
    ticket_tags_set(actor=agent, ticket=ticket, names=["VIP"])
    ticket_tags_remove(actor=agent, ticket=ticket, names=["absent"])
    assert ticket.events.filter(verb=EventVerb.TAGS_CHANGED).count() == 1


@pytest.mark.parametrize(
    "hostile",
    [
        "x" * 500,
        "<script>alert(1)</script>",
        "<b>bold</b>",
        'say "hi"',
        "a&b",
        "   ",
        "tab\tand\x00null",
    ],
)
def test_hostile_tags_are_refused_and_nothing_changes(agent, ticket, hostile):
    """Issue 11, bad input: a 500-character tag or one with markup: a clear message, nothing
    changed, even for the good tags given with it."""
    ticket_tags_set(actor=agent, ticket=ticket, names=["vip"])
    events = ticket.events.count()
    with pytest.raises(ActionNotAllowed) as refused:
        ticket_tags_set(actor=agent, ticket=ticket, names=["good", hostile])
    assert refused.value.message
    assert names(ticket) == ["vip"]
    assert ticket.events.count() == events
    assert not Tag.objects.filter(name="good").exists()


def test_the_500_character_tag_message_says_the_limit(agent, ticket):
    with pytest.raises(ActionNotAllowed, match="at most 50 characters"):
        ticket_tags_add(actor=agent, ticket=ticket, names=["x" * 500])


def test_a_ticket_holds_at_most_so_many_tags(agent, ticket):
    ticket_tags_set(actor=agent, ticket=ticket, names=[f"t{n}" for n in range(TAGS_PER_TICKET_MAX)])
    with pytest.raises(ActionNotAllowed):
        ticket_tags_add(actor=agent, ticket=ticket, names=["one more"])
    assert len(names(ticket)) == TAGS_PER_TICKET_MAX


def test_an_agent_of_another_department_cannot_tag(agent_other_department, ticket):
    with pytest.raises(NotPermitted):
        ticket_tags_add(actor=agent_other_department, ticket=ticket, names=["vip"])
    assert names(ticket) == []


def test_customers_cannot_tag(customer, ticket):
    with pytest.raises(NotPermitted):
        ticket_tags_add(actor=customer, ticket=ticket, names=["vip"])


def test_a_closed_ticket_is_not_tagged(agent, ticket):
    services.ticket_set_status(actor=agent, ticket=ticket, status=Status.CLOSED)
    with pytest.raises(ActionNotAllowed):
        ticket_tags_add(actor=agent, ticket=ticket, names=["vip"])


def test_suggestions_come_from_the_agents_departments_most_used_first(
    agent, agent_other_department, ticket, sales_ticket, customer, department
):
    second = open_ticket(customer, department, subject="Second")
    ticket_tags_add(actor=agent, ticket=ticket, names=["vip", "dns"])
    ticket_tags_add(actor=agent, ticket=second, names=["vip"])
    ticket_tags_add(actor=agent_other_department, ticket=sales_ticket, names=["offer-secret"])
    assert tag_suggestions(agent) == ["vip", "dns"]
    assert tag_suggestions(agent_other_department) == ["offer-secret"]
