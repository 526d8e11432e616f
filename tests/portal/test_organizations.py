"""Organizations: with sharing on, members see and answer each other's tickets; off, not."""

import pytest

from tests.factories import CustomerFactory, open_ticket, upload
from tests.helpers import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleagues(organization):
    return CustomerFactory(organization=organization), CustomerFactory(organization=organization)


def test_with_sharing_a_colleague_reads_answers_and_downloads(client, colleagues, department):
    me, colleague = colleagues
    ticket = open_ticket(colleague, department, attachments=[upload(png_bytes(), "a.png")])
    attachment = ticket.messages.get().attachments.get()
    client.force_login(me)
    assert client.get(f"/tickets/{ticket.number}/").status_code == 200
    assert client.get(f"/files/{attachment.pk}/thumbnail/").status_code == 200
    client.post(f"/tickets/{ticket.number}/reply/", {"body": "Я тоже вижу ошибку"})
    assert ticket.messages.last().author == me


def test_without_sharing_everything_of_a_colleague_is_404(
    client, organization, colleagues, department
):
    organization.shares_tickets = False
    organization.save()
    me, colleague = colleagues
    ticket = open_ticket(colleague, department, attachments=[upload(png_bytes(), "a.png")])
    attachment = ticket.messages.get().attachments.get()
    client.force_login(me)
    for url in (
        f"/tickets/{ticket.number}/",
        f"/tickets/{ticket.number}/close/",
        f"/tickets/{ticket.number}/rating/",
        f"/files/{attachment.pk}/thumbnail/",
        f"/files/{attachment.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/tickets/{ticket.number}/reply/", {"body": "x"}).status_code == 404
    assert ticket.messages.count() == 1


def test_people_outside_the_organization_never_see_it(
    client, colleagues, other_customer, department
):
    ticket = open_ticket(colleagues[0], department)
    client.force_login(other_customer)
    assert client.get(f"/tickets/{ticket.number}/").status_code == 404
