"""Every date in the interface is unambiguous in every language: month names or ISO order,
never 12/03/2026 or 03.12.2026 (issue 12, P8). A real browser reads the main pages of
both portals in each interface language."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, AgentFactory, CustomerFactory, open_ticket
from tickets import services

pytestmark = pytest.mark.django_db(transaction=True)

# nn/nn/nnnn, nn.nn.nnnn, nn-nn-nnnn (and two-digit years): the forms readers misread.
AMBIGUOUS = re.compile(r"(?<![\d.:/-])\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(?![\d.:/-])")


def _visible_text(page) -> str:
    page.wait_for_load_state("networkidle")
    return page.locator("body").inner_text()


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_no_page_shows_an_ambiguous_date(page, screenshot, department, language):
    agent = AgentFactory(
        name="Anna Agent", departments=[department], language=language, time_zone="Asia/Yerevan"
    )
    customer = CustomerFactory(name="Ivan", language=language, time_zone="Europe/Berlin")
    ticket = open_ticket(customer, department, subject="Server down")
    services.reply_add(actor=agent, ticket=ticket, body_text="We are on it.")

    sign_in(page, agent.email, PASSWORD)
    for name, url in [
        ("dashboard", reverse("staff:dashboard")),
        ("queue", reverse("staff:queue")),
        ("ticket", reverse("staff:ticket", args=[ticket.number])),
        ("search", reverse("staff:search") + "?q=server"),
    ]:
        page.goto(url)
        text = _visible_text(page)
        screenshot(page, f"{language}-staff-{name}")
        assert not AMBIGUOUS.findall(text), (name, AMBIGUOUS.findall(text))
    page.context.clear_cookies()

    sign_in(page, customer.email, PASSWORD)
    for name, url in [
        ("tickets", reverse("portal:tickets")),
        ("ticket", reverse("portal:ticket", args=[ticket.number])),
    ]:
        page.goto(url)
        text = _visible_text(page)
        screenshot(page, f"{language}-portal-{name}")
        assert not AMBIGUOUS.findall(text), (name, AMBIGUOUS.findall(text))
    assert re.search(r"\d{4}-\d{2}-\d{2}|\d{4}", text)  # a date is shown at all


def test_the_pattern_catches_what_it_must():
    for bad in ("12/03/2026", "03.12.2026", "3.12.26", "12-03-2026"):
        assert AMBIGUOUS.search(f"created {bad} 14:05"), bad
    for good in ("2026-12-03 14:05", "3 декабря 2026 г.", "Dec. 3, 2026", "203.0.113.7"):
        assert not AMBIGUOUS.search(good), good
