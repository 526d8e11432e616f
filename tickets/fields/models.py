"""Tags and custom fields of tickets (issue 11).

Tags are free words agents put on tickets: one `Tag` row per name, compared without regard
to case (`key` is the casefolded name). Custom fields are defined by administrators per
department (`FieldDefinition`); a ticket's value of one field is one `FieldValue` row whose
typed column matches the field's kind, so numbers compare as numbers and dates as dates.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Department, Ticket

TAG_MAX_LENGTH = 50


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=TAG_MAX_LENGTH)
    # The casefolded name: "VIP" and "vip" are one tag.
    key = models.CharField(_("key"), max_length=TAG_MAX_LENGTH * 3, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["key"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class TicketTag(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="tag_links")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="ticket_links")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tag__key"]
        verbose_name = _("ticket tag")
        verbose_name_plural = _("ticket tags")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "tag"], name="ticket_tag_unique"),
        ]
        # The queue's tag filter goes from the tag to its tickets.
        indexes = [models.Index(fields=["tag", "ticket"], name="ticket_tag_by_tag")]

    def __str__(self) -> str:
        return f"{self.tag} on {self.ticket_id}"


class FieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    CHOICE = "choice", _("Choice")
    DATE = "date", _("Date")
    CHECKBOX = "checkbox", _("Checkbox")


class FieldDefinition(models.Model):
    """A custom field of the tickets of one department, defined by an administrator."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="ticket_fields",
    )
    name = models.CharField(_("name"), max_length=100)
    key = models.SlugField(
        _("key"),
        max_length=50,
        help_text=_("Used in searches: field:key=value. Letters, digits, hyphens."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=FieldKind.choices)
    choices = models.TextField(
        _("choices"), blank=True, help_text=_("For a choice field: one choice per line.")
    )
    required = models.BooleanField(
        _("required"),
        default=False,
        help_text=_("Agents cannot clear it once set, nor save the fields without it."),
    )
    visible_to_customer = models.BooleanField(
        _("shown to the customer"),
        default=False,
        help_text=_("The customer sees the value, read-only, on his ticket."),
    )
    in_queue = models.BooleanField(
        _("queue column"), default=False, help_text=_("Shown as a column of queues and search.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["department__name", "position", "name"]
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        constraints = [
            models.UniqueConstraint(fields=["department", "key"], name="field_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.department})"

    def clean(self) -> None:
        self.key = (self.key or "").lower()
        if self.kind == FieldKind.CHOICE and not self.choice_list:
            raise ValidationError({"choices": _("A choice field needs at least one choice.")})
        if self.kind != FieldKind.CHOICE and self.choice_list:
            raise ValidationError({"choices": _("Only a choice field has choices.")})
        if any(len(choice) > 500 for choice in self.choice_list):
            raise ValidationError({"choices": _("A choice has at most 500 characters.")})

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class FieldValue(models.Model):
    """A ticket's value of one custom field, in the column of the field's kind."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="field_values")
    field = models.ForeignKey(FieldDefinition, on_delete=models.CASCADE, related_name="values")
    text = models.CharField(max_length=500, blank=True)  # text and choice
    number = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    flag = models.BooleanField(null=True, blank=True)  # checkbox
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("custom field value")
        verbose_name_plural = _("custom field values")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "field"], name="field_value_unique"),
        ]
        indexes = [
            models.Index(fields=["field", "text"], name="field_value_text"),
            models.Index(fields=["field", "number"], name="field_value_number"),
            models.Index(fields=["field", "date"], name="field_value_date"),
        ]

    def __str__(self) -> str:
        return f"{self.field.key} of {self.ticket_id}"
