"""The quick start's captured mail is readable by a person (issue 6: "the captured mail is
readable"), Cyrillic included, and the .eml beside it is the exact mail."""

import pytest

from mailgateway.outbound.models import OutboundMail
from tests.factories import open_ticket

pytestmark = pytest.mark.django_db


def test_each_mail_is_written_as_eml_and_as_decoded_text(
    settings, tmp_path, customer, department, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "mailgateway.outbound.backends.ReadableFileBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(customer, department, subject="Сайт не открывается")
    [eml] = sorted((tmp_path / "mail").glob("*.eml"))
    text = eml.with_suffix(".txt").read_text(encoding="utf-8")
    # One conversation (issue 12): the subject the whole thread keeps.
    assert f"Subject: Сайт не открывается [#{ticket.number}]" in text
    assert "To: Иван Петров <ivan@example.ru>" in text
    assert "Здравствуйте, Иван Петров!" in text
    ack = OutboundMail.objects.get(kind="acknowledgement")
    assert eml.read_bytes() == bytes(ack.mime).replace(b"\r\n", b"\n")
