"""Customers create their own account, unless an administrator turned it off (P1, issue 3)."""

import pytest

from accounts.models import Role, User
from tests.factories import PASSWORD, CustomerFactory
from tests.portal.pages import mail_links, unlabelled_fields

pytestmark = pytest.mark.django_db

GOOD = "Зелёный-чайник-42"


def sign_up(client, **fields):
    data = {
        "name": "Ольга Смирнова",
        "email": "Olga@Example.RU",
        "password1": GOOD,
        "password2": GOOD,
        "language": "ru",
        "time_zone": "Europe/Moscow",
        **fields,
    }
    return client.post("/accounts/signup/", data)


def test_the_sign_up_page_has_a_label_on_every_field(client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert unlabelled_fields(response.content.decode()) == []


def test_a_customer_signs_up_and_gets_a_confirmation_mail(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/check-your-mail/"
    user = User.objects.get(email="olga@example.ru")
    assert user.role == Role.CUSTOMER and user.name == "Ольга Смирнова"
    assert (user.language, user.time_zone) == ("ru", "Europe/Moscow")
    assert user.check_password(GOOD) and not user.email_verified
    [mail] = mailoutbox
    assert mail.recipients() == ["olga@example.ru"]
    assert mail.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "/accounts/confirm/" in mail_links(mail)[0]
    assert "olga@example.ru" in client.get(response["Location"]).content.decode()


def test_the_new_account_cannot_sign_in_before_the_address_is_confirmed(client):
    sign_up(client)
    response = client.post("/accounts/login/", {"username": "olga@example.ru", "password": GOOD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "confirm your e-mail address" in response.content.decode()


def test_a_known_address_is_not_revealed_and_its_owner_is_told(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    owner = CustomerFactory(email="olga@example.ru")
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, password1="Другой-пароль-77", password2="Другой-пароль-77")
    assert response["Location"] == "/accounts/signup/check-your-mail/"
    assert User.objects.filter(email="olga@example.ru").count() == 1
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    [mail] = mailoutbox
    assert mail.recipients() == [owner.email]
    assert any("/accounts/password/reset/" in link for link in mail_links(mail))


def test_passwords_must_match_and_be_strong(client):
    response = sign_up(client, password2="something else")
    assert "The two passwords differ." in response.content.decode()
    response = sign_up(client, password1="12345678", password2="12345678")
    assert response.status_code == 200
    assert not User.objects.filter(email="olga@example.ru").exists()


def test_sign_up_can_be_turned_off(client, settings):
    settings.ACCOUNTS_ALLOW_SIGNUP = False
    assert client.get("/accounts/signup/").status_code == 404
    assert sign_up(client).status_code == 404
    assert not User.objects.filter(email="olga@example.ru").exists()
    assert "/accounts/signup/" not in client.get("/accounts/login/").content.decode()


def test_the_sign_in_page_offers_sign_up_only_when_it_is_on(client, settings):
    assert "/accounts/signup/" in client.get("/accounts/login/").content.decode()
    settings.ACCOUNTS_ALLOW_SIGNUP = False
    assert "/accounts/signup/" not in client.get("/accounts/login/").content.decode()


def test_signed_in_people_are_sent_home(client, customer):
    client.force_login(customer)
    assert client.get("/accounts/signup/")["Location"] == "/"


def test_one_address_gets_a_limited_number_of_mails(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    CustomerFactory(email="victim@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(8):
            sign_up(client, email="victim@example.com")
    assert len(mailoutbox) == 5
