"""With DEBUG off a wrong address, a refused page, a bad request and a failure show the
helpdesk's own pages, in the reader's language, never Django's (issue 14; R4, R5)."""

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

pytestmark = pytest.mark.django_db

DJANGO_PAGES = ("Django", "URLconf", "Traceback", "The requested resource was not found")


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def assert_helpdesk_page(response, *texts):
    html = response.content.decode()
    assert '<a class="brand" href="/">' in html, "the helpdesk's layout"
    for text in texts:
        assert text in html
    for text in DJANGO_PAGES:
        assert text not in html


def test_a_wrong_address_shows_the_helpdesks_own_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_helpdesk_page(response, "Page not found")


def test_the_404_page_speaks_the_readers_language(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404
    assert_helpdesk_page(response, '<html lang="ru">', "Страница не найдена")


def test_a_refused_page_shows_the_helpdesks_own_403_page(client, customer):
    client.force_login(customer)
    response = client.get("/staff/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 403
    with translation.override("ru"):
        forbidden = gettext("Forbidden")
    assert forbidden != "Forbidden", "the Russian catalogue has it"
    assert_helpdesk_page(response, '<html lang="ru">', forbidden)


def test_a_form_without_its_csrf_token_shows_the_helpdesks_own_403_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "a@example.com", "password": "x"})
    assert response.status_code == 403
    assert_helpdesk_page(response, "The form was too old")


def test_a_request_for_an_unknown_host_shows_the_helpdesks_own_400_page(client):
    response = client.get("/accounts/login/", HTTP_HOST="elsewhere.example")
    assert response.status_code == 400
    assert_helpdesk_page(response, "Bad request")


@pytest.mark.urls("tests.helpdesk.error_urls")
def test_a_failure_shows_the_helpdesks_own_500_page_in_the_readers_language():
    client = Client(raise_request_exception=False)
    response = client.get("/fails/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 500
    assert_helpdesk_page(response, '<html lang="ru">', "Ошибка сервера (500)")
