"""Changes of the SLA configuration (issue 10): managers for the departments they manage,
administrators for all; every change is written to the configuration's audit trail."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from accounts.models import User
from helpdesk.errors import ActionNotAllowed, NotPermitted
from tickets.sla import tasks
from tickets.sla.models import Calendar, ConfigChange, Holiday, Policy
from tickets.sla.scope import managed_departments


def _audit(actor: User, obj, action: str, before: dict, after: dict) -> None:
    ConfigChange.objects.create(
        actor=actor,
        kind=obj._meta.model_name,
        object_id=obj.pk,
        action=action,
        before=before,
        after=after,
    )


def calendar_editable(actor: User, calendar: Calendar) -> bool:
    """A shared calendar is changed only by someone who manages every department using it."""
    if actor.sees_all_departments:
        return True
    mine = set(managed_departments(actor).values_list("pk", flat=True))
    if not mine:
        return False
    used_by = set(calendar.policies.values_list("department_id", flat=True))
    return used_by <= mine


def _calendar_state(calendar: Calendar) -> dict[str, Any]:
    return {
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        "hours": calendar.hours,
        "holidays": [
            [h.name, h.first_day.isoformat(), h.last_day.isoformat(), h.yearly]
            for h in calendar.holidays.all()
        ],
    }


@transaction.atomic
def calendar_save(
    *,
    actor: User,
    calendar: Calendar | None,
    name: str,
    time_zone: str,
    hours: dict,
    holidays: list,
) -> Calendar:
    """Creates or changes a calendar with its working hours and holidays (all validated)."""
    if not managed_departments(actor).exists():
        raise NotPermitted(_("Only managers change service levels."))
    if calendar is not None and not calendar_editable(actor, calendar):
        raise NotPermitted(_("This calendar is used by departments you do not manage."))
    if not any(hours.values()):
        raise ActionNotAllowed(_("A calendar needs working hours on at least one day."))
    before = _calendar_state(calendar) if calendar else {}
    calendar = calendar or Calendar()
    calendar.name, calendar.time_zone, calendar.hours = name, time_zone, hours
    calendar.save()
    calendar.holidays.all().delete()
    Holiday.objects.bulk_create(
        Holiday(calendar=calendar, name=n, first_day=first, last_day=last, yearly=yearly)
        for n, first, last, yearly in holidays
    )
    _audit(actor, calendar, "changed" if before else "created", before, _calendar_state(calendar))
    return calendar


def calendar_state(calendar: Calendar) -> dict[str, Any]:
    """A calendar as its audit trail records it."""
    return _calendar_state(calendar)


def calendar_audit(*, actor: User, calendar: Calendar, before: dict[str, Any], action: str) -> None:
    """Records a calendar changed in Django's admin (its forms validated and saved it, the
    holidays being an inline): `action` is created, changed or deleted."""
    after = {} if action == "deleted" else _calendar_state(calendar)
    _audit(actor, calendar, action, before, after)


def _policy_state(policy: Policy) -> dict[str, Any]:
    return {
        key: value
        for key, value in model_to_dict(policy).items()
        if key != "id" and not hasattr(value, "pk")
    }


def _require_department(actor: User, policy: Policy) -> None:
    if not managed_departments(actor).filter(pk=policy.department_id).exists():
        raise NotPermitted(_("You do not manage this department."))


def _clocks_refresh_after_commit(*department_ids: int) -> None:
    """The open tickets of these departments take the changed policies, in batches by a
    task once the change is committed (issue 10)."""
    departments = sorted(set(department_ids))
    transaction.on_commit(lambda: tasks.clocks_refresh.delay(departments))


@transaction.atomic
def policy_save(*, actor: User, policy: Policy, before: Policy | None) -> Policy:
    """Saves a validated policy (PolicyForm) of a department the actor manages.

    `before` is the policy as it was (None for a new one): a manager may move a policy
    only between departments he manages.
    """
    if before is not None:
        _require_department(actor, before)
    _require_department(actor, policy)
    old = _policy_state(before) if before else {}
    policy.save()
    _audit(actor, policy, "changed" if before else "created", old, _policy_state(policy))
    _clocks_refresh_after_commit(policy.department_id, *([before.department_id] if before else []))
    return policy


@transaction.atomic
def policy_delete(*, actor: User, policy: Policy) -> None:
    _require_department(actor, policy)
    _audit(actor, policy, "deleted", _policy_state(policy), {})
    department_id = policy.department_id
    policy.delete()
    _clocks_refresh_after_commit(department_id)
