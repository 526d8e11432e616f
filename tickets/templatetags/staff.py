"""Presentation helpers of the staff portal: capped counters and waiting times."""

from datetime import datetime

from django import template
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def capped(count: int | None, cap: int) -> str:
    """A counter that stopped counting at `cap` reads "99+"."""
    if count is None:
        return ""
    return f"{cap - 1}+" if count >= cap else str(count)


@register.filter
def waited(since: datetime | None) -> str:
    """How long someone has been waiting, in its largest unit: "3 hours", "2 days"."""
    return timesince(since, depth=1) if since else ""
