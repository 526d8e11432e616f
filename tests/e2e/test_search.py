"""Search in a real browser: "/" focuses the header box, a word finds the ticket in another
form, the snippet marks it, and a click opens it (issue 9, R18)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, open_ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agent_types_in_the_header_box_and_opens_a_result(
    page, screenshot, agent, customer, department
):
    open_ticket(customer, department, subject="Другая тема", body="Ничего общего.")
    ticket = open_ticket(
        customer, department, subject="Не работает почта", body="Серверы не принимают письма."
    )
    sign_in(page, agent.email, PASSWORD)
    page.locator("body").press("/")
    box = page.get_by_role("searchbox", name="Search tickets")
    expect(box).to_be_focused()
    page.keyboard.type("СЕРВЕР")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/staff/search/\?q="))
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator("mark")).to_have_text("Серверы")
    screenshot(page, "results")
    page.get_by_role("link", name="Не работает почта").click()
    expect(page).to_have_url(re.compile(rf"/staff/tickets/{ticket.number}/$"))


def test_a_customer_searches_his_tickets_in_the_portal(page, customer, department):
    ticket = open_ticket(customer, department, subject="Счёт за май", body="Где квитанции?")
    sign_in(page, customer.email, PASSWORD)
    page.get_by_role("searchbox").fill("квитанция")
    page.get_by_role("searchbox").press("Enter")
    expect(page.locator("table.portal-tickets tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Счёт за май").click()
    expect(page).to_have_url(re.compile(rf"/tickets/{ticket.number}/$"))
