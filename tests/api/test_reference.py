"""Departments, categories, canned responses and the caller (issue 13, W1)."""

from __future__ import annotations

import pytest

from tests.factories import CategoryFactory, DepartmentFactory
from tickets.canned.models import CannedResponse, Scope

pytestmark = pytest.mark.django_db


def test_agents_read_the_active_departments(as_agent, department, other_department):
    DepartmentFactory(name="Closed", is_active=False)
    names = [d["name"] for d in as_agent.get("/api/v1/departments/").json()["results"]]
    assert sorted(names) == sorted([department.name, other_department.name])


def test_everyone_reads_the_portals_categories(as_customer, department):
    CategoryFactory(name="Техподдержка", default_department=department)
    CategoryFactory(name="Old", default_department=department, is_active=False)
    names = [c["name"] for c in as_customer.get("/api/v1/categories/").json()["results"]]
    assert names == ["Техподдержка"]


def test_agents_read_the_canned_responses_they_may_use(
    as_agent, agent, department, other_department
):
    """R15: the canned responses' own scoping (tickets/canned/access.py)."""
    CannedResponse.objects.create(title="Global", scope=Scope.GLOBAL, body="Hi")
    CannedResponse.objects.create(
        title="Ours", scope=Scope.DEPARTMENT, department=department, body="Hi"
    )
    CannedResponse.objects.create(
        title="Theirs", scope=Scope.DEPARTMENT, department=other_department, body="Hi"
    )
    titles = {c["title"] for c in as_agent.get("/api/v1/canned-responses/").json()["results"]}
    assert titles == {"Global", "Ours"}


def test_me_tells_who_the_token_is(as_agent, agent):
    body = as_agent.get("/api/v1/me/").json()
    assert (body["id"], body["role"], body["token"], body["read_only"]) == (
        agent.pk,
        "agent",
        "tests",
        False,
    )
