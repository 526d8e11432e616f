"""The delivery of the mail that carried each message, shown beside it to agents (issue 6).

The ticket page's selector (tickets.selectors.ticket_messages) applies what other apps
registered with it; the mail gateway registers this from its AppConfig.ready(), so the
arrow runs from outbound mail to tickets and never back (issue 16, docs/architecture.md).
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from mailgateway.outbound.models import OutboundMail
from tickets.mail import CUSTOMER_KINDS
from tickets.models import Message

DELIVERY_FIELDS = (
    "ticket_message_id",
    "kind",
    "recipients",
    "status",
    "last_error",
    "sent_at",
    "next_attempt_at",
    "created_at",
    "recipient_states",
)


def with_deliveries(user: User, messages: QuerySet[Message]) -> QuerySet[Message]:
    """For agents, each message's `deliveries`: the mail to customers that carried it
    (queued, sent, deferred, failed...), oldest first."""
    if not user.is_agent:
        return messages
    deliveries = (
        OutboundMail.objects.filter(kind__in=CUSTOMER_KINDS)
        .only(*DELIVERY_FIELDS)
        .order_by("created_at", "id")
    )
    return messages.prefetch_related(
        Prefetch("outbound_mails", queryset=deliveries, to_attr="deliveries")
    )
