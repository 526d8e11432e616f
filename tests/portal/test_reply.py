"""Writing into a ticket: files, reopening a solved ticket, a follow-up past the window (P4)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.factories import open_ticket
from tests.helpers import png_bytes
from tickets import services
from tickets.models import EventVerb, Status, Ticket

pytestmark = pytest.mark.django_db


def reply(client, ticket, body="Всё ещё не работает.", **fields):
    return client.post(f"/tickets/{ticket.number}/reply/", {"body": body, **fields})


def test_a_reply_with_an_attachment_is_added(client, customer, department):
    ticket = open_ticket(customer, department)
    client.force_login(customer)
    image = SimpleUploadedFile("снимок экрана.png", png_bytes(), "image/png")
    response = reply(client, ticket, attachments=[image])
    message = ticket.messages.last()
    assert response["Location"] == f"/tickets/{ticket.number}/#message-{message.pk}"
    assert message.body_text == "Всё ещё не работает." and message.author == customer
    assert [a.filename for a in message.attachments.all()] == ["снимок экрана.png"]


def test_a_message_into_a_solved_ticket_reopens_it(client, customer, agent, department):
    ticket = open_ticket(customer, department)
    services.reply_add(actor=agent, ticket=ticket, body_text="Fixed", status=Status.SOLVED)
    client.force_login(customer)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "reopen-note" in page
    reply(client, ticket)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.events.filter(verb=EventVerb.REOPENED).exists()


def test_a_message_into_a_closed_ticket_reopens_it_within_the_window(client, customer, department):
    ticket = open_ticket(customer, department)
    services.ticket_close(actor=customer, ticket=ticket)
    client.force_login(customer)
    reply(client, ticket)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and Ticket.objects.count() == 1


def test_past_the_window_the_message_opens_a_new_linked_ticket(
    client, customer, department, settings
):
    ticket = open_ticket(customer, department, subject="Старая проблема")
    services.ticket_close(actor=customer, ticket=ticket)
    Ticket.objects.filter(pk=ticket.pk).update(
        closed_at=timezone.now() - timedelta(days=settings.TICKET_REOPEN_DAYS + 1)
    )
    client.force_login(customer)
    assert "follow-up-note" in client.get(f"/tickets/{ticket.number}/").content.decode()
    response = reply(client, ticket, body="Опять то же самое")
    follow_up = Ticket.objects.exclude(pk=ticket.pk).get()
    assert response["Location"] == f"/tickets/{follow_up.number}/"
    assert follow_up.linked_ticket == ticket and follow_up.subject == "Старая проблема"
    assert follow_up.messages.get().body_text == "Опять то же самое"
    page = client.get(response["Location"]).content.decode()
    assert f"#{ticket.number}" in page
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_an_empty_reply_is_refused(client, customer, department):
    ticket = open_ticket(customer, department)
    client.force_login(customer)
    response = reply(client, ticket, body="   ")
    assert response.status_code == 200 and "body" in response.context["reply_form"].errors
    assert ticket.messages.count() == 1


def test_a_file_alone_is_a_reply(client, customer, department):
    ticket = open_ticket(customer, department)
    client.force_login(customer)
    reply(client, ticket, body="", attachments=[SimpleUploadedFile("a.png", png_bytes())])
    assert ticket.messages.count() == 2


def test_another_customer_cannot_write_into_the_ticket(
    client, other_customer, customer, department
):
    ticket = open_ticket(customer, department)
    client.force_login(other_customer)
    assert reply(client, ticket).status_code == 404
    assert ticket.messages.count() == 1


def test_replying_needs_post_and_csrf(customer, department):
    ticket = open_ticket(customer, department)
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    assert client.get(f"/tickets/{ticket.number}/reply/").status_code == 405
    assert reply(client, ticket).status_code == 403
    assert ticket.messages.count() == 1
