"""Every page of both portals and the admin works under the strict Content-Security-Policy
(issue 14 "Content-Security-Policy"; R3, R13): the browser records no policy violation and
no console error on any of them, scripts included (the language switch, htmx controls).

Screenshots: test-artifacts/screenshots/<test name>/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mailgateway.models import InboundMail, InboundStatus
from tests.e2e.conftest import sign_in
from tests.e2e.test_mail_display import OUTLOOK_REPLY, error_screenshot
from tests.factories import PASSWORD, open_ticket, upload
from tests.helpers import png_bytes
from tests.mailgateway.conftest import receive
from tests.mailgateway.html_mails import html_mail
from tickets import services
from tickets.models import MailPolicy, Priority, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
STYLED = '<p style="color: #1a5fb4">Hello,</p>'
BLUE = "rgb(26, 95, 180)"
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    sample: event.sample,
    source: event.sourceFile + ":" + event.lineNumber,
  });
}, true);
"""


class Watched:
    """A browser tab that keeps every CSP violation and console error of the pages it shows."""

    def __init__(self, browser, base_url: str, screenshot):
        self.context = browser.new_context(
            base_url=base_url, viewport={"width": 1280, "height": 860}, locale="en-US"
        )
        self.context.set_default_timeout(10_000)
        self.problems: list[str] = []
        self.context.expose_binding(
            "reportViolation",
            lambda source, v: self.problems.append(f"CSP {source['frame'].url}: {v}"),
        )
        self.context.add_init_script(REPORT_VIOLATIONS)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"error: {error}"))
        self.screenshot = screenshot
        self.visited: list[str] = []

    def _console(self, message) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            self.problems.append(f"console {self.page.url}: {message.text} ({where})")

    def settle(self) -> None:
        self.page.wait_for_load_state("networkidle")
        # A violation reported by the page reaches us through the binding: one round trip.
        self.page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")

    def visit(self, path: str, name: str) -> None:
        response = self.page.goto(path)
        assert response is not None and response.status == 200, (path, response)
        policy = dict(
            part.strip().split(" ", 1)
            for part in (response.header_value("content-security-policy") or "").split(";")
        )
        assert policy["script-src"] == "'self'" and policy["default-src"] == "'self'"
        assert not [v for k, v in policy.items() if "unsafe" in v and k != "style-src-attr"]
        self.settle()
        self.screenshot(self.page, name)
        self.visited.append(path)
        assert self.problems == [], self.problems


@pytest.fixture
def watched(browser, live_server, screenshot):
    tab = Watched(browser, live_server.url, screenshot)
    yield tab
    tab.context.close()


@pytest.fixture
def mailed_ticket(customer, department) -> Ticket:
    """A ticket from an HTML mail with style attributes, an inline image and a log file, and
    a web message with a picture and a PDF."""
    customer.language = "en"
    customer.save()
    mail = receive(
        html_mail(
            html=OUTLOOK_REPLY.replace("<p>Hello,</p>", STYLED),
            subject="Control panel: 502 after the update",
            image=error_screenshot(),
            attachments=[("nginx-error.log", "text/plain", b"upstream timed out (110)\n")],
        )
    )
    ticket = mail.ticket
    assert ticket is not None, mail.last_error
    services.message_add_web(
        actor=customer,
        ticket=ticket,
        body_text="Here is the invoice and a photo.",
        attachments=[upload(png_bytes((64, 48)), "photo.png"), upload(PDF, "invoice.pdf")],
    )
    return ticket


@pytest.fixture
def rejected_html_mail(department) -> InboundMail:
    department.mail_policy = MailPolicy.REGISTERED
    department.save()
    return receive(
        html_mail(
            sender="Li Wei <li.wei@example.cn>",
            subject="Invoice question",
            html=STYLED + "<p>A question about <b>invoice 2024-117</b>.</p>",
        )
    )


def test_no_page_of_the_customer_portal_breaks_the_policy(watched, customer, mailed_ticket):
    page = watched.page
    watched.visit("/accounts/login/", "sign-in")
    # The language switch (no inline handler any more) still sends its form on change.
    page.get_by_label("Language").select_option("de")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    watched.settle()
    page.get_by_label("Sprache").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    watched.visit("/accounts/signup/", "sign-up")
    watched.visit("/accounts/password/reset/", "password-reset")

    sign_in(page, customer.email, PASSWORD)
    watched.visit("/tickets/", "my-tickets")
    watched.visit("/tickets/new/", "new-ticket")
    page.get_by_label("Subject").fill("Сайт не открывается")
    page.get_by_label("Description").fill("Since this morning the site answers 502.")
    watched.settle()  # the writing hints come by htmx
    watched.visit(f"/tickets/{mailed_ticket.number}/", "ticket-page")
    # The mail keeps its (sanitised) styles.
    expect(page.locator(".msg .body.html p[style]").first).to_have_css("color", BLUE)
    expect(page.locator(".msg .attachments a[download]", has_text="invoice.pdf")).to_be_visible()
    watched.visit("/accounts/settings/", "settings")
    assert watched.problems == []


def test_no_page_of_the_staff_portal_breaks_the_policy(
    watched, agent, mailed_ticket, rejected_html_mail
):
    page = watched.page
    sign_in(page, agent.email, PASSWORD)
    watched.visit("/staff/", "dashboard")
    watched.visit("/staff/queue/", "queue")
    watched.visit(f"/staff/tickets/{mailed_ticket.number}/", "ticket-workspace")
    expect(page.locator(".msg .body.html p[style]").first).to_have_css("color", BLUE)
    # An htmx control: the answer is swapped into the page under the same policy.
    page.get_by_label("Priority").select_option(str(Priority.HIGH.value))
    page.locator("form.control", has=page.get_by_label("Priority")).get_by_role(
        "button", name="Save"
    ).click()
    watched.settle()
    expect(page.locator("#ticket-head")).to_contain_text(re.compile("High", re.I))
    watched.screenshot(page, "after-htmx-priority")
    watched.visit("/staff/tickets/new/", "new-ticket")
    watched.visit("/staff/mail/rejected/", "rejected-mail")
    watched.visit(f"/staff/mail/rejected/{rejected_html_mail.pk}/", "rejected-mail-detail")
    expect(page.locator(".msg .body.html p[style]")).to_have_css("color", BLUE)
    watched.visit("/accounts/settings/", "settings")
    assert watched.problems == []


def test_the_admin_works_under_the_policy(watched, admin_user, customer, department):
    ticket = open_ticket(customer, department)
    mail = receive(html_mail(subject="Invoice question"))
    # A quarantined mail offers the "Reprocess" button of our own admin template.
    InboundMail.objects.filter(pk=mail.pk).update(status=InboundStatus.QUARANTINED)
    page = watched.page
    sign_in(page, admin_user.email, PASSWORD)
    watched.visit("/admin/", "admin-index")
    watched.visit("/admin/tickets/ticket/", "tickets")
    watched.visit(f"/admin/tickets/ticket/{ticket.pk}/change/", "ticket-change-form")
    watched.visit("/admin/tickets/department/add/", "department-add-form")
    watched.visit(f"/admin/tickets/department/{department.pk}/change/", "department-change-form")
    watched.visit("/admin/mailgateway/inboundmail/", "inbound-mail")
    watched.visit(f"/admin/mailgateway/inboundmail/{mail.pk}/change/", "inbound-mail-change-form")
    expect(page.get_by_role("button", name="Reprocess this mail")).to_have_css(
        "text-transform", "uppercase"
    )
    watched.visit("/admin/accounts/user/add/", "user-add-form")
    assert watched.problems == []
