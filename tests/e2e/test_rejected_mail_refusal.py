"""In a real browser: a rejected mail from an unknown sender says why no ticket can be
opened from it, and offers no button (issue 16; docs/mail-trust.md rule 7).

Screenshots: test-artifacts/screenshots/<test name>/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD
from tests.mailgateway.conftest import receive
from tests.mailgateway.mails import plain

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_unknown_sender_s_rejected_mail_offers_no_ticket(page, screenshot, agent, department):
    mail = receive(
        plain(
            sender='"olga@romashka.example" <collector@evil.example>',
            subject="Счёт 2024-117 просрочен",
            body="Оплатите счёт сегодня, иначе услуги будут отключены.",
        )
    )
    sign_in(page, agent.email, PASSWORD)
    page.goto(f"/staff/mail/rejected/{mail.pk}/")
    expect(page.get_by_role("heading", name="No ticket from this mail")).to_be_visible()
    expect(page.locator(".workspace-side")).to_contain_text("cannot become a customer")
    expect(page.get_by_role("button", name="Open a ticket from it")).to_have_count(0)
    screenshot(page, "unknown-sender-rejected-mail")
