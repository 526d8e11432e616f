"""API tokens and the API's documentation in a real browser (issue 13, W1): an agent makes
a token on his settings page, copies it once, uses it with curl's equivalent, revokes it;
the documentation page runs under the strict CSP from our own files. Then on a phone."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, open_ticket

pytestmark = pytest.mark.django_db(transaction=True)


def api_status(base_url: str, secret: str) -> int:
    request = urllib.request.Request(
        f"{base_url}/api/v1/tickets/", headers={"Authorization": f"Bearer {secret}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_agent_makes_uses_and_revokes_a_token(
    page, live_server, agent, customer, department, screenshot
):
    open_ticket(customer, department)
    sign_in(page, agent.email, PASSWORD)
    page.goto("/accounts/settings/")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("Мониторинг")
    page.get_by_label("Read only").check()
    page.get_by_label(department.name).check()
    page.get_by_role("button", name="Make the token").click()
    secret = page.get_by_label("Token").input_value()
    assert secret.startswith("hd_")
    screenshot(page, "token made")
    assert api_status(live_server.url, secret) == 200
    page.goto("/accounts/settings/api-tokens/")
    expect(page.get_by_label("Token")).to_have_count(0)
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("revoked", exact=True)).to_be_visible()
    assert api_status(live_server.url, secret) == 401


def test_the_documentation_runs_under_the_csp(page, screenshot):
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto("/api/docs/")
    expect(page.get_by_text("/api/v1/tickets/", exact=True).first).to_be_visible()
    screenshot(page, "docs")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_the_token_page_on_a_phone(phone, agent, screenshot):
    sign_in(phone, agent.email, PASSWORD)
    phone.goto("/accounts/settings/api-tokens/")
    phone.get_by_label("Name").fill("billing")
    phone.get_by_role("button", name="Make the token").click()
    expect(phone.get_by_label("Token")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(phone, "phone")
