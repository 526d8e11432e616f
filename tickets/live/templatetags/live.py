"""The bell of the staff header and the settings the live script reads (issue 11, W2)."""

from __future__ import annotations

from django import template
from django.conf import settings

from tickets.live import selectors

register = template.Library()


@register.inclusion_tag("live/_bell.html", takes_context=True)
def live_bell(context: template.Context) -> dict:
    """The bell with the unread count; its data attributes drive static/js/live.js."""
    user = context["user"]
    unread = selectors.unread_count(user)
    cap = selectors.UNREAD_CAP
    return {
        "user": user,
        "unread": unread,
        "unread_label": f"{cap - 1}+" if unread >= cap else str(unread),
        "after": selectors.live_latest_event_id(),
        "poll_seconds": settings.LIVE_POLL_SECONDS,
        "current": context.get("nav") == "notifications",
        "volume": min(user.sound_volume, 100) / 100,
    }
