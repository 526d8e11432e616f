# Issue 18: delivery state per recipient of an outgoing mail.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mailgateway", "0004_mailbox_oauth2"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundmail",
            name="recipient_states",
            field=models.JSONField(blank=True, default=dict, verbose_name="state per recipient"),
        ),
    ]
