"""API tokens (issue 13): hashed, shown once, revocable, expiring, read-only or limited to
departments; the last use recorded."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from api import services as api_services
from api.models import ApiToken
from helpdesk.errors import NotPermitted
from tests.api.conftest import token_client
from tests.factories import AgentFactory, UserFactory, open_ticket

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_as_the_sha256_of_its_secret(agent):
    made = api_services.token_create(actor=agent, name="billing")
    stored = ApiToken.objects.get(pk=made.token.pk)
    assert stored.digest == hashlib.sha256(made.secret.encode()).hexdigest()
    assert made.secret not in {stored.digest, stored.prefix, stored.name}
    assert made.secret.startswith(stored.prefix) and len(made.secret) > 40


def test_no_token_and_a_wrong_token_are_401(ticket):
    assert APIClient().get("/api/v1/tickets/").status_code in (401, 403)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer hd_wrong")
    response = client.get("/api/v1/tickets/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused(as_agent, agent):
    assert as_agent.get("/api/v1/me/").status_code == 200
    api_services.token_revoke(actor=agent, token=as_agent.token)
    assert as_agent.get("/api/v1/me/").status_code == 401


def test_an_expired_token_is_refused(agent):
    client = token_client(agent, expires_at=timezone.now() + timedelta(days=1))
    assert client.get("/api/v1/me/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert client.get("/api/v1/me/").status_code == 401


def test_a_deactivated_accounts_token_is_refused(agent):
    client = token_client(agent)
    agent.is_active = False
    agent.save()
    assert client.get("/api/v1/me/").status_code == 401


def test_a_read_only_token_reads_but_never_writes(agent, ticket):
    client = token_client(agent, read_only=True)
    assert client.get(f"/api/v1/tickets/{ticket.number}/").status_code == 200
    response = client.patch(f"/api/v1/tickets/{ticket.number}/", {"priority": 4}, format="json")
    assert response.status_code == 403
    response = client.post(
        f"/api/v1/tickets/{ticket.number}/messages/", {"body": "x"}, format="json"
    )
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.priority == 2 and ticket.messages.count() == 1


def test_a_department_limited_token_reaches_only_those_departments(
    department, other_department, customer
):
    """A manager's token limited to one department lists, reads and works only that one."""
    manager = UserFactory(role=Role.MANAGER)
    inside = open_ticket(customer, department)
    outside = open_ticket(customer, other_department)
    client = token_client(manager, departments=[department])
    numbers = [t["number"] for t in client.get("/api/v1/tickets/").json()["results"]]
    assert numbers == [inside.number]
    assert client.get(f"/api/v1/tickets/{outside.number}/").status_code == 404
    assert (
        client.patch(
            f"/api/v1/tickets/{outside.number}/", {"priority": 4}, format="json"
        ).status_code
        == 404
    )
    response = client.patch(
        f"/api/v1/tickets/{inside.number}/", {"department": other_department.pk}, format="json"
    )
    assert response.status_code == 403
    response = client.post(
        "/api/v1/tickets/",
        {
            "subject": "x",
            "body": "y",
            "department": other_department.pk,
            "customer_email": "z@example.com",
        },
        format="json",
    )
    assert response.status_code == 403
    assert client.get("/api/v1/me/").json()["departments"] == [department.pk]


def test_a_token_cannot_be_limited_to_a_department_the_user_does_not_work(agent, other_department):
    with pytest.raises(NotPermitted):
        api_services.token_create(actor=agent, name="x", departments=[other_department])


def test_only_administrators_make_tokens_for_other_accounts(agent, admin_user, department):
    service_account = AgentFactory(departments=[department])
    with pytest.raises(NotPermitted):
        api_services.token_create(actor=agent, name="x", user=service_account)
    made = api_services.token_create(actor=admin_user, name="billing", user=service_account)
    assert made.token.user == service_account and made.token.created_by == admin_user


def test_the_last_use_is_recorded_at_most_every_few_minutes(
    as_agent, django_assert_max_num_queries
):
    as_agent.get("/api/v1/me/")
    token = ApiToken.objects.get(pk=as_agent.token.pk)
    first = token.last_used_at
    assert first is not None
    as_agent.get("/api/v1/me/")
    token.refresh_from_db()
    assert token.last_used_at == first
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        as_agent.get("/api/v1/me/")
    token.refresh_from_db()
    assert token.last_used_at > first


def test_the_rate_limit_answers_429_with_retry_after(settings, agent):
    from rest_framework.throttling import SimpleRateThrottle

    client = token_client(agent)
    rates = {"token": "3/min"}
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        codes = [client.get("/api/v1/me/").status_code for _ in range(4)]
        response = client.get("/api/v1/me/")
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
    assert codes == [200, 200, 200, 429]
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    # Another token of the same person has its own count.
    assert token_client(agent).get("/api/v1/me/").status_code == 200


def test_session_requests_need_csrf_for_writes(agent, ticket):
    """The pages' own requests: the session, with Django's CSRF check."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(agent)
    assert client.get(f"/api/v1/tickets/{ticket.number}/").status_code == 200
    response = client.patch(f"/api/v1/tickets/{ticket.number}/", {"priority": 4}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_a_limited_token_whose_departments_are_gone_reaches_nothing(agent, department, customer):
    """Deleting the department must not widen the token to all of the user's reach."""
    from tests.factories import DepartmentFactory

    spare = DepartmentFactory(name="Temporary")
    agent.memberships.create(department=spare)
    client = token_client(agent, departments=[spare])
    open_ticket(customer, department)
    spare.delete()
    assert client.get("/api/v1/tickets/").json()["results"] == []
