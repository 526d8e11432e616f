"""Custom fields per department (issue 11): typed values, validation, events, access."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from helpdesk.errors import ActionNotAllowed, NotPermitted
from tests.fields.conftest import make_field
from tickets import services
from tickets.fields.models import FieldKind, FieldValue
from tickets.fields.selectors import ticket_fields
from tickets.fields.services import ticket_fields_set
from tickets.models import EventVerb, Status

pytestmark = pytest.mark.django_db


def values(ticket) -> dict:
    return {entry.field.key: entry.value for entry in ticket_fields(ticket)}


def test_values_are_stored_typed(agent, ticket, fields):
    ticket_fields_set(
        actor=agent,
        ticket=ticket,
        values={
            fields["plan"]: "  VPS cs1234 ",
            fields["cores"]: "2,5",
            fields["os"]: "linux",
            fields["since"]: "31.01.2026",
            fields["backup"]: True,
        },
    )
    assert values(ticket) == {
        "plan": "VPS cs1234",
        "cores": Decimal("2.5"),
        "os": "Linux",
        "since": date(2026, 1, 31),
        "backup": True,
        "secret": None,
    }
    row = FieldValue.objects.get(ticket=ticket, field=fields["cores"])
    assert (row.number, row.text, row.date, row.flag) == (Decimal("2.5"), "", None, None)


def test_a_change_records_one_event_with_the_changed_fields_only(agent, ticket, fields):
    ticket_fields_set(actor=agent, ticket=ticket, values={fields["cores"]: "4"})
    ticket_fields_set(actor=agent, ticket=ticket, values={fields["cores"]: "8", fields["plan"]: ""})
    event = ticket.events.filter(verb=EventVerb.FIELDS_CHANGED).latest("id")
    assert event.before == {"fields": {"cores": {"name": "Cores", "value": "4"}}}
    assert event.after == {"fields": {"cores": {"name": "Cores", "value": "8"}}}
    assert ticket.events.filter(verb=EventVerb.FIELDS_CHANGED).count() == 2


def test_clearing_a_value_deletes_it(agent, ticket, fields):
    ticket_fields_set(actor=agent, ticket=ticket, values={fields["plan"]: "Gold"})
    ticket_fields_set(actor=agent, ticket=ticket, values={fields["plan"]: ""})
    assert not FieldValue.objects.filter(ticket=ticket).exists()


@pytest.mark.parametrize(
    ("key", "wrong"),
    [
        ("cores", "four"),
        ("cores", "NaN"),
        ("cores", "Infinity"),
        ("cores", "1e400"),
        ("cores", "1.00001"),
        ("cores", True),
        ("os", "Solaris"),
        ("since", "31.02.2026"),
        ("since", "tomorrow"),
        ("backup", "maybe"),
        ("plan", "x" * 501),
        ("plan", "nul\x00byte"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_and_nothing_changes(
    agent, ticket, fields, key, wrong
):
    """Issue 11, bad input: a clear message naming the field; no value, no event, even for
    the right values sent with it."""
    events = ticket.events.count()
    with pytest.raises(ActionNotAllowed) as refused:
        ticket_fields_set(
            actor=agent, ticket=ticket, values={fields["plan"]: "Gold", fields[key]: wrong}
        )
    assert fields[key].name in refused.value.message
    assert not FieldValue.objects.filter(ticket=ticket).exists()
    assert ticket.events.count() == events


def test_a_field_of_another_department_is_refused(agent, ticket, other_department):
    foreign = make_field(other_department, "contract")
    with pytest.raises(ActionNotAllowed, match="does not belong"):
        ticket_fields_set(actor=agent, ticket=ticket, values={foreign: "C-1"})
    assert not FieldValue.objects.exists()


def test_an_inactive_field_is_refused(agent, ticket, fields):
    fields["plan"].is_active = False
    fields["plan"].save()
    with pytest.raises(ActionNotAllowed):
        ticket_fields_set(actor=agent, ticket=ticket, values={fields["plan"]: "Gold"})


def test_a_required_field_cannot_be_cleared(agent, ticket, department):
    required = make_field(department, "contract", required=True)
    ticket_fields_set(actor=agent, ticket=ticket, values={required: "C-1"})
    with pytest.raises(ActionNotAllowed, match="required"):
        ticket_fields_set(actor=agent, ticket=ticket, values={required: " "})
    assert values(ticket)["contract"] == "C-1"


def test_an_agent_of_another_department_cannot_set_fields(agent_other_department, ticket, fields):
    with pytest.raises(NotPermitted):
        ticket_fields_set(
            actor=agent_other_department, ticket=ticket, values={fields["plan"]: "Gold"}
        )


def test_a_closed_ticket_keeps_its_fields(agent, ticket, fields):
    services.ticket_set_status(actor=agent, ticket=ticket, status=Status.CLOSED)
    with pytest.raises(ActionNotAllowed):
        ticket_fields_set(actor=agent, ticket=ticket, values={fields["plan"]: "Gold"})


def test_a_choice_field_needs_choices(department):
    field = make_field(department, "tier", FieldKind.CHOICE)
    with pytest.raises(ValidationError):
        field.full_clean()
