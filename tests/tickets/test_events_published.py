"""Every service that changes a ticket publishes the events that describe its change, with
the payload docs/events.md documents (issue 16). One row per service call: the verbs in
order, the keys of `before` and `after`, and whether the event names a message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from mailgateway.identity import reply_address
from tests.factories import AgentFactory, CustomerFactory, open_ticket
from tests.mailgateway.conftest import receive
from tests.mailgateway.mails import plain
from tickets import events, services
from tickets.fields import services as field_services
from tickets.fields.models import FieldDefinition, FieldKind
from tickets.models import Department, EventVerb, Status, Ticket, TicketEvent
from tickets.services.bulk import tickets_bulk_apply

pytestmark = pytest.mark.django_db

PERSON = {"id", "name"}
STATUS = {"status"}
OPENED_AFTER = {"department", "channel", "requester", "linked_ticket", "automatic"}
OPENED = (EventVerb.OPENED, set(), OPENED_AFTER, True)
MESSAGE = (EventVerb.MESSAGE_ADDED, set(), {"automatic"}, True)
PARTICIPANT = (EventVerb.PARTICIPANT_ADDED, set(), {"participant"}, False)


@dataclass
class World:
    customer: User
    agent: User
    department: Department
    other_department: Department
    ticket: Ticket


def _answered(w: World, status: Status) -> None:
    services.reply_add(actor=w.agent, ticket=w.ticket, body_text="Done", status=status)


def _closed_long_ago(w: World) -> None:
    services.ticket_close(actor=w.customer, ticket=w.ticket)
    Ticket.objects.filter(pk=w.ticket.pk).update(closed_at=timezone.now() - timedelta(days=400))
    w.ticket.refresh_from_db()


def _second_message(w: World) -> None:
    services.message_add_web(actor=w.customer, ticket=w.ticket, body_text="Another problem")


def _split(w: World) -> Ticket:
    return services.ticket_split(
        actor=w.agent,
        ticket=w.ticket,
        message=w.ticket.messages.order_by("id").last(),
        department=w.other_department,
    )


def _merge(w: World, **kwargs) -> Ticket:
    target = Ticket.objects.exclude(pk=w.ticket.pk).get()
    return services.ticket_merge(actor=w.agent, source=w.ticket, target=target, **kwargs)


def _second_ticket(w: World) -> None:
    open_ticket(w.customer, w.department, subject="The target")


def _second_ticket_of_a_stranger(w: World) -> None:
    open_ticket(CustomerFactory(), w.department, subject="The target")


MERGED_FROM = (EventVerb.MERGED_FROM, set(), {"ticket", "messages", "waiting"}, False)
MERGE_CLOSED = (EventVerb.CLOSED, STATUS, STATUS, False)
MERGED = (EventVerb.MERGED, set(), {"ticket", "messages"}, False)


def _tagged(w: World) -> None:
    field_services.ticket_tags_add(actor=w.agent, ticket=w.ticket, names=["vip", "сервер"])


def _field(w: World) -> FieldDefinition:
    field, _created = FieldDefinition.objects.get_or_create(
        department=w.department, key="plan", defaults={"name": "Plan", "kind": FieldKind.TEXT}
    )
    return field


def _solved_long_ago(w: World) -> None:
    _answered(w, Status.SOLVED)
    Ticket.objects.filter(pk=w.ticket.pk).update(solved_at=timezone.now() - timedelta(days=400))


# (name, preparation, the service call, [(verb, before keys, after keys, has message)])
CASES: list[tuple[str, Callable | None, Callable, list[tuple]]] = [
    ("ticket_open_web", None, lambda w: open_ticket(w.customer, w.department), [OPENED]),
    (
        "ticket_open_phone",
        None,
        lambda w: services.ticket_open_phone(
            actor=w.agent,
            customer_email="new@example.com",
            department=w.department,
            subject="Call",
            body_text="He called",
        ),
        [OPENED],
    ),
    (
        "ticket_open_api (an agent for a customer; issue 13)",
        None,
        lambda w: services.ticket_open_api(
            actor=w.agent,
            customer_email="api@example.com",
            department=w.department,
            subject="Alert",
            body_text="Disk full",
        ),
        [OPENED],
    ),
    (
        "message_add_api (issue 13)",
        None,
        lambda w: services.message_add_api(actor=w.customer, ticket=w.ticket, body_text="More"),
        [MESSAGE],
    ),
    (
        "message_add_web",
        None,
        lambda w: services.message_add_web(actor=w.customer, ticket=w.ticket, body_text="More"),
        [MESSAGE],
    ),
    (
        "message_add_web to a pending ticket",
        lambda w: _answered(w, Status.PENDING),
        lambda w: services.message_add_web(actor=w.customer, ticket=w.ticket, body_text="More"),
        [MESSAGE, (EventVerb.STATUS_CHANGED, STATUS, STATUS, False)],
    ),
    (
        "message_add_web to a solved ticket",
        lambda w: _answered(w, Status.SOLVED),
        lambda w: services.message_add_web(actor=w.customer, ticket=w.ticket, body_text="Again"),
        [MESSAGE, (EventVerb.REOPENED, STATUS, STATUS, False)],
    ),
    (
        "message_add_web past the reopen window",
        _closed_long_ago,
        lambda w: services.message_add_web(actor=w.customer, ticket=w.ticket, body_text="Back"),
        [OPENED],
    ),
    (
        "reply_add (first answer, sets solved)",
        None,
        lambda w: _answered(w, Status.SOLVED),
        [
            (EventVerb.REPLIED, set(), STATUS, True),
            (EventVerb.ASSIGNED, PERSON, PERSON, False),
            (EventVerb.STATUS_CHANGED, {"status", "with_reply"}, STATUS, False),
        ],
    ),
    (
        "note_add",
        None,
        lambda w: services.note_add(actor=w.agent, ticket=w.ticket, body_text="Internal"),
        [(EventVerb.NOTE_ADDED, set(), set(), True)],
    ),
    (
        "note_add of unverified agent mail",
        None,
        lambda w: services.note_add(
            actor=None, ticket=w.ticket, body_text="Forged?", unverified_agent=w.agent
        ),
        [(EventVerb.NOTE_ADDED, set(), {"unverified_agent"}, True)],
    ),
    (
        "participants_add",
        None,
        lambda w: services.participants_add(
            actor=w.customer, ticket=w.ticket, users=[CustomerFactory()]
        ),
        [PARTICIPANT],
    ),
    (
        "requester_language_set",
        None,
        lambda w: services.requester_language_set(actor=w.agent, ticket=w.ticket, language="de"),
        [(EventVerb.REQUESTER_LANGUAGE_CHANGED, {"language"}, {"language"}, False)],
    ),
    (
        "ticket_assign",
        None,
        lambda w: services.ticket_assign(actor=w.agent, ticket=w.ticket, assignee=w.agent),
        [(EventVerb.ASSIGNED, PERSON, PERSON, False)],
    ),
    (
        "ticket_set_status",
        None,
        lambda w: services.ticket_set_status(actor=w.agent, ticket=w.ticket, status=Status.SOLVED),
        [(EventVerb.STATUS_CHANGED, STATUS, STATUS, False)],
    ),
    (
        "ticket_set_status closed",
        None,
        lambda w: services.ticket_set_status(actor=w.agent, ticket=w.ticket, status=Status.CLOSED),
        [(EventVerb.CLOSED, STATUS, STATUS, False)],
    ),
    (
        "ticket_set_priority",
        None,
        lambda w: services.ticket_set_priority(actor=w.agent, ticket=w.ticket, priority=3),
        [(EventVerb.PRIORITY_CHANGED, {"priority"}, {"priority"}, False)],
    ),
    (
        "ticket_move",
        None,
        lambda w: services.ticket_move(
            actor=w.agent, ticket=w.ticket, department=w.other_department
        ),
        [(EventVerb.MOVED, {"department", "assignee"}, {"department", "assignee"}, False)],
    ),
    (
        "ticket_close",
        None,
        lambda w: services.ticket_close(actor=w.customer, ticket=w.ticket),
        [(EventVerb.CLOSED, STATUS, STATUS, False)],
    ),
    (
        "ticket_reopen",
        lambda w: _answered(w, Status.SOLVED),
        lambda w: services.ticket_reopen(actor=w.customer, ticket=w.ticket),
        [(EventVerb.REOPENED, STATUS, STATUS, False)],
    ),
    (
        "tickets_close_solved",
        _solved_long_ago,
        lambda w: services.tickets_close_solved(),
        [(EventVerb.CLOSED, STATUS, STATUS, False)],
    ),
    (
        "rating_set",
        lambda w: _answered(w, Status.SOLVED),
        lambda w: services.rating_set(actor=w.customer, ticket=w.ticket, score="good"),
        [(EventVerb.RATED, set(), {"score", "comment", "via"}, False)],
    ),
    (
        "tickets_bulk_apply",
        None,
        lambda w: tickets_bulk_apply(actor=w.agent, tickets=[w.ticket], action="priority", value=4),
        [(EventVerb.PRIORITY_CHANGED, {"priority"}, {"priority"}, False)],
    ),
    (
        "ticket_split",
        _second_message,
        _split,
        [
            (EventVerb.OPENED, set(), OPENED_AFTER | {"split_from"}, True),
            (EventVerb.SPLIT, set(), {"ticket", "message", "department"}, False),
        ],
    ),
    ("ticket_merge", _second_ticket, _merge, [MERGED_FROM, MERGE_CLOSED, MERGED]),
    (
        "ticket_merge of another requester's ticket",
        _second_ticket_of_a_stranger,
        lambda w: _merge(w, confirm_organizations=True),
        [PARTICIPANT, MERGED_FROM, MERGE_CLOSED, MERGED],
    ),
    (
        "ticket_tags_set",
        _tagged,
        lambda w: field_services.ticket_tags_set(
            actor=w.agent, ticket=w.ticket, names=["VIP", "urgent"]
        ),
        [(EventVerb.TAGS_CHANGED, {"tags"}, {"tags", "added", "removed"}, False)],
    ),
    (
        "ticket_tags_add",
        None,
        lambda w: field_services.ticket_tags_add(actor=w.agent, ticket=w.ticket, names=["vip"]),
        [(EventVerb.TAGS_CHANGED, {"tags"}, {"tags", "added", "removed"}, False)],
    ),
    (
        "ticket_tags_remove",
        _tagged,
        lambda w: field_services.ticket_tags_remove(actor=w.agent, ticket=w.ticket, names=["VIP"]),
        [(EventVerb.TAGS_CHANGED, {"tags"}, {"tags", "added", "removed"}, False)],
    ),
    (
        "ticket_fields_set",
        None,
        lambda w: field_services.ticket_fields_set(
            actor=w.agent, ticket=w.ticket, values={_field(w): "VPS cs1234"}
        ),
        [(EventVerb.FIELDS_CHANGED, {"fields"}, {"fields"}, False)],
    ),
    (
        "tickets_bulk_apply tag_add",
        None,
        lambda w: tickets_bulk_apply(
            actor=w.agent, tickets=[w.ticket], action="tag_add", value=["vip"]
        ),
        [(EventVerb.TAGS_CHANGED, {"tags"}, {"tags", "added", "removed"}, False)],
    ),
    (
        "mail appended by the gateway, with a person in Cc",
        None,
        lambda w: receive(
            plain(
                sender=w.customer.email,
                to=reply_address(w.department.sender_address, w.ticket.number),
                subject=f"Re: [#{w.ticket.number}] Server does not answer",
                headers={"Cc": "olga@example.ru"},
            )
        ),
        [MESSAGE, PARTICIPANT],
    ),
]


@pytest.fixture
def published(monkeypatch) -> list[TicketEvent]:
    """Every event published from here on, as an in-transaction subscriber sees it."""
    seen: list[TicketEvent] = []
    monkeypatch.setattr(events, "_subscribers", dict(events._subscribers))
    events.subscribe(phase=events.IN_TRANSACTION, name="test.published")(seen.append)
    return seen


@pytest.fixture
def world(customer, department, other_department) -> World:
    agent = AgentFactory(name="Anna Agent", departments=[department])
    CustomerFactory(email="olga@example.ru")
    return World(customer, agent, department, other_department, open_ticket(customer, department))


@pytest.mark.parametrize(("name", "prepare", "call", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_service_publishes_the_events_of_its_change(
    world, published, name, prepare, call, expected
):
    """Issue 16: what a subscriber learns is what the service changed (docs/events.md)."""
    if prepare:
        prepare(world)
    published.clear()
    call(world)
    got = [(e.verb, set(e.before), set(e.after), e.message_id is not None) for e in published]
    assert got == expected
    stored = TicketEvent.objects.filter(pk__in=[e.pk for e in published]).count()
    assert stored == len(published), "every published event is the stored audit line"
