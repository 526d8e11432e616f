"""Mounted at /mail/: the providers' inbound webhooks (through anymail) and the mail health.

The webhooks answer only once ANYMAIL's WEBHOOK_SECRET is set: anymail would otherwise
accept unauthenticated posts for the providers that sign nothing (SendGrid, Postmark),
and anyone could inject mail. Mailgun's requests carry its signature besides.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from mailgateway.errors import TemporaryStoreError
from mailgateway.sources.webhooks import MailgunInbound, PostmarkInbound, SendGridInbound
from mailgateway.views import health

app_name = "mailgateway"


def secret_required(view):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
            raise Http404
        try:
            return view(request, *args, **kwargs)
        except TemporaryStoreError:
            # Our storage failed (issue 18): 503, which the providers retry.
            return HttpResponse(status=503, headers={"Retry-After": "300"})

    return csrf_exempt(guarded)


urlpatterns = [
    re_path(
        r"^webhooks/mailgun/inbound(_mime)?/$",
        secret_required(MailgunInbound.as_view()),
        name="mailgun_inbound",
    ),
    path(
        "webhooks/sendgrid/inbound/",
        secret_required(SendGridInbound.as_view()),
        name="sendgrid_inbound",
    ),
    path(
        "webhooks/postmark/inbound/",
        secret_required(PostmarkInbound.as_view()),
        name="postmark_inbound",
    ),
    path("health/", health.health, name="health"),
]
