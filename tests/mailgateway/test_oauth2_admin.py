"""The admin of OAuth2 sign-in (issue 6, R6): the mailbox form offers the OAuth2 accounts
(Microsoft 365, Gmail), with one no password is asked for or kept, without one a password
is needed; an OAuth2 account's secrets are never shown again and kept when left empty."""

from __future__ import annotations

import pytest

from mailgateway.models import Mailbox, OAuth2Account

pytestmark = pytest.mark.django_db

ADD = "/admin/mailgateway/mailbox/add/"
ACCOUNTS = "/admin/mailgateway/oauth2account/"


@pytest.fixture
def account(db):
    return OAuth2Account.objects.create(
        name="gmail",
        username="support@hosting.example",
        token_url="https://oauth2.googleapis.com/token",
        client_id="client-id",
        refresh_token="refresh-1",
        scope="https://mail.google.com/",
    )


def form(support, **fields) -> dict:
    return {
        "name": "Gmail", "protocol": "imap", "host": "imap.gmail.com", "port": 993,
        "security": "ssl", "username": "support@hosting.example", "password": "",
        "oauth2_account": "", "folder": "INBOX", "processed_folder": "[Gmail]/All Mail",
        "default_department": support.pk, "is_active": "on", **fields,
    }  # fmt: skip


def test_the_form_offers_the_oauth2_accounts(client, admin_user, account):
    client.force_login(admin_user)
    page = client.get(ADD).content.decode()
    assert 'name="oauth2_account"' in page and "gmail (support@hosting.example)" in page


def test_a_mailbox_with_an_oauth2_account_needs_no_password(client, admin_user, account, support):
    client.force_login(admin_user)
    response = client.post(ADD, form(support, oauth2_account=account.pk))
    assert response.status_code == 302
    mailbox = Mailbox.objects.get()
    assert mailbox.oauth2_account == account and mailbox.password == ""


def test_choosing_an_oauth2_account_drops_the_stored_password(client, admin_user, account, support):
    mailbox = Mailbox.objects.create(name="Gmail", host="h", username="u", password="old")
    client.force_login(admin_user)
    data = form(support, oauth2_account=account.pk, password="typed anyway")
    response = client.post(f"/admin/mailgateway/mailbox/{mailbox.pk}/change/", data)
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.oauth2_account == account and mailbox.password == ""


def test_a_mailbox_needs_a_password_or_an_oauth2_account(client, admin_user, support):
    client.force_login(admin_user)
    response = client.post(ADD, form(support))
    assert response.status_code == 200
    assert "Enter the password, or choose an OAuth2 account" in response.content.decode()
    assert not Mailbox.objects.exists()


def test_agents_cannot_reach_the_mailbox_admin(client, agent, account, support):
    client.force_login(agent)
    assert client.get(ADD).status_code == 302
    assert client.post(ADD, form(support, oauth2_account=account.pk)).status_code == 302
    assert not Mailbox.objects.exists()


def account_form(**fields) -> dict:
    return {
        "name": "office365", "username": "support@hosting.example",
        "token_url": "https://login.microsoftonline.com/tenant/oauth2/v2.0/token",
        "client_id": "client-id", "client_secret": "", "refresh_token": "",
        "scope": "https://outlook.office.com/IMAP.AccessAsUser.All offline_access", **fields,
    }  # fmt: skip


def test_an_account_is_created_before_its_first_refresh_token(client, admin_user):
    client.force_login(admin_user)
    page = client.get(f"{ACCOUNTS}add/").content.decode()
    assert "manage.py oauth2_authorize" in page
    assert client.post(f"{ACCOUNTS}add/", account_form()).status_code == 302
    account = OAuth2Account.objects.get()
    assert account.refresh_token == "" and account.client_secret == ""


def test_the_secrets_are_never_shown_and_kept_when_left_empty(client, admin_user, account):
    OAuth2Account.objects.update(client_secret="client-secret-value")
    client.force_login(admin_user)
    change = f"{ACCOUNTS}{account.pk}/change/"
    page = client.get(change).content.decode()
    assert "refresh-1" not in page and "client-secret-value" not in page
    assert client.post(change, account_form(name="gmail")).status_code == 302
    account.refresh_from_db()
    assert account.refresh_token == "refresh-1" and account.client_secret == "client-secret-value"
    client.post(change, account_form(name="gmail", refresh_token="pasted-refresh-token"))
    account.refresh_from_db()
    assert account.refresh_token == "pasted-refresh-token"


def test_agents_cannot_reach_the_oauth2_accounts(client, agent, account):
    client.force_login(agent)
    assert client.get(f"{ACCOUNTS}{account.pk}/change/").status_code == 302
    client.post(f"{ACCOUNTS}{account.pk}/change/", account_form(refresh_token="stolen"))
    account.refresh_from_db()
    assert account.refresh_token == "refresh-1"
