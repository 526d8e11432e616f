"""Changes to people: every account is created and changed here (STYLE.md, services)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Organization, Role, User, normalize_email
from helpdesk.errors import ActionNotAllowed, NotPermitted

NAME_MAX = 200


def _clean_address(email: str) -> str:
    address = normalize_email(email)
    try:
        validate_email(address)
    except ValidationError as exc:
        raise ActionNotAllowed(
            _("“%(address)s” is not a valid e-mail address.") % {"address": email}
        ) from exc
    return address


def _language(language: str | None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


@transaction.atomic
def customer_create(
    *,
    actor: User | None,
    email: str,
    name: str = "",
    organization: Organization | None = None,
    language: str | None = None,
) -> User:
    """Creates a customer account without a password (he sets one from an invitation or a reset).

    `actor` is the agent or administrator who creates it, or None for the system (the mail
    gateway, self-registration).
    """
    if actor is not None and not actor.is_agent:
        raise NotPermitted()
    address = _clean_address(email)
    if User.objects.filter(email=address).exists():
        raise ActionNotAllowed(
            _("There is already an account for %(address)s.") % {"address": address}
        )
    user = User(
        email=address,
        name=" ".join((name or "").split())[:NAME_MAX],
        role=Role.CUSTOMER,
        organization=organization,
        language=_language(language),
    )
    user.set_unusable_password()
    user.save()
    return user


def customer_get_or_create(
    *, email: str, name: str = "", language: str | None = None
) -> tuple[User, bool]:
    """The account of this address (matched case-insensitively), created as a customer if new.

    Safe under concurrency: two mails from one new sender give one account.
    """
    address = _clean_address(email)
    existing = User.objects.filter(email=address).first()
    if existing is not None:
        return existing, False
    try:
        return customer_create(actor=None, email=address, name=name, language=language), True
    except (IntegrityError, ActionNotAllowed):
        return User.objects.get(email=address), False
