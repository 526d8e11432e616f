"""Configuration in Django's admin: every list searches and filters; only administrators
get in; tickets stay read-only there (issue 4, R9, R10, R12)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import DepartmentMembership, Organization, Service, User
from tests.factories import CategoryFactory, ServiceFactory, open_ticket
from tickets.models import Category, Department, Ticket

pytestmark = pytest.mark.django_db

CONFIGURED = [Department, Category, User, Organization, Service, DepartmentMembership, Ticket]


@pytest.fixture
def data(agent, customer, department, organization):
    CategoryFactory(name="Техническая поддержка", default_department=department)
    ServiceFactory(name="VPS cs1234", organization=organization)
    return open_ticket(customer, department)


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("model", CONFIGURED)
def test_every_list_searches_and_filters(client, admin_user, data, model):
    model_admin = admin.site._registry[model]
    assert model_admin.search_fields and model_admin.list_filter
    client.force_login(admin_user)
    assert client.get(changelist(model)).status_code == 200
    assert client.get(changelist(model), {"q": "Иван"}).status_code == 200
    response = client.get(changelist(model))
    for spec in response.context["cl"].filter_specs:
        for choice in spec.choices(response.context["cl"]):
            query = choice["query_string"]
            assert client.get(changelist(model) + query).status_code == 200, query


@pytest.mark.parametrize("model", [Department, Category, User, Organization, Service])
def test_configuration_can_be_added(client, admin_user, model):
    client.force_login(admin_user)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    assert client.get(url).status_code == 200


def test_a_department_with_its_addresses_signature_and_agents(client, admin_user, agent):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:tickets_department_add"),
        {
            "name": "Биллинг",
            "slug": "billing",
            "is_active": "on",
            "sender_name": "Billing",
            "sender_address": "billing@hosting.example",
            "signature": "--\nОтдел биллинга",
            "mail_policy": "anyone",
            "round_robin_cap": "20",
            "addresses-TOTAL_FORMS": "1",
            "addresses-INITIAL_FORMS": "0",
            "addresses-0-address": "billing@hosting.example",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": agent.pk,
            "memberships-0-role": "agent",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    billing = Department.objects.get(slug="billing")
    assert billing.signature == "--\nОтдел биллинга"
    assert list(billing.addresses.values_list("address", flat=True)) == ["billing@hosting.example"]
    assert billing.memberships.get().user == agent


def test_customers_cannot_be_made_members_of_a_department(client, admin_user, customer):
    client.force_login(admin_user)
    response = client.get(reverse("admin:tickets_department_add"))
    choices = response.context["inline_admin_formsets"][1].formset.empty_form.fields["user"]
    assert customer not in choices.queryset


@pytest.mark.parametrize("persona", ["agent", "manager", "customer"])
def test_only_administrators_get_into_the_admin(request, client, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in (reverse("admin:index"), changelist(Department), changelist(User)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_tickets_are_read_only_in_the_admin(client, admin_user, data):
    client.force_login(admin_user)
    ticket_admin = admin.site._registry[Ticket]
    request = client.get(changelist(Ticket)).wsgi_request
    assert not ticket_admin.has_add_permission(request)
    assert not ticket_admin.has_change_permission(request, data)
    assert not ticket_admin.has_delete_permission(request, data)
    url = reverse("admin:tickets_ticket_change", args=[data.pk])
    assert client.post(url, {"subject": "changed"}).status_code == 403
    data.refresh_from_db()
    assert data.subject == "Server does not answer"
