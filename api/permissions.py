"""What a caller may do at all: signed in (token or session); a read-only token only reads.

Which tickets and departments are reached is decided by `tickets.access` alone.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions
from rest_framework.request import Request

from api.authentication import request_token


class TokenScope(permissions.BasePermission):
    message = _("This token may only read.")

    def has_permission(self, request: Request, view: object) -> bool:
        if not (request.user and request.user.is_authenticated and request.user.is_active):
            return False
        token = request_token(request)
        if token is not None and token.read_only:
            return request.method in permissions.SAFE_METHODS
        return True


class AgentsOnly(permissions.BasePermission):
    """Staff endpoints (customers, organizations, services, departments, canned responses)."""

    message = _("Only agents may use this.")

    def has_permission(self, request: Request, view: object) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_agent)
