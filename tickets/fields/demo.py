"""Demo tags and custom fields for `seed_demo` (issue 11), written through the services."""

from __future__ import annotations

from accounts.models import User
from tickets.fields.models import FieldDefinition, FieldKind
from tickets.fields.services import ticket_fields_set, ticket_tags_add
from tickets.models import OPEN_STATUSES, Department, Ticket

# department slug -> (key, name, kind, choices, shown to customers, queue column)
DEMO_FIELDS = {
    "technical-support": [
        ("os", "Operating system", FieldKind.CHOICE, "Linux\nWindows\nFreeBSD", True, True),
        ("server", "Server", FieldKind.TEXT, "", True, False),
        ("cores", "CPU cores", FieldKind.NUMBER, "", False, False),
        ("backup", "Backup checked", FieldKind.CHECKBOX, "", False, False),
    ],
    "billing": [
        ("invoice", "Invoice", FieldKind.TEXT, "", True, True),
        ("due", "Payment due", FieldKind.DATE, "", True, False),
    ],
    "sales": [("budget", "Budget (EUR)", FieldKind.NUMBER, "", False, True)],
}
# words of a subject -> tags of its ticket
DEMO_TAGS = {
    "502": ["web", "outage"],
    "500": ["web", "outage"],
    "ssh": ["ssh"],
    "disk": ["disk", "monitoring"],
    "ssl": ["ssl", "mail"],
    "почта": ["mail"],
    "dns": ["dns"],
    "invoice": ["invoice"],
    "счёту": ["invoice", "платёж"],
    "offer": ["vip", "offer"],
    "тормозит": ["performance", "vip"],
}


def seed_tags_and_fields(agents: dict[str, list[User]]) -> None:
    """Fields for three departments, tags on the tickets still open, a few field values."""
    for slug, specs in DEMO_FIELDS.items():
        department = Department.objects.get(slug=slug)
        for position, (key, name, kind, choices, visible, in_queue) in enumerate(specs):
            FieldDefinition.objects.create(
                department=department,
                key=key,
                name=name,
                kind=kind,
                choices=choices,
                visible_to_customer=visible,
                in_queue=in_queue,
                position=position,
            )
    tickets = Ticket.objects.filter(status__in=OPEN_STATUSES).select_related("department")
    for index, ticket in enumerate(tickets.order_by("number")):
        staff = agents.get(ticket.department.slug) or []
        if not staff:
            continue
        agent = staff[index % len(staff)]
        subject = ticket.subject.casefold()
        tags = [tag for word, found in DEMO_TAGS.items() if word in subject for tag in found]
        if tags:
            ticket_tags_add(actor=agent, ticket=ticket, names=tags)
        fields = {
            field.key: field
            for field in FieldDefinition.objects.filter(department=ticket.department_id)
        }
        values = {
            "os": ["Linux", "Windows", "FreeBSD"][index % 3],
            "server": f"VPS cs{1200 + index}",
            "invoice": f"INV-{2026}-{1000 + index}",
            "budget": str(500 * (index % 7 + 1)),
        }
        chosen = {fields[key]: value for key, value in values.items() if key in fields}
        if chosen and index % 2 == 0:
            ticket_fields_set(actor=agent, ticket=ticket, values=chosen)
