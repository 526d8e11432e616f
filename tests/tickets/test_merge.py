"""Merge (issue 11): one ticket's conversation moves into another, which continues it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import AgentFactory, CustomerFactory, OrganizationFactory, open_ticket
from tickets import services
from tickets.models import EventVerb, Message, Status, Ticket, TicketEvent
from tickets.search.query import parse as search_parse
from tickets.search.selectors import search
from tickets.services.bulk import MergeInto, tickets_bulk_apply
from tickets.sla.models import Policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(customer, department):
    return open_ticket(customer, department, subject="Сервер не отвечает")


@pytest.fixture
def source(customer, department):
    return open_ticket(
        customer, department, subject="Сайт недоступен", body="Сайт lavanda.ru лежит"
    )


def merge(agent, source, target, **kwargs):
    return services.ticket_merge(actor=agent, source=source, target=target, **kwargs)


def _at(ticket: Ticket, minutes: int) -> None:
    """Dates the ticket's messages `minutes` ago, so that their order is known."""
    when = timezone.now() - timedelta(minutes=minutes)
    ticket.messages.update(created_at=when)


def test_the_messages_move_into_the_target_in_time_order(agent, source, target):
    _at(target, 30)
    _at(source, 20)
    services.message_add_web(actor=target.requester, ticket=target, body_text="Ещё новость")
    merge(agent, source, target)
    bodies = list(target.messages.order_by("created_at", "id").values_list("body_text", flat=True))
    assert bodies == [
        "Since this morning the server does not answer on port 443.",
        "Сайт lavanda.ru лежит",
        "Ещё новость",
    ]
    assert not source.messages.exists()


def test_the_source_is_closed_and_points_at_the_target(agent, source, target):
    merge(agent, source, target)
    source.refresh_from_db()
    assert source.status == Status.CLOSED and source.merged_into == target
    assert list(target.merged_tickets.all()) == [source]


def test_both_tickets_record_an_event(agent, source, target):
    merge(agent, source, target)
    into = TicketEvent.objects.get(ticket=source, verb=EventVerb.MERGED)
    assert into.after == {"ticket": target.number, "messages": 1} and into.actor == agent
    assert TicketEvent.objects.filter(ticket=source, verb=EventVerb.CLOSED).exists()
    came = TicketEvent.objects.get(ticket=target, verb=EventVerb.MERGED_FROM)
    assert came.after["ticket"] == source.number and came.after["messages"] == 1


def test_the_people_of_the_source_join_the_target(agent, customer, organization, department):
    customer.organization = organization
    customer.save()
    colleague = CustomerFactory(organization=organization)
    copied = CustomerFactory()
    target = open_ticket(customer, department)
    source = open_ticket(colleague, department)
    services.participants_add(actor=colleague, ticket=source, users=[copied])
    merge(agent, source, target)
    assert set(target.participants.all()) == {colleague, copied}


def test_search_finds_the_moved_messages_in_the_target_only(agent, source, target):
    merge(agent, source, target)
    assert list(search(agent, search_parse("lavanda")).tickets) == [target]


def test_tickets_merged_into_the_source_follow_it(agent, customer, department, source, target):
    """No chain to walk later: every merged ticket points at the final target."""
    earlier = open_ticket(customer, department, subject="Earlier")
    merge(agent, earlier, source)
    merge(agent, source, target)
    earlier.refresh_from_db()
    assert earlier.merged_into == target
    assert target.messages.count() == 3


def test_a_customer_message_to_the_source_lands_in_the_target(agent, customer, source, target):
    merge(agent, source, target)
    source.refresh_from_db()
    message = services.message_add_web(actor=customer, ticket=source, body_text="Всё ещё лежит")
    assert message.ticket == target
    source.refresh_from_db()
    assert source.status == Status.CLOSED


def test_a_waiting_customer_is_owed_the_next_response_in_the_target(agent, customer, department):
    """SLA (issue 10): the target answered already; the source's customer still waits."""
    Policy.objects.create(
        department=department, first_response_minutes=60, next_response_minutes=120
    )
    target = open_ticket(customer, department, subject="With a policy")
    source = open_ticket(customer, department, subject="Also with a policy")
    services.reply_add(actor=agent, ticket=target, body_text="Ответили")
    target.refresh_from_db()
    assert target.next_response_due_at is None
    waiting = source.waiting_since
    merge(agent, source, target)
    target.refresh_from_db()
    assert target.waiting_since == waiting
    assert target.next_response_due_at == waiting + timedelta(minutes=120)


