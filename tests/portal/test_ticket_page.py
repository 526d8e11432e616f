"""The ticket page: the whole public conversation, oldest first, with names and files (R7, R8)."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from tests.factories import AgentFactory, open_ticket, upload
from tests.helpers import png_bytes
from tests.portal.pages import unlabelled_fields
from tickets import services, thumbnails
from tickets.models import Attachment, Message, MessageKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(customer, agent, department):
    ticket = open_ticket(
        customer,
        department,
        subject="Сайт не открывается",
        body="Первое сообщение\nвторая строка",
        attachments=[upload(png_bytes((640, 480)), "скриншот.png")],
    )
    services.note_add(actor=agent, ticket=ticket, body_text="INTERNAL-ONLY note")
    services.reply_add(
        actor=agent, ticket=ticket, body_text="Ответ агента https://status.example.com"
    )
    Message.objects.create(
        ticket=ticket, kind=MessageKind.SYSTEM, channel="web", body_text="SYSTEM-ONLY event"
    )
    return ticket


def page_of(client, ticket) -> str:
    response = client.get(f"/tickets/{ticket.number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_conversation_is_public_and_oldest_first(client, customer, ticket):
    client.force_login(customer)
    page = page_of(client, ticket)
    assert page.index("Первое сообщение") < page.index("Ответ агента")
    assert "Первое сообщение\nвторая строка" in page
    assert "INTERNAL-ONLY" not in page and "SYSTEM-ONLY" not in page
    assert 'href="https://status.example.com"' in page, "links are clickable"


def test_each_message_names_its_author_and_agents_by_name(client, customer, ticket):
    client.force_login(customer)
    page = page_of(client, ticket)
    assert "Anna Agent" in page and "Иван Петров" in page


def test_a_departed_agent_keeps_his_name(client, customer, department):
    gone = AgentFactory(name="Boris Former", departments=[department])
    ticket = open_ticket(customer, department)
    services.reply_add(actor=gone, ticket=ticket, body_text="Done.")
    gone.is_active = False
    gone.save()
    client.force_login(customer)
    assert "Boris Former" in page_of(client, ticket)


def test_images_have_thumbnails_and_the_reply_form_is_labelled(client, customer, ticket):
    client.force_login(customer)
    page = page_of(client, ticket)
    attachment = ticket.messages.first().attachments.get()
    assert f'src="/files/{attachment.pk}/thumbnail/"' in page
    assert "скриншот.png" in page
    assert unlabelled_fields(page) == []


def test_a_thumbnail_is_a_small_jpeg_made_once(client, customer, ticket):
    attachment = ticket.messages.first().attachments.get()
    client.force_login(customer)
    response = client.get(f"/files/{attachment.pk}/thumbnail/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.format == "JPEG" and image.size == (240, 180)
    path = thumbnails.thumbnail_path(attachment)
    assert default_storage.exists(path)
    made = default_storage.get_modified_time(path)
    client.get(f"/files/{attachment.pk}/thumbnail/")
    assert default_storage.get_modified_time(path) == made


def test_files_that_are_not_images_have_no_thumbnail(client, customer, department):
    ticket = open_ticket(customer, department, attachments=[upload(b"log line\n", "app.log")])
    client.force_login(customer)
    attachment = ticket.messages.get().attachments.get()
    assert client.get(f"/files/{attachment.pk}/thumbnail/").status_code == 404
    page = page_of(client, ticket)
    assert "thumbnail" not in page and "download" in page


def test_another_customers_ticket_and_thumbnail_are_404(client, other_customer, ticket):
    client.force_login(other_customer)
    attachment = ticket.messages.first().attachments.get()
    assert client.get(f"/tickets/{ticket.number}/").status_code == 404
    assert client.get(f"/files/{attachment.pk}/thumbnail/").status_code == 404
    assert client.get(f"/files/{attachment.pk}/").status_code == 404


def test_the_attachment_of_an_internal_note_is_404_for_the_customer(
    client, customer, agent, ticket
):
    note = services.note_add(
        actor=agent, ticket=ticket, body_text="see", attachments=[upload(png_bytes(), "n.png")]
    )
    attachment = note.attachments.get()
    client.force_login(customer)
    assert client.get(f"/files/{attachment.pk}/thumbnail/").status_code == 404
    client.force_login(agent)
    assert client.get(f"/files/{attachment.pk}/thumbnail/").status_code == 200


def test_a_nonexistent_ticket_is_the_same_404(client, customer):
    client.force_login(customer)
    assert client.get("/tickets/999999/").status_code == 404


def test_a_follow_up_links_to_the_earlier_ticket_only_when_visible(
    client, customer, other_customer, department
):
    earlier = open_ticket(customer, department, subject="Earlier one")
    later = open_ticket(customer, department, subject="Later one", linked_ticket=earlier)
    stranger = open_ticket(other_customer, department, subject="Not yours", linked_ticket=earlier)
    client.force_login(customer)
    assert f"/tickets/{earlier.number}/" in page_of(client, later)
    earlier_page = page_of(client, earlier)
    assert f"/tickets/{later.number}/" in earlier_page
    assert "Not yours" not in earlier_page and f"#{stranger.number}" not in earlier_page


def test_the_page_costs_the_same_number_of_queries_for_any_number_of_messages(
    client, customer, agent, department, django_assert_num_queries
):
    ticket = open_ticket(customer, department, attachments=[upload(png_bytes(), "a.png")])
    client.force_login(customer)
    # 9: one finds the tickets a split or a merge linked to it, one the custom fields
    # shown to customers (issue 11).
    with django_assert_num_queries(9) as few:
        client.get(f"/tickets/{ticket.number}/")
    for n in range(6):
        services.reply_add(actor=agent, ticket=ticket, body_text=f"Reply {n}")
        services.message_add_web(
            actor=customer,
            ticket=ticket,
            body_text=f"Answer {n}",
            attachments=[upload(png_bytes(), f"{n}.png")],
        )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(f"/tickets/{ticket.number}/")


def test_a_broken_image_from_a_mail_gets_no_thumbnail_but_stays_downloadable(
    client, customer, department
):
    ticket = open_ticket(customer, department)
    message = ticket.messages.get()
    broken = Attachment(
        message=message, filename="broken.png", content_type="image/png", size=9, sha256="0" * 64
    )
    broken.file.save("broken.png", ContentFile(b"not a png"), save=True)
    client.force_login(customer)
    assert client.get(f"/files/{broken.pk}/thumbnail/").status_code == 404
    assert client.get(f"/files/{broken.pk}/").status_code == 200
