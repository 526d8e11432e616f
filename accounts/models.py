from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.translations import TranslationsField, translated


class Role(models.TextChoices):
    """What a person is in the helpdesk (ARCHITECTURE.md, Roles)."""

    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")


STAFF_ROLES = (Role.AGENT, Role.MANAGER, Role.ADMIN)
ALL_DEPARTMENTS_ROLES = (Role.MANAGER, Role.ADMIN)


def normalize_email(address: str) -> str:
    """E-mail addresses are logins: compared and stored lower-cased, without spaces."""
    return (address or "").strip().lower()


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalize_email(username or ""))

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        user = self.model(email=normalize_email(email), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields["role"] = Role.ADMIN
        return self.create_user(email, password, **fields)


class Organization(models.Model):
    """A company whose people are customers; optionally they see each other's tickets."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    shares_tickets = models.BooleanField(
        _("members see each other's tickets"),
        default=False,
        help_text=_("When on, every member sees and answers the tickets of the others."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class User(AbstractBaseUser):
    """A person: customer, agent, manager or administrator. The e-mail address is the login.

    Deactivating (is_active=False) keeps the row, so an agent's past replies keep his name.
    Permissions come from the role alone: administrators may do everything in the admin.
    """

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CUSTOMER)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=time_zone_choices, default=settings.TIME_ZONE
    )
    is_active = models.BooleanField(_("active"), default=True)
    email_verified = models.BooleanField(_("e-mail address verified"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Agents' mail notifications, each switchable (issue 6).
    notify_new_ticket = models.BooleanField(
        _("mail me new tickets of my departments"), default=True
    )
    notify_customer_reply = models.BooleanField(
        _("mail me when a customer answers my ticket"), default=True
    )
    notify_assigned = models.BooleanField(
        _("mail me when a ticket is assigned to me"), default=True
    )
    # Live updates and assignment (issue 11, W2): the staff pages poll the server, which
    # notes when the agent was last seen; round-robin gives new tickets only to agents
    # seen recently and not away.
    is_away = models.BooleanField(
        _("away"), default=False, help_text=_("Away agents get no tickets by round-robin.")
    )
    last_seen_at = models.DateTimeField(_("last seen in the staff portal"), null=True, blank=True)
    sound_enabled = models.BooleanField(_("play a sound when something new arrives"), default=True)
    sound_volume = models.PositiveSmallIntegerField(_("sound volume (percent)"), default=60)
    desktop_notifications = models.BooleanField(_("show desktop notifications"), default=False)

    objects = UserManager()
    # Set on the instance at run time, declared for the type checker: the authentication
    # backend that accepted the user (auth.login reads it), and django-otp's middleware's
    # check that this session passed the second factor.
    backend: str
    is_verified: Callable[[], bool]
    # An API token limited to some departments (issue 13) narrows what this instance of
    # the user reaches; tickets.access applies it. None: the user's whole reach.
    api_departments: frozenset[int] | None = None

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]
        indexes = [models.Index(fields=["role", "is_active"], name="user_role_active")]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    @property
    def display_name(self) -> str:
        return self.name or self.email

    @property
    def is_staff(self) -> bool:
        """Django's admin is for administrators only."""
        return self.is_active and self.role == Role.ADMIN

    @property
    def is_superuser(self) -> bool:
        return self.is_staff

    @property
    def is_agent(self) -> bool:
        """Agents, managers and administrators work tickets in the staff portal."""
        return self.role in STAFF_ROLES

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    @property
    def sees_all_departments(self) -> bool:
        return self.role in ALL_DEPARTMENTS_ROLES

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_staff

    def has_perms(self, perm_list, obj: object = None) -> bool:
        return self.is_staff

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff


class MembershipRole(models.TextChoices):
    AGENT = "agent", _("Agent")
    MANAGER = "manager", _("Manager")


class DepartmentMembership(models.Model):
    """An agent works the tickets of the departments he is a member of (R10).

    A membership with the role manager also makes him receive the department's escalations.
    """

    user = models.ForeignKey(
        User, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="memberships"
    )
    department = models.ForeignKey(
        "tickets.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(
        _("role"), max_length=16, choices=MembershipRole.choices, default=MembershipRole.AGENT
    )

    class Meta:
        verbose_name = _("department membership")
        verbose_name_plural = _("department memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "department"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.department}"


class Service(models.Model):
    """A customer's or an organization's product or service, e.g. "VPS cs1234" (P2)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=100, blank=True)
    customer = models.ForeignKey(
        User,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="services",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="services",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    translations = TranslationsField()

    TRANSLATED = ("kind",)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(customer__isnull=False, organization__isnull=True)
                    | models.Q(customer__isnull=True, organization__isnull=False)
                ),
                name="service_has_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def local_kind(self) -> str:
        return translated(self, "kind")
