"""The ticket workspace: the whole history on one page, the requester beside it (R7, R8, R16)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Service
from tests.factories import (
    AgentFactory,
    CustomerFactory,
    DepartmentFactory,
    ServiceFactory,
    open_ticket,
    upload,
)
from tickets import services
from tickets.models import Priority, Status

pytestmark = pytest.mark.django_db


def page(client, ticket) -> str:
    response = client.get(reverse("staff:ticket", args=[ticket.number]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_whole_history_is_on_one_page_in_order(
    client, agent, customer, department, other_department, png
):
    ticket = open_ticket(customer, department, body="Сайт не открывается с утра.")
    services.note_add(actor=agent, ticket=ticket, body_text="Проверил логи nginx.")
    services.reply_add(
        actor=agent,
        ticket=ticket,
        body_text="Перезапустили php-fpm.",
        attachments=[upload(png, "скриншот.png")],
    )
    services.message_add_web(actor=customer, ticket=ticket, body_text="Спасибо, работает!")
    services.ticket_set_priority(actor=agent, ticket=ticket, priority=Priority.HIGH)
    client.force_login(agent)
    html = page(client, ticket)
    order = [
        "Сайт не открывается с утра.",
        "Проверил логи nginx.",
        "Перезапустили php-fpm.",
        "assigned to Anna Agent",
        "status New → Open",
        "Спасибо, работает!",
        "priority Normal → High",
    ]
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions)
    assert "скриншот.png" in html


def test_replies_carry_the_agents_name_and_notes_look_different(
    client, agent, customer, department
):
    ticket = open_ticket(customer, department)
    services.reply_add(actor=agent, ticket=ticket, body_text="PUBLIC-REPLY")
    services.note_add(actor=agent, ticket=ticket, body_text="INTERNAL-NOTE")
    client.force_login(agent)
    html = page(client, ticket)
    reply = re.search(r'<article class="msg agent"[^>]*>(.*?)</article>', html, re.S).group(1)
    assert "Anna Agent" in reply and "PUBLIC-REPLY" in reply
    note = re.search(r'<article class="msg note"[^>]*>(.*?)</article>', html, re.S).group(1)
    assert "Internal note" in note and "INTERNAL-NOTE" in note


def test_a_deactivated_agent_keeps_his_name_and_is_not_offered_as_assignee(
    client, manager, customer, department
):
    former = AgentFactory(name="Frank Former", departments=[department])
    current = AgentFactory(name="Carla Current", departments=[department])
    ticket = open_ticket(customer, department)
    services.reply_add(actor=former, ticket=ticket, body_text="Done by Frank.")
    former.is_active = False
    former.save()
    client.force_login(manager)
    response = client.get(reverse("staff:ticket", args=[ticket.number]))
    html = response.content.decode()
    assert re.search(r'<article class="msg agent".*?Frank Former.*?Done by Frank\.', html, re.S)
    assert response.context["assignees"] == [current]
    # He is still shown as the assignee he was, but cannot be chosen again.
    assert response.context["assignee_elsewhere"] is True
    assert f'<option value="{former.pk}" selected disabled>Frank Former</option>' in html


def test_the_requester_card_shows_organization_services_and_other_tickets(
    client, agent, department, other_department, organization
):
    requester = CustomerFactory(name="Ольга Смирнова", organization=organization)
    ServiceFactory(name="VPS cs1234", customer=requester)
    ServiceFactory(name="Хостинг «Старт»", organization=organization)
    ServiceFactory(name="Old plan", customer=requester, is_active=False)
    ServiceFactory(name="Someone else's", customer=CustomerFactory())
    ticket = open_ticket(requester, department, subject="Current")
    earlier = open_ticket(requester, department, subject="Earlier problem")
    services.reply_add(actor=agent, ticket=earlier, body_text="Fixed", status=Status.SOLVED)
    elsewhere = open_ticket(requester, other_department, subject="Billing question")
    client.force_login(agent)
    response = client.get(reverse("staff:ticket", args=[ticket.number]))
    card = response.context["card"]
    assert [service.name for service in card.services] == ["VPS cs1234", "Хостинг «Старт»"]
    assert card.other_tickets == [earlier]  # Billing is not his department
    html = response.content.decode()
    assert "ООО «Ромашка»" in html and "members share tickets" in html
    assert reverse("staff:ticket", args=[earlier.number]) in html
    assert "Billing question" not in html and elsewhere.number not in [
        t.number for t in card.other_tickets
    ]
    assert Service.objects.count() == 4


def test_a_manager_sees_the_requesters_tickets_in_every_department(
    client, manager, customer, department, other_department
):
    ticket = open_ticket(customer, department)
    elsewhere = open_ticket(customer, other_department, subject="Billing question")
    client.force_login(manager)
    card = client.get(reverse("staff:ticket", args=[ticket.number])).context["card"]
    assert card.other_tickets == [elsewhere]


def test_the_controls_offer_agents_of_the_department_and_every_active_department(
    client, agent, customer, department, other_department, agent_other_department
):
    closed_department = DepartmentFactory(name="Old team", is_active=False)
    ticket = open_ticket(customer, department)
    client.force_login(agent)
    response = client.get(reverse("staff:ticket", args=[ticket.number]))
    assert response.context["assignees"] == [agent]
    assert set(response.context["departments"]) == {department, other_department}
    assert closed_department not in response.context["departments"]
    html = response.content.decode()
    assert 'name="assignee"' in html and "Sam Sales" not in html
    assert '<option value="new"' not in html  # agents may set any status but new


def test_the_number_of_queries_does_not_grow_with_the_conversation(
    client, agent, customer, department, png
):
    ticket = open_ticket(customer, department)
    client.force_login(agent)
    with CaptureQueriesContext(connection) as short:
        page(client, ticket)
    for index in range(6):
        services.reply_add(
            actor=agent,
            ticket=ticket,
            body_text=f"Reply {index}",
            attachments=[upload(png, f"{index}.png")],
        )
        services.message_add_web(actor=customer, ticket=ticket, body_text=f"Answer {index}")
    with CaptureQueriesContext(connection) as long:
        page(client, ticket)
    assert len(long) == len(short)
