from datetime import datetime
from typing import Any

from django.utils import timezone

from accounts.models import User
from tickets import events
from tickets.models import EventVerb, Message, Ticket, TicketEvent


def person_ref(user: User | None) -> dict[str, Any]:
    """How the audit trail names a person: the id, and the name as it was then."""
    return {"id": user.pk, "name": user.display_name} if user else {"id": None, "name": ""}


def event_record(
    *,
    ticket: Ticket,
    actor: User | None,
    verb: EventVerb,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    message: Message | None = None,
    at: datetime | None = None,
) -> TicketEvent:
    """Writes one line of the audit trail and publishes it on the event stream
    (tickets/events.py). Called by the services, inside their transaction."""
    event = TicketEvent.objects.create(
        ticket=ticket,
        actor=actor,
        verb=verb,
        before=before or {},
        after=after or {},
        message=message,
        created_at=at or timezone.now(),
    )
    events.publish(event)
    return event
