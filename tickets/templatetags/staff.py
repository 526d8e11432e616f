"""Presentation helpers of the staff portal: capped counters and waiting times."""

from datetime import datetime, timedelta

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
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


@register.simple_tag
def ago(at: datetime) -> SafeString:
    """staff/_ago.html written in Python: a list of fifty rows renders it fifty times, and
    a template include per row costs more than the row's own cells (issue 17)."""
    local = timezone.localtime(at) if timezone.is_aware(at) else at
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        date_filter(local, "c"),
        date_filter(local, "SHORT_DATETIME_FORMAT"),
        _("%(time)s ago") % {"time": waited(at)},
    )
