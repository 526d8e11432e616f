"""Who reaches which endpoint (issue 13): customer, agent of another department, agent,
manager, administrator, read-only token, revoked token, no token, over every endpoint."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from accounts.models import Role
from api import services as api_services
from tests.api.conftest import token_client
from tests.factories import ServiceFactory, UserFactory, open_ticket, upload
from tickets import services

pytestmark = pytest.mark.django_db

# name: (method, about one ticket (404 outside its reach), agents only, data)
ENDPOINTS = {
    "me": ("get", False, False, None),
    "tickets": ("get", False, False, None),
    "tickets_post": ("post", False, False, "ticket"),
    "ticket": ("get", True, False, None),
    "ticket_patch": ("patch", True, "work", {"priority": 3}),
    "messages": ("get", True, False, None),
    "messages_post": ("post", True, False, {"body": "Проверьте ещё раз"}),
    "attachment": ("get", True, False, None),
    "customers": ("get", False, True, None),
    "customers_post": ("post", False, True, "customer"),
    "customer": ("get", False, True, None),
    "customer_patch": ("patch", False, True, {"name": "Новое имя"}),
    "organizations": ("get", False, True, None),
    "organizations_post": ("post", False, True, "organization"),
    "organization": ("get", False, True, None),
    "organization_patch": ("patch", False, True, {"shares_tickets": True}),
    "services": ("get", False, True, None),
    "services_post": ("post", False, True, "service"),
    "service": ("get", False, True, None),
    "service_patch": ("patch", False, True, {"name": "VPS cs9"}),
    "service_delete": ("delete", False, True, None),
    "departments": ("get", False, True, None),
    "categories": ("get", False, False, None),
    "canned": ("get", False, True, None),
}


@pytest.fixture
def world(customer, department, agent, organization, png):
    ticket = open_ticket(customer, department)
    reply = services.reply_add(
        actor=agent, ticket=ticket, body_text="Файл", attachments=[upload(png, "a.png")]
    )
    return {
        "ticket": ticket,
        "attachment": reply.attachments.get(),
        "customer": customer,
        "organization": organization,
        "service": ServiceFactory(customer=customer),
        "department": department,
    }


def request(client, name, world, counter=[0]):  # noqa: B006 (unique values per call)
    method, _about, _agents, data = ENDPOINTS[name]
    counter[0] += 1
    n = counter[0]
    ticket = world["ticket"]
    urls = {
        "me": "/api/v1/me/",
        "tickets": "/api/v1/tickets/",
        "ticket": f"/api/v1/tickets/{ticket.number}/",
        "messages": f"/api/v1/tickets/{ticket.number}/messages/",
        "attachment": f"/api/v1/attachments/{world['attachment'].pk}/",
        "customers": "/api/v1/customers/",
        "customer": f"/api/v1/customers/{world['customer'].pk}/",
        "organizations": "/api/v1/organizations/",
        "organization": f"/api/v1/organizations/{world['organization'].pk}/",
        "services": "/api/v1/services/",
        "service": f"/api/v1/services/{world['service'].pk}/",
        "departments": "/api/v1/departments/",
        "categories": "/api/v1/categories/",
        "canned": "/api/v1/canned-responses/",
    }
    url = urls[name.rsplit("_", 1)[0] if name not in urls else name]
    payload = (
        {
            "ticket": {
                "subject": "Новый",
                "body": "Текст",
                "department": world["department"].pk,
                "customer_email": world["customer"].email,
            },
            "customer": {"email": f"new{n}@example.com"},
            "organization": {"name": f"Org {n}"},
            "service": {"name": "VPS", "customer": world["customer"].pk},
        }.get(data, data)
        if isinstance(data, str)
        else data
    )
    return (
        getattr(client, method)(url, payload, format="json")
        if payload
        else getattr(client, method)(url)
    )


def test_the_matrix_covers_every_endpoint():
    from api.urls import urlpatterns

    names = {pattern.name for pattern in urlpatterns}
    assert names == {
        name.rsplit("_", 1)[0] if name.endswith(("_post", "_patch", "_delete")) else name
        for name in ENDPOINTS
    }
    assert get_resolver()  # the URLconf loads


@pytest.mark.parametrize("name", ENDPOINTS)
def test_no_token_is_401(world, anonymous, name):
    assert request(anonymous, name, world).status_code == 401


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_revoked_token_is_401(world, agent, name):
    client = token_client(agent)
    api_services.token_revoke(actor=agent, token=client.token)
    assert request(client, name, world).status_code == 401


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_read_only_token_reads_only(world, agent, name):
    client = token_client(agent, read_only=True)
    code = request(client, name, world).status_code
    assert code == (200 if ENDPOINTS[name][0] == "get" else 403)


@pytest.mark.parametrize("name", ENDPOINTS)
def test_customer(world, as_customer, name):
    """His own ticket as in the portal; no staff endpoint; no change of the ticket's fields."""
    _method, _about, agents_only, _data = ENDPOINTS[name]
    code = request(as_customer, name, world).status_code
    if agents_only:
        assert code == 403
    else:
        assert code in (200, 201), code


@pytest.mark.parametrize("name", ENDPOINTS)
def test_agent_of_another_department(world, as_agent_other_department, name):
    """R10: the ticket is a 404; staff endpoints answer."""
    about_ticket = ENDPOINTS[name][1]
    code = request(as_agent_other_department, name, world).status_code
    if about_ticket:
        assert code == 404
    elif name == "tickets_post":
        assert code == 403  # not his department
    else:
        assert code in (200, 201), code


@pytest.mark.parametrize("role", [Role.AGENT, Role.MANAGER, Role.ADMIN])
@pytest.mark.parametrize("name", ENDPOINTS)
def test_staff_reach_everything(world, agent, role, name):
    user = agent if role == Role.AGENT else UserFactory(role=role)
    assert request(token_client(user), name, world).status_code in (200, 201)
