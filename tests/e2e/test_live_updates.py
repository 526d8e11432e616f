"""Live updates in a real browser (issue 11, W2): the agent's open queue shows a new
ticket by itself, the bell counts a customer's message on his ticket, the open ticket
page shows the message without a reload, a draft survives a reload; on a phone the staff
header is one row."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, open_ticket
from tickets import services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _quick_polls(settings):
    settings.LIVE_POLL_SECONDS = 2


def test_the_open_queue_updates_itself_and_the_bell_counts(
    page, screenshot, agent, customer, department
):
    mine = open_ticket(customer, department, subject="VPS cs1234 перезагружается")
    services.ticket_assign(actor=agent, ticket=mine, assignee=agent)
    sounds = []
    page.on(
        "request", lambda request: sounds.append(request.url) if ".wav" in request.url else None
    )
    sign_in(page, agent.email, PASSWORD)
    page.goto("/staff/queue/")
    expect(page.locator("#bell .bell-count")).to_be_hidden()
    screenshot(page, "queue-before")

    open_ticket(customer, department, subject="Почта не уходит: 550 5.7.1")
    expect(page.get_by_role("link", name="Почта не уходит: 550 5.7.1")).to_be_visible()
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    screenshot(page, "queue-updated-by-itself")

    services.message_add_web(actor=customer, ticket=mine, body_text="Снова упал, помогите!")
    expect(page.locator("#bell .bell-count")).to_have_text("1")
    expect(page.locator("#bell")).to_have_accessible_name(re.compile("Notifications: 1 unread"))
    assert any(url.endswith("new-message.wav") for url in sounds)
    screenshot(page, "bell-rang")

    page.locator("#bell").click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(page.locator("li.notification.unread")).to_contain_text("the customer wrote")
    screenshot(page, "notifications")
    page.locator("li.notification.unread button").click()
    expect(page).to_have_url(re.compile(rf"/staff/tickets/{mine.number}/$"))
    expect(page.locator("#bell .bell-count")).to_be_hidden()


def test_the_open_ticket_shows_a_customers_message_and_keeps_the_draft(
    page, screenshot, agent, customer, department
):
    ticket = open_ticket(customer, department, subject="Не открывается панель")
    sign_in(page, agent.email, PASSWORD)
    page.goto(f"/staff/tickets/{ticket.number}/")
    page.get_by_label("Message").fill("Черновик ответа: проверяем DNS…")
    page.wait_for_timeout(400)  # the draft is saved a moment after typing stops
    page.reload()
    expect(page.get_by_label("Message")).to_have_value("Черновик ответа: проверяем DNS…")

    services.message_add_web(actor=customer, ticket=ticket, body_text="Уже 3 часа не работает.")
    expect(page.locator("#timeline")).to_contain_text("Уже 3 часа не работает.")
    expect(page.get_by_label("Message")).to_have_value("Черновик ответа: проверяем DNS…")
    screenshot(page, "message-arrived-draft-kept")

    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("article.msg.agent")).to_contain_text("проверяем DNS")
    page.reload()
    expect(page.get_by_label("Message")).to_have_value("")
    assert ticket.messages.filter(author=agent).count() == 1


def test_the_staff_header_is_one_row_on_a_phone(phone, screenshot, agent, customer, department):
    open_ticket(customer, department, subject="Телефон")
    sign_in(phone, agent.email, PASSWORD)
    for url in ("/staff/", "/staff/queue/", "/staff/live/notifications/"):
        phone.goto(url)
        bar = phone.locator("header.topbar")
        brand = phone.locator("header.topbar .brand").bounding_box()
        bell = phone.locator("#bell").bounding_box()
        sign_out = phone.get_by_role("button", name="Sign out").bounding_box()
        assert brand and bell and sign_out
        box = bar.bounding_box()
        assert box is not None
        for item in (brand, bell, sign_out):
            assert item["y"] < box["y"] + box["height"] / 2 < item["y"] + item["height"] + 8
        screenshot(phone, f"header-{url.strip('/').replace('/', '-') or 'dashboard'}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
