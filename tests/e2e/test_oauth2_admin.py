"""An administrator sets up a Microsoft 365 mailbox with OAuth2 in the admin, in a real
browser, desktop and phone (issue 6): the account without a refresh token, then the
mailbox that signs in with it and needs no password."""

import pytest

from mailgateway.models import Mailbox, OAuth2Account
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN_URL = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"


def test_an_administrator_sets_up_an_oauth2_mailbox(page, screenshot, admin_user, department):
    sign_in(page, admin_user.email, PASSWORD)
    page.goto("/admin/mailgateway/oauth2account/add/")
    page.get_by_label("Name").fill("office365")
    page.get_by_label("Mailbox address").fill("support@contoso.example")
    page.get_by_label("Token endpoint").fill(TOKEN_URL)
    page.get_by_label("Client ID").fill("0f0e0d0c-aaaa-bbbb-cccc-123456789abc")
    page.get_by_label("Scope").fill(
        "https://outlook.office.com/IMAP.AccessAsUser.All offline_access"
    )
    screenshot(page, "oauth2-account-form")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert OAuth2Account.objects.get().refresh_token == ""

    page.goto("/admin/mailgateway/mailbox/add/")
    page.get_by_label("Name").fill("Support (Microsoft 365)")
    page.get_by_label("Host").fill("outlook.office365.com")
    page.get_by_label("User").fill("support@contoso.example")
    page.get_by_label("OAuth2 account").select_option(label="office365 (support@contoso.example)")
    page.get_by_label("Default department").select_option(label=department.name)
    screenshot(page, "mailbox-form")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state("networkidle")
    screenshot(page, "mailbox-list")
    mailbox = Mailbox.objects.get()
    assert mailbox.oauth2_account.name == "office365" and mailbox.password == ""


def test_the_mailbox_form_on_a_phone(phone, screenshot, admin_user):
    OAuth2Account.objects.create(
        name="gmail", username="support@example.com", token_url="https://oauth2.googleapis.com/token",
        client_id="id", refresh_token="r", scope="https://mail.google.com/",
    )  # fmt: skip
    sign_in(phone, admin_user.email, PASSWORD)
    phone.goto("/admin/mailgateway/mailbox/add/")
    phone.get_by_label("OAuth2 account").wait_for()
    screenshot(phone, "mailbox-form-phone")
