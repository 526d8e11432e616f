"""Account mails: in the person's language, plain text and HTML, sent only after commit."""

import pytest
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from accounts import mails
from mailgateway.identity import LOOP_HEADER

pytestmark = pytest.mark.django_db


def test_mails_speak_the_recipients_language_with_an_html_part(
    customer, mailoutbox, django_capture_on_commit_callbacks
):
    customer.language = "en"
    with django_capture_on_commit_callbacks(execute=True):
        mails.password_reset(customer)
    [mail] = mailoutbox
    assert mail.subject == "Choose a new password"
    assert "Hello Иван Петров," in mail.body
    html, kind = mail.alternatives[0]
    assert kind == "text/html" and "Иван Петров" in html and 'href="http://' in html
    assert mail.extra_headers[LOOP_HEADER]
    assert mail.extra_headers["X-Auto-Response-Suppress"] == "All"


def test_names_are_not_html_escaped_in_the_text_part(
    customer, mailoutbox, django_capture_on_commit_callbacks
):
    customer.name = 'O\'Brien & "Sons"'
    with django_capture_on_commit_callbacks(execute=True):
        mails.verification(customer)
    assert 'O\'Brien & "Sons"' in mailoutbox[0].body
    assert "&amp;" in mailoutbox[0].alternatives[0][0]


def test_nothing_is_sent_when_the_transaction_rolls_back(
    customer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            mails.verification(customer)
            raise RuntimeError
        mails.password_reset(customer)
    assert len(callbacks) == 1
    assert [m.subject for m in mailoutbox] == [_in(customer.language, "Choose a new password")]


def _in(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)
