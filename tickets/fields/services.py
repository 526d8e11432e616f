"""Changing a ticket's tags and custom fields (issue 11).

Like every service (tickets/services/), each function checks the agent's access, locks the
ticket, refuses a closed one, validates everything before it writes anything, and records
one audit event (`tags_changed`, `fields_changed`) that it publishes on the event stream;
the search index picks the change up in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from helpdesk.errors import ActionNotAllowed
from tickets.fields.models import FieldDefinition, FieldKind, FieldValue, Tag, TicketTag
from tickets.fields.values import (
    Typed,
    tag_key,
    tag_name_clean,
    value_column,
    value_json,
    value_parse,
    value_read,
)
from tickets.models import EventVerb, Ticket
from tickets.services.common import require_agent_access, require_not_closed, ticket_lock
from tickets.services.events import event_record

TAGS_PER_TICKET_MAX = 20


def tag_names_clean(names: Iterable[str]) -> list[str]:
    """Cleaned names, each once (case-insensitively); every bad one reported at once."""
    cleaned: dict[str, str] = {}
    errors: list[str] = []
    for raw in names:
        try:
            name = tag_name_clean(raw)
        except ValidationError as error:
            errors.extend(error.messages)
        else:
            cleaned.setdefault(tag_key(name), name)
    if errors:
        raise ActionNotAllowed(" ".join(errors))
    return list(cleaned.values())


def _tags_of(ticket: Ticket) -> list[Tag]:
    return [link.tag for link in ticket.tag_links.select_related("tag").order_by("tag__key")]


def _tags_change(
    *, actor: User, ticket: Ticket, add: Iterable[str] = (), remove: Iterable[str] = ()
) -> Ticket:
    ticket_lock(ticket)
    require_agent_access(actor, ticket)
    require_not_closed(ticket)
    adding = tag_names_clean(add)
    removing = {tag_key(name) for name in tag_names_clean(remove)}
    current = _tags_of(ticket)
    present = {tag.key for tag in current}
    new_names = [name for name in adding if tag_key(name) not in present]
    gone = [tag for tag in current if tag.key in removing]
    if len(present) - len(gone) + len(new_names) > TAGS_PER_TICKET_MAX:
        raise ActionNotAllowed(
            _("A ticket has at most %(count)d tags.") % {"count": TAGS_PER_TICKET_MAX}
        )
    if not new_names and not gone:
        return ticket
    now = timezone.now()
    TicketTag.objects.filter(ticket=ticket, tag__in=gone).delete()
    added = []
    for name in new_names:
        tag, _created = Tag.objects.get_or_create(key=tag_key(name), defaults={"name": name})
        TicketTag.objects.create(ticket=ticket, tag=tag, created_at=now)
        added.append(tag)
    ticket.updated_at = now
    ticket.save(update_fields=["updated_at"])
    event_record(
        ticket=ticket,
        actor=actor,
        verb=EventVerb.TAGS_CHANGED,
        before={"tags": [tag.name for tag in current]},
        after={
            "tags": [tag.name for tag in _tags_of(ticket)],
            "added": [tag.name for tag in added],
            "removed": [tag.name for tag in gone],
        },
        at=now,
    )
    return ticket


@transaction.atomic
def ticket_tags_set(*, actor: User, ticket: Ticket, names: Iterable[str]) -> Ticket:
    """The ticket's tags become exactly these (the workspace's tag box)."""
    wanted = tag_names_clean(names)
    keys = {tag_key(name) for name in wanted}
    ticket_lock(ticket)
    current = [tag.name for tag in _tags_of(ticket)]
    return _tags_change(
        actor=actor,
        ticket=ticket,
        add=wanted,
        remove=[name for name in current if tag_key(name) not in keys],
    )


@transaction.atomic
def ticket_tags_add(*, actor: User, ticket: Ticket, names: Iterable[str]) -> Ticket:
    """Adds tags, keeping the others (bulk actions)."""
    return _tags_change(actor=actor, ticket=ticket, add=names)


@transaction.atomic
def ticket_tags_remove(*, actor: User, ticket: Ticket, names: Iterable[str]) -> Ticket:
    """Removes these tags where the ticket has them (bulk actions)."""
    return _tags_change(actor=actor, ticket=ticket, remove=names)


def _field_check(ticket: Ticket, field: FieldDefinition, raw: Any) -> Typed:
    if field.department_id != ticket.department_id or not field.is_active:
        raise ValidationError(
            _("The field %(field)s does not belong to the department %(department)s.")
            % {"field": field.name, "department": ticket.department.name}
        )
    value = value_parse(field, raw)
    if value is None and field.required and field.kind != FieldKind.CHECKBOX:
        raise ValidationError(_("%(field)s is required.") % {"field": field.name})
    return value


@transaction.atomic
def ticket_fields_set(
    *, actor: User, ticket: Ticket, values: Mapping[FieldDefinition, Any]
) -> Ticket:
    """Sets custom field values of the ticket; None or "" clears a field.

    Each value is parsed by its field's kind (a number, a date, one of the choices...);
    one wrong value refuses the whole change, with every reason, and nothing is written.
    """
    ticket_lock(ticket)
    require_agent_access(actor, ticket)
    require_not_closed(ticket)
    typed: dict[FieldDefinition, Typed] = {}
    errors: list[str] = []
    for field, raw in values.items():
        try:
            typed[field] = _field_check(ticket, field, raw)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ActionNotAllowed(" ".join(errors))
    rows = {
        row.field_id: row
        for row in FieldValue.objects.select_for_update()
        .filter(ticket=ticket, field__in=list(typed))
        .select_related("field")
    }
    now = timezone.now()
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for field, value in typed.items():
        row = rows.get(field.pk)
        old = value_read(row) if row is not None else None
        if old == value:
            continue
        before[field.key] = {"name": field.name, "value": value_json(old)}
        after[field.key] = {"name": field.name, "value": value_json(value)}
        if value is None:
            if row is not None:
                row.delete()
            continue
        row = row or FieldValue(ticket=ticket, field=field)
        row.text, row.number, row.date, row.flag = "", None, None, None
        setattr(row, value_column(field), value)
        row.updated_at = now
        row.save()
    if not after:
        return ticket
    ticket.updated_at = now
    ticket.save(update_fields=["updated_at"])
    event_record(
        ticket=ticket,
        actor=actor,
        verb=EventVerb.FIELDS_CHANGED,
        before={"fields": before},
        after={"fields": after},
        at=now,
    )
    return ticket
