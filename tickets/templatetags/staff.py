"""Presentation helpers of the staff portal: capped counters and waiting times."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def capped(count: int | None, cap: int) -> str:
    """A counter that stopped counting at `cap` reads "99+"."""
    if count is None:
        return ""
    return f"{cap - 1}+" if count >= cap else str(count)


@register.filter
def waited(since: datetime | None) -> str:
    """How long ago, in its largest unit: "3 hours", "2 days", "less than a minute"."""
    if since is None:
        return ""
    if timezone.now() - since < timedelta(minutes=1):
        return _("less than a minute")
    return timesince(since, depth=1)
