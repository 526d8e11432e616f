"""Every change of a ticket's state goes through these functions (STYLE.md, services)."""

from helpdesk.errors import ActionNotAllowed, NotPermitted, ServiceError
from tickets.services.messages import message_add, note_add, participants_add, reply_add
from tickets.services.ratings import rating_open, rating_set, ticket_rating
from tickets.services.tickets import (
    ticket_assign,
    ticket_close,
    ticket_move,
    ticket_open,
    ticket_reopen,
    ticket_set_priority,
    ticket_set_status,
    tickets_close_solved,
)

__all__ = [
    "ActionNotAllowed",
    "NotPermitted",
    "ServiceError",
    "message_add",
    "note_add",
    "participants_add",
    "rating_open",
    "rating_set",
    "reply_add",
    "ticket_assign",
    "ticket_close",
    "ticket_move",
    "ticket_open",
    "ticket_rating",
    "ticket_reopen",
    "ticket_set_priority",
    "ticket_set_status",
    "tickets_close_solved",
]
