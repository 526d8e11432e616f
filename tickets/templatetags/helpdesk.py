"""Presentation helpers for ticket pages: badges and the wording of audit events."""

from django import template
from django.conf import settings
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tickets.models import EventVerb, Priority, RatingScore, Status, TicketEvent

register = template.Library()


@register.simple_tag
def status_badge(status: str) -> str:
    label = Status(status).label if status in Status.values else status
    return format_html('<span class="badge status-{}">{}</span>', status, label)


@register.simple_tag
def priority_label(priority: int) -> str:
    label = Priority(priority).label if priority in Priority.values else priority
    return format_html('<span class="priority-{}">{}</span>', priority, label)


def _status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


def _priority_label(value: int | None) -> str:
    return str(Priority(value).label) if value in Priority.values else str(value)


def _rating_text(after: dict) -> str:
    """The customer's verdict and his comment, for staff (W4)."""
    score = after.get("score", "")
    label = RatingScore(score).label if score in RatingScore.values else score
    comment = after.get("comment") or ""
    if comment:
        return _("rated the answer: %(score)s, “%(comment)s”") % {
            "score": label,
            "comment": comment,
        }
    return _("rated the answer: %(score)s") % {"score": label}


def _escalation_text(after: dict) -> str:
    """Which due time came close or passed (issue 10, R17)."""
    targets = {
        "first_response": _("first response"),
        "next_response": _("next response"),
        "resolution": _("resolution"),
    }
    raw = str(after.get("target", ""))
    target = targets.get(raw, raw)
    due = parse_datetime(after.get("due_at") or "")
    when = formats.date_format(timezone.localtime(due), "SHORT_DATETIME_FORMAT") if due else ""
    if after.get("level") == "warning":
        return _("escalated: %(target)s due soon, at %(due)s") % {"target": target, "due": when}
    return _("escalated: %(target)s overdue, was due at %(due)s") % {"target": target, "due": when}


def _link_text(verb: str, after: dict) -> str:
    """Split and merge (issue 11): which ticket the event links to."""
    number = after.get("ticket", "")
    if verb == EventVerb.SPLIT:
        return _("split a message into the new ticket #%(number)s") % {"number": number}
    if verb == EventVerb.MERGED:
        return _("merged this ticket into #%(number)s") % {"number": number}
    count = int(after.get("messages") or 0)
    return ngettext(
        "merged #%(number)s into this ticket (%(count)d message)",
        "merged #%(number)s into this ticket (%(count)d messages)",
        count,
    ) % {"number": number, "count": count}


def _tags_text(after: dict) -> str:
    parts = []
    if after.get("added"):
        parts.append(_("added the tags %(tags)s") % {"tags": ", ".join(after["added"])})
    if after.get("removed"):
        parts.append(_("removed the tags %(tags)s") % {"tags": ", ".join(after["removed"])})
    return "; ".join(parts) or str(EventVerb.TAGS_CHANGED.label)


def _field_value_text(value: object) -> str:
    if value is None or value == "":
        return _("empty")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _fields_text(before: dict, after: dict) -> str:
    old, new = before.get("fields") or {}, after.get("fields") or {}
    parts = [
        _("%(field)s %(before)s → %(after)s")
        % {
            "field": change.get("name", key),
            "before": _field_value_text((old.get(key) or {}).get("value")),
            "after": _field_value_text(change.get("value")),
        }
        for key, change in new.items()
    ]
    return "; ".join(parts) or str(EventVerb.FIELDS_CHANGED.label)


@register.simple_tag
def event_text(event: TicketEvent) -> str:
    """One line that says what an audit event changed, in the reader's language."""
    before, after = event.before or {}, event.after or {}
    verb = event.verb
    if verb in (EventVerb.STATUS_CHANGED, EventVerb.REOPENED, EventVerb.CLOSED):
        return _("status %(before)s → %(after)s") % {
            "before": _status_label(before.get("status", "")),
            "after": _status_label(after.get("status", "")),
        }
    if verb == EventVerb.PRIORITY_CHANGED:
        return _("priority %(before)s → %(after)s") % {
            "before": _priority_label(before.get("priority")),
            "after": _priority_label(after.get("priority")),
        }
    if verb == EventVerb.ASSIGNED:
        name = (after or {}).get("name")
        return _("assigned to %(name)s") % {"name": name} if name else _("unassigned")
    if verb == EventVerb.MOVED:
        return _("moved from %(before)s to %(after)s") % {
            "before": before.get("department", ""),
            "after": after.get("department", ""),
        }
    if verb == EventVerb.RATED:
        return _rating_text(after)
    if verb == EventVerb.ESCALATED:
        return _escalation_text(after)
    if verb == EventVerb.REQUESTER_LANGUAGE_CHANGED:
        names = dict(settings.LANGUAGES)
        return _("requester's language %(before)s → %(after)s") % {
            "before": names.get(before.get("language", ""), before.get("language", "")),
            "after": names.get(after.get("language", ""), after.get("language", "")),
        }
    if verb in (EventVerb.SPLIT, EventVerb.MERGED, EventVerb.MERGED_FROM):
        return _link_text(verb, after)
    if verb == EventVerb.TAGS_CHANGED:
        return _tags_text(after)
    if verb == EventVerb.FIELDS_CHANGED:
        return _fields_text(before, after)
    if verb == EventVerb.PARTICIPANT_ADDED:
        name = (after.get("participant") or {}).get("name")
        if name:
            return _("added %(name)s as a participant") % {"name": name}
    return str(EventVerb(verb).label) if verb in EventVerb.values else verb
