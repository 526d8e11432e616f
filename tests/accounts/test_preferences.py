"""Everyone chooses his name, language and time zone (P8, issue 3)."""

from datetime import UTC, datetime

import pytest

from tests.factories import open_ticket
from tests.portal.pages import unlabelled_fields
from tickets.models import Message

pytestmark = pytest.mark.django_db


def test_a_customer_changes_language_and_time_zone(client, customer):
    client.force_login(customer)
    page = client.get("/accounts/settings/")
    assert page.status_code == 200 and unlabelled_fields(page.content.decode()) == []
    response = client.post(
        "/accounts/settings/",
        {"name": "Иван Петрович", "language": "de", "time_zone": "Asia/Yerevan"},
    )
    assert response["Location"] == "/accounts/settings/"
    customer.refresh_from_db()
    assert (customer.name, customer.language, customer.time_zone) == (
        "Иван Петрович",
        "de",
        "Asia/Yerevan",
    )
    assert client.get("/tickets/").headers["Content-Language"] == "de"


def test_times_are_shown_in_the_chosen_zone(client, customer, department):
    ticket = open_ticket(customer, department)
    Message.objects.filter(ticket=ticket).update(created_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC))
    customer.language, customer.time_zone = "en", "Asia/Yerevan"
    customer.save()
    client.force_login(customer)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "1:30 p.m." in page and 'datetime="2026-03-01T13:30:00+04:00"' in page


def test_an_unknown_time_zone_is_refused(client, customer):
    client.force_login(customer)
    response = client.post(
        "/accounts/settings/", {"name": "X", "language": "en", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.time_zone != "Mars/Olympus"


def test_agents_have_settings_too_and_anonymous_people_sign_in_first(client, agent):
    assert client.get("/accounts/settings/")["Location"].startswith("/accounts/login/")
    client.force_login(agent)
    page = client.get("/accounts/settings/").content.decode()
    assert "/accounts/invite/" in page
