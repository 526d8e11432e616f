"""The API's tests: a client per persona, each with a token made the way people make them."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api import services as api_services
from tests.factories import open_ticket


def token_client(user, **token_fields) -> APIClient:
    made = api_services.token_create(actor=user, name="tests", **token_fields)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {made.secret}")
    client.token = made.token  # type: ignore[attr-defined]
    return client


@pytest.fixture
def as_customer(customer):
    return token_client(customer)


@pytest.fixture
def as_other_customer(other_customer):
    return token_client(other_customer)


@pytest.fixture
def as_agent(agent):
    return token_client(agent)


@pytest.fixture
def as_agent_other_department(agent_other_department):
    return token_client(agent_other_department)


@pytest.fixture
def as_manager(manager):
    return token_client(manager)


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def ticket(customer, department):
    return open_ticket(customer, department, subject="Сервер не отвечает", body="С утра 502.")
