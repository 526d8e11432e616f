"""Replies and internal notes from the workspace, with files and "send and set" (R8, R13, R16)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.staff.conftest import seen
from tickets import services
from tickets.models import EventVerb, Message, MessageKind, Status

pytestmark = pytest.mark.django_db


def send(client, ticket, **data):
    data.setdefault("kind", "reply")
    data.setdefault("seen", seen(ticket))
    return client.post(reverse("staff:ticket_reply", args=[ticket.number]), data)


def test_a_reply_is_sent_with_the_agents_name_and_its_event(client, agent, ticket):
    client.force_login(agent)
    response = send(client, ticket, body="Перезагрузили сервер, проверьте, пожалуйста.")
    message = Message.objects.get(kind=MessageKind.AGENT)
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("staff:ticket", args=[ticket.number]) + f"#message-{message.pk}"
    )
    assert message.author == agent and message.body_text.startswith("Перезагрузили")
    assert ticket.events.filter(verb=EventVerb.REPLIED, message=message, actor=agent).exists()
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.assignee == agent


@pytest.mark.parametrize("then", [Status.PENDING, Status.SOLVED])
def test_send_and_set_a_status(client, agent, ticket, then):
    client.force_login(agent)
    send(client, ticket, body="Please check.", then=then)
    ticket.refresh_from_db()
    assert ticket.status == then
    assert ticket.events.filter(verb=EventVerb.STATUS_CHANGED, after={"status": then}).exists()


def test_a_note_stays_internal_and_writes_its_event(client, agent, customer, ticket):
    client.force_login(agent)
    send(client, ticket, kind="note", body="Клиент звонил, ждёт до вечера.")
    note = Message.objects.get(kind=MessageKind.NOTE)
    assert note.author == agent
    assert ticket.events.filter(verb=EventVerb.NOTE_ADDED, message=note).exists()
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW  # a note answers nobody
    client.force_login(customer)
    portal = client.get(reverse("portal:ticket", args=[ticket.number])).content.decode()
    assert "Клиент звонил" not in portal


def test_a_note_does_not_change_the_status(client, agent, ticket):
    client.force_login(agent)
    response = send(client, ticket, kind="note", body="Hm.", then=Status.SOLVED)
    assert response.status_code == 200
    assert "An internal note does not change the status" in response.content.decode()
    assert not Message.objects.filter(kind=MessageKind.NOTE).exists()


def test_a_reply_with_attachments(client, agent, ticket, png):
    client.force_login(agent)
    files = [
        SimpleUploadedFile("схема сети.png", png, content_type="image/png"),
        SimpleUploadedFile("log.txt", "строка журнала\n".encode(), content_type="text/plain"),
    ]
    send(client, ticket, body="Смотрите вложения.", attachments=files, then=Status.PENDING)
    message = Message.objects.get(kind=MessageKind.AGENT)
    assert sorted(a.filename for a in message.attachments.all()) == ["log.txt", "схема сети.png"]
    assert {a.content_type for a in message.attachments.all()} == {"image/png", "text/plain"}


def test_attachments_alone_are_a_reply(client, agent, ticket, png):
    client.force_login(agent)
    send(client, ticket, body="", attachments=[SimpleUploadedFile("a.png", png)])
    assert Message.objects.filter(kind=MessageKind.AGENT).count() == 1


def test_a_file_of_a_kind_we_do_not_accept_is_refused_with_its_name(client, agent, ticket):
    client.force_login(agent)
    fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00\x03 not a pdf at all", "application/pdf")
    response = send(client, ticket, body="See attached.", attachments=[fake])
    assert response.status_code == 200
    assert "invoice.pdf" in response.content.decode()
    assert "a kind of file we do not accept" in response.content.decode()
    assert not Message.objects.filter(kind=MessageKind.AGENT).exists()


def test_too_many_files_are_refused(client, agent, ticket, png, settings):
    settings.ATTACHMENT_MAX_FILES = 2
    client.force_login(agent)
    files = [SimpleUploadedFile(f"{i}.png", png) for i in range(3)]
    response = send(client, ticket, body="x", attachments=files)
    assert "Attach at most 2 files." in response.content.decode()
    assert not Message.objects.filter(kind=MessageKind.AGENT).exists()


def test_an_empty_message_is_refused(client, agent, ticket):
    client.force_login(agent)
    response = send(client, ticket, body="   ")
    assert "Write a message or attach a file." in response.content.decode()
    assert not Message.objects.filter(kind=MessageKind.AGENT).exists()


def test_a_closed_ticket_refuses_a_reply_with_the_services_words_but_takes_a_note(
    client, agent, ticket
):
    services.ticket_close(actor=agent, ticket=ticket)
    client.force_login(agent)
    response = send(client, ticket, body="Late answer")
    assert response.status_code == 200
    assert "This ticket is closed and can no longer be changed" in response.content.decode()
    assert not Message.objects.filter(kind=MessageKind.AGENT).exists()
    send(client, ticket, kind="note", body="For the record.")
    assert Message.objects.filter(kind=MessageKind.NOTE).count() == 1


def test_what_was_written_survives_an_error(client, agent, ticket):
    client.force_login(agent)
    response = send(client, ticket, body="Ответ с ошибкой", then="closed")
    assert response.status_code == 200
    assert "Ответ с ошибкой" in response.content.decode()


def test_the_outsider_cannot_reply(client, agent_other_department, ticket):
    client.force_login(agent_other_department)
    assert send(client, ticket, body="Hello").status_code == 404
    assert not Message.objects.filter(kind=MessageKind.AGENT).exists()


def test_the_reply_box_reads_files_in_the_browsers_way(client, agent, ticket, png):
    """Files come as multipart uploads, several under one name."""
    client.force_login(agent)
    first = io.BytesIO(png)
    first.name = "one.png"
    second = io.BytesIO(png)
    second.name = "two.png"
    send(client, ticket, body="Two files", attachments=[first, second])
    assert Message.objects.get(kind=MessageKind.AGENT).attachments.count() == 2


def test_the_attachment_hint_is_worded_when_the_page_is_shown(client, agent, ticket, settings):
    """Not when the code is loaded: in the agent's language, with today's limits."""
    settings.ATTACHMENT_MAX_FILES = 3
    agent.language = "de"
    agent.save()
    client.force_login(agent)
    html = client.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert '<html lang="de">' in html
    assert "Bis zu 3 Dateien" in html
