"""Two-factor authentication in a real browser, desktop and phone (issue 14, P1): an agent
required to set it up does so with the key shown in text, signs in again with a code from
the "app" (computed here, RFC 6238); a customer opts in on his phone and signs in with a
recovery code."""

from base64 import b32decode

import pytest
from django_otp.oath import totp

from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def customer(customer):
    """This customer reads English pages: the assertions below read the English texts."""
    customer.language = "en"
    customer.save(update_fields=["language"])
    return customer


def app_code(page, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key the setup page displays."""
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    return f"{totp(b32decode(secret), drift=steps_ahead):06d}"


def qr_code_is_drawn(page) -> bool:
    page.wait_for_load_state("load")
    return page.locator("img.qr").evaluate("img => img.complete && img.naturalWidth > 0")


def test_an_agent_required_to_use_two_factor_sets_it_up_and_signs_in_again(
    page, screenshot, settings, agent
):
    settings.ACCOUNTS_STAFF_2FA_REQUIRED = True
    sign_in(page, agent.email, PASSWORD)
    assert page.url.endswith("/accounts/settings/two-factor/")
    assert qr_code_is_drawn(page)
    screenshot(page, "setup-required")
    secret_code = app_code(page)
    later_code = app_code(page, 1)

    field = page.get_by_label("Code from your authenticator app")
    field.fill("123")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    page.get_by_text("This code is not right").wait_for()
    screenshot(page, "setup-wrong-code")
    page.get_by_label("Code from your authenticator app").fill(secret_code)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    codes = page.get_by_role("list", name="Recovery codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    screenshot(page, "recovery-codes")
    page.get_by_role("link", name="I have kept them").click()
    page.get_by_text("Two-factor authentication is on.", exact=True).wait_for()
    screenshot(page, "two-factor-on")

    page.context.clear_cookies()
    sign_in(page, agent.email, PASSWORD)
    assert "/accounts/login/code/" in page.url
    screenshot(page, "sign-in-code")
    # Keyboard only: the code field has the focus; Enter sends it.
    page.keyboard.type(later_code)
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/")
    screenshot(page, "staff-dashboard")


def test_a_customer_opts_in_on_his_phone_and_signs_in_with_a_recovery_code(
    phone, screenshot, customer
):
    sign_in(phone, customer.email, PASSWORD)
    phone.goto("/accounts/settings/")
    phone.get_by_role("link", name="Set up two-factor authentication").click()
    assert qr_code_is_drawn(phone)
    screenshot(phone, "setup-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_label("Code from your authenticator app").fill(app_code(phone))
    phone.get_by_role("button", name="Turn on two-factor authentication").click()
    codes = phone.get_by_role("list", name="Recovery codes").locator("code").all_inner_texts()
    screenshot(phone, "recovery-codes-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.context.clear_cookies()
    sign_in(phone, customer.email, PASSWORD)
    screenshot(phone, "sign-in-code-phone")
    phone.get_by_text("No phone at hand? Use a recovery code").click()
    phone.get_by_label("Recovery code").fill(codes[0])
    phone.get_by_role("button", name="Use the recovery code").click()
    phone.wait_for_url("**/tickets/")
    phone.get_by_text("You used a recovery code").wait_for()
    screenshot(phone, "signed-in-with-recovery-code-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
