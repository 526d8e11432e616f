"""The customer portal in a real browser (issue 3): sign in, open a ticket with attachments,
see the agent's answer, reply, close, rate; and the same pages on a phone.

Screenshots of every step: test-artifacts/screenshots/<test name>/ (README, Tests).
"""

import pytest

from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, CategoryFactory, ServiceFactory, open_ticket, upload
from tests.helpers import png_bytes
from tickets import services
from tickets.models import CategoryKind, Rating, Status, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

DESCRIPTION = (
    "Since 09:15 today the site shop.example.org on VPS cs1234 answers every request with "
    "“502 Bad Gateway”. We changed nothing before; restarting nginx did not help. The nginx "
    "error.log says: upstream timed out (110: Connection timed out). Chrome 131 and Firefox "
    "133 show the same. Screenshot and log attached."
)
DROP_A_LOG = """([name]) => {
  const transfer = new DataTransfer();
  transfer.items.add(new File(["upstream timed out (110)\\n"], name, {type: "text/plain"}));
  const area = document.querySelector(".drop-area");
  area.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true}));
  area.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true}));
}"""


@pytest.fixture
def customer_en(customer):
    customer.language = "en"
    customer.time_zone = "Europe/Moscow"
    customer.save()
    return customer


@pytest.fixture
def technical(department):
    return CategoryFactory(
        name="Technical problem",
        kind=CategoryKind.TECHNICAL,
        default_department=department,
        guidance="Tell us which site or server, since when, what changed, what you tried.",
    )


def test_a_customer_opens_follows_closes_and_rates_a_ticket(
    page, screenshot, customer_en, agent, technical, tmp_path
):
    ServiceFactory(name="VPS cs1234", customer=customer_en)
    sign_in(page, customer_en.email, PASSWORD)
    screenshot(page, "my-tickets-empty")

    page.get_by_role("link", name="New ticket").first.click()
    page.get_by_label("What is it about?").select_option(label="Technical problem")
    assert page.get_by_text("Tell us which site or server").is_visible(), "guidance at once"
    page.get_by_label("Product or service").select_option(label="VPS cs1234")
    page.get_by_label("Subject").fill("shop.example.org answers 502 Bad Gateway")
    with page.expect_response(lambda r: "/tickets/new/hints/" in r.url):
        page.get_by_label("Description").fill("Hello, my site is down again, what happened?")
    page.locator(".hint-list li").first.wait_for()
    screenshot(page, "new-ticket-writing-hints")

    with page.expect_response(lambda r: "/tickets/new/hints/" in r.url):
        page.get_by_label("Description").fill(DESCRIPTION)
    screenshot_file = tmp_path / "скриншот ошибки.png"
    screenshot_file.write_bytes(png_bytes((800, 500), "orange"))
    page.get_by_label("Attachments").set_input_files(str(screenshot_file))
    assert page.locator(".drop-hint").is_visible(), "a mouse can drop files"
    page.evaluate(DROP_A_LOG, ["nginx error.log"])
    chosen = page.locator(".chosen-files li")
    assert chosen.count() == 2, "the dropped file joins the chosen one"
    page.wait_for_load_state("networkidle")
    screenshot(page, "new-ticket-filled")
    page.get_by_role("button", name="Open the ticket").last.click()
    page.wait_for_load_state("networkidle")
    if page.locator("button[name=confirmed]").count():  # hints changed at the last moment
        page.locator("button[name=confirmed]").click()
        page.wait_for_load_state("networkidle")

    ticket = Ticket.objects.get()
    assert page.url.endswith(f"/tickets/{ticket.number}/")
    assert sorted(a.filename for a in ticket.messages.get().attachments.all()) == [
        "nginx error.log",
        "скриншот ошибки.png",
    ]
    thumbnail = page.locator("img.thumb")
    thumbnail.wait_for()
    assert page.evaluate("document.querySelector('img.thumb').naturalWidth") > 0
    screenshot(page, "ticket-opened")

    services.reply_add(
        actor=agent,
        ticket=ticket,
        body_text="Hello Ivan, the PHP-FPM pool ran out of workers; we raised it to 20.",
    )
    page.reload()
    page.get_by_text("the PHP-FPM pool ran out of workers").wait_for()
    assert page.locator(".msg.agent .who").inner_text() == "Anna Agent"
    screenshot(page, "agent-answered")

    page.get_by_label("Your message").fill("Works again, thank you!")
    page.get_by_role("button", name="Send", exact=True).click()
    page.get_by_text("Works again, thank you!").wait_for()
    screenshot(page, "customer-replied")

    page.get_by_role("link", name="Close the ticket…").first.click()
    screenshot(page, "close-confirmation")
    page.get_by_role("button", name="Yes, close the ticket").click()
    page.wait_for_load_state("networkidle")
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    screenshot(page, "ticket-closed")

    page.locator("label.score-good").click()
    page.get_by_label("Anything to add?").fill("Quick and clear, thanks.")
    page.get_by_role("button", name="Send my rating").click()
    page.locator(".rated-good").wait_for()
    screenshot(page, "rated")
    rating = Rating.objects.get(ticket=ticket)
    assert (rating.score, rating.comment, rating.agent) == (
        "good",
        "Quick and clear, thanks.",
        agent,
    )


def test_the_new_ticket_and_ticket_pages_on_a_phone(
    phone, screenshot, customer_en, agent, technical
):
    ticket = open_ticket(
        customer_en,
        technical.default_department,
        subject="Сайт не открывается после обновления WordPress",
        body="С утра сайт example.ru отдаёт ошибку 500.\nСкриншот во вложении.",
        attachments=[upload(png_bytes((1200, 800), "navy"), "скриншот.png")],
    )
    services.reply_add(actor=agent, ticket=ticket, body_text="Посмотрим журнал PHP.")
    sign_in(phone, customer_en.email, PASSWORD)
    screenshot(phone, "my-tickets-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.goto("/tickets/new/")
    phone.get_by_label("What is it about?").select_option(label="Technical problem")
    with phone.expect_response(lambda r: "/tickets/new/hints/" in r.url):
        phone.get_by_label("Description").fill("Сайт опять не работает, что случилось?")
    phone.locator(".hint-list li").first.wait_for()
    # A touch screen has nothing to drag: no "drop files here" hint (issue 11).
    assert not phone.locator(".drop-hint").is_visible()
    screenshot(phone, "new-ticket-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.goto(f"/tickets/{ticket.number}/")
    phone.locator("img.thumb").wait_for()
    screenshot(phone, "ticket-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
