"""Each agent switches his own mail notifications (issue 6: "each switchable per agent")."""

import pytest
from django.urls import reverse

from mailgateway.outbound.models import OutboundMail
from tests.factories import open_ticket

pytestmark = pytest.mark.django_db


def test_an_agent_sees_and_switches_his_notifications(client, agent, customer, department):
    client.force_login(agent)
    page = client.get(reverse("accounts:preferences")).content.decode()
    assert 'name="new_ticket"' in page and 'name="assigned"' in page
    response = client.post(reverse("accounts:notifications"), {"assigned": "on"})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.notify_new_ticket, agent.notify_customer_reply, agent.notify_assigned) == (
        False,
        False,
        True,
    )
    open_ticket(customer, department)
    assert not OutboundMail.objects.filter(kind="agent_new_ticket").exists()


def test_customers_have_no_notification_switches(client, customer):
    client.force_login(customer)
    assert 'name="new_ticket"' not in client.get(reverse("accounts:preferences")).content.decode()
    assert client.post(reverse("accounts:notifications"), {"assigned": "on"}).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.post(reverse("accounts:notifications"), {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_only_accepts_post(client, agent):
    client.force_login(agent)
    assert client.get(reverse("accounts:notifications")).status_code == 405
