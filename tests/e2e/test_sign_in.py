"""Signing in with a real browser, on a desktop and on a phone (issue 2, R3)."""

import pytest

from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, open_ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_customer_signs_in_and_sees_his_tickets(page, screenshot, customer, department):
    open_ticket(customer, department, subject="Сайт не открывается")
    page.goto("/")
    screenshot(page, "sign-in")
    sign_in(page, customer.email, PASSWORD)
    page.get_by_role("link", name="Сайт не открывается").wait_for()
    screenshot(page, "my-tickets")
    assert page.url.endswith("/tickets/")


def test_a_wrong_password_is_refused_with_a_message(page, customer):
    sign_in(page, customer.email, "wrong")
    assert page.url.endswith("/accounts/login/")
    assert page.get_by_role("alert").is_visible()


def test_the_staff_portal_on_a_phone(phone, screenshot, agent, customer, department):
    open_ticket(customer, department, subject="VPS cs1234 is down")
    sign_in(phone, agent.email, PASSWORD)
    # The dashboard lists a new ticket several times: unassigned, waiting, recently updated.
    phone.get_by_role("link", name="VPS cs1234 is down").first.wait_for()
    screenshot(phone, "staff-dashboard-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
