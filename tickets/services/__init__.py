"""Every change of a ticket's state goes through these functions (STYLE.md, services).

A ticket is opened by the entry point of its channel (`ticket_open_web`,
`ticket_open_phone`, `ticket_open_mail`; `ticket_open_follow_up` past the reopen window),
a customer writes with `message_add_web` or `message_add_mail`: each pair shares one
private core. Mail brings its threading headers and trust as a `MailThreading`.
"""

from helpdesk.errors import ActionNotAllowed, NotPermitted, ServiceError
from tickets.services.common import MailThreading
from tickets.services.links import ticket_merge, ticket_split
from tickets.services.messages import (
    message_add_api,
    message_add_mail,
    message_add_web,
    note_add,
    participants_add,
    reply_add,
)
from tickets.services.opening import (
    ticket_open_api,
    ticket_open_follow_up,
    ticket_open_mail,
    ticket_open_phone,
    ticket_open_web,
)
from tickets.services.ratings import rating_open, rating_set, ticket_rating
from tickets.services.tickets import (
    requester_language_set,
    ticket_assign,
    ticket_close,
    ticket_move,
    ticket_reopen,
    ticket_set_priority,
    ticket_set_status,
    tickets_close_solved,
)

__all__ = [
    "ActionNotAllowed",
    "MailThreading",
    "NotPermitted",
    "ServiceError",
    "message_add_api",
    "message_add_mail",
    "message_add_web",
    "note_add",
    "participants_add",
    "rating_open",
    "rating_set",
    "reply_add",
    "requester_language_set",
    "ticket_assign",
    "ticket_close",
    "ticket_merge",
    "ticket_move",
    "ticket_open_api",
    "ticket_open_follow_up",
    "ticket_open_mail",
    "ticket_open_phone",
    "ticket_open_web",
    "ticket_rating",
    "ticket_reopen",
    "ticket_set_priority",
    "ticket_set_status",
    "ticket_split",
    "tickets_close_solved",
]
