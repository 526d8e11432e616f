"""Two-factor authentication: an authenticator app (TOTP) and recovery codes (issue 14, P1)."""

import re
from base64 import b32decode
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services, tokens
from tests.accounts import otp
from tests.factories import PASSWORD
from tests.portal.pages import unlabelled_fields

pytestmark = pytest.mark.django_db

SETTINGS = "/accounts/settings/two-factor/"
CODE_PAGE = "/accounts/login/code/"
DISABLE = f"{SETTINGS}off/"
REGENERATE = f"{SETTINGS}recovery-codes/new/"


@pytest.fixture
def customer(customer):
    """This customer reads English pages: the assertions below read the English texts."""
    customer.language = "en"
    customer.save(update_fields=["language"])
    return customer


def sign_in(client, user, password=PASSWORD, next_url=""):
    data = {"username": user.email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_setup_page_shows_a_qr_code_we_draw_and_the_secret_in_text(client, customer):
    client.force_login(customer)
    page = client.get(SETTINGS)
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=customer, confirmed=False)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    assert b32decode(secret) == device.bin_key, "the key to type in by hand"
    assert f"secret={secret}" in device.config_url
    assert f'src="{SETTINGS}qr.svg"' in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert unlabelled_fields(html) == []
    qr = client.get(f"{SETTINGS}qr.svg")
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<svg")


def test_a_wrong_code_does_not_turn_it_on(client, customer):
    client.force_login(customer)
    client.get(SETTINGS)
    device = TOTPDevice.objects.get(user=customer)
    wrong = f"{(int(otp.code(device)) + 1) % 1000000:06d}"
    response = client.post(SETTINGS, {"code": wrong})
    assert response.status_code == 400
    assert "not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=customer, confirmed=True).exists()


def test_the_right_code_turns_it_on_and_the_recovery_codes_show_once(client, customer):
    client.force_login(customer)
    client.get(SETTINGS)
    device = TOTPDevice.objects.get(user=customer)
    response = client.post(SETTINGS, {"code": otp.code(device)})
    assert response["Location"] == f"{SETTINGS}recovery-codes/"
    page = client.get(response["Location"]).content.decode()
    shown = re.findall(r"<li><code>(\w+)</code></li>", page)
    stored = set(StaticToken.objects.filter(device__user=customer).values_list("token", flat=True))
    assert len(shown) == 10 and set(shown) == stored
    assert client.get(f"{SETTINGS}recovery-codes/")["Location"] == SETTINGS
    assert "Two-factor authentication is on" in client.get(SETTINGS).content.decode()


def test_without_a_device_the_password_signs_in(client, customer):
    assert sign_in(client, customer)["Location"] == "/"
    assert signed_in(client)


def test_with_a_device_the_password_alone_does_not_sign_in(client, customer):
    otp.enable(customer)
    response = sign_in(client, customer, next_url="/tickets/")
    assert response["Location"] == f"{CODE_PAGE}?next=%2Ftickets%2F"
    assert not signed_in(client)
    assert client.get("/tickets/").status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert unlabelled_fields(page) == []


def test_the_code_from_the_app_completes_the_sign_in(client, customer):
    device, _codes = otp.enable(customer)
    sign_in(client, customer)
    response = client.post(CODE_PAGE, {"code": otp.code(device, 1), "next": "/tickets/"})
    assert response["Location"] == "/tickets/"
    assert signed_in(client)
    assert client.get("/tickets/").status_code == 200


def test_a_wrong_code_is_refused_and_five_lock_the_account(client, customer):
    device, _codes = otp.enable(customer)
    sign_in(client, customer)
    wrong = f"{(int(otp.code(device, 1)) + 1) % 1000000:06d}"
    first = client.post(CODE_PAGE, {"code": wrong})
    assert first.status_code == 200 and "not right" in first.content.decode()
    assert not signed_in(client)
    for _n in range(4):
        locked = client.post(CODE_PAGE, {"code": wrong})
    assert locked.status_code == 429
    assert "please wait 5 minutes" in locked.content.decode()
    right = client.post(CODE_PAGE, {"code": otp.code(device, 1)})
    assert right.status_code == 429
    assert not signed_in(client)


def test_a_code_is_not_accepted_twice(client, customer):
    device, _codes = otp.enable(customer)
    sign_in(client, customer)
    code = otp.code(device, 1)
    client.post(CODE_PAGE, {"code": code})
    client.logout()
    sign_in(client, customer)
    assert client.post(CODE_PAGE, {"code": code}).status_code == 200
    assert not signed_in(client)


