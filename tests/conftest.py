"""Personas and the settings every test shares (STYLE.md, Tests)."""

from __future__ import annotations

import os

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import translation

from accounts.models import Role
from tests.factories import (
    AgentFactory,
    CustomerFactory,
    DepartmentFactory,
    OrganizationFactory,
    UserFactory,
)
from tests.helpers import png_bytes
from tests.mailgateway.corpus import CORPUS
from tests.mailgateway.dovecot import DOVECOT
from tests.mailservers import SmtpSink
from tests.workers import configure_test_celery


def pytest_sessionstart(session):
    """In CI (CI=true) the mail corpus and Dovecot must be there: their tests never skip."""
    if os.environ.get("CI", "").lower() not in {"1", "true", "yes"}:
        return
    missing = []
    if CORPUS is None:
        missing.append("the mail corpus ($MAIL_CORPUS or ../shared/corpus)")
    if not os.path.exists(DOVECOT):
        missing.append("Dovecot (Debian: dovecot-imapd dovecot-pop3d)")
    if missing:
        pytest.exit(f"CI=true and missing: {'; '.join(missing)}", returncode=4)


@pytest.fixture(autouse=True)
def _default_language():
    """A request activates its user's language for the thread; the next test starts afresh."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Pages render without a collectstatic run (the manifest is a deployment step).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Sign-in and mail-request throttles count in the cache: no test inherits another's."""
    cache.clear()
    yield


@pytest.fixture(autouse=True, scope="session")
def _eager_celery():
    """Tasks run in-process unless a test starts a real worker (tests marked `services`)."""
    configure_test_celery()
    yield


@pytest.fixture
def department(db):
    return DepartmentFactory(name="Technical support", slug="support")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(name="Sales", slug="sales")


@pytest.fixture
def customer(db):
    return CustomerFactory(name="Иван Петров", email="ivan@example.ru", language="ru")


@pytest.fixture
def other_customer(db):
    return CustomerFactory(name="Jane Roe", email="jane@example.com")


@pytest.fixture
def agent(department):
    return AgentFactory(name="Anna Agent", departments=[department])


@pytest.fixture
def agent_other_department(other_department):
    return AgentFactory(name="Sam Sales", departments=[other_department])


@pytest.fixture
def manager(db):
    return UserFactory(name="Maria Manager", role=Role.MANAGER)


@pytest.fixture
def admin_user(db):
    return UserFactory(name="Alex Admin", role=Role.ADMIN)


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="ООО «Ромашка»", shares_tickets=True)


@pytest.fixture
def png():
    return png_bytes()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) that Django's SMTP backend sends to."""
    sink = SmtpSink()
    sink.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    sink.stop()
