"""Users: the e-mail address is the login, whatever its letter case (issue 2, data model)."""

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role, User
from tests.factories import PASSWORD, CustomerFactory


@pytest.mark.django_db
def test_email_is_stored_lower_cased():
    user = User.objects.create_user("Ivan.Petrov@Example.RU", "x")
    assert user.email == "ivan.petrov@example.ru"


@pytest.mark.django_db
def test_email_is_unique_whatever_the_case():
    User.objects.create_user("ivan@example.ru", "x")
    with pytest.raises(ValidationError):
        User.objects.create_user("IVAN@example.ru", "x")


@pytest.mark.django_db
def test_database_refuses_a_second_address_differing_only_in_case():
    User.objects.create_user("ivan@example.ru", "x")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="Ivan@Example.ru")])


@pytest.mark.django_db
def test_sign_in_ignores_the_case_of_the_address(client):
    CustomerFactory(email="olga@example.ru")
    response = client.post(
        "/accounts/login/", {"username": "OLGA@Example.RU", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert authenticate(username="Olga@example.ru", password=PASSWORD) is not None


@pytest.mark.django_db
def test_a_deactivated_user_cannot_sign_in(client):
    CustomerFactory(email="gone@example.com", is_active=False)
    response = client.post(
        "/accounts/login/", {"username": "gone@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_roles_decide_portal_and_admin_access(customer, agent, manager, admin_user):
    assert customer.is_customer and not customer.is_agent and not customer.is_staff
    assert agent.is_agent and not agent.sees_all_departments and not agent.is_staff
    assert manager.is_agent and manager.sees_all_departments and not manager.is_staff
    assert admin_user.is_staff and admin_user.has_perm("tickets.change_department")
    assert not agent.has_perm("tickets.change_department")


@pytest.mark.django_db
def test_createsuperuser_makes_an_administrator():
    user = User.objects.create_superuser("root@example.com", "x")
    assert user.role == Role.ADMIN and user.is_superuser
