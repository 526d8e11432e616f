"""Mail in the agent's timeline: HTML shown sanitized, inline images in place, quoted
history folded but kept, image files as small thumbnails (issue 5 "Parsing"; R7, R13)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import upload
from tests.helpers import png_bytes
from tests.mailgateway.conftest import receive
from tests.mailgateway.html_mails import HOSTILE, HOSTILE_LEFTOVERS, html_mail
from tickets import services
from tickets.models import Message

pytestmark = pytest.mark.django_db


def page_of(client, ticket) -> str:
    response = client.get(reverse("staff:ticket", args=[ticket.number]))
    assert response.status_code == 200
    return response.content.decode()


def article(page: str, message: Message) -> str:
    match = re.search(rf'<article [^>]*id="message-{message.pk}">(.*?)</article>', page, re.S)
    assert match, f"message {message.pk} is not on the page"
    return match.group(1)


def mailed(raw: bytes) -> Message:
    mail = receive(raw)
    assert mail.message is not None, mail.last_error
    return mail.message


def test_an_html_mail_shows_its_inline_image_in_place_and_folds_the_quote(
    client, agent, customer, department
):
    screenshot = png_bytes((640, 480), "green")
    message = mailed(html_mail(attachments=[("ошибка.png", "image/png", screenshot)]))
    inline = message.attachments.get(filename="image001.png")
    attached = message.attachments.get(filename="ошибка.png")
    client.force_login(agent)
    shown = article(page_of(client, message.ticket), message)
    assert f'<img src="/files/{inline.pk}/" alt="снимок экрана"' in shown
    reply, quoted = shown.split('<details class="quoted"><summary>Show quoted text</summary>')
    assert "Спасибо, Иван" in reply and "QUOTED-HISTORY" not in reply
    assert "QUOTED-HISTORY" in quoted
    # The attached image is a small thumbnail linking to the full file; the inline one
    # is not listed twice.
    assert f'<img class="thumb" src="/files/{attached.pk}/thumbnail/"' in shown
    assert "image001.png" not in shown
    assert client.get(f"/files/{attached.pk}/thumbnail/")["Content-Type"] == "image/jpeg"


def test_a_hostile_html_mail_is_shown_sanitized(client, agent, customer, department):
    message = mailed(html_mail(html=HOSTILE))
    client.force_login(agent)
    shown = article(page_of(client, message.ticket), message)
    for leftover in HOSTILE_LEFTOVERS:
        assert leftover not in shown.lower(), leftover
    assert "VISIBLE-TEXT" in shown
    assert '<span class="image-blocked" title="Image not loaded">Company logo</span>' in shown


def test_notes_and_replies_show_their_images_as_thumbnails(client, agent, customer, department):
    message = mailed(html_mail())
    note = services.note_add(
        actor=agent,
        ticket=message.ticket,
        body_text="Вот что видит клиент",
        attachments=[upload(png_bytes(), "note.png")],
    )
    client.force_login(agent)
    shown = article(page_of(client, message.ticket), note)
    image = note.attachments.get()
    assert f'src="/files/{image.pk}/thumbnail/"' in shown and "note.png" in shown


def test_an_agent_of_another_department_gets_404_for_the_ticket_and_its_images(
    client, agent_other_department, customer, department
):
    message = mailed(html_mail())
    image = message.attachments.get()
    client.force_login(agent_other_department)
    assert client.get(reverse("staff:ticket", args=[message.ticket.number])).status_code == 404
    assert client.get(f"/files/{image.pk}/").status_code == 404
    assert client.get(f"/files/{image.pk}/thumbnail/").status_code == 404


def test_the_timeline_costs_the_same_queries_however_many_html_mails_it_shows(
    client, agent, customer, department, django_assert_num_queries
):
    ticket = mailed(html_mail()).ticket
    client.force_login(agent)
    page_of(client, ticket)  # the presence cache and the session settle
    with CaptureQueriesContext(connection) as few:
        page_of(client, ticket)
    for n in range(5):
        receive(html_mail(subject=f"Re: [#{ticket.number}] more {n}"))
        services.reply_add(
            actor=agent,
            ticket=ticket,
            body_text=f"Ответ {n}",
            attachments=[upload(png_bytes(), "r.png")],
        )
    with django_assert_num_queries(len(few)):
        page = page_of(client, ticket)
    assert page.count('<div class="body html">') == 6
