"""IMAP and POP3 mailboxes of Microsoft 365 and Gmail sign in with XOAUTH2 (issue 6; R6,
MAIL.md rules 3 and 7), against a real Dovecot whose `oauth2` passdb asks the tests' own
authorization server (`tests.mailgateway.oauth2servers`) about every token: only the tokens
that server issued, for this user, and did not revoke, open the mailbox.

A token that cannot be had is an operator problem like a wrong password: nothing is
fetched, the mail stays on the server, the mailbox and the account record why, and the
administrators hear of it once.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.db.models import ProtectedError
from django.utils import timezone

from mailgateway.models import (
    InboundMail,
    InboundStatus,
    Mailbox,
    OAuth2Account,
    Protocol,
    Security,
)
from mailgateway.sources.mailboxes import mailbox_poll
from mailgateway.tasks import sweep_inbound
from tests.mailgateway.dovecot import PASSWORD, USER, Dovecot, needs_dovecot
from tests.mailgateway.mails import plain
from tests.mailgateway.oauth2servers import OAuth2Dovecot, TokenEndpoint
from tickets.models import Ticket

pytestmark = [needs_dovecot, pytest.mark.django_db]


@pytest.fixture
def endpoint():
    server = TokenEndpoint()
    yield server
    server.close()


def start(server: Dovecot):
    server.start()
    return server


@pytest.fixture
def dovecot(endpoint):
    server = start(OAuth2Dovecot(endpoint.introspection_url))
    yield server
    server.stop()


@pytest.fixture
def account(endpoint):
    return OAuth2Account.objects.create(
        name="office365",
        username="support@hosting.example",
        token_url=endpoint.url,
        client_id="client-id",
        client_secret="client-secret",
        refresh_token="refresh-1",
        scope="https://outlook.office.com/IMAP.AccessAsUser.All offline_access",
    )


def oauth2_mailbox(server: Dovecot, account: OAuth2Account, protocol=Protocol.IMAP) -> Mailbox:
    """A mailbox without a password: only the account's token can open it."""
    return Mailbox.objects.create(
        name=f"Microsoft 365 {protocol}",
        protocol=protocol,
        host="127.0.0.1",
        port=server.imap_port if protocol == Protocol.IMAP else server.pop3_port,
        security=Security.NONE,
        username=USER,
        oauth2_account=account,
        processed_folder="Processed" if protocol == Protocol.IMAP else "",
    )


@pytest.fixture
def imap(dovecot, account):
    return oauth2_mailbox(dovecot, account)


@pytest.fixture
def poll(django_capture_on_commit_callbacks):
    """Polls as the beat task does, and runs the processing tasks queued on commit."""

    def run(mailbox: Mailbox) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return mailbox_poll(Mailbox.objects.get(pk=mailbox.pk))

    return run


@pytest.fixture
def alerts(settings):
    """The mail the administrators got (the customers' acknowledgements left out)."""
    settings.ADMINS = [("Admin", "admin@hosting.example")]
    settings.MAIL_MAILBOX_ALERT_MINUTES = 0  # the mailbox alert would go out at once
    return lambda: [m for m in django_mail.outbox if m.to == ["admin@hosting.example"]]


def test_a_mailbox_with_a_valid_refresh_token_fetches_its_mail(
    dovecot, endpoint, account, imap, poll, support
):
    dovecot.deliver(plain(subject="Токен"))
    dovecot.deliver(plain(subject="Второе письмо"))
    assert poll(imap) == 2
    assert endpoint.introspections == ["access-token-1"]  # Dovecot checked our token
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Второе письмо", "Токен"]
    assert dovecot.messages() == [] and len(dovecot.messages("Processed")) == 2
    imap.refresh_from_db()
    assert imap.last_success_at is not None and imap.failing_since is None
    assert imap.password == ""


def test_the_token_is_reused_until_it_is_about_to_expire(
    dovecot, endpoint, account, imap, poll, support
):
    for _ in range(3):
        poll(imap)
    assert len(endpoint.requests) == 1
    assert endpoint.introspections == ["access-token-1"] * 3


def test_an_expired_access_token_is_refreshed_before_the_login(
    dovecot, endpoint, account, imap, poll, support
):
    # An old token Dovecot would refuse (the server never issued it), expired a minute ago.
    OAuth2Account.objects.filter(pk=account.pk).update(
        access_token="access-token-old", expires_at=timezone.now() - timedelta(minutes=1)
    )
    dovecot.deliver(plain(subject="После обновления"))
    assert poll(imap) == 1
    assert [form["grant_type"] for form in endpoint.requests] == ["refresh_token"]
    assert endpoint.introspections == ["access-token-1"]  # the old one was never tried
    account.refresh_from_db()
    assert account.access_token == "access-token-1"
    assert account.expires_at > timezone.now() + timedelta(minutes=55)
    assert Ticket.objects.get().subject == "После обновления"


def test_a_revoked_refresh_token_leaves_the_mail_on_the_server_and_alerts_once(
    dovecot, endpoint, account, imap, poll, support, alerts
):
    endpoint.refresh_token = "refresh-2"  # the administrator's consent was withdrawn
    dovecot.deliver(plain(subject="Ждёт на сервере"))
    for _ in range(3):
        assert poll(imap) == 0
        sweep_inbound()  # the beat's alert check runs too
    assert InboundMail.objects.count() == 0 and len(dovecot.messages()) == 1
    assert endpoint.introspections == []  # no token, no sign-in attempt
    imap.refresh_from_db()
    account.refresh_from_db()
    assert "invalid_grant" in imap.last_error and imap.failing_since is not None
    assert "invalid_grant" in account.last_error and account.failing_since is not None
    [alert] = alerts()
    assert alert.subject == "[Django] OAuth2 sign-in of support@hosting.example fails"
    assert f"mailbox {imap.name}" in alert.body

    # The administrator stores the new refresh token: the mail arrives, nothing was lost.
    OAuth2Account.objects.filter(pk=account.pk).update(refresh_token="refresh-2")
    assert poll(imap) == 1
    assert Ticket.objects.get().subject == "Ждёт на сервере"
    imap.refresh_from_db()
    account.refresh_from_db()
    assert imap.failing_since is None and account.failing_since is None
    assert len(alerts()) == 1


