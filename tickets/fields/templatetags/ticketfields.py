from django import template

from tickets.fields.models import FieldDefinition
from tickets.fields.selectors import row_field
from tickets.models import Ticket

register = template.Library()


@register.simple_tag
def field_cell(ticket: Ticket, field: FieldDefinition) -> str:
    """A custom field's value in a queue row (prefetched with the page)."""
    return row_field(ticket, field)
