"""Confirming the address of a new account by the link in its mail (issue 3)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from accounts import tokens
from tests.factories import PASSWORD, AgentFactory, CustomerFactory
from tests.portal.pages import mail_links

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(db):
    return CustomerFactory(email="new@example.com", email_verified=False)


def link_for(user) -> str:
    token = tokens.verification_tokens.make_token(user)
    return f"/accounts/confirm/{tokens.uid_encode(user)}/{token}/"


def sign_in(client, user):
    return client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})


def test_the_link_confirms_the_address_and_then_sign_in_works(client, newcomer):
    sign_in(client, newcomer)
    assert "_auth_user_id" not in client.session
    response = client.get(link_for(newcomer))
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    newcomer.refresh_from_db()
    assert newcomer.email_verified
    assert "_auth_user_id" not in client.session, "following the link alone signs nobody in"
    assert sign_in(client, newcomer)["Location"] == "/"


def test_the_link_works_once(client, newcomer):
    link = link_for(newcomer)
    client.get(link)
    response = client.get(link)
    assert response.status_code == 400
    assert "This link no longer works" in response.content.decode()


def test_an_expired_link_is_refused(client, newcomer, settings):
    link = link_for(newcomer)
    later = timezone.now().replace(tzinfo=None) + timedelta(
        seconds=settings.PASSWORD_RESET_TIMEOUT + 60
    )
    with mock.patch.object(tokens.LinkTokenGenerator, "_now", return_value=later):
        assert client.get(link).status_code == 400
    newcomer.refresh_from_db()
    assert not newcomer.email_verified


def test_a_tampered_link_is_refused(client, newcomer):
    other = CustomerFactory(email_verified=False)
    token = tokens.verification_tokens.make_token(other)
    assert (
        client.get(f"/accounts/confirm/{tokens.uid_encode(newcomer)}/{token}/").status_code == 400
    )
    assert client.get("/accounts/confirm/xx/1-abc/").status_code == 400


def test_a_new_link_is_sent_on_request_without_revealing_addresses(
    client, newcomer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/accounts/confirm/again/", {"email": "NEW@example.com"})
        unknown = client.post("/accounts/confirm/again/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    [mail] = mailoutbox
    assert mail.recipients() == ["new@example.com"]
    assert client.get(mail_links(mail)[0].replace("http://127.0.0.1:8000", "")).status_code == 302


def test_confirmed_accounts_get_no_new_link(client, customer, mailoutbox):
    client.post("/accounts/confirm/again/", {"email": customer.email})
    assert mailoutbox == []


def test_agents_sign_in_whatever_the_flag_says(client, department):
    agent = AgentFactory(departments=[department], email_verified=False)
    assert sign_in(client, agent)["Location"] == "/"
