"""Shared pieces of the canned responses' tests (R15)."""

from __future__ import annotations

import pytest

from accounts.models import DepartmentMembership, MembershipRole
from tests.factories import AgentFactory, open_ticket
from tickets.canned.models import Scope
from tickets.canned.services import CannedContent, canned_response_create


@pytest.fixture
def ticket(customer, department):
    return open_ticket(customer, department, subject="Сервер не отвечает")


@pytest.fixture
def department_manager(department):
    """An agent whose membership of the department has the role manager."""
    user = AgentFactory(name="Dora Lead")
    DepartmentMembership.objects.create(
        user=user, department=department, role=MembershipRole.MANAGER
    )
    return user


def canned(actor, title="Greeting", body="Hello {customer_name}!", *, files=(), **fields):
    """A response made through the service; personal unless `scope` says otherwise."""
    content = CannedContent(
        title=title, body=body, scope=fields.pop("scope", Scope.PERSONAL), **fields
    )
    return canned_response_create(actor=actor, content=content, attachments=files)
