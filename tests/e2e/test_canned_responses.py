"""Canned responses in a real browser (issue 11, R15): the agent types `#`, picks a response
with the keyboard, edits the filled-in text and sends it with the response's file; the
customer receives it by mail and in his account. Then the picker on a phone."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.canned.conftest import canned
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, open_ticket, upload
from tests.helpers import png_bytes
from tickets.canned.models import CannedResponse, Scope
from tickets.models import MessageKind

pytestmark = pytest.mark.django_db(transaction=True)

RUSSIAN = "Здравствуйте, {customer_name}! Перезапустили веб-сервер (№{ticket_number})."


@pytest.fixture
def responses(admin_user, agent, department):
    canned(admin_user, "Greeting", body="Hello {customer_name}!", scope=Scope.GLOBAL)
    restart = canned(
        admin_user,
        "Restarted the web server",
        body="Hello {customer_name}, we restarted the web server of ticket #{ticket_number}.",
        scope=Scope.DEPARTMENT,
        department=department,
        folder="Hosting",
        variants={
            "ru": "Здравствуйте, {customer_name}! Перезапустили веб-сервер (№{ticket_number})."
        },
        files=[upload(png_bytes((40, 30), "seagreen"), "схема.png")],
    )
    canned(agent, "Restart checklist", body="1. nginx 2. php-fpm")
    return restart


def test_an_agent_picks_a_response_with_the_keyboard_edits_and_sends_it(
    page, browser, live_server, screenshot, agent, customer, department, responses
):
    ticket = open_ticket(customer, department, subject="Сайт не открывается")
    sign_in(page, agent.email, PASSWORD)
    page.goto(f"/staff/tickets/{ticket.number}/")
    box = page.get_by_label("Message")
    box.click()
    box.press_sequentially("#resta")
    options = page.get_by_role("listbox", name="Canned responses").get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.first).to_have_attribute("aria-selected", "true")
    screenshot(page, "picker-open")

    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_contain_text("Restarted the web server")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", f"canned-option-{responses.pk}")
    page.keyboard.press("Enter")
    filled = f"Здравствуйте, Иван Петров! Перезапустили веб-сервер (№{ticket.number})."
    expect(box).to_have_value(filled)
    expect(page.get_by_role("listbox", name="Canned responses")).to_be_hidden()
    expect(page.get_by_label("схема.png")).to_be_checked()
    box.press("End")
    box.press_sequentially(" Проверьте, пожалуйста.")
    screenshot(page, "inserted-and-edited")

    mail.outbox.clear()
    page.get_by_role("button", name="Send", exact=True).click()
    reply = page.locator("article.msg.agent")
    expect(reply).to_contain_text("Проверьте, пожалуйста.")
    expect(reply.get_by_role("link", name="схема.png")).to_be_visible()
    screenshot(page, "sent")

    message = ticket.messages.get(kind=MessageKind.AGENT)
    assert message.body_text == filled + " Проверьте, пожалуйста."
    assert [a.filename for a in message.attachments.all()] == ["схема.png"]
    assert CannedResponse.objects.get(pk=responses.pk).usage_count == 1
    sent = [m for m in mail.outbox if customer.email in " ".join(m.to)]
    assert sent and "Перезапустили веб-сервер" in sent[-1].body
    assert [name for name, *_ in sent[-1].attachments] == ["схема.png"]

    customer_view = browser.new_context(base_url=live_server.url, locale="ru-RU")
    customer_page = customer_view.new_page()
    customer_page.goto("/accounts/login/")
    customer_page.locator("input[name=username]").fill(customer.email)
    customer_page.locator("input[name=password]").fill(PASSWORD)
    customer_page.locator("form button[type=submit]").last.click()
    customer_page.goto(f"/tickets/{ticket.number}/")
    expect(customer_page.locator(".msg.agent")).to_contain_text("Проверьте, пожалуйста.")
    screenshot(customer_page, "the-customer-reads-it")
    customer_view.close()


def test_on_a_phone_the_button_opens_the_list_and_a_tap_inserts(
    phone, screenshot, agent, customer, department, responses
):
    ticket = open_ticket(customer, department)
    sign_in(phone, agent.email, PASSWORD)
    phone.goto(f"/staff/tickets/{ticket.number}/")
    phone.get_by_label("Message").fill("Hi! ")
    phone.get_by_role("button", name="Canned response").tap()
    expect(phone.get_by_role("combobox", name="Search canned responses")).to_be_focused()
    phone.get_by_role("combobox", name="Search canned responses").fill("greet")
    option = phone.get_by_role("option", name="Greeting")
    screenshot(phone, "picker-on-a-phone")
    option.tap()
    expect(phone.get_by_label("Message")).to_have_value("Hi! Hello Иван Петров!")
    screenshot(phone, "inserted-on-a-phone")
