"""Administrators can require two-factor authentication for staff (issue 14, P1).

With ACCOUNTS_STAFF_2FA_REQUIRED, agents, managers and administrators without an
authenticator app set one up before they reach any staff page or the admin; customers
go on as before and may opt in.
"""

import re

import pytest
from django.urls import URLPattern

from tests.accounts import otp
from tests.factories import PASSWORD
from tickets.urls import staff as staff_urls

pytestmark = pytest.mark.django_db

SETUP = "/accounts/settings/two-factor/"


def staff_paths() -> list[str]:
    """Every staff URL (numbers filled in) and the admin's pages."""
    paths = []
    for pattern in staff_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        route = re.sub(r"<int:\w+>", "1", str(pattern.pattern))
        paths.append("/staff/" + re.sub(r"<\w+:\w+>", "x", route))
    paths += ["/accounts/invite/", "/admin/", "/admin/accounts/user/", "/admin/accounts/user/1/"]
    return paths


@pytest.fixture
def required(settings):
    settings.ACCOUNTS_STAFF_2FA_REQUIRED = True


@pytest.mark.parametrize("path", staff_paths())
@pytest.mark.parametrize("persona", ["agent", "manager", "admin_user"])
def test_staff_without_a_device_are_sent_to_set_one_up_from_every_staff_page(
    client, required, request, persona, path
):
    client.force_login(request.getfixturevalue(persona))
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 302, path
        assert response["Location"] == SETUP


def test_the_setup_page_says_why_and_staff_may_still_sign_out(client, required, agent):
    client.force_login(agent)
    page = client.get(SETUP)
    assert page.status_code == 200
    assert "Staff accounts need two-factor authentication" in page.content.decode()
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_staff_who_set_it_up_reach_the_staff_portal_and_the_admin(client, required, admin_user):
    device, _codes = otp.enable(admin_user)
    client.post("/accounts/login/", {"username": admin_user.email, "password": PASSWORD})
    client.post("/accounts/login/code/", {"code": otp.code(device, 1)})
    assert client.get("/staff/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_staff_cannot_turn_it_off_while_it_is_required(client, required, agent):
    device, codes = otp.enable(agent)
    client.post("/accounts/login/", {"username": agent.email, "password": PASSWORD})
    client.post("/accounts/login/code/", {"code": otp.code(device, 1)})
    assert "cannot be turned off" in client.get(SETUP).content.decode()
    client.post(SETUP + "off/", {"password": PASSWORD, "code": codes[0]})
    assert device.__class__.objects.filter(user=agent, confirmed=True).exists()


def test_customers_are_not_asked_to_set_it_up(client, required, customer):
    client.post("/accounts/login/", {"username": customer.email, "password": PASSWORD})
    assert client.get("/tickets/").status_code == 200


def test_without_the_setting_staff_sign_in_with_the_password_alone(client, agent):
    client.post("/accounts/login/", {"username": agent.email, "password": PASSWORD})
    assert client.get("/staff/").status_code == 200
