"""XOAUTH2 for Microsoft 365 and Gmail: access tokens from a refresh token (issue 6).

Used by the SMTP backend (outgoing mail) and by IMAP and POP3 mailboxes (incoming mail).
A token is refreshed shortly before it expires, under a row lock so that two workers do
not both refresh it. A refresh that fails is recorded on the account and reported to the
administrators once, when the failing starts. The first refresh token comes from the
administrator's consent (`manage.py oauth2_authorize`, the end of this module).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import mail_admins
from django.db import transaction
from django.utils import timezone

from mailgateway.models import OAuth2Account

logger = logging.getLogger(__name__)
REFRESH_MARGIN = timedelta(minutes=5)
TIMEOUT = 20


class TokenError(Exception):
    """The token endpoint refused or could not be reached: an operator problem."""

    def __init__(self, message: str, *, error: str = "") -> None:
        super().__init__(message)
        self.error = error  # the OAuth2 error code of the answer (RFC 6749 5.2), if any


def xoauth2(username: str, token: str) -> str:
    """The SASL XOAUTH2 initial response (before base64)."""
    return f"user={username}\x01auth=Bearer {token}\x01\x01"


def _post(url: str, form: dict[str, str]) -> dict[str, Any]:
    """POSTs a form to an endpoint of the provider; its JSON object, or TokenError."""
    request = urllib.request.Request(  # noqa: S310 (an https URL the administrator set)
        url,
        data=urllib.parse.urlencode(form).encode(),
        headers={"Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            answer = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        body = exc.read()[:500].decode(errors="replace")
        try:
            error = str(json.loads(body).get("error", ""))
        except (ValueError, AttributeError):
            error = ""
        raise TokenError(f"token endpoint answered {exc.code}: {body}", error=error) from exc
    except (OSError, ValueError) as exc:
        raise TokenError(f"token endpoint unreachable: {exc}") from exc
    if not isinstance(answer, dict):
        raise TokenError(f"token endpoint answered no JSON object: {str(answer)[:300]}")
    return answer


def _client(account: OAuth2Account, **form: str) -> dict[str, str]:
    """A request of this client: its id, its secret if it has one (a confidential client)."""
    form["client_id"] = account.client_id
    if account.client_secret:
        form["client_secret"] = account.client_secret
    return form


def _request_token(account: OAuth2Account) -> dict:
    if not account.refresh_token:
        raise TokenError(f"no refresh token yet: run `manage.py oauth2_authorize {account.name}`")
    form = _client(account, grant_type="refresh_token", refresh_token=account.refresh_token)
    if account.scope:
        form["scope"] = account.scope
    payload = _post(account.token_url, form)
    if not payload.get("access_token"):
        raise TokenError(f"no access_token in the answer: {str(payload)[:300]}")
    return payload


def _users(account: OAuth2Account) -> str:
    """What stops working with this account, for the administrators' alert."""
    users = [f"mailbox {name}" for name in account.mailboxes.values_list("name", flat=True)]
    if account.name == settings.EMAIL_OAUTH2_ACCOUNT:
        users.insert(0, "outgoing mail (SMTP)")
    return ", ".join(users) or "nothing configured yet"


def _failed(account: OAuth2Account, error: str) -> None:
    first = account.failing_since is None
    OAuth2Account.objects.filter(pk=account.pk).update(
        last_error=error, failing_since=account.failing_since or timezone.now()
    )
    logger.error("OAuth2 account %s: %s", account.name, error)
    if first:
        mail_admins(
            f"OAuth2 sign-in of {account.username} fails",
            f"Refreshing the access token of {account.name} ({account.username}) failed:\n"
            f"{error}\n\nMail through this account stops until the refresh token is renewed.\n"
            f"Used by: {_users(account)}.",
            fail_silently=True,
        )


def account_failing(account_id: int) -> bool:
    """The token refresh of this account fails (its administrators' alert has gone out)."""
    return OAuth2Account.objects.filter(pk=account_id, failing_since__isnull=False).exists()


def access_token_discard(account: OAuth2Account) -> None:
    """The server refused the token: the next sign-in refreshes it instead of reusing it."""
    OAuth2Account.objects.filter(pk=account.pk).update(access_token="", expires_at=None)


