"""Bulk actions of the staff queue: the per-ticket services, one ticket at a time.

Each ticket changes in its own transaction and writes its own audit event, exactly as
if the agent had changed it on its page; one refusal does not undo the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from accounts.models import User
from helpdesk.errors import ServiceError
from tickets.models import Ticket
from tickets.services.tickets import (
    ticket_assign,
    ticket_move,
    ticket_set_priority,
    ticket_set_status,
)

BULK_ACTIONS: dict[str, Callable[[User, Ticket, Any], Ticket]] = {
    "assign": lambda actor, ticket, value: ticket_assign(
        actor=actor, ticket=ticket, assignee=value
    ),
    "status": lambda actor, ticket, value: ticket_set_status(
        actor=actor, ticket=ticket, status=value
    ),
    "priority": lambda actor, ticket, value: ticket_set_priority(
        actor=actor, ticket=ticket, priority=value
    ),
    "move": lambda actor, ticket, value: ticket_move(actor=actor, ticket=ticket, department=value),
}


@dataclass(frozen=True)
class BulkOutcome:
    ticket: Ticket
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def tickets_bulk_apply(
    *, actor: User, tickets: Iterable[Ticket], action: str, value: Any
) -> list[BulkOutcome]:
    """Applies one change (assign, status, priority, move) to each ticket in turn.

    Returns what happened to each: refusals carry the service's translated message.
    """
    change = BULK_ACTIONS[action]
    outcomes = []
    for ticket in tickets:
        try:
            change(actor, ticket, value)
        except ServiceError as error:
            outcomes.append(BulkOutcome(ticket=ticket, error=str(error)))
        else:
            outcomes.append(BulkOutcome(ticket=ticket))
    return outcomes
