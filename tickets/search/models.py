"""The search index of each ticket and the saved views (R18).

`SearchDocument` holds what the database searches besides the full-text terms: the folded
names, addresses, organization, services and file names (`meta`, substring search with
pg_trgm on PostgreSQL) and the requester (`from:`). The full-text terms live where each
database searches them best, added by the migration: three `tsvector` columns with GIN
indexes on PostgreSQL, an FTS5 table (`search_fts`, rowid = ticket id) on SQLite.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Department, Ticket


class SearchDocument(models.Model):
    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    meta = models.TextField(blank=True)
    requester = models.TextField(blank=True)
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "search_document"
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return f"#{self.ticket_id}"


class SavedView(models.Model):
    """A search with its filters under a name: an agent's own, a department's, or everyone's
    (the default views, neither owner nor department)."""

    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("search and filters"), max_length=2000, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="saved_views",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("shared with department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="saved_views",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=True) | Q(department__isnull=True),
                name="saved_view_personal_or_shared",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_default(self) -> bool:
        return self.owner_id is None and self.department_id is None
