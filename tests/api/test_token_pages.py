"""The API tokens settings page (issue 13): made and revoked by their owners, by
administrators for service accounts; the secret shown once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api import services as api_services
from api.models import ApiToken
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/settings/api-tokens/"


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    response = client.post(f"{URL}1/revoke/")
    assert response.status_code == 302 and not ApiToken.objects.exists()


@pytest.mark.parametrize("persona", ["customer", "agent", "manager", "admin_user"])
def test_everyone_signed_in_makes_a_token_shown_once(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"name": "Моя интеграция", "expires": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    secret = response.context["secret"]
    assert secret.startswith(token.prefix) and secret in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    again = client.get(URL).content.decode()
    assert secret not in again and "Моя интеграция" in again


def test_agent_limits_a_token_to_his_departments(client, agent, department, other_department):
    client.force_login(agent)
    response = client.post(URL, {"name": "x", "departments": [other_department.pk]})
    assert "departments" in response.context["form"].errors
    client.post(URL, {"name": "x", "departments": [department.pk], "read_only": "on"})
    token = ApiToken.objects.get()
    assert token.read_only and list(token.departments.all()) == [department]


def test_customers_see_no_department_or_account_choice(client, customer):
    client.force_login(customer)
    form = client.get(URL).context["form"]
    assert "departments" not in form.fields and "user" not in form.fields


def test_admin_makes_a_token_for_a_service_account(client, admin_user, department):
    robot = AgentFactory(name="Billing robot", departments=[department])
    client.force_login(admin_user)
    client.post(URL, {"name": "billing", "user": robot.pk})
    token = ApiToken.objects.get()
    assert (token.user, token.created_by) == (robot, admin_user)
    assert "billing" in client.get(URL).content.decode()


def test_only_administrators_choose_another_account(client, agent, agent_other_department):
    client.force_login(agent)
    client.post(URL, {"name": "x", "user": agent_other_department.pk})
    assert ApiToken.objects.get().user == agent


def test_owner_revokes_his_token(client, agent):
    made = api_services.token_create(actor=agent, name="x")
    client.force_login(agent)
    response = client.post(f"{URL}{made.token.pk}/revoke/")
    assert response.status_code == 302
    made.token.refresh_from_db()
    assert made.token.revoked_at is not None


def test_nobody_revokes_another_persons_token(client, agent, customer):
    made = api_services.token_create(actor=customer, name="x")
    client.force_login(agent)
    assert client.post(f"{URL}{made.token.pk}/revoke/").status_code == 404
    assert client.get(f"{URL}{made.token.pk}/revoke/").status_code == 405
    made.token.refresh_from_db()
    assert made.token.revoked_at is None


def test_the_page_shows_no_other_persons_tokens(client, agent, customer):
    api_services.token_create(actor=customer, name="Чужой токен")
    client.force_login(agent)
    assert "Чужой токен" not in client.get(URL).content.decode()
