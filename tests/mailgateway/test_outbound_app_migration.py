"""Outbound mail became an app of its own (issue 16): mailgateway 0007 and outbound 0001
move Django's record of OutboundMail and Suppression and nothing else. Rows written under
the old schema are there, unchanged, under the new app; the content types (and so the
permissions granted on them) follow the models; and the move can be reversed."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mailgateway.outbound.models import OutboundMail, Suppression

BEFORE = [("mailgateway", "0006_merge_digest_secrets_recipients")]


def migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    ContentType.objects.clear_cache()


@pytest.fixture
def before_the_move(transactional_db):
    migrate(BEFORE)
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_rows_written_before_the_move_are_the_outbound_app_s_after_it(before_the_move):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO mailgateway_outboundmail (kind, sender, recipients, rate_address, "
            "subject, message_id, mime, automatic, status, attempts, last_error, created_at, "
            "updated_at, recipient_states) VALUES ('reply', 'support@helpdesk.example', "
            "'[\"ivan@example.ru\"]', 'ivan@example.ru', 'Ответ', '<m1@helpdesk.example>', "
            "%s, %s, 'bounced', 1, '', %s, %s, '{}')",
            [b"MIME", False, "2026-12-01T10:00:00Z", "2026-12-01T10:00:00Z"],
        )
        cursor.execute("SELECT id FROM mailgateway_outboundmail")
        [(outbound_id,)] = cursor.fetchall()
        cursor.execute(
            "INSERT INTO mailgateway_suppression (address, reason, created_at, expires_at, "
            "outbound_id) VALUES ('ivan@example.ru', '550 5.1.1', %s, %s, %s)",
            ["2026-12-01T10:00:00Z", "2026-12-31T10:00:00Z", outbound_id],
        )
    old_type = ContentType.objects.get(app_label="mailgateway", model="outboundmail")
    permission = Permission.objects.get(content_type=old_type, codename="view_outboundmail")

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    mail = OutboundMail.objects.get()
    assert (mail.pk, mail.subject, bytes(mail.mime)) == (outbound_id, "Ответ", b"MIME")
    assert Suppression.objects.get().outbound == mail
    new_type = ContentType.objects.get_for_model(OutboundMail)
    assert (new_type.pk, new_type.app_label) == (old_type.pk, "outbound")
    assert Permission.objects.get(pk=permission.pk).content_type == new_type

    migrate(BEFORE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT subject FROM mailgateway_outboundmail")
        assert cursor.fetchall() == [("Ответ",)]
    assert ContentType.objects.get(pk=old_type.pk).app_label == "mailgateway"
