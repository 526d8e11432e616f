"""The requests our views receive, as the type checker should see them (README, Type checking).

Django types `request.user` as the user or AnonymousUser, and knows nothing of the
attributes middleware adds. Behind `login_required`, `agent_required` or
`customer_required` the user is always signed in: those views take an
`AuthenticatedHttpRequest`, so their `request.user` is our User and mypy checks what they
pass to the services. Nothing here exists at run time beyond two plain subclasses.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class HtmxHttpRequest(HttpRequest):
    """Any request: django-htmx's middleware sets `request.htmx` on every one."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request of a signed-in user (the views behind the sign-in decorators)."""

    user: User
