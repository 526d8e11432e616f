"""Whose SLA configuration, escalations and reports a person may see (issue 10).

Administrators and managers (the role) reach every department; an agent whose membership
of a department has the role manager reaches that department; nobody else any.
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import DepartmentMembership, MembershipRole, Role, User
from tickets.models import Department


def managed_departments(user: User) -> QuerySet[Department]:
    if not (user.is_authenticated and user.is_active and user.is_agent):
        return Department.objects.none()
    if user.sees_all_departments:
        return Department.objects.all()
    return Department.objects.filter(
        memberships__user=user, memberships__role=MembershipRole.MANAGER
    )


def is_manager(user: User) -> bool:
    return managed_departments(user).exists()


def department_managers(department: Department) -> list[User]:
    """Who hears of the department's escalations: its managers by membership, else every
    active manager (a department without one still reaches someone)."""
    members = DepartmentMembership.objects.filter(
        department=department, role=MembershipRole.MANAGER, user__is_active=True
    ).values("user_id")
    managers = list(User.objects.filter(pk__in=members))
    if not managers:
        managers = list(User.objects.filter(role=Role.MANAGER, is_active=True))
    return managers
