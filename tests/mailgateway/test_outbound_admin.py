"""Administrators read what went out, decoded, in the admin (issue 6); agents cannot."""

import pytest
from django.urls import reverse

from mailgateway.outbound.models import OutboundMail
from tests.factories import open_ticket
from tests.helpers import subscribers_run

pytestmark = pytest.mark.django_db


def test_the_admin_shows_outgoing_mail_decoded(client, admin_user, customer, department):
    with subscribers_run():
        open_ticket(customer, department, subject="Сайт не открывается")
    ack = OutboundMail.objects.get(kind="acknowledgement")
    client.force_login(admin_user)
    listing = client.get(reverse("admin:outbound_outboundmail_changelist"))
    assert listing.status_code == 200 and "Сайт не открывается" in listing.content.decode()
    page = client.get(reverse("admin:outbound_outboundmail_change", args=[ack.pk]))
    assert page.status_code == 200
    assert "Здравствуйте, Иван Петров!" in page.content.decode()


def test_agents_have_no_admin(client, agent):
    client.force_login(agent)
    response = client.get(reverse("admin:outbound_outboundmail_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_old_bookmarks_of_the_outgoing_mail_pages_lead_to_their_new_address(client, admin_user):
    """Outgoing mail moved from the mailgateway app to the outbound app (issue 16)."""
    client.force_login(admin_user)
    response = client.get("/admin/mailgateway/outboundmail/?status__exact=deferred")
    assert response.status_code == 301
    assert response["Location"] == (
        reverse("admin:outbound_outboundmail_changelist") + "?status__exact=deferred"
    )
    response = client.get("/admin/mailgateway/suppression/7/change/")
    assert response["Location"] == reverse("admin:outbound_suppression_change", args=[7])
