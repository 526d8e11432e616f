"""The two doors: the customer portal and the staff portal."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect

from helpdesk.http import AuthenticatedHttpRequest

View = Callable[..., HttpResponse]


def agent_required(view: View) -> View:
    """Staff pages: anonymous people sign in first; customers get 403, never the page."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_agent:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def customer_required(view: View) -> View:
    """Portal pages: anonymous people sign in first; agents are sent to the staff portal."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_agent:
            return redirect("staff:dashboard")
        return view(request, *args, **kwargs)

    return wrapper
