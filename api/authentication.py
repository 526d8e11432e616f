"""Who is calling: a token in `Authorization: Bearer <token>`, or the signed-in session.

A token that is unknown, revoked, expired or whose account is deactivated answers 401.
The session (the pages' own requests: DRF's SessionAuthentication) keeps Django's CSRF
check for writes.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from api import services
from api.models import ApiToken
from api.services import TOKEN_PREFIX


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header is malformed."))
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from error
        token = services.token_authenticate(secret) if secret.startswith(TOKEN_PREFIX) else None
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid, revoked or expired."))
        if not request.headers.get("Accept-Language"):
            # Errors in the token owner's language, as his pages are.
            translation.activate(token.user.language)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


def request_token(request: Request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None
