"""The agent's changes of one ticket by name, and the queue's bulk actions over them.

`TICKET_ACTIONS` maps each name to its service; the ticket page's controls
(tickets/views/staff/controls.py) and the queue's bulk actions both look changes up there.
In bulk, each ticket changes in its own transaction and writes its own audit event,
exactly as if the agent had changed it on its page; one refusal does not undo the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from accounts.models import User
from helpdesk.errors import ServiceError
from tickets.fields.services import (
    ticket_fields_set,
    ticket_tags_add,
    ticket_tags_remove,
    ticket_tags_set,
)
from tickets.models import Ticket
from tickets.services.links import ticket_merge
from tickets.services.tickets import (
    ticket_assign,
    ticket_move,
    ticket_reopen,
    ticket_set_priority,
    ticket_set_status,
)


@dataclass(frozen=True)
class MergeInto:
    """The value of the merge action (issue 11): the target, and whether the agent
    confirmed merging across requesters of different organizations."""

    target: Ticket
    confirm_organizations: bool = False


# (actor, ticket, value) -> the ticket changed; the value is the action's form field.
TICKET_ACTIONS: dict[str, Callable[[User, Ticket, Any], Ticket]] = {
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
    "reopen": lambda actor, ticket, value: ticket_reopen(actor=actor, ticket=ticket),
    "merge": lambda actor, ticket, value: ticket_merge(
        actor=actor,
        source=ticket,
        target=value.target,
        confirm_organizations=value.confirm_organizations,
    ),
    # Tags and custom fields (issue 11): the page sets them all, bulk one at a time.
    "tags": lambda actor, ticket, value: ticket_tags_set(actor=actor, ticket=ticket, names=value),
    "tag_add": lambda actor, ticket, value: ticket_tags_add(
        actor=actor, ticket=ticket, names=value
    ),
    "tag_remove": lambda actor, ticket, value: ticket_tags_remove(
        actor=actor, ticket=ticket, names=value
    ),
    "fields": lambda actor, ticket, value: ticket_fields_set(
        actor=actor, ticket=ticket, values=value
    ),
    # value: (field definition, what was typed)
    "field": lambda actor, ticket, value: ticket_fields_set(
        actor=actor, ticket=ticket, values={value[0]: value[1]}
    ),
}


# The order the workspace's one form applies its changes in: the move last, since it may
# take the ticket out of the agent's departments (and its assignee off it).
WORKSPACE_ORDER = ("priority", "status", "assign", "move")


@transaction.atomic
def ticket_update(*, actor: User, ticket: Ticket, changes: dict[str, Any]) -> list[str]:
    """The workspace's one form (issue 11): assignee, status, priority and department at
    once, each through its own service (and its own audit event), all or nothing.

    `changes` maps action names of TICKET_ACTIONS to values; returns the actions applied.
    """
    unknown = set(changes) - set(WORKSPACE_ORDER)
    if unknown:
        raise ValueError(f"unknown actions {sorted(unknown)}")
    applied = []
    for action in WORKSPACE_ORDER:
        if action in changes:
            TICKET_ACTIONS[action](actor, ticket, changes[action])
            applied.append(action)
    return applied


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
    """Applies one change (assign, status, priority, move, merge, tags, a field) to each
    ticket in turn.

    Returns what happened to each: refusals carry the service's translated message.
    """
    change = TICKET_ACTIONS[action]
    outcomes = []
    for ticket in tickets:
        try:
            change(actor, ticket, value)
        except ServiceError as error:
            outcomes.append(BulkOutcome(ticket=ticket, error=str(error)))
        else:
            outcomes.append(BulkOutcome(ticket=ticket))
    return outcomes
