"""The configuration admin saves what its forms offer (issue 14; issue 4, R9, R10, R12):
each add and change form of accounts and tickets is submitted with a full payload,
inlines' management forms included, and the saved rows are checked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import DepartmentMembership, Organization, Service, User
from tests.admin_pages import admin_page_data, inline_rows
from tests.factories import CategoryFactory, ServiceFactory
from tickets.models import Category, Department, MailPolicy

pytestmark = pytest.mark.django_db


def add_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def post(client, url: str, data: dict):
    response = client.post(url, data)
    errors = response.context and [
        response.context["adminform"].form.errors,
        [i.formset.errors for i in response.context["inline_admin_formsets"]],
    ]
    assert response.status_code == 302, errors
    return response


@pytest.fixture
def signed_in(client, admin_user):
    client.force_login(admin_user)
    return client


def test_a_department_is_added_with_its_mail_policy(signed_in, agent):
    """Issue 14: mail_policy could not be set in the admin (P7)."""
    data = {
        "name": "Биллинг", "slug": "billing", "is_active": "on", "sender_name": "Billing",
        "sender_address": "billing@hosting.example", "signature": "--\nОтдел биллинга",
        "mail_policy": MailPolicy.REGISTERED, "round_robin": "on", "round_robin_cap": "5",
        **inline_rows("addresses", [{"address": "billing@hosting.example"}]),
        **inline_rows("memberships", [{"user": agent.pk, "role": "manager"}]),
    }  # fmt: skip
    post(signed_in, add_url(Department), data)
    billing = Department.objects.get(slug="billing")
    assert billing.mail_policy == MailPolicy.REGISTERED
    assert (billing.round_robin, billing.round_robin_cap) == (True, 5)  # issue 11
    assert billing.sender_name == "Billing" and billing.signature == "--\nОтдел биллинга"
    assert list(billing.addresses.values_list("address", flat=True)) == ["billing@hosting.example"]
    assert billing.memberships.get().role == "manager"


def test_a_departments_mail_policy_is_changed_and_its_inlines_kept(signed_in, department, agent):
    department.addresses.create(address="second@hosting.example")
    addresses = sorted(department.addresses.values_list("address", flat=True))
    data = admin_page_data(signed_in.get(change_url(department)))
    assert data["mail_policy"] == MailPolicy.ANYONE
    data.update(mail_policy=MailPolicy.REGISTERED, sender_name="Поддержка")
    post(signed_in, change_url(department), data)
    department.refresh_from_db()
    assert (department.mail_policy, department.sender_name) == (MailPolicy.REGISTERED, "Поддержка")
    assert sorted(department.addresses.values_list("address", flat=True)) == addresses
    assert department.memberships.get().user == agent


def test_a_category_is_added_and_changed(signed_in, department):
    data = {
        "name": "Биллинг", "guidance": "Номер счёта и способ оплаты.", "kind": "billing",
        "default_department": department.pk, "position": "3", "is_active": "on",
    }  # fmt: skip
    post(signed_in, add_url(Category), data)
    category = Category.objects.get(name="Биллинг")
    assert (category.kind, category.default_department, category.position) == (
        "billing",
        department,
        3,
    )
    data = admin_page_data(signed_in.get(change_url(category)))
    data.update(kind="sales", is_active="")
    post(signed_in, change_url(category), data)
    category.refresh_from_db()
    assert (category.kind, category.is_active, category.guidance) == (
        "sales",
        False,
        "Номер счёта и способ оплаты.",
    )


def test_an_agent_is_added_with_membership_notifications_and_password(signed_in, department):
    data = {
        "email": "olga@hosting.example", "name": "Ольга", "role": "agent", "organization": "",
        "language": "ru", "time_zone": "Europe/Moscow", "is_active": "on",
        "email_verified": "on", "notify_new_ticket": "on", "notify_customer_reply": "",
        "notify_assigned": "on", "new_password": "Kx7!mq2-Lp9z",
        **inline_rows("memberships", [{"department": department.pk, "role": "agent"}]),
        **inline_rows("services", []),
    }  # fmt: skip
    post(signed_in, add_url(User), data)
    olga = User.objects.get(email="olga@hosting.example")
    assert (olga.name, olga.role, olga.language, olga.time_zone) == (
        "Ольга",
        "agent",
        "ru",
        "Europe/Moscow",
    )
    assert (olga.notify_new_ticket, olga.notify_customer_reply, olga.notify_assigned) == (
        True,
        False,
        True,
    )
    assert olga.check_password("Kx7!mq2-Lp9z")
    assert olga.memberships.get().department == department


def test_an_agents_notifications_are_changed_and_the_password_kept(signed_in, agent):
    """Issue 14: the notification switches (issue 6) were missing from the admin."""
    agent.set_password("Kx7!mq2-Lp9z")
    agent.save()
    data = admin_page_data(signed_in.get(change_url(agent)))
    assert data["new_password"] == ""
    data.pop("notify_new_ticket", None)  # unticked
    data.update(name="Агент Смит")
    post(signed_in, change_url(agent), data)
    agent.refresh_from_db()
    assert (agent.name, agent.notify_new_ticket, agent.notify_assigned) == (
        "Агент Смит",
        False,
        True,
    )
    assert agent.check_password("Kx7!mq2-Lp9z")
    assert agent.memberships.count() == 1


def test_a_customer_is_added_with_a_service(signed_in, organization):
    data = {
        "email": "ivan@example.com", "name": "Иван", "role": "customer",
        "organization": organization.pk, "language": "en", "time_zone": "UTC",
        "is_active": "on", "new_password": "",
        **inline_rows("memberships", []),
        **inline_rows("services", [{"name": "VPS cs1234", "kind": "VPS", "is_active": "on"}]),
    }  # fmt: skip
    post(signed_in, add_url(User), data)
    ivan = User.objects.get(email="ivan@example.com")
    assert ivan.organization == organization and not ivan.has_usable_password()
    assert ivan.services.get().name == "VPS cs1234"


def test_an_organization_is_added_with_a_service_and_changed(signed_in):
    data = {
        "name": "ООО «Ромашка»", "shares_tickets": "on", "created_at_0": "2026-11-30",
        "created_at_1": "09:30:00",
        **inline_rows("services", [{"name": "Хостинг", "kind": "", "is_active": "on"}]),
    }  # fmt: skip
    post(signed_in, add_url(Organization), data)
    organization = Organization.objects.get(name="ООО «Ромашка»")
    assert organization.shares_tickets and organization.services.get().name == "Хостинг"
    data = admin_page_data(signed_in.get(change_url(organization)))
    data.pop("shares_tickets")
    post(signed_in, change_url(organization), data)
    organization.refresh_from_db()
    assert not organization.shares_tickets and organization.services.count() == 1


def test_a_service_is_added_and_changed(signed_in, customer):
    data = {
        "name": "Invoice 2026-17", "kind": "invoice", "customer": customer.pk,
        "organization": "", "is_active": "on", "created_at_0": "2026-11-30",
        "created_at_1": "10:00:00",
    }  # fmt: skip
    post(signed_in, add_url(Service), data)
    service = Service.objects.get(name="Invoice 2026-17")
    assert service.customer == customer and service.created_at.date().isoformat() == "2026-11-30"
    data = admin_page_data(signed_in.get(change_url(service)))
    data.update(is_active="")
    post(signed_in, change_url(service), data)
    service.refresh_from_db()
    assert not service.is_active and service.customer == customer


def test_a_service_with_two_owners_is_refused(signed_in, customer, organization):
    data = {
        "name": "Both", "kind": "", "customer": customer.pk, "organization": organization.pk,
        "is_active": "on", "created_at_0": "2026-11-30", "created_at_1": "10:00:00",
    }  # fmt: skip
    response = signed_in.post(add_url(Service), data)
    assert response.status_code == 200
    assert not Service.objects.filter(name="Both").exists()


def test_a_membership_is_added_and_changed(signed_in, manager, department):
    data = {"user": manager.pk, "department": department.pk, "role": "agent"}
    post(signed_in, add_url(DepartmentMembership), data)
    membership = DepartmentMembership.objects.get(user=manager, department=department)
    data = admin_page_data(signed_in.get(change_url(membership)))
    data.update(role="manager")
    post(signed_in, change_url(membership), data)
    membership.refresh_from_db()
    assert membership.role == "manager"


def test_pages_of_existing_rows_submit_unchanged(signed_in, department, organization):
    """The page as rendered is a valid payload: nothing is lost by saving it."""
    category = CategoryFactory(name="Техническая поддержка", default_department=department)
    service = ServiceFactory(name="VPS cs1234", organization=organization)
    for obj in (department, category, organization, service):
        post(signed_in, change_url(obj), admin_page_data(signed_in.get(change_url(obj))))
    service.refresh_from_db()
    assert service.organization == organization and service.name == "VPS cs1234"