def test_bulk_merges_each_ticked_ticket(agent, customer, department, target):
    sources = [open_ticket(customer, department, subject=f"Дубль {n}") for n in range(3)]
    outcomes = tickets_bulk_apply(
        actor=agent, tickets=sources, action="merge", value=MergeInto(target)
    )
    assert all(outcome.ok for outcome in outcomes)
    assert target.messages.count() == 4
    assert Ticket.objects.filter(merged_into=target).count() == 3


# --- bad input: a clear message, nothing changed ---------------------------------------


@pytest.fixture
def snapshot():
    def take():
        return (
            list(Message.objects.order_by("pk").values_list("pk", "ticket_id")),
            TicketEvent.objects.count(),
            list(Ticket.objects.order_by("pk").values_list("pk", "status", "merged_into")),
        )

    return take


def test_a_ticket_cannot_be_merged_into_itself(agent, target, snapshot):
    before = snapshot()
    with pytest.raises(services.ActionNotAllowed, match="itself"):
        merge(agent, target, target)
    assert snapshot() == before


def test_a_ticket_cannot_be_merged_back_into_one_merged_into_it(agent, source, target, snapshot):
    merge(agent, source, target)
    source.refresh_from_db()
    before = snapshot()
    with pytest.raises(services.ActionNotAllowed, match="cannot take"):
        merge(agent, target, source)
    assert snapshot() == before


def test_a_merged_ticket_cannot_be_merged_again(agent, customer, department, source, target):
    merge(agent, source, target)
    source.refresh_from_db()
    third = open_ticket(customer, department, subject="Third")
    with pytest.raises(services.ActionNotAllowed, match="was merged into"):
        merge(agent, source, third)
    with pytest.raises(services.ActionNotAllowed, match="was merged into"):
        merge(agent, third, source)


def test_an_agent_cannot_merge_into_a_ticket_he_cannot_work(
    agent, customer, other_department, source, snapshot
):
    elsewhere = open_ticket(customer, other_department, subject="Sales")
    before = snapshot()
    with pytest.raises(services.NotPermitted):
        merge(agent, source, elsewhere)
    assert snapshot() == before


def test_an_agent_cannot_merge_a_ticket_he_cannot_work(
    agent_other_department, customer, other_department, source, snapshot
):
    mine = open_ticket(customer, other_department, subject="Sales")
    before = snapshot()
    with pytest.raises(services.NotPermitted):
        merge(agent_other_department, source, mine)
    assert snapshot() == before


def test_a_closed_target_is_refused(agent, source, target, snapshot):
    services.ticket_close(actor=agent, ticket=target)
    before = snapshot()
    with pytest.raises(services.ActionNotAllowed, match="reopen"):
        merge(agent, source, target)
    assert snapshot() == before


def test_requesters_of_different_organizations_need_a_confirmation(
    agent, customer, other_customer, department, snapshot
):
    customer.organization = OrganizationFactory()
    customer.save()
    target = open_ticket(customer, department)
    source = open_ticket(other_customer, department)
    before = snapshot()
    with pytest.raises(services.ActionNotAllowed, match="Confirm"):
        merge(agent, source, target)
    assert snapshot() == before
    merge(agent, source, target, confirm_organizations=True)
    assert target.messages.count() == 2 and other_customer in target.participants.all()


def test_requesters_of_one_organization_merge_without_confirmation(
    agent, customer, organization, department
):
    colleague = CustomerFactory(organization=organization)
    customer.organization = organization
    customer.save()
    target = open_ticket(customer, department)
    merge(agent, open_ticket(colleague, department), target)
    assert target.messages.count() == 2


def test_an_agent_cannot_reply_on_or_reopen_a_merged_ticket(agent, source, target):
    merge(agent, source, target)
    source.refresh_from_db()
    with pytest.raises(services.ActionNotAllowed, match="merged into"):
        services.ticket_reopen(actor=agent, ticket=source)
    with pytest.raises(services.ActionNotAllowed):
        services.reply_add(actor=agent, ticket=source, body_text="Hello")


def test_a_customer_cannot_merge(customer, source, target):
    with pytest.raises(services.NotPermitted):
        merge(customer, source, target)


def test_a_second_agent_s_opposite_merge_is_refused(agent, department, source, target):
    """Two agents, each merging one into the other: the second finds it merged already."""
    other = AgentFactory(departments=[department])
    merge(agent, source, Ticket.objects.get(pk=target.pk))
    with pytest.raises(services.ActionNotAllowed):
        merge(other, Ticket.objects.get(pk=target.pk), Ticket.objects.get(pk=source.pk))
