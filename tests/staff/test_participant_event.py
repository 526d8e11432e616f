"""The timeline names who joined a ticket as a participant (issue 5, MAIL.md rule 9; R7)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import CustomerFactory, open_ticket
from tickets import services
from tickets.models import EventVerb, TicketEvent
from tickets.templatetags.helpdesk import event_text

pytestmark = pytest.mark.django_db


def test_the_event_names_the_person_added(customer, department):
    ticket = open_ticket(customer, department)
    colleague = CustomerFactory(name="Ольга Смирнова")
    services.participants_add(actor=customer, ticket=ticket, users=[colleague])
    event = TicketEvent.objects.get(ticket=ticket, verb=EventVerb.PARTICIPANT_ADDED)
    assert event_text(event) == "added Ольга Смирнова as a participant"


def test_the_name_is_the_one_recorded_then(customer, department):
    """The audit trail keeps the name as it was; a renamed account does not rewrite it."""
    ticket = open_ticket(customer, department)
    colleague = CustomerFactory(name="Old Name")
    services.participants_add(actor=customer, ticket=ticket, users=[colleague])
    colleague.name = "New Name"
    colleague.save()
    event = TicketEvent.objects.get(ticket=ticket, verb=EventVerb.PARTICIPANT_ADDED)
    assert event_text(event) == "added Old Name as a participant"


def test_an_event_without_a_name_keeps_the_general_wording(customer, department):
    ticket = open_ticket(customer, department)
    event = TicketEvent.objects.create(
        ticket=ticket, actor=customer, verb=EventVerb.PARTICIPANT_ADDED, after={}
    )
    assert event_text(event) == "added a participant"


def test_the_staff_timeline_shows_it(client, agent, customer, department):
    ticket = open_ticket(customer, department)
    colleague = CustomerFactory(name="Jane Colleague")
    services.participants_add(actor=agent, ticket=ticket, users=[colleague])
    client.force_login(agent)
    page = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert "<strong>Anna Agent</strong> added Jane Colleague as a participant" in page
