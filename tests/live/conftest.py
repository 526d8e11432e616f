from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from accounts.models import User
from tests.factories import AgentFactory


@pytest.fixture
def online() -> Callable[..., User]:
    """An agent of these departments whose staff pages are open (round-robin's candidate)."""

    def make(*departments, **fields) -> User:
        fields.setdefault("last_seen_at", timezone.now())
        return AgentFactory(departments=list(departments), **fields)

    return make


@pytest.fixture
def round_robin(department):
    department.round_robin = True
    department.round_robin_cap = 50
    department.save()
    return department
