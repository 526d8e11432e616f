"""XOAUTH2 for Microsoft 365 and Gmail: access tokens from a refresh token (issue 6).

Used by the SMTP backend (outgoing mail) and by IMAP and POP3 mailboxes (incoming mail). A token
is refreshed shortly before it expires, under a row lock so that two workers do not
both refresh it. A refresh that fails is recorded on the account and reported to the
administrators once, when the failing starts.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

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


def xoauth2(username: str, token: str) -> str:
    """The SASL XOAUTH2 initial response (before base64)."""
    return f"user={username}\x01auth=Bearer {token}\x01\x01"


def _request_token(account: OAuth2Account) -> dict:
    form = {
        "grant_type": "refresh_token",
        "client_id": account.client_id,
        "refresh_token": account.refresh_token,
    }
    if account.client_secret:
        form["client_secret"] = account.client_secret
    if account.scope:
        form["scope"] = account.scope
    request = urllib.request.Request(  # noqa: S310 (an https URL the administrator set)
        account.token_url,
        data=urllib.parse.urlencode(form).encode(),
        headers={"Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            payload = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        body = exc.read()[:500].decode(errors="replace")
        raise TokenError(f"token endpoint answered {exc.code}: {body}") from exc
    except (OSError, ValueError) as exc:
        raise TokenError(f"token endpoint unreachable: {exc}") from exc
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
