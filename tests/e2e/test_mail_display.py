"""Mail as agents and customers see it, in a real browser (issue 5 "Parsing" and
"Senders"): an HTML mail with an inline image and quoted history in both portals, on a
desktop and a phone; the rejected mail list and opening a ticket from it.

Screenshots: test-artifacts/screenshots/<test name>/.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD
from tests.mailgateway.conftest import receive
from tests.mailgateway.html_mails import html_mail
from tests.mailgateway.mails import plain
from tickets.models import MailPolicy, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

OUTLOOK_REPLY = """<html><body>
<p>Hello,</p>
<p>after Tuesday's update the control panel of <b>VPS cs1234</b> answers every login with
an error. Screenshot:</p>
<p><img src="cid:{cid}" alt="Screenshot of the error" width="480" height="240"></p>
<p>Ping from our office:</p>
<table border="1" cellpadding="4" width="640">
<tr><th>host</th><th>loss</th><th>avg</th><th>comment</th></tr>
<tr><td>panel.example.net</td><td>0%</td><td>12 ms</td><td>answers, the login page fails</td></tr>
<tr><td>cs1234.example.net</td><td>0%</td><td>11 ms</td><td>fine</td></tr>
</table>
<p>Regards,<br>Ivan Petrov<br><img src="https://cdn.romashka.example/logo.png" alt="Romashka Ltd">
<img src="https://track.example/open.gif" width="1" height="1" alt=""></p>
<div style="border-top: solid #e1e1e1 1pt; padding: 3pt 0 0 0">
<p><b>From:</b> Technical support &lt;support@helpdesk.example&gt;<br>
<b>Sent:</b> Tuesday, 12 March 2024 10:02<br>
<b>To:</b> Ivan Petrov &lt;ivan@example.ru&gt;<br>
<b>Subject:</b> Re: [#1001] Control panel</p>
</div>
<p>Dear Ivan, we have updated the panel. Please check whether you can log in now and send us
a screenshot if not.</p>
<blockquote><p>Earlier: the panel is slow since Monday.</p></blockquote>
</body></html>"""


def error_screenshot() -> bytes:
    """A picture that looks like a browser showing an error page."""
    image = Image.new("RGB", (480, 240), "#f4f5f7")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 479, 28), fill="#dfe3ea")
    draw.rectangle((60, 6, 420, 22), fill="white")
    draw.text((68, 9), "https://panel.example.net/login", fill="#333333")
    draw.text((40, 90), "502 Bad Gateway", fill="#b3261e")
    draw.text((40, 120), "nginx/1.24.0", fill="#555555")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def mailed_ticket(customer, department):
    customer.language = "en"
    customer.save()
    mail = receive(
        html_mail(
            html=OUTLOOK_REPLY,
            subject="Control panel: 502 after the update",
            image=error_screenshot(),
            attachments=[("nginx-error.log", "text/plain", b"upstream timed out (110)\n")],
        )
    )
    assert mail.ticket is not None, mail.last_error
    return mail.ticket


def check_the_mail(page, ticket: Ticket) -> None:
    body = page.locator(".msg .body.html").first
    expect(body).to_contain_text("after Tuesday's update")
    inline = body.locator('img[alt="Screenshot of the error"]')
    expect(inline).to_be_visible()
    assert inline.evaluate("img => img.complete && img.naturalWidth") == 480, "served to him"
    expect(body.locator(".image-blocked")).to_have_text("Romashka Ltd")
    assert body.locator('img[src*="track.example"], img[src*="cdn."]').count() == 0
    quoted = body.locator("details.quoted")
    expect(quoted.get_by_text("Dear Ivan, we have updated the panel")).to_be_hidden()
    expect(page.locator(".msg .attachments")).to_contain_text("nginx-error.log")
    expect(page.locator(".msg .attachments")).not_to_contain_text("image001.png")


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_html_mail_with_an_inline_image_and_quoted_history_in_both_portals(
    page, phone, screenshot, agent, customer, mailed_ticket
):
    ticket = mailed_ticket
    sign_in(page, agent.email, PASSWORD)
    page.goto(f"/staff/tickets/{ticket.number}/")
    check_the_mail(page, ticket)
    screenshot(page, "staff-ticket")
    page.get_by_text("Show quoted text").click()
    expect(page.get_by_text("Dear Ivan, we have updated the panel")).to_be_visible()
    screenshot(page, "staff-quoted-text-shown")

    sign_in(phone, agent.email, PASSWORD)
    phone.goto(f"/staff/tickets/{ticket.number}/")
    check_the_mail(phone, ticket)
    no_sideways_scroll(phone)
    screenshot(phone, "staff-ticket-phone")

    page.context.clear_cookies()
    sign_in(page, customer.email, PASSWORD)
    page.goto(f"/tickets/{ticket.number}/")
    check_the_mail(page, ticket)
    screenshot(page, "portal-ticket")

    phone.context.clear_cookies()
    sign_in(phone, customer.email, PASSWORD)
    phone.goto(f"/tickets/{ticket.number}/")
    check_the_mail(phone, ticket)
    no_sideways_scroll(phone)
    screenshot(phone, "portal-ticket-phone")
    phone.get_by_text("Show quoted text").click()
    expect(phone.get_by_text("Dear Ivan, we have updated the panel")).to_be_visible()
    no_sideways_scroll(phone)
    screenshot(phone, "portal-quoted-text-shown-phone")


def test_an_agent_reads_rejected_mail_and_opens_a_ticket_from_it(
    page, phone, screenshot, agent, department
):
    department.mail_policy = MailPolicy.REGISTERED
    department.save()
    receive(plain(sender="Marketing <news@offers.example>", subject="Best prices on SEO!!!"))
    receive(
        plain(
            sender="Ольга Смирнова <olga@romashka.example>",
            subject="Не могу войти в панель управления",
            body="Здравствуйте! Я новый сотрудник ООО «Ромашка», войти в панель не получается.\n"
            "Пишу с рабочего адреса olga@romashka.example.\n\nОльга",
        )
    )
    receive(
        html_mail(
            sender="Li Wei <li.wei@example.cn>",
            subject="Invoice question",
            html="<p>Hello, I have a question about <b>invoice 2024-117</b>.</p>"
            '<p><img src="cid:{cid}" alt="photo of the invoice"></p>',
        )
    )
    sign_in(page, agent.email, PASSWORD)
    nav = page.get_by_role("link", name=re.compile("Rejected mail"))
    expect(nav).to_contain_text("3")
    nav.click()
    expect(page.get_by_role("heading", name="Rejected mail")).to_be_visible()
    screenshot(page, "rejected-mail-list")

    sign_in(phone, agent.email, PASSWORD)
    phone.goto("/staff/mail/rejected/")
    no_sideways_scroll(phone)
    screenshot(phone, "rejected-mail-list-phone")

    page.get_by_role("link", name="Invoice question").click()
    expect(page.locator(".image-blocked")).to_have_text("photo of the invoice")
    screenshot(page, "rejected-html-mail")
    page.get_by_role("link", name="Rejected mail").first.click()
    page.get_by_role("link", name="Не могу войти в панель управления").click()
    expect(page.locator(".msg .body")).to_contain_text("Я новый сотрудник")
    screenshot(page, "rejected-mail")
    phone.goto(page.url)
    no_sideways_scroll(phone)
    screenshot(phone, "rejected-mail-phone")

    page.get_by_role("button", name="Open a ticket from it").click()
    expect(page.locator(".messages")).to_contain_text("opened for Ольга Смирнова")
    ticket = Ticket.objects.get(requester__email="olga@romashka.example")
    expect(page).to_have_url(re.compile(rf"/staff/tickets/{ticket.number}/$"))
    expect(page.locator("#timeline")).to_contain_text("Я новый сотрудник")
    screenshot(page, "ticket-opened-from-rejected-mail")
    expect(page.get_by_role("link", name=re.compile("Rejected mail"))).to_contain_text("2")
