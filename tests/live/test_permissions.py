"""Who may reach the live URLs (issue 11): anonymous -> sign in; customers -> 403 and
nothing changes; every agent and manager -> his own poll, bell and button. A notification
of another agent is never opened (test_notifications.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import open_ticket
from tickets.live.urls import urlpatterns
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

# Every live URL: (method, does it take a notification id).
LIVE_URLS = {
    "poll": ("get", False),
    "notifications": ("get", False),
    "notification_open": ("post", True),
    "notifications_read": ("post", False),
    "take_next": ("post", False),
    "away": ("post", False),
}


def call(client, name, data=None):
    method, takes_id = LIVE_URLS[name]
    url = reverse(f"live:{name}", args=[1] if takes_id else [])
    return getattr(client, method)(url, data or {})


def test_the_matrix_covers_every_live_url():
    assert {pattern.name for pattern in urlpatterns} == set(LIVE_URLS)


@pytest.mark.parametrize("name", LIVE_URLS)
def test_anonymous_people_are_sent_to_sign_in(client, name):
    response = call(client, name)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


@pytest.mark.parametrize("name", LIVE_URLS)
def test_customers_get_403_and_change_nothing(client, name, customer, department):
    ticket = open_ticket(customer, department)
    client.force_login(customer)
    assert call(client, name, {"away": "1"}).status_code == 403
    customer.refresh_from_db()
    assert not customer.is_away and customer.last_seen_at is None
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


@pytest.mark.parametrize("persona", ["agent", "manager"])
@pytest.mark.parametrize("name", LIVE_URLS)
def test_agents_and_managers_get_their_page(request, client, name, persona):
    client.force_login(request.getfixturevalue(persona))
    response = call(client, name, {"unread": "0"})
    expected = {"get": {200, 204}, "post": {302}}[LIVE_URLS[name][0]]
    assert response.status_code in expected


@pytest.mark.parametrize("name", ["poll", "notifications"])
def test_pages_only_answer_get(client, agent, name):
    client.force_login(agent)
    assert client.post(reverse(f"live:{name}")).status_code == 405


@pytest.mark.parametrize("name", ["notifications_read", "take_next", "away"])
def test_changes_only_answer_post(client, agent, name):
    client.force_login(agent)
    assert client.get(reverse(f"live:{name}")).status_code == 405
