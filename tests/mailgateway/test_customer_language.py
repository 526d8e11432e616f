"""A new customer from mail gets the language of his mail, so that his acknowledgement and
every answer come in it (issue 12, R5, P6, P8)."""

from __future__ import annotations

import email
from email import policy

import pytest

from accounts.models import User
from mailgateway.language import header_language, text_language
from mailgateway.outbound.models import OutboundMail
from tests.mailgateway.conftest import receive_notified
from tests.mailgateway.mails import plain
from tickets.mail import MailKind

pytestmark = pytest.mark.django_db

RUSSIAN = (
    "Здравствуйте! С сегодняшнего утра наш сайт не открывается, браузер пишет, что "
    "сервер не отвечает. Помогите, пожалуйста, разобраться."
)
UKRAINIAN = (
    "Доброго дня! З сьогоднішнього ранку наш сайт не відкривається, браузер пише, що "
    "сервер не відповідає. Допоможіть, будь ласка, розібратися."
)
GERMAN = (
    "Guten Tag, seit heute Morgen ist unsere Website nicht erreichbar, der Browser meldet, "
    "dass der Server nicht antwortet. Können Sie bitte nachsehen?"
)
ENGLISH = (
    "Hello, since this morning our site does not open, the browser says the server does "
    "not answer. Could you please have a look?"
)
ARMENIAN = "Բարև ձեզ, այսօր առավոտից մեր կայքը չի բացվում, սերվերը չի պատասխանում։"


@pytest.mark.parametrize(
    ("text", "language"),
    [(RUSSIAN, "ru"), (UKRAINIAN, "uk"), (GERMAN, "de"), (ENGLISH, "en"), (ARMENIAN, "hy")],
)
def test_the_language_of_a_text_is_recognised_among_ours(text, language):
    assert text_language(text) == language


@pytest.mark.parametrize("text", ["", "ok", "thanks!!", "12345 67890 ..."])
def test_too_little_text_names_no_language(text):
    assert text_language(text) is None


def test_a_text_in_a_language_we_do_not_offer_is_never_named_as_another_by_accident():
    """French: our languages only; a poor match is no match (the default is used)."""
    assert text_language("Bonjour") is None


@pytest.mark.parametrize(
    ("value", "language"),
    [
        ("ru", "ru"),
        ("ru-RU", "ru"),
        ("DE-de", "de"),
        ("uk_UA", "uk"),
        ("fr, de", "de"),
        ("en-GB", "en"),
        ("fr", None),
        ("", None),
        ("../../etc/passwd", None),
        ("ru" * 500, None),
        ("<script>", None),
    ],
)
def test_content_language_names_one_of_ours_or_none(value, language):
    assert header_language(value) == language


def _ack(mail) -> email.message.EmailMessage:
    row = OutboundMail.objects.get(ticket=mail.ticket, kind=MailKind.ACKNOWLEDGEMENT)
    return email.message_from_bytes(bytes(row.mime), policy=policy.default)


def test_a_russian_mail_from_a_new_sender_gets_a_russian_acknowledgement(support):
    mail = receive_notified(
        plain(sender="Пётр Сидоров <petr@example.ru>", subject="Сайт не работает", body=RUSSIAN)
    )
    assert User.objects.get(email="petr@example.ru").language == "ru"
    text = _ack(mail).get_body(("plain",)).get_content()
    assert "Здравствуйте" in text and "Hello" not in text


def test_content_language_wins_over_the_text(support):
    """Written in English by a German customer who declared German: German it is."""
    receive_notified(
        plain(sender="karl@example.de", body=ENGLISH, headers={"Content-Language": "de-DE"})
    )
    assert User.objects.get(email="karl@example.de").language == "de"


def test_an_unknown_content_language_falls_back_to_the_text(support):
    receive_notified(
        plain(sender="oksana@example.ua", body=UKRAINIAN, headers={"Content-Language": "xx"})
    )
    assert User.objects.get(email="oksana@example.ua").language == "uk"


def test_a_short_mail_gives_the_default_language(support, settings):
    receive_notified(plain(sender="short@example.com", subject="?", body="ok"))
    assert User.objects.get(email="short@example.com").language == settings.LANGUAGE_CODE


def test_an_existing_customer_keeps_his_language(support, customer):
    """Ivan chose Russian; one German mail does not change it."""
    customer.language = "ru"
    customer.save()
    receive_notified(plain(sender=customer.email, body=GERMAN))
    customer.refresh_from_db()
    assert customer.language == "ru"
