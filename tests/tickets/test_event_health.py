"""Pending event deliveries are visible (issue 16 follow-up): the health report flags a
reaction stuck or failing, and admins see and retry them in the admin."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import open_ticket
from tickets import events
from tickets.models import EventDelivery, EventVerb, TicketEvent

pytestmark = pytest.mark.django_db
TOKEN = "monitoring-token-ev"


@pytest.fixture
def pending(customer, department):
    """A delivery of the ticket's opening event to a subscriber that records the call."""
    ticket = open_ticket(customer, department)
    EventDelivery.objects.all().delete()
    event = TicketEvent.objects.get(ticket=ticket, verb=EventVerb.OPENED)
    return EventDelivery.objects.create(event=event, subscriber="test.recorder")


@pytest.fixture
def recorder():
    seen = []
    events.subscribe(EventVerb.OPENED, phase=events.AFTER_COMMIT, name="test.recorder")(
        lambda event: seen.append(event.pk)
    )
    yield seen
    events.unsubscribe("test.recorder")


def report(client, settings) -> dict:
    settings.HEALTH_TOKEN = TOKEN
    response = client.get("/health/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    return json.loads(response.content)["checks"]["event_deliveries"]


def test_a_fresh_pending_delivery_is_fine(client, settings, pending):
    assert report(client, settings) == {
        "state": "ok", "stuck": 0, "failing": 0, "critical": False
    }  # fmt: skip


def test_a_delivery_pending_long_after_its_event_needs_attention(client, settings, pending):
    TicketEvent.objects.filter(pk=pending.event_id).update(
        created_at=timezone.now() - timedelta(minutes=16)
    )
    check = report(client, settings)
    assert check["state"] == "attention" and check["stuck"] == 1


def test_a_failing_delivery_shows_its_last_error(client, settings, pending):
    EventDelivery.objects.filter(pk=pending.pk).update(
        attempts=3, last_error="SMTPServerDisconnected: gone"
    )
    check = report(client, settings)
    assert check["state"] == "attention" and check["failing"] == 1
    assert check["last_error"] == "test.recorder: SMTPServerDisconnected: gone"


def test_an_admin_sees_pending_deliveries_and_retries_them(admin_client, pending, recorder):
    url = reverse("admin:tickets_eventdelivery_changelist")
    page = admin_client.get(url)
    assert page.status_code == 200 and "test.recorder" in page.content.decode()
    response = admin_client.post(
        url, {"action": "retry_now", "_selected_action": [pending.pk]}, follow=True
    )
    assert response.status_code == 200
    assert recorder == [pending.event_id], "the eager task ran the subscriber"
    assert not EventDelivery.objects.exists()
