"""Secrets at rest (issue 14): mailbox passwords, OAuth2 client secrets, refresh and
access tokens are Fernet ciphertext in the database; the keys come from
FIELD_ENCRYPTION_KEYS, the first encrypts, all decrypt; `rotate_encryption_keys`
re-encrypts everything with the first key."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from mailgateway.models import Mailbox, OAuth2Account

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def raw(table: str, column: str, pk: int) -> str:
    """The column as the database holds it, past the model field."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def account(**fields) -> OAuth2Account:
    return OAuth2Account.objects.create(
        **{
            "name": "m365",
            "username": "support@hosting.example",
            "token_url": "https://login.example/token",
            "client_id": "client-id",
            "client_secret": "client-secret-Ω-7f3a",
            "refresh_token": "refresh-token-c41d",
            "access_token": "access-token-9e02",
            **fields,
        }
    )


def test_the_mailbox_password_is_ciphertext_in_the_database(settings):
    mailbox = Mailbox.objects.create(name="Box", host="h", username="u", password="pässwörd-1")
    stored = raw("mailgateway_mailbox", "password", mailbox.pk)
    assert "pässwörd" not in stored
    keys = [Fernet(key) for key in settings.FIELD_ENCRYPTION_KEYS]
    assert keys[0].decrypt(stored.encode()).decode() == "pässwörd-1"
    mailbox.refresh_from_db()
    assert mailbox.password == "pässwörd-1"


def test_the_oauth2_secrets_and_tokens_are_ciphertext_in_the_database():
    stored = account()
    for column, plaintext in [
        ("client_secret", "client-secret-Ω-7f3a"),
        ("refresh_token", "refresh-token-c41d"),
        ("access_token", "access-token-9e02"),
    ]:
        value = raw("mailgateway_oauth2account", column, stored.pk)
        assert value and plaintext not in value and value.startswith("gAAAA")
        assert getattr(OAuth2Account.objects.get(pk=stored.pk), column) == plaintext


def test_the_same_secret_is_stored_differently_each_time():
    one = Mailbox.objects.create(name="A", host="h", username="u", password="same")
    two = Mailbox.objects.create(name="B", host="h", username="u", password="same")
    assert raw("mailgateway_mailbox", "password", one.pk) != raw(
        "mailgateway_mailbox", "password", two.pk
    )


def test_an_empty_secret_stays_empty_so_not_set_needs_no_key():
    mailbox = Mailbox.objects.create(name="Box", host="h", username="u", password="")
    assert raw("mailgateway_mailbox", "password", mailbox.pk) == ""


def test_the_first_key_encrypts_and_every_key_decrypts(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    mailbox = Mailbox.objects.create(name="Box", host="h", username="u", password="secret-1")
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert Mailbox.objects.get(pk=mailbox.pk).password == "secret-1"
    Mailbox.objects.create(name="Other", host="h", username="u", password="secret-2")
    stored = raw("mailgateway_mailbox", "password", Mailbox.objects.get(name="Other").pk)
    assert Fernet(NEW_KEY).decrypt(stored.encode()) == b"secret-2"


def test_a_secret_of_a_removed_key_fails_loudly_instead_of_reading_garbage(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    mailbox = Mailbox.objects.create(name="Box", host="h", username="u", password="secret-1")
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(ImproperlyConfigured, match=r"Mailbox\.password"):
        Mailbox.objects.get(pk=mailbox.pk)


def test_rotation_re_encrypts_every_secret_with_the_first_key(settings, capsys):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    mailbox = Mailbox.objects.create(name="Box", host="h", username="u", password="secret-1")
    oauth = account()
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    call_command("rotate_encryption_keys")

    assert "mailgateway.Mailbox: 1 re-encrypted" in capsys.readouterr().out
    stored = raw("mailgateway_mailbox", "password", mailbox.pk)
    assert Fernet(NEW_KEY).decrypt(stored.encode()) == b"secret-1"
    with pytest.raises(InvalidToken):
        Fernet(OLD_KEY).decrypt(stored.encode())
    for column in ("client_secret", "refresh_token", "access_token"):
        Fernet(NEW_KEY).decrypt(raw("mailgateway_oauth2account", column, oauth.pk).encode())
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key is gone: everything still reads
    assert Mailbox.objects.get(pk=mailbox.pk).password == "secret-1"
    refreshed = OAuth2Account.objects.get(pk=oauth.pk)
    assert (refreshed.client_secret, refreshed.refresh_token, refreshed.access_token) == (
        "client-secret-Ω-7f3a",
        "refresh-token-c41d",
        "access-token-9e02",
    )
