"""A token the SMTP server refuses is not offered again: the next attempt takes a fresh one
(issue 6, MAIL.md rule 8). The mailboxes do the same (test_mailbox_oauth2)."""

from __future__ import annotations

import pytest

from mailgateway.models import OAuth2Account
from mailgateway.outbound import outbox
from mailgateway.outbound.models import OutboundMail, OutboundStatus
from tests.factories import open_ticket
from tests.mailgateway.oauth2servers import TokenEndpoint
from tests.mailservers import SmtpSink
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint():
    server = TokenEndpoint(username="support@hosting.example")
    yield server
    server.close()


@pytest.fixture
def sink(endpoint, settings):
    server = SmtpSink(tokens=set())
    server.start()
    OAuth2Account.objects.create(
        name="office365",
        username="support@hosting.example",
        token_url=endpoint.url,
        client_id="client-id",
        refresh_token="refresh-1",
        scope="https://outlook.office.com/SMTP.Send offline_access",
    )
    settings.EMAIL_BACKEND = "mailgateway.outbound.smtp.OAuth2EmailBackend"
    settings.EMAIL_OAUTH2_ACCOUNT = "office365"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    yield server
    server.stop()


def test_a_refused_token_is_replaced_at_the_next_attempt(
    endpoint, sink, agent, customer, department, django_capture_on_commit_callbacks
):
    ticket = open_ticket(customer, department)
    OutboundMail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_add(actor=agent, ticket=ticket, body_text="Второй токен")
    row = OutboundMail.objects.get()
    assert row.status == OutboundStatus.DEFERRED and "535" in row.last_error
    assert OAuth2Account.objects.get().access_token == ""

    sink.handler.tokens = {"access-token-2"}  # the server accepts only a fresh token now
    OutboundMail.objects.update(next_attempt_at=None)
    assert outbox.deliver(row.pk) == OutboundStatus.SENT
    assert len(endpoint.requests) == 2 and len(sink.received) == 1
    assert sink.handler.authenticated_users == ["support@hosting.example"]
