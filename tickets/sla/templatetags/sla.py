"""How the SLA state of a ticket reads where agents work (issue 10): time left or overdue,
coloured: due soon, overdue."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _

from tickets import access
from tickets.models import Ticket
from tickets.sla import reports, selectors
from tickets.sla.clock import TARGETS, due_field
from tickets.sla.models import Target
from tickets.sla.scope import is_manager

register = template.Library()

# Shown as "due soon" within this time (the escalation warning has its own, per policy).
DUE_SOON = timedelta(hours=1)
MY_FIGURES_DAYS = 30


def _state(due: datetime, now: datetime) -> tuple[str, str]:
    if due <= now:
        return "overdue", _("overdue by %(time)s") % {"time": timeuntil(now, due, depth=1)}
    state = "soon" if due - now <= DUE_SOON else "ok"
    return state, _("%(time)s left") % {"time": timeuntil(due, now, depth=1)}


@register.simple_tag
def sla_badge(due: datetime | None, label: str = "") -> str:
    """One due time as a coloured badge with its exact time in the title."""
    if due is None:
        return ""
    state, text = _state(due, timezone.now())
    title = timezone.localtime(due).strftime("%Y-%m-%d %H:%M")
    if label:
        text = f"{label}: {text}"
    return format_html(
        '<span class="badge sla sla-{}"><time datetime="{}" title="{}">{}</time></span>',
        state,
        due.isoformat(),
        title,
        text,
    )


@register.inclusion_tag("sla/_ticket_sla.html")
def ticket_sla(ticket: Ticket) -> dict:
    """Every running target of the ticket, for its page."""
    targets = [
        (Target(target).label, getattr(ticket, due_field(target)))
        for target in TARGETS
        if getattr(ticket, due_field(target)) is not None
    ]
    return {"targets": targets, "ticket": ticket}


@register.inclusion_tag("sla/_manager_links.html", takes_context=True)
def manager_links(context: template.Context) -> dict:
    """The navigation's links to the manager's desk, with open breaches counted (capped)."""
    user = context["user"]
    manager = is_manager(user)
    count = selectors.escalations_open_count(user) if manager else 0
    cap = selectors.COUNT_CAP
    return {
        "manager": manager,
        "nav": context.get("nav"),
        "count": f"{cap - 1}+" if count >= cap else str(count) if count else "",
    }


@register.filter
def duration(seconds: float | None) -> str:
    """Working time as "2 h 05 min" (or "45 min")."""
    if seconds is None:
        return "—"
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    return _("%(hours)d h %(minutes)02d min") % {"hours": minutes // 60, "minutes": minutes % 60}


@register.inclusion_tag("sla/_my_figures.html", takes_context=True)
def my_figures(context: template.Context) -> dict:
    """The agent's own figures of the last 30 days on his dashboard (W3, W4): only his."""
    user = context["user"]
    today = timezone.localdate()
    scope = reports.Scope(
        start=today - timedelta(days=MY_FIGURES_DAYS - 1),
        end=today,
        departments=access.departments_for(user),
        agent=user,
    )
    rows = reports.agent_rows(scope, [user])
    return {"row": rows[0] if rows else None, "days": MY_FIGURES_DAYS}