def test_a_recovery_code_signs_in_once(client, customer):
    _device, codes = otp.enable(customer)
    sign_in(client, customer)
    response = client.post(CODE_PAGE, {"recovery_code": codes[0].upper()})
    assert response["Location"] == "/"
    assert signed_in(client)
    client.logout()
    sign_in(client, customer)
    again = client.post(CODE_PAGE, {"recovery_code": codes[0]})
    assert again.status_code == 200 and not signed_in(client)
    assert StaticToken.objects.filter(device__user=customer).count() == 9


def test_the_code_step_ends_after_five_minutes(client, customer):
    device, _codes = otp.enable(customer)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, customer)
        clock.shift(timedelta(minutes=5, seconds=1))
        response = client.post(CODE_PAGE, {"code": otp.code(device, 1)})
    assert response["Location"] == "/accounts/login/"
    assert not signed_in(client)


def test_the_code_page_does_not_send_people_to_another_site(client, customer):
    device, _codes = otp.enable(customer)
    sign_in(client, customer)
    response = client.post(
        CODE_PAGE, {"code": otp.code(device, 1), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_a_password_reset_link_still_asks_for_the_code(client, customer):
    """The link proves the mailbox; signing in through it must not skip the second factor."""
    otp.enable(customer)
    uid = tokens.uid_encode(customer)
    token = tokens.password_reset_tokens.make_token(customer)
    form = client.get(f"/accounts/password/reset/{uid}/{token}/")["Location"]
    new = "Новый-пароль-2026"
    response = client.post(form, {"new_password1": new, "new_password2": new})
    assert response["Location"] == CODE_PAGE
    assert not signed_in(client)


def test_a_session_from_before_the_device_asks_for_the_code(
    client, customer, django_capture_on_commit_callbacks
):
    client.force_login(customer)
    assert client.get("/tickets/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        otp.enable(customer)
    response = client.get("/tickets/")
    assert response["Location"] == f"{CODE_PAGE}?next=/tickets/"
    assert client.get(SETTINGS)["Location"].startswith(CODE_PAGE)


def test_turning_it_off_takes_the_password_and_a_code(client, customer):
    device, codes = otp.enable(customer)
    sign_in(client, customer)
    client.post(CODE_PAGE, {"code": otp.code(device, 1)})
    wrong_password = client.post(DISABLE, {"password": "wrong", "code": codes[0]})
    assert wrong_password.status_code == 400
    no_code = client.post(DISABLE, {"password": PASSWORD, "code": "000000"})
    assert no_code.status_code == 400
    assert TOTPDevice.objects.filter(user=customer).exists()
    response = client.post(DISABLE, {"password": PASSWORD, "code": codes[1]})
    assert response["Location"] == SETTINGS
    assert not TOTPDevice.objects.filter(user=customer).exists()
    assert not StaticToken.objects.filter(device__user=customer).exists()
    client.logout()
    assert sign_in(client, customer)["Location"] == "/"


def test_new_recovery_codes_replace_the_old_ones(client, customer):
    device, old = otp.enable(customer)
    sign_in(client, customer)
    client.post(CODE_PAGE, {"code": otp.code(device, 1)})
    with time_machine.travel(timezone.now() + timedelta(seconds=30), tick=False):
        response = client.post(REGENERATE, {"regenerate-code": otp.code(device, 1)})
    assert response["Location"] == f"{SETTINGS}recovery-codes/"
    new = re.findall(
        r"<li><code>(\w+)</code></li>", client.get(response["Location"]).content.decode()
    )
    assert len(new) == 10 and not set(new) & set(old)
    assert services.two_factor_device(user=customer, code=old[0], recovery=True) is None


def test_a_device_an_administrator_deletes_in_the_admin_no_longer_asks_for_a_code(
    client, customer, admin_user, django_capture_on_commit_callbacks
):
    """Someone lost his phone and his recovery codes: the admin removes the device."""
    device, _codes = otp.enable(customer)
    client.force_login(customer)
    assert client.get("/tickets/")["Location"].startswith(CODE_PAGE)
    administrator = Client()
    administrator.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        deleted = administrator.post(
            f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}
        )
    assert deleted.status_code == 302
    assert not TOTPDevice.objects.filter(user=customer).exists()
    assert client.get("/tickets/").status_code == 200


def test_wrong_passwords_on_the_turn_off_form_count_as_failed_sign_ins(client, customer):
    device, codes = otp.enable(customer)
    sign_in(client, customer)
    client.post(CODE_PAGE, {"code": otp.code(device, 1)})
    for _n in range(5):
        response = client.post(DISABLE, {"password": "guess", "code": codes[0]})
    assert response.status_code == 429
    assert "please wait 5 minutes" in response.content.decode()
    right = client.post(DISABLE, {"password": PASSWORD, "code": codes[0]})
    assert right.status_code == 429
    assert TOTPDevice.objects.filter(user=customer).exists()
