"""The quick start prints a working API token (issue 13, "Done when")."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from api.demo import DEMO_AGENT, print_demo_token
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def test_the_demo_token_works_and_replaces_the_previous_one(department):
    AgentFactory(email=DEMO_AGENT, departments=[department])
    first, second = io.StringIO(), io.StringIO()
    print_demo_token(first)
    print_demo_token(second)
    old = next(word for word in first.getvalue().split() if word.startswith("hd_"))
    new = next(word for word in second.getvalue().split() if word.startswith("hd_"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {new}")
    assert client.get("/api/v1/tickets/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {old}")
    assert client.get("/api/v1/tickets/").status_code == 401


def test_the_api_token_command_prints_a_token(agent):
    out = io.StringIO()
    call_command("api_token", agent.email, "--name", "script", "--read-only", stdout=out)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {out.getvalue().strip()}")
    assert client.get("/api/v1/me/").json()["read_only"] is True
