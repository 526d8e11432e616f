"""Canned responses (R15): the response, its translated variants and its files."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.uploads import storage_extension

TITLE_MAX = 200
FOLDER_MAX = 100
# Long enough for any real answer; a body is checked for placeholders on every save.
BODY_MAX = 10_000


class Scope(models.TextChoices):
    """Who may use a response: its owner, the agents of a department, or every agent."""

    PERSONAL = "personal", _("Personal")
    DEPARTMENT = "department", _("Department")
    GLOBAL = "global", _("Everyone")


class CannedResponse(models.Model):
    """A ready answer; `body` is the default variant, used when no variant matches the
    customer's language."""

    title = models.CharField(_("title"), max_length=TITLE_MAX)
    folder = models.CharField(_("folder"), max_length=FOLDER_MAX, blank=True)
    scope = models.CharField(_("for"), max_length=16, choices=Scope.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_responses",
    )
    department = models.ForeignKey(
        "tickets.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_responses",
    )
    body = models.TextField(_("text"), max_length=BODY_MAX)
    usage_count = models.PositiveIntegerField(_("times used"), default=0)
    # Title, folder and every text, case-folded: one search that treats Cyrillic like
    # Latin on SQLite and PostgreSQL alike (SQLite's LIKE folds ASCII only).
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-usage_count", "title", "id"]
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope=Scope.PERSONAL, owner__isnull=False, department__isnull=True)
                    | Q(scope=Scope.DEPARTMENT, owner__isnull=True, department__isnull=False)
                    | Q(scope=Scope.GLOBAL, owner__isnull=True, department__isnull=True)
                ),
                name="canned_scope_matches_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["scope", "department"], name="canned_scope_department"),
            models.Index(fields=["owner"], name="canned_owner"),
        ]

    def __str__(self) -> str:
        return self.title


class CannedVariant(models.Model):
    """The response in one language; chosen for customers who use that language."""

    response = models.ForeignKey(
        CannedResponse,
        verbose_name=_("canned response"),
        on_delete=models.CASCADE,
        related_name="variants",
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    body = models.TextField(_("text"), max_length=BODY_MAX)

    class Meta:
        ordering = ["language"]
        verbose_name = _("translated variant")
        verbose_name_plural = _("translated variants")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "language"], name="canned_variant_one_per_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response} ({self.language})"


def canned_file_path(instance: CannedAttachment, filename: str) -> str:
    """Random names with the extension of the judged kind, as for tickets' attachments."""
    return f"canned/{uuid.uuid4().hex}{storage_extension(instance.content_type)}"


class CannedAttachment(models.Model):
    """A file that goes with the response: copied into the reply when the response is used."""

    response = models.ForeignKey(
        CannedResponse,
        verbose_name=_("canned response"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=canned_file_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("canned response file")
        verbose_name_plural = _("canned response files")

    def __str__(self) -> str:
        return self.filename