def test_dovecot_refusing_the_token_is_recorded_as_an_authentication_failure(
    dovecot, endpoint, account, imap, poll, support, alerts
):
    endpoint.revoked.add("access-token-1")  # introspection answers {"active": false}
    dovecot.deliver(plain(subject="Отказ"))
    assert poll(imap) == 0
    assert endpoint.introspections == ["access-token-1"]
    imap.refresh_from_db()
    assert "XOAUTH2 sign-in of helpdesk refused" in imap.last_error
    assert "AUTHENTICATIONFAILED" in imap.last_error.upper()
    assert InboundMail.objects.count() == 0 and len(dovecot.messages()) == 1
    # The token works for its account, so the mailbox alert is the one that goes out.
    assert [m.subject for m in alerts()] == [f"[Django] Mailbox {imap.name} cannot be fetched"]
    account.refresh_from_db()
    assert account.failing_since is None
    assert account.access_token == ""  # refused: the next poll does not offer it again
    assert poll(imap) == 1
    assert endpoint.introspections == ["access-token-1", "access-token-2"]


def test_a_token_of_another_user_is_refused(dovecot, endpoint, account, imap, poll, support):
    endpoint.username = "someone-else"  # Dovecot compares the token's user with ours
    dovecot.deliver(plain())
    assert poll(imap) == 0
    imap.refresh_from_db()
    assert "AUTHENTICATIONFAILED" in imap.last_error.upper()
    assert len(dovecot.messages()) == 1


def test_the_mailbox_alert_follows_when_the_account_works_again_but_the_mailbox_does_not(
    dovecot, endpoint, account, imap, poll, support, alerts
):
    endpoint.refresh_token = "refresh-2"
    poll(imap)
    assert len(alerts()) == 1  # the account's alert
    OAuth2Account.objects.filter(pk=account.pk).update(refresh_token="refresh-2")
    endpoint.username = "someone-else"  # now the token comes, and the server refuses it
    poll(imap)
    sweep_inbound()
    assert [m.subject for m in alerts()][1:] == [f"[Django] Mailbox {imap.name} cannot be fetched"]


@pytest.mark.parametrize("mode", ["auth", "get"])
def test_dovecot_may_introspect_with_a_bearer_header_or_the_token_in_the_url(
    endpoint, account, poll, support, mode
):
    url = endpoint.introspection_url + ("?token=" if mode == "get" else "")
    server = start(OAuth2Dovecot(url, mode=mode))
    try:
        mailbox = oauth2_mailbox(server, account)
        server.deliver(plain())
        assert poll(mailbox) == 1
        assert endpoint.introspections == ["access-token-1"]
    finally:
        server.stop()


def test_a_pop3_mailbox_signs_in_with_xoauth2_too(dovecot, endpoint, account, poll, support):
    mailbox = oauth2_mailbox(dovecot, account, Protocol.POP3)
    dovecot.deliver(plain(subject="POP3 и OAuth2"))
    assert poll(mailbox) == 1
    assert endpoint.introspections == ["access-token-1"]
    assert InboundMail.objects.get().status == InboundStatus.DONE
    assert Ticket.objects.get().subject == "POP3 и OAuth2"
    assert dovecot.messages() == []


def test_a_pop3_refusal_is_recorded_and_the_mail_kept(dovecot, endpoint, account, poll, support):
    mailbox = oauth2_mailbox(dovecot, account, Protocol.POP3)
    endpoint.revoked.add("access-token-1")
    dovecot.deliver(plain())
    assert poll(mailbox) == 0
    mailbox.refresh_from_db()
    assert "XOAUTH2 sign-in of helpdesk refused" in mailbox.last_error
    assert "Authentication failed" in mailbox.last_error
    assert len(dovecot.messages()) == 1 and InboundMail.objects.count() == 0


def test_password_mailboxes_still_sign_in_with_their_password(dovecot, endpoint, poll, support):
    mailbox = Mailbox.objects.create(
        name="password", host="127.0.0.1", port=dovecot.imap_port, security=Security.NONE,
        username=USER, password=PASSWORD, processed_folder="Processed",
    )  # fmt: skip
    dovecot.deliver(plain())
    assert poll(mailbox) == 1
    assert endpoint.requests == [] and endpoint.introspections == []


def test_a_server_without_xoauth2_is_reported_without_trying_the_token(
    endpoint, account, poll, support
):
    server = start(Dovecot())  # PLAIN and LOGIN only
    try:
        mailbox = oauth2_mailbox(server, account)
        server.deliver(plain())
        assert poll(mailbox) == 0
        mailbox.refresh_from_db()
        assert "does not offer XOAUTH2" in mailbox.last_error
        assert len(server.messages()) == 1
    finally:
        server.stop()


def test_an_account_in_use_by_a_mailbox_cannot_be_deleted(dovecot, account, imap):
    with pytest.raises(ProtectedError):
        account.delete()
