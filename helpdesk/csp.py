"""The Content-Security-Policy of every page (issue 14): django-csp's middleware, plus the
one exception the policy makes, for pages that show the HTML of a mail.

A mail's HTML is sanitised (mailgateway/html.py) and keeps a short list of CSS properties
in its style="" attributes, without url() or any other function that loads or runs
anything; without them a formatted mail loses its colours, tables and indentation. Only a
page that renders such HTML allows style attributes (style-src-attr 'unsafe-inline'):
scripts stay 'self' everywhere, and every other page keeps style-src 'self' whole.
"""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase

MAIL_STYLES = {"style-src-attr": [UNSAFE_INLINE]}


def allow_mail_styles(request: HttpRequest | None) -> None:
    """Called while rendering a mail's HTML: this page's policy lets its style attributes be."""
    if request is not None:
        # A mark on this request only, read by the middleware below.
        request.shows_mail_html = True  # type: ignore[attr-defined]


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if getattr(request, "shows_mail_html", False):
            parts.update = {**(parts.update or {}), **MAIL_STYLES}
        return parts
