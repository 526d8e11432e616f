"""XOAUTH2 sign-in for Microsoft 365 and Gmail, against a local token endpoint (issue 6).

The real providers are out of reach here: a small HTTP server of the test plays the token
endpoint, and aiosmtpd requires AUTH XOAUTH2 with the tokens that endpoint issued.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.utils import timezone

from mailgateway import oauth2
from mailgateway.models import OAuth2Account
from mailgateway.outbound.models import OutboundMail, OutboundStatus
from tests.factories import open_ticket
from tests.mailgateway.oauth2servers import TokenEndpoint
from tests.mailservers import SmtpSink
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint():
    server = TokenEndpoint()
    yield server
    server.close()


@pytest.fixture
def account(endpoint):
    return OAuth2Account.objects.create(
        name="office365",
        username="support@hosting.example",
        token_url=endpoint.url,
        client_id="client-id",
        client_secret="client-secret",
        refresh_token="refresh-1",
        scope="https://outlook.office.com/SMTP.Send offline_access",
    )


def test_the_refresh_token_buys_an_access_token(endpoint, account):
    assert oauth2.access_token(account) == "access-token-1"
    form = endpoint.requests[0]
    assert form["grant_type"] == "refresh_token" and form["client_id"] == "client-id"
    assert form["scope"].startswith("https://outlook.office.com/SMTP.Send")
    account.refresh_from_db()
    assert account.expires_at > timezone.now() + timedelta(minutes=55)


def test_a_valid_token_is_reused_and_refreshed_shortly_before_it_expires(endpoint, account):
    assert oauth2.access_token(account) == "access-token-1"
    assert oauth2.access_token(account) == "access-token-1"
    assert len(endpoint.requests) == 1
    OAuth2Account.objects.update(expires_at=timezone.now() + timedelta(minutes=4))
    assert oauth2.access_token(account) == "access-token-2"


def test_a_failing_refresh_is_recorded_and_reported_once(endpoint, account, settings):
    settings.ADMINS = [("Admin", "admin@hosting.example")]
    endpoint.broken = True
    for _ in range(2):
        with pytest.raises(oauth2.TokenError):
            oauth2.access_token(account)
    account.refresh_from_db()
    assert "invalid_grant" in account.last_error and account.failing_since is not None
    assert [m.subject for m in django_mail.outbox] == [
        "[Django] OAuth2 sign-in of support@hosting.example fails"
    ]
    endpoint.broken = False
    assert oauth2.access_token(account).startswith("access-token-")
    account.refresh_from_db()
    assert account.failing_since is None and account.last_error == ""


@pytest.mark.parametrize("answer", [["access-token"], "access-token", None, 42])
def test_a_token_answer_that_is_no_json_object_is_a_failing_refresh(endpoint, account, answer):
    """A token endpoint (or a proxy before it) answering 200 with JSON that is no object is
    an operator problem like any refusal (R6, issue 16): TokenError, the account marked
    failing, never an AttributeError that skips the administrators' alert. mypy found it:
    the JSON answer was returned as a dict unchecked."""
    endpoint._tokens = lambda **kwargs: answer
    with pytest.raises(oauth2.TokenError, match="no JSON object"):
        oauth2.access_token(account)
    account.refresh_from_db()
    assert account.failing_since is not None and "no JSON object" in account.last_error


def test_replies_go_out_through_smtp_signed_in_with_xoauth2(
    endpoint, account, settings, agent, customer, department, django_capture_on_commit_callbacks
):
    sink = SmtpSink(tokens=set())
    sink.start()
    try:
        settings.EMAIL_BACKEND = "mailgateway.outbound.smtp.OAuth2EmailBackend"
        settings.EMAIL_OAUTH2_ACCOUNT = "office365"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        sink.handler.tokens = {"access-token-1"}
        ticket = open_ticket(customer, department)
        OutboundMail.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=True):
            services.reply_add(actor=agent, ticket=ticket, body_text="Signed in by token")
        assert sink.handler.authenticated_users == ["support@hosting.example"]
        assert len(sink.received) == 1
        assert OutboundMail.objects.get().status == OutboundStatus.SENT
    finally:
        sink.stop()


def test_a_token_the_server_refuses_defers_the_mail(
    endpoint, account, settings, agent, customer, department, django_capture_on_commit_callbacks
):
    sink = SmtpSink(tokens={"some-other-token"})
    sink.start()
    try:
        settings.EMAIL_BACKEND = "mailgateway.outbound.smtp.OAuth2EmailBackend"
        settings.EMAIL_OAUTH2_ACCOUNT = "office365"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        ticket = open_ticket(customer, department)
        OutboundMail.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=True):
            services.reply_add(actor=agent, ticket=ticket, body_text="x")
        row = OutboundMail.objects.get()
        assert row.status == OutboundStatus.DEFERRED and "535" in row.last_error
        assert sink.received == []
    finally:
        sink.stop()
