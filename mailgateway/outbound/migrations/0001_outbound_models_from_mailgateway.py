# Issue 16: the outbound half of the mail gateway is an app of its own. Its models were
# the mailgateway app's (mailgateway 0002-0005); mailgateway 0007 gave them up and this
# migration takes them over, on the same tables (db_table), so no row moves. Only the
# content types are renamed, which keeps the permissions granted on them and the admin's
# history of changes.

import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ["outboundmail", "suppression"]


def _relabel(apps, old: str, new: str) -> None:
    content_types = apps.get_model("contenttypes", "ContentType").objects
    for model in MODELS:
        if not content_types.filter(app_label=new, model=model).exists():
            content_types.filter(app_label=old, model=model).update(app_label=new)


def content_types_forward(apps, schema_editor) -> None:
    _relabel(apps, "mailgateway", "outbound")


def content_types_backward(apps, schema_editor) -> None:
    _relabel(apps, "outbound", "mailgateway")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("mailgateway", "0007_outbound_models_to_their_app"),
        ("tickets", "0004_department_mail_policy"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='OutboundMail',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=32, verbose_name='kind')),
                        ('sender', models.EmailField(max_length=254, verbose_name='envelope sender')),
                        ('recipients', models.JSONField(default=list, verbose_name='recipients')),
                        ('rate_address', models.CharField(blank=True, max_length=254)),
                        ('subject', models.CharField(blank=True, max_length=998, verbose_name='subject')),
                        ('message_id', models.CharField(max_length=255, unique=True, verbose_name='Message-ID')),
                        ('mime', models.BinaryField(verbose_name='rendered mail')),
                        ('automatic', models.BooleanField(default=False, verbose_name='automatic')),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('sending', 'Sending'), ('sent', 'Sent'), ('deferred', 'Deferred'), ('failed', 'Failed'), ('bounced', 'Bounced'), ('withheld', 'Not sent'), ('held', 'Held for a digest'), ('digested', 'Sent in a digest')], default='queued', max_length=16, verbose_name='status')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                        ('last_error', models.TextField(blank=True, verbose_name='last error')),
                        ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='next attempt')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='updated')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                        ('recipient_states', models.JSONField(blank=True, default=dict, verbose_name='state per recipient')),
                        ('recipient', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                        ('ticket', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='outbound_mails', to='tickets.ticket', verbose_name='ticket')),
                        ('ticket_message', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='outbound_mails', to='tickets.message', verbose_name='message')),
                    ],
                    options={
                        'verbose_name': 'outgoing mail',
                        'verbose_name_plural': 'outgoing mail',
                        'db_table': 'mailgateway_outboundmail',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Suppression',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('address', models.EmailField(max_length=254, unique=True, verbose_name='address')),
                        ('reason', models.TextField(blank=True, verbose_name='reason')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                        ('expires_at', models.DateTimeField(verbose_name='until')),
                        ('outbound', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='outbound.outboundmail')),
                    ],
                    options={
                        'verbose_name': 'suppressed address',
                        'verbose_name_plural': 'suppressed addresses',
                        'db_table': 'mailgateway_suppression',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.AddIndex(
                    model_name='outboundmail',
                    index=models.Index(fields=['status', 'next_attempt_at'], name='outbound_due'),
                ),
                migrations.AddIndex(
                    model_name='outboundmail',
                    index=models.Index(fields=['rate_address', 'created_at'], name='outbound_rate'),
                ),
                migrations.AddIndex(
                    model_name='outboundmail',
                    index=models.Index(fields=['ticket', 'created_at'], name='outbound_ticket'),
                ),
                migrations.AddConstraint(
                    model_name='suppression',
                    constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('address'), name='suppression_address_ci_unique'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
