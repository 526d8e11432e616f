"""A forgotten password is reset by a link sent by mail; the link works once (issue 3)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts import services, tokens
from tests.factories import PASSWORD, CustomerFactory
from tests.portal.pages import mail_links, unlabelled_fields

pytestmark = pytest.mark.django_db

NEW = "Новый-пароль-2026"


def ask(client, address, capture):
    with capture(execute=True):
        return client.post("/accounts/password/reset/", {"email": address})


def path_of(link: str) -> str:
    return link.replace("http://127.0.0.1:8000", "")


def test_a_reset_link_is_mailed_and_the_answer_is_the_same_for_unknown_addresses(
    client, customer, mailoutbox, django_capture_on_commit_callbacks
):
    known = ask(client, customer.email.upper(), django_capture_on_commit_callbacks)
    unknown = ask(client, "nobody@example.com", django_capture_on_commit_callbacks)
    assert known["Location"] == unknown["Location"] == "/accounts/login/"
    [mail] = mailoutbox
    assert mail.recipients() == [customer.email]
    with translation.override(customer.language):
        assert mail.subject == gettext("Choose a new password")
    assert "/accounts/password/reset/" in mail_links(mail)[0]


def test_the_link_leads_to_a_form_that_sets_the_password_and_signs_in(
    client, customer, mailoutbox, django_capture_on_commit_callbacks
):
    ask(client, customer.email, django_capture_on_commit_callbacks)
    link = path_of(mail_links(mailoutbox[0])[0])
    response = client.get(link)
    assert response.status_code == 302
    form_url = response["Location"]
    assert form_url.endswith("/set-password/"), "the token leaves the address bar"
    page = client.get(form_url)
    assert page.status_code == 200 and unlabelled_fields(page.content.decode()) == []
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response["Location"] == "/"
    customer.refresh_from_db()
    assert customer.check_password(NEW)
    assert int(client.session["_auth_user_id"]) == customer.pk


def test_the_link_works_once(client, customer, mailoutbox, django_capture_on_commit_callbacks):
    ask(client, customer.email, django_capture_on_commit_callbacks)
    link = path_of(mail_links(mailoutbox[0])[0])
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    client.logout()
    assert client.get(link).status_code == 400
    assert (
        client.post(form_url, {"new_password1": "x" + NEW, "new_password2": "x" + NEW}).status_code
        == 400
    )
    customer.refresh_from_db()
    assert customer.check_password(NEW)


def test_an_expired_link_is_refused(client, customer, settings):
    token = tokens.password_reset_tokens.make_token(customer)
    later = timezone.now().replace(tzinfo=None) + timedelta(
        seconds=settings.PASSWORD_RESET_TIMEOUT + 1
    )
    with mock.patch.object(tokens.LinkTokenGenerator, "_now", return_value=later):
        response = client.get(f"/accounts/password/reset/{tokens.uid_encode(customer)}/{token}/")
    assert response.status_code == 400


def test_a_reset_token_does_not_open_an_invitation_and_the_reverse(client, customer):
    uid = tokens.uid_encode(customer)
    reset = tokens.password_reset_tokens.make_token(customer)
    invitation = tokens.invitation_tokens.make_token(customer)
    assert client.get(f"/accounts/invitation/{uid}/{reset}/").status_code == 400
    assert client.get(f"/accounts/password/reset/{uid}/{invitation}/").status_code == 400


def test_a_customer_known_only_from_his_mails_chooses_a_first_password(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user, _ = services.customer_get_or_create(email="mailer@example.com", name="Mail Only")
    assert not user.has_usable_password()
    ask(client, "mailer@example.com", django_capture_on_commit_callbacks)
    form_url = client.get(path_of(mail_links(mailoutbox[0])[0]))["Location"]
    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    user.refresh_from_db()
    assert user.check_password(NEW) and user.email_verified


def test_deactivated_accounts_get_no_mail(client, mailoutbox, django_capture_on_commit_callbacks):
    CustomerFactory(email="gone@example.com", is_active=False)
    ask(client, "gone@example.com", django_capture_on_commit_callbacks)
    assert mailoutbox == []


def test_the_new_password_is_checked(client, customer):
    uid, token = tokens.uid_encode(customer), tokens.password_reset_tokens.make_token(customer)
    form_url = client.get(f"/accounts/password/reset/{uid}/{token}/")["Location"]
    response = client.post(form_url, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)
