"""Reads of tags and custom fields: what a ticket carries, suggestions, queue columns."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet, Sum

from accounts.models import User
from tickets import access
from tickets.fields.models import FieldDefinition, FieldValue, Tag, TicketTag
from tickets.fields.values import Typed, value_display, value_json, value_read
from tickets.models import Department, Ticket

TAG_SUGGESTIONS = 200


def ticket_tags(ticket: Ticket) -> list[Tag]:
    return [link.tag for link in ticket.tag_links.select_related("tag").order_by("tag__key")]


def tag_suggestions(user: User, limit: int = TAG_SUGGESTIONS) -> list[str]:
    """Tags already used in the user's departments, the most used first."""
    links = TicketTag.objects.filter(ticket__department__in=access.departments_for(user))
    return list(
        Tag.objects.filter(ticket_links__in=links)
        .annotate(uses=Count("ticket_links"))
        .order_by("-uses", "key")
        .values_list("name", flat=True)[:limit]
    )


def department_fields(department: Department | int) -> QuerySet[FieldDefinition]:
    """The active custom fields of a department, in their order."""
    return FieldDefinition.objects.filter(department=department, is_active=True).order_by(
        "position", "name"
    )


def user_fields(user: User) -> QuerySet[FieldDefinition]:
    """The active custom fields of the user's departments (bulk actions)."""
    return (
        FieldDefinition.objects.filter(department__in=access.departments_for(user), is_active=True)
        .select_related("department")
        .order_by("department__name", "position", "name")
    )


@dataclass(frozen=True)
class FieldShown:
    field: FieldDefinition
    value: Typed

    @property
    def display(self) -> str:
        return value_display(self.value)

    @property
    def input(self) -> str:
        """The value as a form input holds it (dates as ISO, numbers without exponent)."""
        value = value_json(self.value)
        return "" if value is None or isinstance(value, bool) else str(value)


def ticket_fields(ticket: Ticket, *, for_customer: bool = False) -> list[FieldShown]:
    """The ticket's department's fields with the ticket's values (None: not set).

    For a customer, only the fields shown to customers that have a value (one query).
    """
    if for_customer:
        rows = (
            FieldValue.objects.filter(
                ticket=ticket,
                field__department=ticket.department_id,
                field__is_active=True,
                field__visible_to_customer=True,
            )
            .select_related("field")
            .order_by("field__position", "field__name")
        )
        shown = [FieldShown(row.field, value_read(row)) for row in rows]
        return [entry for entry in shown if entry.value is not None]
    fields = list(department_fields(ticket.department_id))
    values = {
        row.field_id: value_read(row)
        for row in FieldValue.objects.filter(ticket=ticket, field__in=fields).select_related(
            "field"
        )
    }
    return [FieldShown(field, values.get(field.pk)) for field in fields]


def ticket_time_spent(ticket: Ticket) -> int:
    """Minutes the agents said they spent on the ticket's replies and notes."""
    return ticket.messages.aggregate(total=Sum("time_spent"))["total"] or 0


def queue_columns(user: User) -> list[FieldDefinition]:
    """The custom fields shown as columns of the user's queues and searches."""
    return list(user_fields(user).filter(in_queue=True))


def with_tags_and_fields(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Prefetches the tags and field values a list row shows (two queries per page)."""
    return tickets.prefetch_related(
        Prefetch("tag_links", queryset=TicketTag.objects.select_related("tag")),
        Prefetch("field_values", queryset=FieldValue.objects.select_related("field")),
    )


def row_field(ticket: Ticket, field: FieldDefinition) -> str:
    """The value a queue column shows for one ticket (prefetched by with_tags_and_fields)."""
    for row in ticket.field_values.all():
        if row.field_id == field.pk:
            return value_display(value_read(row))
    return ""
