"""The data migration of issue 14 (mailgateway 0005_encrypt_secrets): secrets stored in
plaintext before it are ciphertext after it, and plaintext again when it is reversed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mailgateway.models import Mailbox, OAuth2Account

BEFORE = [("mailgateway", "0004_mailbox_oauth2")]
AFTER = [("mailgateway", "0005_encrypt_secrets")]


def migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.fixture
def at_0004(transactional_db):
    migrate(BEFORE)
    yield
    migrate(executor_leaf())


def executor_leaf():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def test_the_migration_encrypts_stored_plaintext_and_reverses(at_0004):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO mailgateway_mailbox (name, protocol, host, port, security, username, "
            "password, folder, processed_folder, is_active, last_error) VALUES "
            "('Box', 'imap', 'h', 993, 'ssl', 'u', 'plain-pw', 'INBOX', '', %s, ''), "
            "('NoPw', 'imap', 'h', 993, 'ssl', 'u', '', 'INBOX', '', %s, '')",
            [True, True],
        )
        cursor.execute(
            "INSERT INTO mailgateway_oauth2account (name, username, token_url, client_id, "
            "client_secret, refresh_token, scope, access_token, last_error) VALUES "
            "('gmail', 'a@b.example', 'https://t.example/token', 'id', 'plain-secret', "
            "'plain-refresh', '', 'plain-access', '')"
        )

    migrate(AFTER)

    [(password,)] = rows("SELECT password FROM mailgateway_mailbox WHERE name = 'Box'")
    assert password != "plain-pw" and password.startswith("gAAAA")
    assert rows("SELECT password FROM mailgateway_mailbox WHERE name = 'NoPw'") == [("",)]
    [stored] = rows(
        "SELECT client_secret, refresh_token, access_token FROM mailgateway_oauth2account"
    )
    assert not {"plain-secret", "plain-refresh", "plain-access"} & set(stored)
    assert Mailbox.objects.get(name="Box").password == "plain-pw"
    account = OAuth2Account.objects.get()
    assert (account.client_secret, account.refresh_token, account.access_token) == (
        "plain-secret",
        "plain-refresh",
        "plain-access",
    )

    migrate(BEFORE)
    assert rows("SELECT password FROM mailgateway_mailbox WHERE name = 'Box'") == [("plain-pw",)]
    assert rows(
        "SELECT client_secret, refresh_token, access_token FROM mailgateway_oauth2account"
    ) == [("plain-secret", "plain-refresh", "plain-access")]
