"""Reads of the manager's desk (issue 10): escalations, SLA configuration, its history."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from tickets.keyset import SortKey
from tickets.sla.models import Calendar, ConfigChange, Escalation, Policy
from tickets.sla.scope import managed_departments

ESCALATION_SORT = (SortKey("created_at", descending=True), SortKey("id", descending=True))
COUNT_CAP = 100
HISTORY_ROWS = 30


def escalations_for(user: User, *, open_only: bool) -> QuerySet[Escalation]:
    """Escalations of the departments the user manages, newest first."""
    escalations = Escalation.objects.filter(department__in=managed_departments(user))
    if open_only:
        escalations = escalations.filter(acknowledged_at__isnull=True)
    return escalations.select_related("ticket", "ticket__assignee", "department", "acknowledged_by")


def escalations_open_count(user: User) -> int:
    """Unacknowledged breaches, capped (the navigation's counter)."""
    open_breaches = escalations_for(user, open_only=True).filter(level="breach")
    return open_breaches[:COUNT_CAP].count()


def escalation_get(user: User, pk: int) -> Escalation:
    escalation = escalations_for(user, open_only=False).filter(pk=pk).first()
    if escalation is None:
        raise Http404
    return escalation


def policies_for(user: User) -> QuerySet[Policy]:
    return Policy.objects.filter(department__in=managed_departments(user)).select_related(
        "department", "organization", "calendar", "reassign_to"
    )


def policy_get(user: User, pk: int) -> Policy:
    policy = policies_for(user).filter(pk=pk).first()
    if policy is None:
        raise Http404
    return policy


def calendars() -> QuerySet[Calendar]:
    """Calendars are shared: every manager sees them all (and changes those he may)."""
    return Calendar.objects.prefetch_related("holidays", "policies__department")


def calendar_get(pk: int) -> Calendar:
    calendar = calendars().filter(pk=pk).first()
    if calendar is None:
        raise Http404
    return calendar


def config_history(user: User) -> list[ConfigChange]:
    """The latest configuration changes; managers of some departments see their own and
    those of calendars (shared), administrators and managers (the role) all of them."""
    changes = ConfigChange.objects.select_related("actor")
    if not user.sees_all_departments:
        policy_ids = Policy.objects.filter(department__in=managed_departments(user)).values("pk")
        changes = (
            changes.filter(kind="calendar")
            | changes.filter(kind="policy", object_id__in=policy_ids)
            | changes.filter(actor=user)
        )
    return list(changes.order_by("-created_at", "-id")[:HISTORY_ROWS])
