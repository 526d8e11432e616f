"""`manage.py rotate_encryption_keys`: re-encrypts every secret at rest with the first key
of FIELD_ENCRYPTION_KEYS (issue 14; the procedure: README, "Security")."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction

from helpdesk.fields import EncryptedTextField


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every model with secrets, and the names of its encrypted fields."""
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


class Command(BaseCommand):
    help = (
        "Re-encrypts every stored secret with the first key of FIELD_ENCRYPTION_KEYS; "
        "afterwards the other keys can be removed."
    )

    def handle(self, *args, **options) -> None:
        for model, names in encrypted_fields():
            done = 0
            for pk in model._default_manager.values_list("pk", flat=True).iterator():
                # One row at a time under its lock: a token refresh running meanwhile is
                # neither lost nor overwritten with the old value.
                with transaction.atomic():
                    row = model._default_manager.select_for_update().filter(pk=pk)
                    values = row.values(*names).first()
                    if values is None:
                        continue
                    row.update(**values)
                done += 1
            label = model._meta.label
            self.stdout.write(f"{label}: {done} re-encrypted ({', '.join(names)})")
