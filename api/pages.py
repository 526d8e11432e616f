"""The settings page where people make and revoke their API tokens (issue 13)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api import services
from api.forms import TokenForm
from helpdesk.errors import ServiceError
from helpdesk.http import AuthenticatedHttpRequest


@never_cache
@login_required
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's tokens; a new one's secret is shown on this answer only, never again."""
    form = TokenForm(request.POST or None, user=request.user)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            made = services.token_create(actor=request.user, **form.token_fields())
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            secret = made.secret
            form = TokenForm(user=request.user)
    context = {
        "form": form,
        "secret": secret,
        "tokens": services.tokens_for(request.user),
        "nav": "preferences",
    }
    return render(request, "api/tokens.html", context)


@require_POST
@login_required
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = services.tokens_for(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens:list")
