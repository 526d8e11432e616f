"""The admin never shows a secret back (issue 14): mailbox passwords, OAuth2 client
secrets and tokens are empty password inputs with "set" / "not set" beside them; left
empty they keep the stored value, a new value replaces it."""

from __future__ import annotations

import pytest
from django.db import connection

from mailgateway.models import Mailbox, OAuth2Account

pytestmark = pytest.mark.django_db

PASSWORD = "mailbox-pw-83b1"
SECRET = "client-secret-6c2e"
REFRESH = "refresh-token-a07d"
ACCESS = "access-token-f19b"


@pytest.fixture
def mailbox(support):
    return Mailbox.objects.create(
        name="Box", host="imap.example", username="u", password=PASSWORD,
        default_department=support,
    )  # fmt: skip


@pytest.fixture
def account(db):
    return OAuth2Account.objects.create(
        name="m365", username="support@hosting.example", token_url="https://t.example/token",
        client_id="client-id", client_secret=SECRET, refresh_token=REFRESH, access_token=ACCESS,
        scope="offline_access",
    )  # fmt: skip


def mailbox_form(support, **fields) -> dict:
    return {
        "name": "Box", "protocol": "imap", "host": "imap.example", "port": 993,
        "security": "ssl", "username": "u", "password": "", "oauth2_account": "",
        "folder": "INBOX", "processed_folder": "", "default_department": support.pk,
        "is_active": "on", **fields,
    }  # fmt: skip


def account_form(**fields) -> dict:
    return {
        "name": "m365", "username": "support@hosting.example",
        "token_url": "https://t.example/token", "client_id": "client-id",
        "client_secret": "", "refresh_token": "", "scope": "offline_access", **fields,
    }  # fmt: skip


def state(page: str, field: str) -> str:
    marker = f'id="id_{field}_state">'
    start = page.index(marker) + len(marker)
    return page[start : page.index("<", start)]


def test_the_mailbox_page_never_shows_the_password(client, admin_user, mailbox):
    client.force_login(admin_user)
    page = client.get(f"/admin/mailgateway/mailbox/{mailbox.pk}/change/").content.decode()
    assert PASSWORD not in page
    assert 'autocomplete="new-password"' in page
    assert state(page, "password") == "set"


def test_the_add_page_says_the_password_is_not_set(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/admin/mailgateway/mailbox/add/").content.decode()
    assert state(page, "password") == "not set"


def test_a_mailbox_password_left_empty_is_kept(client, admin_user, mailbox, support):
    client.force_login(admin_user)
    url = f"/admin/mailgateway/mailbox/{mailbox.pk}/change/"
    response = client.post(url, mailbox_form(support, host="imap2.example"))
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert (mailbox.host, mailbox.password) == ("imap2.example", PASSWORD)


def test_a_new_mailbox_password_replaces_the_stored_one(client, admin_user, mailbox, support):
    client.force_login(admin_user)
    url = f"/admin/mailgateway/mailbox/{mailbox.pk}/change/"
    assert client.post(url, mailbox_form(support, password="new-pw-2")).status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.password == "new-pw-2"
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM mailgateway_mailbox WHERE id = %s", [mailbox.pk])
        assert "new-pw-2" not in cursor.fetchone()[0]


def test_the_oauth2_page_never_shows_the_secret_or_the_tokens(client, admin_user, account):
    client.force_login(admin_user)
    page = client.get(f"/admin/mailgateway/oauth2account/{account.pk}/change/").content.decode()
    assert SECRET not in page and REFRESH not in page and ACCESS not in page
    assert state(page, "client_secret") == "set"
    assert state(page, "refresh_token") == "set"


def test_the_oauth2_page_says_which_secret_is_not_set(client, admin_user, account):
    OAuth2Account.objects.filter(pk=account.pk).update(client_secret="")
    client.force_login(admin_user)
    page = client.get(f"/admin/mailgateway/oauth2account/{account.pk}/change/").content.decode()
    assert state(page, "client_secret") == "not set"
    assert state(page, "refresh_token") == "set"


def test_oauth2_secrets_left_empty_are_kept(client, admin_user, account):
    client.force_login(admin_user)
    url = f"/admin/mailgateway/oauth2account/{account.pk}/change/"
    assert client.post(url, account_form(client_id="client-id-2")).status_code == 302
    account.refresh_from_db()
    assert (account.client_id, account.client_secret, account.refresh_token) == (
        "client-id-2",
        SECRET,
        REFRESH,
    )
    assert account.access_token == ACCESS


def test_new_oauth2_secrets_replace_the_stored_ones(client, admin_user, account):
    client.force_login(admin_user)
    url = f"/admin/mailgateway/oauth2account/{account.pk}/change/"
    data = account_form(client_secret="secret-2", refresh_token="refresh-2")
    assert client.post(url, data).status_code == 302
    account.refresh_from_db()
    assert (account.client_secret, account.refresh_token) == ("secret-2", "refresh-2")


def test_without_an_encryption_key_a_secret_is_refused_with_a_message(
    client, admin_user, support, settings
):
    """A production without FIELD_ENCRYPTION_KEYS: the form says why, nothing is stored."""
    settings.FIELD_ENCRYPTION_KEYS = []
    client.force_login(admin_user)
    data = mailbox_form(support, name="New", password="pw-without-key")
    response = client.post("/admin/mailgateway/mailbox/add/", data)
    assert response.status_code == 200
    assert "FIELD_ENCRYPTION_KEYS" in response.content.decode()
    assert not Mailbox.objects.filter(name="New").exists()
