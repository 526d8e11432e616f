"""An agent's live update settings (issue 11, W2): sound on/off and volume, desktop
notifications, away; customers have none."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = "accounts:live_settings"


def test_an_agent_sees_and_saves_his_live_settings(client, agent):
    client.force_login(agent)
    html = client.get(reverse("accounts:preferences")).content.decode()
    assert 'id="live"' in html and "Sound volume" in html
    response = client.post(
        reverse(URL), {"sound_volume": "35", "desktop_notifications": "on", "is_away": "on"}
    )
    assert response["Location"] == reverse("accounts:preferences") + "#live"
    agent.refresh_from_db()
    assert (agent.sound_enabled, agent.sound_volume) == (False, 35)
    assert agent.desktop_notifications and agent.is_away


@pytest.mark.parametrize("volume", ["101", "-1", "громко", "", "1e3", "<b>5</b>"])
def test_a_bad_volume_changes_nothing_and_says_why(client, agent, volume):
    client.force_login(agent)
    response = client.post(reverse(URL), {"sound_volume": volume, "is_away": "on"}, follow=True)
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    agent.refresh_from_db()
    assert (agent.sound_volume, agent.is_away) == (60, False)


def test_customers_have_no_live_settings(client, customer):
    client.force_login(customer)
    assert 'id="live"' not in client.get(reverse("accounts:preferences")).content.decode()
    assert client.post(reverse(URL), {"sound_volume": "10"}).status_code == 403
    customer.refresh_from_db()
    assert customer.sound_volume == 60


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.post(reverse(URL), {"sound_volume": "10"})
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_only_accepts_post(client, agent):
    client.force_login(agent)
    assert client.get(reverse(URL)).status_code == 405
