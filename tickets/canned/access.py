"""Who may use and who may manage which canned response (R15), in the style of tickets.access.

Use: an agent uses his personal responses, those of the departments he works, and the
global ones; on a ticket, only those of the ticket's department (besides his own and the
global ones). Manage: an agent manages his personal ones; a department's are managed by
its managers (a membership with the role manager) and by managers and administrators,
who see every department; the global ones by administrators.

A response outside what the user may see is a 404, exactly as one that does not exist.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import MembershipRole, Role, User
from tickets import access
from tickets.canned.models import CannedResponse, Scope
from tickets.models import Department, Ticket


def _is_agent(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.is_agent


def managed_departments(user: User) -> QuerySet[Department]:
    """The departments whose responses the user manages."""
    if not _is_agent(user):
        return Department.objects.none()
    if user.sees_all_departments:
        return Department.objects.all()
    return Department.objects.filter(
        memberships__user=user, memberships__role=MembershipRole.MANAGER
    )


def scopes_for(user: User) -> list[Scope]:
    """The kinds of response the user may create."""
    if not _is_agent(user):
        return []
    scopes = [Scope.PERSONAL]
    if managed_departments(user).exists():
        scopes.append(Scope.DEPARTMENT)
    if user.role == Role.ADMIN:
        scopes.append(Scope.GLOBAL)
    return scopes


def responses_for(user: User) -> QuerySet[CannedResponse]:
    """Every response the user may see and use somewhere: the one scoping query."""
    if not _is_agent(user):
        return CannedResponse.objects.none()
    return CannedResponse.objects.filter(
        Q(scope=Scope.PERSONAL, owner=user)
        | Q(scope=Scope.DEPARTMENT, department__in=access.departments_for(user))
        | Q(scope=Scope.GLOBAL)
    )


def responses_for_ticket(user: User, ticket: Ticket) -> QuerySet[CannedResponse]:
    """The responses the user may use on this ticket: none if he may not work it."""
    if not access.can_work(user, ticket):
        return CannedResponse.objects.none()
    return CannedResponse.objects.filter(
        Q(scope=Scope.PERSONAL, owner=user)
        | Q(scope=Scope.DEPARTMENT, department_id=ticket.department_id)
        | Q(scope=Scope.GLOBAL)
    )


def can_manage(user: User, response: CannedResponse) -> bool:
    if not _is_agent(user):
        return False
    if response.scope == Scope.PERSONAL:
        return response.owner_id == user.pk
    if response.scope == Scope.DEPARTMENT:
        return (
            response.department_id is not None
            and managed_departments(user).filter(pk=response.department_id).exists()
        )
    return user.role == Role.ADMIN


def response_for(user: User, pk: int) -> CannedResponse:
    """A response the user may see; 404 otherwise."""
    response = responses_for(user).select_related("department", "owner").filter(pk=pk).first()
    if response is None:
        raise Http404
    return response


def response_to_manage(user: User, pk: int) -> CannedResponse:
    """A response the user may change: 404 if he cannot see it, 403 if he only uses it."""
    response = response_for(user, pk)
    if not can_manage(user, response):
        raise PermissionDenied
    return response
