"""Managers hear of escalations and of bad ratings (issue 10, R17, W4): after-commit
subscribers of the event stream that put one mail per manager in the outbox."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import override

from accounts.models import User
from mailgateway.outbound import compose, mailer
from tickets import events
from tickets.models import EventVerb, RatingScore, TicketEvent
from tickets.sla.models import Target
from tickets.sla.scope import department_managers


def _local_text(value, user: User) -> str:
    try:
        zone = ZoneInfo(user.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return formats.date_format(timezone.localtime(value, zone), "SHORT_DATETIME_FORMAT")


@events.subscribe(EventVerb.ESCALATED, phase=events.AFTER_COMMIT, name="sla.escalation_mail")
def escalation_mail(event: TicketEvent) -> None:
    """Every manager of the ticket's department, at once (R17)."""
    ticket = event.ticket
    due = parse_datetime(event.after.get("due_at") or "")
    target = event.after.get("target", "")
    for manager in department_managers(ticket.department):
        with override(manager.language):
            extra = {
                "level": event.after.get("level"),
                "target_label": str(Target(target).label) if target in Target.values else target,
                "due_text": _local_text(due, manager) if due else "",
            }
        mailer.post(
            compose.agent_notification(
                compose.Kind.MANAGER_ESCALATION, ticket, manager, extra=extra
            )
        )


@events.subscribe(EventVerb.RATED, phase=events.AFTER_COMMIT, name="sla.bad_rating_mail")
def bad_rating_mail(event: TicketEvent) -> None:
    """A bad rating (new, or changed to bad) reaches the department's managers (W4)."""
    if event.after.get("score") != RatingScore.BAD or event.before.get("score") == RatingScore.BAD:
        return
    ticket = event.ticket
    rating = getattr(ticket, "rating", None)
    agent_name = rating.agent.display_name if rating and rating.agent else ""
    extra = {"agent_name": agent_name, "comment": event.after.get("comment", "")}
    for manager in department_managers(ticket.department):
        mailer.post(
            compose.agent_notification(
                compose.Kind.MANAGER_BAD_RATING, ticket, manager, extra=extra
            )
        )
