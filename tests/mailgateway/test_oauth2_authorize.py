"""`manage.py oauth2_authorize`: the one-off consent that gives an OAuth2 account its first
refresh token, against the tests' authorization server (issue 6): the authorization code
flow with PKCE (Microsoft 365, Gmail) and the device code flow (Microsoft 365)."""

from __future__ import annotations

import http.client
import io
import re
import urllib.parse
from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from mailgateway import oauth2
from mailgateway.management.commands import oauth2_authorize
from mailgateway.models import OAuth2Account
from tests.mailgateway.oauth2servers import TokenEndpoint

pytestmark = pytest.mark.django_db

SCOPE = "https://outlook.office.com/IMAP.AccessAsUser.All offline_access"


@pytest.fixture
def endpoint():
    server = TokenEndpoint()
    yield server
    server.close()


@pytest.fixture
def account(endpoint):
    """As created in the admin: no refresh token yet."""
    return OAuth2Account.objects.create(
        name="office365",
        username="support@hosting.example",
        token_url=endpoint.url,
        client_id="client-id",
        refresh_token="",
        scope=SCOPE,
    )


def follow(url: str) -> str:
    """The browser at the provider's page: the person consents, the provider redirects."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", f"{parts.path}?{parts.query}")
    location = connection.getresponse().getheader("Location")
    connection.close()
    return location


@pytest.fixture
def authorize(monkeypatch):
    """Runs the command; the administrator opens the address it prints and pastes the one
    the browser ends on (`tamper` changes it first)."""

    def run(*args, tamper=lambda address: address) -> str:
        out = io.StringIO()

        def paste(prompt: str = "") -> str:
            url = re.search(r"^http://\S+/authorize\?\S+$", out.getvalue(), re.M).group()
            run.url = url
            return tamper(follow(url))

        monkeypatch.setattr("builtins.input", paste)
        call_command("oauth2_authorize", *args, stdout=out)
        return out.getvalue()

    return run


@pytest.fixture
def sleeps(monkeypatch):
    waited = []
    monkeypatch.setattr(oauth2_authorize.time, "sleep", waited.append)
    return waited


def test_the_browser_flow_stores_the_first_refresh_token(endpoint, account, authorize):
    output = authorize("office365")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorize.url).query))
    assert authorize.url.startswith(endpoint.url.removesuffix("token") + "authorize?")
    assert query["scope"] == SCOPE and query["login_hint"] == "support@hosting.example"
    assert query["code_challenge_method"] == "S256" and query["redirect_uri"] == "http://localhost"
    assert "The refresh token of office365 (support@hosting.example) is stored" in output
    account.refresh_from_db()
    assert account.refresh_token == endpoint.refresh_token == "refresh-consented-1"
    assert account.access_token == "access-token-1"
    assert account.expires_at > timezone.now() + timedelta(minutes=55)
    # From now on the account refreshes its tokens with it.
    OAuth2Account.objects.update(expires_at=timezone.now())
    assert oauth2.access_token(account) == "access-token-2"
    assert endpoint.requests[-1]["refresh_token"] == "refresh-consented-1"


def test_a_failing_account_works_again_once_authorized(endpoint, account, authorize):
    OAuth2Account.objects.update(
        refresh_token="revoked", failing_since=timezone.now(), last_error="invalid_grant"
    )
    authorize("office365")
    account.refresh_from_db()
    assert account.failing_since is None and account.last_error == ""


def test_a_refused_consent_stores_nothing(endpoint, account, authorize):
    endpoint.consent = "denied"
    with pytest.raises(CommandError, match="consent refused: access_denied"):
        authorize("office365")
    account.refresh_from_db()
    assert account.refresh_token == "" and endpoint.requests == []


def test_an_address_that_answers_another_request_is_refused(endpoint, account, authorize):
    def other_state(address: str) -> str:
        return re.sub(r"state=[^&]+", "state=someone-elses", address)

    with pytest.raises(CommandError, match="state differs"):
        authorize("office365", tamper=other_state)
    assert endpoint.requests == []  # the code was not even traded
    account.refresh_from_db()
    assert account.refresh_token == ""


def test_without_offline_access_there_is_no_refresh_token_and_it_says_so(
    endpoint, account, authorize
):
    OAuth2Account.objects.update(scope="https://outlook.office.com/IMAP.AccessAsUser.All")
    with pytest.raises(CommandError, match="offline_access"):
        authorize("office365")
    account.refresh_from_db()
    assert account.refresh_token == ""


def test_the_device_flow_waits_for_the_sign_in(endpoint, account, sleeps):
    out = io.StringIO()
    call_command("oauth2_authorize", "office365", "--device", stdout=out)
    assert "enter HD7-QX2" in out.getvalue()
    assert endpoint.device_scope == SCOPE
    assert sleeps == [5, 5, 5] and endpoint.device_polls == 3  # two "pending", then tokens
    account.refresh_from_db()
    assert account.refresh_token == endpoint.refresh_token == "refresh-consented-3"


def test_the_device_flow_slows_down_when_asked(endpoint, account, sleeps):
    endpoint.device_answers = ["slow_down"]
    call_command("oauth2_authorize", "office365", "--device", stdout=io.StringIO())
    assert sleeps == [5, 10]


def test_a_refused_device_sign_in_stores_nothing(endpoint, account, sleeps):
    endpoint.device_answers = []
    endpoint.consent = "denied"
    with pytest.raises(CommandError, match="access_denied"):
        call_command("oauth2_authorize", "office365", "--device", stdout=io.StringIO())
    account.refresh_from_db()
    assert account.refresh_token == ""


def test_gmail_uses_the_browser_flow_with_offline_access(account):
    OAuth2Account.objects.update(token_url=oauth2.GOOGLE_TOKEN_URL)
    account.refresh_from_db()
    with pytest.raises(CommandError, match="Google's device flow does not grant mail access"):
        call_command("oauth2_authorize", "office365", "--device", stdout=io.StringIO())
    authorize_url, device_url = oauth2.provider_urls(account.token_url)
    assert authorize_url == "https://accounts.google.com/o/oauth2/v2/auth" and device_url == ""
    url = oauth2.authorization_url(
        account, authorize_url=authorize_url, redirect_uri="http://localhost", state="s",
        challenge="c",
    )  # fmt: skip
    assert "access_type=offline" in url and "prompt=consent" in url


def test_an_unknown_account_is_named(db):
    with pytest.raises(CommandError, match="no OAuth2 account named 'nope'"):
        call_command("oauth2_authorize", "nope")


def test_an_account_without_a_refresh_token_says_how_to_get_one(endpoint, account, settings):
    settings.ADMINS = [("Admin", "admin@hosting.example")]
    hint = "run `manage.py oauth2_authorize office365`"
    with pytest.raises(oauth2.TokenError, match=re.escape(hint)):
        oauth2.access_token(account)
    assert endpoint.requests == []
    [alert] = django_mail.outbox
    assert hint in alert.body
