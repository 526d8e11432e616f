import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_mail_limits():
    """The per-address mail limit lives in the cache; every test starts with none sent."""
    cache.clear()
    yield
    cache.clear()