def access_token(account: OAuth2Account) -> str:
    """A valid access token, refreshed first if it expires within five minutes."""
    with transaction.atomic():
        account = OAuth2Account.objects.select_for_update().get(pk=account.pk)
        now = timezone.now()
        if (
            account.access_token
            and account.expires_at
            and account.expires_at - REFRESH_MARGIN > now
        ):
            return account.access_token
        try:
            payload = _request_token(account)
        except TokenError as exc:
            error = str(exc)
        else:
            account.access_token = payload["access_token"]
            account.expires_at = now + timedelta(seconds=int(payload.get("expires_in", 3600)))
            # Providers may rotate the refresh token.
            account.refresh_token = payload.get("refresh_token") or account.refresh_token
            account.last_refresh_at = now
            account.last_error = ""
            account.failing_since = None
            account.save()
            return account.access_token
    _failed(account, error)
    raise TokenError(error)


# --- The first refresh token: the administrator's consent, once ------------------------
# Both flows end in account_authorize(), which stores the tokens the provider gave.

GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"  # noqa: S105 (an address)
GOOGLE_AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def provider_urls(token_url: str) -> tuple[str, str]:
    """The authorization and device-code endpoints beside a known token endpoint
    (Microsoft's .../oauth2/v2.0/token, Google's); empty strings for unknown providers.
    Google's device flow does not grant mail scopes, so it has no device endpoint here."""
    if token_url.rstrip("/") == GOOGLE_TOKEN_URL:
        return GOOGLE_AUTHORIZE_URL, ""
    if token_url.endswith("/oauth2/v2.0/token"):
        base = token_url.removesuffix("token")
        return base + "authorize", base + "devicecode"
    return "", ""


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge (RFC 7636)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_url(
    account: OAuth2Account, *, authorize_url: str, redirect_uri: str, state: str, challenge: str
) -> str:
    """Where the administrator signs in as the mailbox and consents (authorization code
    flow with PKCE); the browser then goes to redirect_uri with a code."""
    query = {
        "client_id": account.client_id,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "scope": account.scope,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "login_hint": account.username,
        "prompt": "consent",
    }
    if authorize_url == GOOGLE_AUTHORIZE_URL:
        query["access_type"] = "offline"  # Google gives a refresh token only when asked
    separator = "&" if "?" in authorize_url else "?"
    return authorize_url + separator + urllib.parse.urlencode(query)


def code_from_redirect(address: str, *, state: str) -> str:
    """The code in the address the browser was sent to; TokenError for a refusal or a
    state that is not ours (an answer to someone else's request)."""
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(address.strip()).query))
    if "error" in query:
        description = query.get("error_description", "")
        raise TokenError(f"consent refused: {query['error']} {description}".strip())
    if query.get("state") != state:
        raise TokenError("the address does not answer this request (state differs)")
    if not query.get("code"):
        raise TokenError("no code in the address")
    return query["code"]


def code_exchange(account: OAuth2Account, *, code: str, redirect_uri: str, verifier: str) -> dict:
    """Trades the authorization code for the first tokens."""
    form = _client(
        account,
        grant_type="authorization_code",
        code=code,
        redirect_uri=redirect_uri,
        code_verifier=verifier,
    )
    return _post(account.token_url, form)


def device_start(account: OAuth2Account, *, device_url: str) -> dict:
    """Starts the device code flow (RFC 8628): the answer says where the administrator
    enters which code (verification_uri, user_code) and how often to ask (interval)."""
    payload = _post(device_url, _client(account, scope=account.scope))
    if not payload.get("device_code") or not payload.get("user_code"):
        raise TokenError(f"no device code in the answer: {str(payload)[:300]}")
    return payload


def device_poll(account: OAuth2Account, *, device_code: str) -> dict:
    """The tokens once the administrator has consented. Until then TokenError with the
    error authorization_pending (ask again after the interval) or slow_down (ask less
    often); any other error ends the flow (access_denied, expired_token)."""
    form = _client(account, grant_type=DEVICE_GRANT, device_code=device_code)
    return _post(account.token_url, form)


def account_authorize(*, account: OAuth2Account, payload: dict) -> OAuth2Account:
    """Stores the tokens of a consent: the refresh token, and the access token with it."""
    if not payload.get("refresh_token") or not payload.get("access_token"):
        raise TokenError(
            "the provider gave no refresh token: ask for offline access (Microsoft: the "
            "offline_access scope)"
        )
    now = timezone.now()
    with transaction.atomic():
        account = OAuth2Account.objects.select_for_update().get(pk=account.pk)
        account.refresh_token = payload["refresh_token"]
        account.access_token = payload["access_token"]
        account.expires_at = now + timedelta(seconds=int(payload.get("expires_in", 3600)))
        account.last_refresh_at = now
        account.last_error = ""
        account.failing_since = None
        account.save()
    return account
