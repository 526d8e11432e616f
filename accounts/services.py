"""Changes to people: every account is created and changed here (STYLE.md, services)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mails
from accounts.models import Organization, Role, Service, User, normalize_email
from helpdesk.errors import ActionNotAllowed, NotPermitted, ServiceError

NAME_MAX = 200
# Mails a stranger can make us send (sign-up, reset, confirmation) to one address per hour:
# enough for a person who lost a mail, too few to bomb a mailbox through our forms.
MAILS_PER_ADDRESS_PER_HOUR = 5


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
        name=_name(name),
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


def _name(name: str) -> str:
    return " ".join((name or "").split())[:NAME_MAX]


def _time_zone(time_zone: str | None) -> str:
    return time_zone if time_zone in zoneinfo.available_timezones() else settings.TIME_ZONE


def _mail_allowed(kind: str, address: str) -> bool:
    """Counts the mails of one kind to one address in the current hour (the cache)."""
    key = f"accounts:mail:{kind}:{address}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) <= MAILS_PER_ADDRESS_PER_HOUR
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        return True


def _is_invitable(user: User) -> bool:
    """A customer who never chose a password (created by an agent or by his first mail)."""
    return (
        user.is_customer
        and user.is_active
        and not user.has_usable_password()
        and user.last_login is None
    )


@transaction.atomic
def customer_signup(
    *, email: str, name: str, password: str, language: str | None = None, time_zone: str = ""
) -> User | None:
    """Self-registration (P1): a customer account, usable once its address is confirmed.

    For an address that already has an account nothing changes: its owner gets a mail with
    a link to set a password, and the caller cannot tell the difference (no address
    enumeration). Returns the new account, or None.
    """
    if not settings.ACCOUNTS_ALLOW_SIGNUP:
        raise ActionNotAllowed(_("Sign-up is closed. Ask us for an invitation."))
    address = _clean_address(email)
    existing = User.objects.filter(email=address).first()
    if existing is not None:
        if existing.is_active and _mail_allowed("exists", address):
            mails.account_exists(existing)
        return None
    try:
        user = customer_create(actor=None, email=address, name=name, language=language)
    except (IntegrityError, ActionNotAllowed):  # signed up twice at the same moment
        return None
    user.time_zone = _time_zone(time_zone)
    user.set_password(password)
    user.save(update_fields=["time_zone", "password"])
    if _mail_allowed("verify", address):
        mails.verification(user)
    return user


def verification_resend(*, email: str) -> None:
    """Sends the confirmation link again to an unconfirmed customer; silent otherwise."""
    address = normalize_email(email)
    user = User.objects.filter(
        email=address, is_active=True, email_verified=False, role=Role.CUSTOMER
    ).first()
    if user is not None and user.has_usable_password() and _mail_allowed("verify", address):
        with transaction.atomic():
            mails.verification(user)


@transaction.atomic
def email_verify(*, user: User) -> User:
    """The owner of the address followed the confirmation link."""
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
    return user


def password_reset_request(*, email: str) -> None:
    """Mails a reset link to the account of this address, if there is an active one.

    Customers whose account was made from their first mail (no password yet) use this to
    choose one. The caller says the same whatever happened (no address enumeration).
    """
    address = normalize_email(email)
    user = User.objects.filter(email=address, is_active=True).first()
    if user is not None and _mail_allowed("reset", address):
        with transaction.atomic():
            mails.password_reset(user)


@transaction.atomic
def password_set(*, user: User, password: str) -> User:
    """Sets the password from a reset or invitation link, which proves the address too."""
    if not user.is_active:
        raise NotPermitted(_("This account is deactivated."))
    user.set_password(password)
    user.email_verified = True
    user.save(update_fields=["password", "email_verified"])
    return user


@transaction.atomic
def customer_invite(*, actor: User, user: User) -> User:
    """Mails a customer a link to set his first password (again, if he lost the mail)."""
    if not actor.is_agent:
        raise NotPermitted()
    if not _is_invitable(user):
        raise ActionNotAllowed(
            _("%(address)s already uses an account; he can reset his password.")
            % {"address": user.email}
        )
    mails.invitation(user, invited_by=actor)
    return user


class InvitationOutcome:
    INVITED = "invited"
    INVITED_AGAIN = "invited_again"
    HAS_ACCOUNT = "has_account"
    REFUSED = "refused"


@dataclass(frozen=True)
class Invitation:
    """What happened to one person of an invitation list."""

    email: str
    name: str
    outcome: str
    detail: str = ""

    @property
    def sent(self) -> bool:
        return self.outcome in (InvitationOutcome.INVITED, InvitationOutcome.INVITED_AGAIN)


def customers_invite(
    *,
    actor: User,
    people: Iterable[tuple[str, str]],
    organization: Organization | None = None,
    language: str | None = None,
) -> list[Invitation]:
    """Creates customer accounts for (name, address) pairs and mails each an invitation.

    Each person is handled on his own: one refused address does not stop the others.
    Someone who already uses an account is left alone; an invited customer who never
    accepted is invited again.
    """
    if not actor.is_agent:
        raise NotPermitted()
    return [
        _invite_one(
            actor=actor, name=name, email=email, organization=organization, language=language
        )
        for name, email in people
    ]


def _invite_one(
    *, actor: User, name: str, email: str, organization: Organization | None, language: str | None
) -> Invitation:
    address = normalize_email(email)
    try:
        with transaction.atomic():
            existing = User.objects.filter(email=address).first()
            if existing is not None:
                if not _is_invitable(existing):
                    return Invitation(address, existing.display_name, InvitationOutcome.HAS_ACCOUNT)
                mails.invitation(existing, invited_by=actor)
                return Invitation(address, existing.display_name, InvitationOutcome.INVITED_AGAIN)
            user = customer_create(
                actor=actor, email=address, name=name, organization=organization, language=language
            )
            mails.invitation(user, invited_by=actor)
            return Invitation(user.email, user.name, InvitationOutcome.INVITED)
    except ServiceError as error:
        return Invitation(address, _name(name), InvitationOutcome.REFUSED, str(error))


@transaction.atomic
def user_preferences_set(*, actor: User, name: str, language: str, time_zone: str) -> User:
    """A person changes his own name, language and time zone (P8)."""
    if language not in {code for code, _label in settings.LANGUAGES}:
        raise ActionNotAllowed(_("Unknown language."))
    if time_zone not in zoneinfo.available_timezones():
        raise ActionNotAllowed(_("Unknown time zone."))
    actor.name = _name(name)
    actor.language = language
    actor.time_zone = time_zone
    actor.save(update_fields=["name", "language", "time_zone"])
    return actor


def agent_notifications_set(
    *, actor: User, new_ticket: bool, customer_reply: bool, assigned: bool
) -> User:
    """An agent chooses which mails he gets about tickets (issue 6)."""
    if not actor.is_agent:
        raise NotPermitted()
    actor.notify_new_ticket = new_ticket
    actor.notify_customer_reply = customer_reply
    actor.notify_assigned = assigned
    actor.save(update_fields=["notify_new_ticket", "notify_customer_reply", "notify_assigned"])
    return actor


def agent_live_settings_set(
    *,
    actor: User,
    sound_enabled: bool,
    sound_volume: int,
    desktop_notifications: bool,
    is_away: bool,
) -> User:
    """An agent chooses how new work is signalled (issue 11, W2) and whether he is away."""
    if not actor.is_agent:
        raise NotPermitted()
    if not 0 <= sound_volume <= 100:
        raise ActionNotAllowed(_("The volume is a percentage from 0 to 100."))
    actor.sound_enabled = sound_enabled
    actor.sound_volume = sound_volume
    actor.desktop_notifications = desktop_notifications
    actor.is_away = is_away
    actor.save(update_fields=["sound_enabled", "sound_volume", "desktop_notifications", "is_away"])
    return actor


# --- Two-factor authentication (issue 14) ----------------------------------------------

RECOVERY_CODES = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def totp_device_pending(*, actor: User) -> TOTPDevice:
    """The authenticator app being set up: a new secret until a code confirms it."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def two_factor_enable(*, actor: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirms the authenticator app with a code from it; returns the new recovery codes.

    None when the code is wrong (nothing changes).
    """
    if device.user_id != actor.pk or device.confirmed:
        raise NotPermitted()
    if not device.verify_token(code.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_regenerate(actor=actor)


@transaction.atomic
def recovery_codes_regenerate(*, actor: User) -> list[str]:
    """New recovery codes, each usable once; the old ones stop working. Shown once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=actor, defaults={"name": RECOVERY_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def two_factor_device(*, user: User, code: str, recovery: bool = False) -> Device | None:
    """The device a code from the app (or a recovery code, used up) belongs to, or None."""
    code = code.strip().replace(" ", "").replace("-", "")
    if not code:
        return None
    model = StaticDevice if recovery else TOTPDevice
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(code.lower() if recovery else code):
                return device
    return None


@transaction.atomic
def two_factor_disable(*, actor: User) -> None:
    """Removes the authenticator app and the recovery codes (the view checked password+code)."""
    if settings.ACCOUNTS_STAFF_2FA_REQUIRED and actor.is_agent:
        raise ActionNotAllowed(_("Two-factor authentication is required for staff."))
    TOTPDevice.objects.filter(user=actor).delete()
    StaticDevice.objects.filter(user=actor).delete()


# --- Customers, organizations and their services, kept in step by other systems (issue 13) ---


def _require_agent(actor: User) -> None:
    if not (actor.is_active and actor.is_agent):
        raise NotPermitted()


@transaction.atomic
def customer_update(
    *,
    actor: User,
    customer: User,
    name: str | None = None,
    organization: Organization | bool | None = False,
    language: str | None = None,
) -> User:
    """An agent corrects a customer's name, organization or language (W1: billing keeps
    them in step). `organization=False` leaves it; None takes him out of his organization."""
    _require_agent(actor)
    if not customer.is_customer:
        raise NotPermitted(_("Only customers' accounts are changed here."))
    if name is not None:
        customer.name = _name(name)
    if organization is not False:
        customer.organization = organization if isinstance(organization, Organization) else None
    if language is not None:
        customer.language = _language(language)
    customer.save(update_fields=["name", "organization", "language"])
    return customer


def _organization_name(name: str) -> str:
    name = " ".join((name or "").split())[:200]
    if not name:
        raise ActionNotAllowed(_("An organization needs a name."))
    return name


@transaction.atomic
def organization_create(*, actor: User, name: str, shares_tickets: bool = False) -> Organization:
    _require_agent(actor)
    name = _organization_name(name)
    if Organization.objects.filter(name=name).exists():
        raise ActionNotAllowed(
            _("There is already an organization named %(name)s.") % {"name": name}
        )
    return Organization.objects.create(name=name, shares_tickets=shares_tickets)


@transaction.atomic
def organization_update(
    *,
    actor: User,
    organization: Organization,
    name: str | None = None,
    shares_tickets: bool | None = None,
) -> Organization:
    _require_agent(actor)
    if name is not None:
        name = _organization_name(name)
        if Organization.objects.filter(name=name).exclude(pk=organization.pk).exists():
            raise ActionNotAllowed(
                _("There is already an organization named %(name)s.") % {"name": name}
            )
        organization.name = name
    if shares_tickets is not None:
        organization.shares_tickets = shares_tickets
    organization.save(update_fields=["name", "shares_tickets"])
    return organization


def _service_name(name: str) -> str:
    name = " ".join((name or "").split())[:200]
    if not name:
        raise ActionNotAllowed(_("A service needs a name."))
    return name


@transaction.atomic
def service_create(
    *,
    actor: User,
    name: str,
    kind: str = "",
    customer: User | None = None,
    organization: Organization | None = None,
) -> Service:
    """A customer's or an organization's product or service (P2), e.g. from billing."""
    _require_agent(actor)
    if (customer is None) == (organization is None):
        raise ActionNotAllowed(_("A service belongs to one customer or to one organization."))
    if customer is not None and not customer.is_customer:
        raise ActionNotAllowed(_("Services belong to customers."))
    return Service.objects.create(
        name=_service_name(name),
        kind=(kind or "").strip()[:100],
        customer=customer,
        organization=organization,
    )


@transaction.atomic
def service_update(
    *,
    actor: User,
    service: Service,
    name: str | None = None,
    kind: str | None = None,
    is_active: bool | None = None,
) -> Service:
    """Renames a service, or (de)activates it: a deactivated one is no longer offered to
    the customer for new tickets; the tickets about it keep it."""
    _require_agent(actor)
    if name is not None:
        service.name = _service_name(name)
    if kind is not None:
        service.kind = kind.strip()[:100]
    if is_active is not None:
        service.is_active = is_active
    service.save(update_fields=["name", "kind", "is_active"])
    return service
