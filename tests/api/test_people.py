"""Customers, organizations and their services through the API (issue 13, W1): what a
billing system keeps in step."""

from __future__ import annotations

import pytest

from accounts.models import Organization, Service, User
from tests.factories import CustomerFactory, OrganizationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_agent_creates_and_looks_up_a_customer_by_email(as_agent, organization):
    response = as_agent.post(
        "/api/v1/customers/",
        {
            "email": "Oleg@Example.RU",
            "name": "Олег",
            "organization": organization.pk,
            "language": "ru",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    found = as_agent.get("/api/v1/customers/", {"email": "OLEG@example.ru"}).json()["results"]
    assert [c["name"] for c in found] == ["Олег"]
    assert found[0]["organization"]["name"] == organization.name


def test_a_second_account_for_an_address_is_400(as_agent, customer):
    response = as_agent.post("/api/v1/customers/", {"email": customer.email}, format="json")
    assert response.status_code == 400
    assert customer.email in response.json()["detail"]


def test_agent_updates_a_customer(as_agent, customer, organization):
    response = as_agent.patch(
        f"/api/v1/customers/{customer.pk}/",
        {"name": "Иван Иванов", "organization": organization.pk},
        format="json",
    )
    assert response.status_code == 200
    customer.refresh_from_db()
    assert (customer.name, customer.organization) == ("Иван Иванов", organization)
    response = as_agent.patch(
        f"/api/v1/customers/{customer.pk}/", {"organization": None}, format="json"
    )
    customer.refresh_from_db()
    assert customer.organization is None


def test_agents_are_not_customers(as_agent, agent_other_department):
    response = as_agent.get(f"/api/v1/customers/{agent_other_department.pk}/")
    assert response.status_code == 404


def test_organizations_are_created_updated_and_found(as_agent):
    response = as_agent.post(
        "/api/v1/organizations/",
        {"name": "ООО «Ромашка»", "shares_tickets": True},
        format="json",
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    as_agent.patch(f"/api/v1/organizations/{pk}/", {"shares_tickets": False}, format="json")
    assert not Organization.objects.get(pk=pk).shares_tickets
    found = as_agent.get("/api/v1/organizations/", {"name": "ромашка"}).json()["results"]
    assert [o["id"] for o in found] == [pk]
    again = as_agent.post("/api/v1/organizations/", {"name": "ООО «Ромашка»"}, format="json")
    assert again.status_code == 400


def test_services_are_created_updated_and_deactivated(as_agent, customer, organization):
    """P2: billing creates the customer's VPS, renames it, deactivates it."""
    response = as_agent.post(
        "/api/v1/services/",
        {"name": "VPS cs1234", "kind": "VPS", "customer": customer.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    as_agent.patch(f"/api/v1/services/{pk}/", {"name": "VPS cs1235"}, format="json")
    assert as_agent.delete(f"/api/v1/services/{pk}/").json()["is_active"] is False
    service = Service.objects.get(pk=pk)
    assert (service.name, service.is_active) == ("VPS cs1235", False)
    mine = as_agent.get("/api/v1/services/", {"customer": customer.pk}).json()["results"]
    assert [s["id"] for s in mine] == [pk]
    org = as_agent.post(
        "/api/v1/services/", {"name": "Hosting", "organization": organization.pk}, format="json"
    )
    assert org.status_code == 201


@pytest.mark.parametrize(
    "data",
    [
        {"name": "x"},
        {"name": "x", "customer": 1, "organization": 1},
        {"name": "", "customer": 1},
        {"name": "x", "customer": "abc"},
    ],
)
def test_a_service_needs_exactly_one_owner(as_agent, data, customer, organization):
    data = {**data}
    if data.get("customer") == 1:
        data["customer"] = customer.pk
    if data.get("organization") == 1:
        data["organization"] = organization.pk
    assert as_agent.post("/api/v1/services/", data, format="json").status_code == 400
    assert not Service.objects.exists()


def test_a_service_keeps_its_owner(as_agent, customer, other_customer):
    service = ServiceFactory(customer=customer)
    response = as_agent.patch(
        f"/api/v1/services/{service.pk}/", {"customer": other_customer.pk}, format="json"
    )
    assert response.status_code == 400


def test_customers_cannot_use_the_staff_endpoints(as_customer, customer):
    for url in [
        "/api/v1/customers/",
        "/api/v1/organizations/",
        "/api/v1/services/",
        "/api/v1/departments/",
        "/api/v1/canned-responses/",
        f"/api/v1/customers/{customer.pk}/",
    ]:
        assert as_customer.get(url).status_code == 403, url
    assert (
        as_customer.post(
            "/api/v1/customers/", {"email": "x@example.com"}, format="json"
        ).status_code
        == 403
    )
    assert User.objects.filter(email="x@example.com").count() == 0


def test_lists_page_by_cursor(as_agent):
    for _n in range(3):
        CustomerFactory()
        OrganizationFactory()
    first = as_agent.get("/api/v1/customers/", {"limit": 2}).json()
    second = as_agent.get("/api/v1/customers/", {"limit": 2, "cursor": first["next_cursor"]})
    ids = [c["id"] for c in first["results"]] + [c["id"] for c in second.json()["results"]]
    assert len(ids) == len(set(ids)) == 3
