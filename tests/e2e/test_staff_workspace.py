"""The staff portal in a real browser (issue 4; R3, R7, R8, R13, R16).

An agent takes an unassigned ticket from the queue, adds an internal note, replies with
an attachment and sets it pending; then the same on a phone, and the collision warning.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, AgentFactory, open_ticket
from tests.helpers import png_bytes
from tickets import services
from tickets.models import MessageKind, Status, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def screenshot_png(tmp_path):
    path = tmp_path / "схема сети.png"
    path.write_bytes(png_bytes((64, 48), "steelblue"))
    return path


def test_an_agent_takes_a_ticket_notes_and_replies_with_a_file_setting_it_pending(
    page, screenshot, agent, customer, department, screenshot_png
):
    open_ticket(customer, department, subject="Already handled", actor=customer)
    ticket = open_ticket(customer, department, subject="Сайт не открывается, ошибка 502")
    sign_in(page, agent.email, PASSWORD)
    screenshot(page, "dashboard")

    page.get_by_role("link", name="Queue", exact=True).click()
    expect(page.get_by_role("heading", name="Queue")).to_be_visible()
    screenshot(page, "queue")
    page.get_by_role("button", name=f"Take ticket #{ticket.number}").click()
    expect(page).to_have_url(re.compile(rf"/staff/tickets/{ticket.number}/$"))
    expect(page.locator("#ticket-head")).to_contain_text("Anna Agent")
    screenshot(page, "taken")

    # "n" switches the reply box to an internal note and puts the cursor in it.
    page.locator("body").press("n")
    expect(page.get_by_label("Internal note")).to_be_checked()
    expect(page.get_by_label("Message")).to_be_focused()
    page.keyboard.type("Клиент звонил: проблема после обновления PHP.")
    screenshot(page, "writing-a-note")
    page.get_by_role("button", name="Add note").click()
    note = page.locator("article.msg.note")
    expect(note).to_contain_text("Клиент звонил")
    expect(note).to_have_css("background-color", "rgb(255, 248, 219)")

    page.get_by_label("Public reply").check()
    page.get_by_label("Message").fill("Здравствуйте! Перезапустили php-fpm, проверьте, пожалуйста.")
    page.get_by_label("Attachments").set_input_files(str(screenshot_png))
    expect(page.get_by_role("button", name="Add note")).to_be_hidden()
    page.get_by_role("button", name="Send and set pending").click()

    reply = page.locator("article.msg.agent")
    expect(reply).to_contain_text("Anna Agent")
    expect(reply).to_contain_text("Перезапустили php-fpm")
    expect(reply.get_by_role("link", name=re.compile("схема сети.png"))).to_be_visible()
    expect(page.locator("#ticket-head .badge")).to_have_text("Pending")
    expect(page.locator("#timeline")).to_contain_text("status New → Pending")
    screenshot(page, "replied-and-pending")

    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING and ticket.assignee == agent
    kinds = list(ticket.messages.order_by("id").values_list("kind", flat=True))
    assert kinds == [MessageKind.CUSTOMER, MessageKind.NOTE, MessageKind.AGENT]


def test_controls_change_the_ticket_without_losing_the_reply_being_written(
    page, screenshot, agent, customer, department
):
    ticket = open_ticket(customer, department, subject="Disk almost full")
    sign_in(page, agent.email, PASSWORD)
    page.goto(f"/staff/tickets/{ticket.number}/")
    page.get_by_label("Message").fill("Half-written answer")
    page.locator("#control-priority").select_option(label="Urgent")
    page.locator("#controls").get_by_role("button", name="Save changes").click()
    expect(page.locator("#timeline")).to_contain_text("priority Normal → Urgent")
    expect(page.locator("#ticket-head")).to_contain_text("Urgent")
    expect(page.get_by_label("Message")).to_have_value("Half-written answer")
    screenshot(page, "priority-changed-in-place")
    assert Ticket.objects.get(pk=ticket.pk).priority == 4


def test_the_queue_and_the_ticket_on_a_phone(phone, screenshot, agent, customer, department):
    ticket = open_ticket(customer, department, subject="VPS cs1234 не отвечает по SSH")
    services.note_add(actor=agent, ticket=ticket, body_text="Проверяю консоль.")
    sign_in(phone, agent.email, PASSWORD)
    phone.goto("/staff/queue/")
    expect(phone.get_by_role("link", name="VPS cs1234 не отвечает по SSH")).to_be_visible()
    screenshot(phone, "queue-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_role("link", name="VPS cs1234 не отвечает по SSH").click()
    expect(phone.locator("article.msg.note")).to_be_visible()
    screenshot(phone, "ticket-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.goto("/staff/")
    screenshot(phone, "dashboard-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.goto("/staff/tickets/new/")
    screenshot(phone, "new-ticket-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_two_agents_on_one_ticket_are_warned(
    browser, live_server, page, screenshot, agent, customer, department
):
    boris = AgentFactory(name="Boris Colleague", departments=[department])
    ticket = open_ticket(customer, department, subject="Счёт не оплачен")
    other = browser.new_context(base_url=live_server.url, locale="en-US")
    boris_page = other.new_page()
    try:
        sign_in(boris_page, boris.email, PASSWORD)
        boris_page.goto(f"/staff/tickets/{ticket.number}/")

        sign_in(page, agent.email, PASSWORD)
        page.goto(f"/staff/tickets/{ticket.number}/")
        expect(page.locator("#presence")).to_contain_text("Also looking at this ticket:")
        expect(page.locator("#presence")).to_contain_text("Boris Colleague")
        page.get_by_label("Message").fill("Оплата получена, спасибо!")

        services.reply_add(actor=boris, ticket=ticket, body_text="Boris answered first.")
        page.get_by_role("button", name="Send", exact=True).click()
        expect(page.get_by_role("alert")).to_contain_text("Not sent yet")
        expect(page.get_by_role("alert")).to_contain_text("Boris answered first.")
        expect(page.get_by_label("Message")).to_have_value("Оплата получена, спасибо!")
        screenshot(page, "collision-warning")
        assert not ticket.messages.filter(author=agent).exists()

        page.get_by_role("button", name="Send", exact=True).click()
        expect(page.locator("article.msg.agent").last).to_contain_text("Оплата получена")
        assert ticket.messages.filter(author=agent).count() == 1
    finally:
        other.close()


def test_an_agent_opens_a_ticket_for_a_caller_found_by_name(
    page, screenshot, agent, customer, department
):
    sign_in(page, agent.email, PASSWORD)
    page.get_by_role("link", name="New ticket", exact=True).click()
    page.get_by_label("Find a customer").fill("иван")
    pick = page.locator("#customer-results").get_by_role("link", name=re.compile("Иван Петров"))
    expect(pick).to_be_visible()
    screenshot(page, "customer-found")
    pick.click()
    expect(page.get_by_label("Customer's e-mail address")).to_have_value("ivan@example.ru")
    expect(page.get_by_label("Subject")).to_be_focused()
    page.get_by_label("Subject").fill("Звонок: не приходят письма")
    page.get_by_label("What the customer says").fill("С утра не приходят письма на info@.")
    screenshot(page, "new-ticket-filled")
    page.get_by_role("button", name="Open the ticket").click()
    expect(page.get_by_role("status")).to_contain_text("opened for Иван Петров")
    expect(page.locator("article.msg.customer")).to_contain_text("С утра не приходят письма")
    screenshot(page, "ticket-opened-for-caller")
    ticket = Ticket.objects.get(subject="Звонок: не приходят письма")
    assert (ticket.requester, ticket.channel) == (customer, "phone")
