# Issue 16: OutboundMail and Suppression now belong to the `outbound` app
# (mailgateway.outbound). Only Django's record of the models moves: the tables, their rows,
# indexes and constraints stay as they are (outbound 0001 takes the models over with the
# same db_table names).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("mailgateway", "0006_merge_digest_secrets_recipients"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="suppression", name="outbound"),
                migrations.DeleteModel(name="OutboundMail"),
                migrations.DeleteModel(name="Suppression"),
            ],
            database_operations=[],
        ),
    ]
