"""Attachments are served only through the permission-checked view (R13, issue 2)."""

import pytest

from tests.factories import open_ticket, upload
from tests.helpers import png_bytes
from tickets import services
from tickets.models import Attachment

pytestmark = pytest.mark.django_db

LOG = b"Nov 25 10:00:01 web1 nginx: upstream timed out\n"


@pytest.fixture
def ticket(customer, department):
    return open_ticket(
        customer,
        department,
        attachments=[upload(png_bytes(), "скриншот.png"), upload(LOG, "error <script>.log")],
    )


def url(attachment: Attachment) -> str:
    return f"/files/{attachment.pk}/"


def test_images_are_shown_inline_with_nosniff(client, customer, ticket):
    client.force_login(customer)
    image = ticket.messages.get().attachments.get(content_type="image/png")
    response = client.get(url(image))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert "filename*=utf-8''%D1%81%D0%BA%D1%80" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == png_bytes()


def test_other_files_are_always_downloads(client, customer, ticket):
    client.force_login(customer)
    log = ticket.messages.get().attachments.get(content_type="text/plain")
    response = client.get(url(log))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_stored_file_has_a_random_name(ticket):
    attachment = ticket.messages.get().attachments.first()
    assert "скриншот" not in attachment.file.name
    assert attachment.file.name.startswith("attachments/")


def test_another_customer_gets_404(client, other_customer, ticket):
    client.force_login(other_customer)
    attachment = ticket.messages.get().attachments.first()
    assert client.get(url(attachment)).status_code == 404


def test_customer_cannot_fetch_an_attachment_of_an_internal_note(client, customer, agent, ticket):
    note = services.note_add(
        actor=agent, ticket=ticket, body_text="internal", attachments=[upload(LOG, "secret.log")]
    )
    client.force_login(customer)
    assert client.get(url(note.attachments.get())).status_code == 404
    client.force_login(agent)
    assert client.get(url(note.attachments.get())).status_code == 200


def test_agent_of_another_department_gets_404(client, agent_other_department, ticket):
    client.force_login(agent_other_department)
    assert client.get(url(ticket.messages.get().attachments.first())).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client, ticket):
    response = client.get(url(ticket.messages.get().attachments.first()))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
