"""Sign-in is throttled per account and per client address, with a lock that grows (issue 14, P1).

MISSION.md, "Expected by anyone": guessing passwords is slowed down, the answer says how
long to wait and never whether an account exists.
"""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from tests.factories import PASSWORD, CustomerFactory

pytestmark = pytest.mark.django_db

HOME = "10.0.0.1"
CAFE = "10.0.0.2"


def sign_in(client, email, password, address=HOME, **headers):
    return client.post(
        "/accounts/login/",
        {"username": email, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, email, times, address=HOME, **headers):
    for _n in range(times):
        response = sign_in(client, email, "wrong password", address, **headers)
    return response


def test_five_wrong_passwords_lock_the_account_and_the_answer_says_how_long_to_wait(
    client, customer
):
    assert fail(client, customer.email, 4).status_code == 200
    locked = fail(client, customer.email, 1)
    assert locked.status_code == 429
    assert "please wait 5 minutes" in locked.content.decode()
    right = sign_in(client, customer.email, PASSWORD)
    assert right.status_code == 429, "the right password waits for the lock too"
    assert not signed_in(client)


def test_the_lock_reads_the_same_for_an_address_without_an_account(client, customer):
    known = fail(client, customer.email, 5, address=HOME)
    unknown = fail(client, "nobody@example.com", 5, address=CAFE)
    assert known.status_code == unknown.status_code == 429
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_an_account_locked_from_one_address_does_not_block_another_account_from_another(
    client, customer, other_customer
):
    fail(client, customer.email, 5, address=HOME)
    response = sign_in(client, other_customer.email, PASSWORD, address=CAFE)
    assert response.status_code == 302
    assert signed_in(client)


def test_many_accounts_tried_from_one_address_lock_that_address_only(client, settings):
    settings.ACCOUNTS_SIGNIN_ADDRESS_FAILURES = 6
    for n in range(6):
        fail(client, f"guess{n}@example.com", 1, address=HOME)
    person = CustomerFactory()
    assert sign_in(client, person.email, PASSWORD, address=HOME).status_code == 429
    assert sign_in(client, person.email, PASSWORD, address=CAFE).status_code == 302


def test_the_lock_expires_and_the_next_one_lasts_twice_as_long(client, customer):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        fail(client, customer.email, 5)
        clock.shift(timedelta(minutes=4, seconds=59))
        assert sign_in(client, customer.email, PASSWORD).status_code == 429
        clock.shift(timedelta(seconds=2))
        locked_again = fail(client, customer.email, 5)
        assert "please wait 10 minutes" in locked_again.content.decode()
        clock.shift(timedelta(minutes=9, seconds=59))
        assert sign_in(client, customer.email, PASSWORD).status_code == 429
        clock.shift(timedelta(seconds=2))
        assert sign_in(client, customer.email, PASSWORD).status_code == 302


def test_a_successful_sign_in_forgets_the_failures_before_it(client, customer):
    fail(client, customer.email, 4)
    assert sign_in(client, customer.email, PASSWORD).status_code == 302
    client.logout()
    assert fail(client, customer.email, 4).status_code == 200
    assert sign_in(client, customer.email, PASSWORD).status_code == 302


def test_x_forwarded_for_is_not_trusted_without_a_configured_proxy(client, settings):
    settings.ACCOUNTS_SIGNIN_ADDRESS_FAILURES = 3
    for n in range(3):
        sign_in(client, f"g{n}@example.com", "x", HOME, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    person = CustomerFactory()
    assert sign_in(client, person.email, PASSWORD, HOME).status_code == 429


def test_behind_one_trusted_proxy_the_client_is_the_address_the_proxy_saw(client, settings):
    """The proxy (REMOTE_ADDR) appends what it saw; what the client wrote before is ignored."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNTS_SIGNIN_ADDRESS_FAILURES = 3
    proxy = "172.16.0.1"
    for n in range(3):
        spoofed = f"198.51.100.{n}, 203.0.113.9"
        sign_in(client, f"g{n}@example.com", "x", proxy, HTTP_X_FORWARDED_FOR=spoofed)
    person = CustomerFactory()
    locked = sign_in(client, person.email, PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert locked.status_code == 429
    other = sign_in(client, person.email, PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert other.status_code == 302


def test_an_operator_lifts_a_lock_with_a_management_command(client, customer):
    fail(client, customer.email, 5)
    call_command("unlock_sign_in", customer.email.upper(), stdout=StringIO())
    assert sign_in(client, customer.email, PASSWORD).status_code == 302


def test_the_admin_sign_in_form_leads_to_the_throttled_sign_in(client):
    """/admin/login/ would check passwords past the throttle and the second factor."""
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"
