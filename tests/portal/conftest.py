import pytest
from django.core.cache import cache

from tests.factories import CategoryFactory, ServiceFactory
from tickets.models import CategoryKind


@pytest.fixture(autouse=True)
def _fresh_mail_limits():
    """The per-address mail limit lives in the cache; every test starts with none sent."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def technical(department):
    return CategoryFactory(
        name="Technical problem",
        kind=CategoryKind.TECHNICAL,
        default_department=department,
        guidance="Which server, since when, what changed, what you tried.",
    )


@pytest.fixture
def billing(other_department):
    return CategoryFactory(
        name="Billing",
        kind=CategoryKind.BILLING,
        default_department=other_department,
        guidance="Invoice number and how you paid.",
    )


@pytest.fixture
def vps(customer):
    return ServiceFactory(name="VPS cs1234", customer=customer)
