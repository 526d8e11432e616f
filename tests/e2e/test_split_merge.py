"""Split and merge in a real browser (issue 11, R14): an agent splits a customer's second
problem into its own ticket, then merges a duplicate into it; the same on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, open_ticket
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agent_splits_a_message_then_merges_a_duplicate_into_the_new_ticket(
    page, screenshot, agent, customer, department
):
    ticket = open_ticket(customer, department, subject="Сайт не открывается, ошибка 502")
    second = services.message_add_web(
        actor=customer, ticket=ticket, body_text="И ещё: счёт №4711 выставлен дважды."
    )
    duplicate = open_ticket(customer, department, subject="Двойной счёт", body="Счёт дважды!")
    sign_in(page, agent.email, PASSWORD)
    page.goto(f"/staff/tickets/{ticket.number}/")
    message = page.locator(f"#message-{second.pk}")
    message.locator("summary").click()
    message.get_by_label("Subject of the new ticket").fill("Счёт №4711 выставлен дважды")
    screenshot(page, "split form")
    message.get_by_role("button", name="Open the new ticket").click()
    new = Ticket.objects.get(split_from=ticket)
    expect(page).to_have_url(re.compile(rf"/staff/tickets/{new.number}/$"))
    expect(page.get_by_text(f"split from #{ticket.number}")).to_be_visible()
    screenshot(page, "the new ticket")

    page.goto(f"/staff/tickets/{duplicate.number}/")
    page.get_by_text("Merge into another ticket").click()
    page.get_by_label("Into ticket number").fill(str(new.number))
    screenshot(page, "merge form")
    page.get_by_role("button", name="Merge", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/staff/tickets/{new.number}/$"))
    expect(page.get_by_text("Счёт дважды!")).to_be_visible()
    expect(page.get_by_text(f"merged #{duplicate.number} into this ticket")).to_be_visible()
    screenshot(page, "merged")


def test_the_split_and_merge_controls_fit_a_phone(phone, screenshot, agent, customer, department):
    ticket = open_ticket(customer, department, subject="Сайт не открывается, ошибка 502")
    services.message_add_web(actor=customer, ticket=ticket, body_text="Второй вопрос")
    sign_in(phone, agent.email, PASSWORD)
    phone.goto(f"/staff/tickets/{ticket.number}/")
    phone.get_by_text("Split into a new ticket").first.click()
    phone.get_by_text("Merge into another ticket").click()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(phone, "phone")
