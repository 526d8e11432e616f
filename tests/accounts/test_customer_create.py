"""Creating customer accounts: by agents, by the system, safely under concurrency."""

import pytest

from accounts import services
from accounts.models import Role, User
from helpdesk.errors import ActionNotAllowed, NotPermitted

pytestmark = pytest.mark.django_db


def test_agent_creates_a_customer_without_a_password(agent, organization):
    user = services.customer_create(
        actor=agent,
        email=" Olga@Romashka.Example ",
        name="Ольга  Смирнова",
        organization=organization,
    )
    assert user.email == "olga@romashka.example"
    assert user.name == "Ольга Смирнова"
    assert user.role == Role.CUSTOMER and user.organization == organization
    assert not user.has_usable_password()


def test_customers_cannot_create_accounts(customer):
    with pytest.raises(NotPermitted):
        services.customer_create(actor=customer, email="x@example.com")


def test_an_address_is_only_once(agent, customer):
    with pytest.raises(ActionNotAllowed):
        services.customer_create(actor=agent, email=customer.email.upper())


def test_invalid_addresses_are_refused_with_a_clear_message(agent):
    with pytest.raises(ActionNotAllowed) as error:
        services.customer_create(actor=agent, email="not an address")
    assert "not a valid e-mail address" in str(error.value)


def test_get_or_create_matches_addresses_case_insensitively(customer):
    user, created = services.customer_get_or_create(email=customer.email.upper(), name="X")
    assert user == customer and not created


def test_get_or_create_makes_a_new_customer_with_his_language():
    user, created = services.customer_get_or_create(
        email="Armen@Example.am", name="Արմեն", language="hy"
    )
    assert created and user.email == "armen@example.am" and user.language == "hy"
    assert User.objects.get(email="armen@example.am").name == "Արմեն"


def test_unknown_languages_fall_back_to_the_default():
    user, _ = services.customer_get_or_create(email="a@example.com", language="xx")
    assert user.language == "en"
