"""Mail in the customer's conversation: HTML shown sanitized, inline images in place and
only through the permission-checked file view, quoted history folded but kept, nothing
internal (issue 5 "Parsing"; R7, R13, R16)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import open_ticket, upload
from tests.helpers import png_bytes
from tests.mailgateway.conftest import receive
from tests.mailgateway.html_mails import HOSTILE, HOSTILE_LEFTOVERS, html_mail
from tickets import services
from tickets.models import Attachment, Channel, Message

pytestmark = pytest.mark.django_db


def page_of(client, ticket) -> str:
    response = client.get(f"/tickets/{ticket.number}/")
    assert response.status_code == 200
    return response.content.decode()


def article(page: str, message: Message) -> str:
    match = re.search(rf'<article [^>]*id="message-{message.pk}">(.*?)</article>', page, re.S)
    assert match, f"message {message.pk} is not on the page"
    return match.group(1)


def mailed_ticket(raw: bytes):
    mail = receive(raw)
    assert mail.message is not None, mail.last_error
    return mail.ticket, mail.message


def test_an_html_mail_shows_its_inline_image_in_place_and_folds_the_quote(
    client, customer, department
):
    ticket, message = mailed_ticket(
        html_mail(attachments=[("журнал.txt", "text/plain", b"log line\n")])
    )
    image = message.attachments.get(content_id__gt="")
    log = message.attachments.get(filename="журнал.txt")
    client.force_login(customer)
    shown = article(page_of(client, ticket), message)
    assert '<div class="body html">' in shown
    assert "После обновления панель показывает ошибку" in shown
    assert f'<img src="/files/{image.pk}/" alt="снимок экрана"' in shown
    reply, quoted = shown.split('<details class="quoted">')
    assert "QUOTED-HISTORY" not in reply, "the history is folded away..."
    assert "QUOTED-HISTORY" in quoted and "<b>From:</b>" in quoted, "...never deleted"
    assert "image001.png" not in shown, "an image shown in place is not listed again"
    assert reverse("files:attachment_named", args=[log.pk, log.filename]) + "?download=1" in shown
    assert client.get(f"/files/{image.pk}/").status_code == 200


def test_a_hostile_html_mail_is_shown_sanitized_and_loads_nothing_remote(
    client, customer, department
):
    ticket, message = mailed_ticket(html_mail(html=HOSTILE))
    client.force_login(customer)
    shown = article(page_of(client, ticket), message)
    for leftover in HOSTILE_LEFTOVERS:
        assert leftover not in shown.lower(), leftover
    assert "VISIBLE-TEXT" in shown and "CELL" in shown and "OVERLAY" in shown
    assert 'style="color: red;"' in shown
    # Remote images: a placeholder with their description; a tracking pixel disappears.
    assert re.search(r'<span class="image-blocked" title="[^"]+">Company logo</span>', shown)
    body = shown.split('<ul class="attachments"')[0]
    assert body.count("<img") == 0
    assert (
        '<a href="https://ok.example/page" target="_blank" rel="noopener noreferrer nofollow">'
        "SAFE-LINK</a>" in shown
    )
    assert "<a>JS-LINK</a>" in shown and "<a>DATA-LINK</a>" in shown


def test_html_written_by_something_else_is_sanitized_again_on_the_page(
    client, customer, agent, department
):
    """body_html is sanitized when a mail arrives; the page does not rely on it."""
    ticket = open_ticket(customer, department, body="x", body_html=HOSTILE)
    client.force_login(customer)
    shown = article(page_of(client, ticket), ticket.messages.get())
    for leftover in HOSTILE_LEFTOVERS:
        assert leftover not in shown.lower(), leftover


def test_a_cid_can_only_show_an_image_of_its_own_message(client, customer, agent, department):
    """A customer's HTML naming the Content-ID of a file on an internal note gets no address
    for it (R16): images come only from the message's own attachments."""
    ticket = open_ticket(customer, department)
    note = services.note_add(
        actor=agent, ticket=ticket, body_text="INTERNAL", attachments=[upload(png_bytes(), "n.png")]
    )
    secret = note.attachments.get()
    Attachment.objects.filter(pk=secret.pk).update(content_id="secret@x")
    message = services.message_add_mail(
        actor=customer,
        ticket=ticket,
        body_text="see",
        body_html='<p>see <img src="cid:secret@x" alt="the secret"></p>',
    )
    client.force_login(customer)
    page = page_of(client, ticket)
    assert f"/files/{secret.pk}/" not in page and "INTERNAL" not in page
    assert "n.png" not in page
    shown = article(page, message)
    assert re.search(r'<span class="image-blocked" title="[^"]+">the secret</span>', shown)
    assert client.get(f"/files/{secret.pk}/").status_code == 404


def test_the_customer_never_sees_a_mailed_internal_note(client, customer, agent, department):
    """A bounce about the ticket becomes an internal note with the mail's files (R16)."""
    ticket, _message = mailed_ticket(html_mail())
    note = services.note_add(
        actor=None,
        ticket=ticket,
        body_text="Delivery failed (bounce). NOTE-TEXT",
        attachments=[upload(png_bytes(), "bounce.png")],
        channel=Channel.EMAIL,
    )
    client.force_login(customer)
    page = page_of(client, ticket)
    assert "NOTE-TEXT" not in page and f'id="message-{note.pk}"' not in page
    assert "bounce.png" not in page


def test_plain_text_mail_keeps_clickable_links_and_folds_its_quote(client, customer, department):
    ticket = open_ticket(
        customer,
        department,
        body="See https://status.example.com please.\n\nOn Mon, Anna wrote:\n> old https://old.example",
    )
    client.force_login(customer)
    shown = article(page_of(client, ticket), ticket.messages.get())
    assert '<a href="https://status.example.com" rel="nofollow">' in shown
    reply, quoted = shown.split('<details class="quoted">')
    assert "old.example" not in reply and '<a href="https://old.example"' in quoted


def test_the_page_costs_the_same_queries_however_many_html_mails_it_shows(
    client, customer, department, django_assert_num_queries
):
    ticket, _message = mailed_ticket(html_mail())
    client.force_login(customer)
    # 9: one finds the tickets a split or a merge linked to it, one the custom fields
    # shown to customers (issue 11).
    with django_assert_num_queries(9) as few:
        page_of(client, ticket)
    for n in range(5):
        raw = html_mail(subject=f"Re: [#{ticket.number}] more {n}", attachments=[
            ("log.txt", "text/plain", b"x\n")
        ])  # fmt: skip
        mail = receive(raw)
        assert mail.ticket == ticket
    with django_assert_num_queries(len(few.captured_queries)):
        page = page_of(client, ticket)
    assert page.count('<div class="body html">') == 6


def test_another_customer_gets_404_for_the_page_and_its_inline_image(
    client, other_customer, department
):
    ticket, message = mailed_ticket(html_mail())
    image = message.attachments.get()
    client.force_login(other_customer)
    assert client.get(f"/tickets/{ticket.number}/").status_code == 404
    assert client.get(f"/files/{image.pk}/").status_code == 404
    assert client.get(f"/files/{image.pk}/thumbnail/").status_code == 404
