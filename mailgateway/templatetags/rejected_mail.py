"""`{% rejected_mail_link %}`: the staff navigation's link to rejected mail, with a counter."""

from __future__ import annotations

from django import template

from mailgateway import selectors

register = template.Library()


@register.inclusion_tag("staff/_rejected_mail_link.html", takes_context=True)
def rejected_mail_link(context: template.Context) -> dict:
    """Rejected mail of the agent's departments in the last days, counted up to a cap."""
    count = selectors.rejected_mail_recent_count(context["user"])
    cap = selectors.REJECTED_COUNT_CAP
    return {
        "current": context.get("nav") == "rejected",
        "count": f"{cap - 1}+" if count >= cap else str(count) if count else "",
        "days": selectors.REJECTED_RECENT_DAYS,
    }
