"""System checks of the project package: the keys that encrypt secrets at rest (issue 14)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from helpdesk import crypto

KEY_HINT = (
    "Generate one with: python -c 'from cryptography.fernet import Fernet; "
    "print(Fernet.generate_key().decode())' and set FIELD_ENCRYPTION_KEYS (README, Security)."
)


@checks.register()
def field_encryption_keys(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Production needs keys of its own; every key given must be a Fernet key."""
    if not settings.FIELD_ENCRYPTION_KEYS:
        return [
            checks.Warning(
                "FIELD_ENCRYPTION_KEYS is not set: mailbox passwords and OAuth2 secrets "
                "cannot be stored or read.",
                hint=KEY_HINT,
                id="helpdesk.W001",
            )
        ]
    try:
        crypto.fernet()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), hint=KEY_HINT, id="helpdesk.E001")]
    return []


@checks.register(deploy=True)
def field_encryption_keys_of_production(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """`check --deploy`: the key derived from SECRET_KEY is for a laptop only."""
    if settings.FIELD_ENCRYPTION_KEYS_DERIVED:
        return [
            checks.Warning(
                "Secrets are encrypted with a development key derived from SECRET_KEY.",
                hint=KEY_HINT,
                id="helpdesk.W002",
            )
        ]
    return []
