from __future__ import annotations

import pytest

from tests.factories import open_ticket
from tickets.fields.models import FieldDefinition, FieldKind


@pytest.fixture
def ticket(customer, department):
    return open_ticket(customer, department, subject="Сервер не отвечает")


@pytest.fixture
def sales_ticket(other_customer, other_department):
    return open_ticket(other_customer, other_department, subject="Need an offer for 5 VPS")


def make_field(department, key: str, kind: str = FieldKind.TEXT, **kwargs) -> FieldDefinition:
    kwargs.setdefault("name", key.capitalize())
    return FieldDefinition.objects.create(department=department, key=key, kind=kind, **kwargs)


@pytest.fixture
def fields(department):
    """One field of each kind in the agent's department; `plan` is shown to customers."""
    return {
        "plan": make_field(department, "plan", visible_to_customer=True, in_queue=True),
        "cores": make_field(department, "cores", FieldKind.NUMBER),
        "os": make_field(department, "os", FieldKind.CHOICE, choices="Linux\nWindows\nFreeBSD"),
        "since": make_field(department, "since", FieldKind.DATE),
        "backup": make_field(department, "backup", FieldKind.CHECKBOX),
        "secret": make_field(department, "secret", name="Internal rating"),
    }
