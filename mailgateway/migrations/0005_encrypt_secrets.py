"""Secrets at rest (issue 14): the columns become Fernet tokens; plaintext already stored
is encrypted with the first key of FIELD_ENCRYPTION_KEYS (reversed: decrypted again).

Raw SQL: the historical models would decrypt on read and cannot load plaintext."""

from django.db import migrations

import helpdesk.fields
from helpdesk import crypto

SECRETS = {
    "mailbox": ["password"],
    "oauth2account": ["client_secret", "refresh_token", "access_token"],
}


def _convert(apps, schema_editor, convert) -> None:
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    for model_name, field_names in SECRETS.items():
        model = apps.get_model("mailgateway", model_name)
        table = quote(model._meta.db_table)
        for name in field_names:
            column = quote(model._meta.get_field(name).column)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT id, {column} FROM {table} WHERE {column} <> ''")  # noqa: S608
                rows = cursor.fetchall()
                for pk, value in rows:
                    new = convert(value)
                    if new != value:
                        cursor.execute(
                            f"UPDATE {table} SET {column} = %s WHERE id = %s",  # noqa: S608
                            [new, pk],
                        )


def encrypt_plaintext(apps, schema_editor) -> None:
    _convert(apps, schema_editor, lambda v: v if crypto.is_encrypted(v) else crypto.encrypt(v))


def decrypt_to_plaintext(apps, schema_editor) -> None:
    _convert(apps, schema_editor, lambda v: crypto.decrypt(v) if crypto.is_encrypted(v) else v)


class Migration(migrations.Migration):

    dependencies = [
        ('mailgateway', '0004_mailbox_oauth2'),
    ]

    operations = [
        migrations.AlterField(
            model_name='mailbox',
            name='password',
            field=helpdesk.fields.EncryptedTextField(blank=True, verbose_name='password'),
        ),
        migrations.AlterField(
            model_name='oauth2account',
            name='access_token',
            field=helpdesk.fields.EncryptedTextField(blank=True, editable=False, verbose_name='access token'),
        ),
        migrations.AlterField(
            model_name='oauth2account',
            name='client_secret',
            field=helpdesk.fields.EncryptedTextField(blank=True, verbose_name='client secret'),
        ),
        migrations.AlterField(
            model_name='oauth2account',
            name='refresh_token',
            field=helpdesk.fields.EncryptedTextField(verbose_name='refresh token'),
        ),
        migrations.RunPython(encrypt_plaintext, decrypt_to_plaintext),
    ]
