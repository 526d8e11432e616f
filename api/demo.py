"""The quick start's API token (README, "API"): printed by `manage.py rundemo`."""

from __future__ import annotations

from django.core.management.base import OutputWrapper
from django.db import DatabaseError
from django.utils import timezone

from accounts.models import User
from api import services
from api.models import ApiToken

DEMO_AGENT = "anna@hosting.example"
DEMO_TOKEN_NAME = "demo"  # noqa: S105 (the token's label, not a secret)


def print_demo_token(out: OutputWrapper) -> None:
    """A fresh token for the demo agent (the previous demo token is revoked)."""
    try:
        agent = User.objects.filter(email=DEMO_AGENT, is_active=True).first()
    except DatabaseError:  # not migrated: `rundemo` alone, without `make run`
        return
    if agent is None:
        return
    ApiToken.objects.filter(user=agent, name=DEMO_TOKEN_NAME, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    made = services.token_create(actor=agent, name=DEMO_TOKEN_NAME)
    out.write(f"\nAPI token of {DEMO_AGENT} (README, API):\n  {made.secret}")
    out.write(
        "  e.g. curl -H 'Authorization: Bearer <token>' http://127.0.0.1:8000/api/v1/tickets/"
    )
