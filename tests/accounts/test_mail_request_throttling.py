"""Password reset, new confirmation links and sign-up are throttled per client address and
per target address, with a message saying how long to wait (issue 14, P1).

Counted whether or not an account uses the address: the limit tells nothing about accounts.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

HOME = "10.0.0.1"
PAGES = ["/accounts/password/reset/", "/accounts/confirm/again/"]


def ask(client, page, email, address=HOME):
    return client.post(page, {"email": email}, REMOTE_ADDR=address)


def sign_up(client, email, address=HOME):
    data = {
        "name": "Ольга Смирнова",
        "email": email,
        "password1": "Зелёный-чайник-42",
        "password2": "Зелёный-чайник-42",
        "language": "ru",
    }
    return client.post("/accounts/signup/", data, REMOTE_ADDR=address)


@pytest.mark.parametrize("page", PAGES)
def test_the_sixth_request_for_one_address_in_an_hour_waits_from_any_client(client, customer, page):
    for n in range(5):
        assert ask(client, page, customer.email, address=f"10.0.1.{n}").status_code == 302
    refused = ask(client, page, customer.email, address="10.0.1.99")
    assert refused.status_code == 429
    assert "please wait 5 minutes" in refused.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_the_answer_is_the_same_for_an_address_without_an_account(client, customer, page):
    for _n in range(6):
        known = ask(client, page, customer.email, address="10.0.2.1")
        unknown = ask(client, page, "nobody@example.com", address="10.0.2.2")
    assert known.status_code == unknown.status_code == 429
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


@pytest.mark.parametrize("page", PAGES)
def test_one_client_asking_for_many_addresses_waits(client, page):
    for n in range(5):
        assert ask(client, page, f"person{n}@example.com").status_code == 302
    assert ask(client, page, "person99@example.com").status_code == 429
    assert ask(client, page, "person99@example.com", address="10.0.3.1").status_code == 302


def test_sign_up_is_throttled_per_client_and_per_address(client):
    for n in range(5):
        assert sign_up(client, f"new{n}@example.com").status_code == 302
    assert sign_up(client, "new99@example.com").status_code == 429
    for n in range(5):
        sign_up(client, "same@example.com", address=f"10.0.4.{n}")
    refused = sign_up(client, "same@example.com", address="10.0.4.99")
    assert refused.status_code == 429
    assert "please wait" in refused.content.decode()


def test_the_wait_ends(client, customer):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _n in range(6):
            locked = ask(client, PAGES[0], customer.email)
        assert locked.status_code == 429
        clock.shift(timedelta(minutes=4, seconds=59))
        assert ask(client, PAGES[0], customer.email).status_code == 429
        clock.shift(timedelta(seconds=2))
        assert ask(client, PAGES[0], customer.email).status_code == 302


def test_reset_requests_do_not_lock_the_sign_in(client, customer):
    for _n in range(6):
        ask(client, PAGES[0], customer.email)
    response = client.post(
        "/accounts/login/", {"username": customer.email, "password": PASSWORD}, REMOTE_ADDR=HOME
    )
    assert response.status_code == 302
